"""An applicant's whole journey, in each language: form, confirmation, mail,
status page, and the status page again after staff have moved the inquiry."""

import re

import pytest

from applications.models import Inquiry

JOURNEYS = {
    "en": {
        "html_lang": '<html lang="en">',
        "sent": "Thank you: your inquiry has been sent",
        "mail": "Thank you for your inquiry to Chongqing Industry Polytechnic College",
        "new": ("Received", "Its admissions office has not started handling it yet."),
        "in_review": (
            "Being reviewed",
            "The college&#x27;s admissions office is reading your inquiry.",
        ),
    },
    # The Chinese strings need the compiled Chinese catalogue.
    "zh-hans": {
        "html_lang": '<html lang="zh-Hans">',
        "sent": "谢谢！您的咨询已提交",
        "mail": "感谢您向重庆工业职业技术学院咨询，我们已经收到您的来信。",
        "new": ("已收到", "学校已收到您的咨询，招生办公室尚未开始处理。"),
        "in_review": ("正在审阅", "学校招生办公室正在审阅您的咨询。"),
    },
}


def status_shown(response):
    match = re.search(
        r'<span id="inquiry-status">(.*?)</span>', response.content.decode()
    )
    return match.group(1) if match else None


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_it_takes_an_applicant_from_the_form_to_the_status_page(
    client, chongqing, chen, mailoutbox, django_capture_on_commit_callbacks, language
):
    expected = JOURNEYS[language]
    chongqing.admissions_emails = "intl@cqipc.example"
    chongqing.save()
    programme = chongqing.programmes.first()

    # The college's page leads to the form.
    profile = client.get(f"/{language}/institutions/{chongqing.slug}/")
    form_url = f"/{language}/institutions/{chongqing.slug}/inquire/"
    assert form_url in profile.content.decode()
    form = client.get(form_url)
    assert form.status_code == 200
    assert expected["html_lang"] in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_url,
            {
                "kind": "study",
                "full_name": "Ana Souza",
                "email": "Ana.Souza@example.com",
                "nationality": "BR",
                "program": programme.pk,
                "intake": "",
                "message": "Hello",
                "consent": "on",
                "website": "",
            },
        )
    assert response.status_code == 303
    assert response["Location"] == f"/{language}/inquiries/sent/"

    inquiry = Inquiry.objects.get()
    assert inquiry.language == language
    sent = client.get(response["Location"])
    html = sent.content.decode()
    shown = re.search(r'id="inquiry-reference">([^<]*)<', html).group(1)
    assert shown == inquiry.reference
    assert expected["sent"] in html

    confirmation, notification = mailoutbox
    assert confirmation.to == ["Ana.Souza@example.com"]
    assert inquiry.reference in confirmation.body
    assert expected["mail"] in confirmation.body
    assert f"/{language}/inquiries/status/" in confirmation.body
    assert notification.to == ["intl@cqipc.example"]

    status_url = f"/{language}/inquiries/status/"
    lookup = {"reference": shown, "email": "ana.souza@EXAMPLE.com"}
    page = client.post(status_url, lookup)
    assert status_shown(page) == expected["new"][0]
    assert expected["new"][1] in page.content.decode()

    inquiry.transition_to(Inquiry.Status.IN_REVIEW, by=chen)

    page = client.post(status_url, lookup)
    assert status_shown(page) == expected["in_review"][0]
    assert expected["in_review"][1] in page.content.decode()
