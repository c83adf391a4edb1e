"""The public inquiry form: fields, rules, errors, the trap, CSRF, duplicates."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications.forms import InquiryForm, intake_choices
from applications.models import Inquiry
from tests.factories import form_data

BEIJING_TECH = "beijing-university-of-technology"


def form_url(institution, language="en"):
    with translation.override(language):
        return reverse("applications:inquire", kwargs={"slug": institution.slug})


def errors_beside(response, field):
    """The messages in the error list tied to ``field``."""
    html = response.content.decode()
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S
    )
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def test_it_shows_the_form(client, chongqing):
    response = client.get(form_url(chongqing))
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "kind",
        "full_name",
        "email",
        "nationality",
        "program",
        "intake",
        "organization",
        "group_size",
        "message",
        "consent",
        "website",
    ):
        assert f'name="{name}"' in html
    assert '<html lang="en">' in html


def test_it_is_linked_from_each_of_the_colleges_pages(client, chongqing):
    url = form_url(chongqing)
    assert url in client.get(chongqing.get_absolute_url()).content.decode()
    section = chongqing.sections.filter(is_published=True).first()
    assert url in client.get(section.get_absolute_url()).content.decode()


def test_it_lists_only_the_colleges_own_programmes(client, chongqing, seeded):
    html = client.get(form_url(chongqing)).content.decode()
    for programme in chongqing.programmes.all():
        assert f'value="{programme.pk}"' in html
    for programme in seeded[BEIJING_TECH].programmes.all():
        assert f'value="{programme.pk}"' not in html


def test_it_shows_country_and_programme_names_in_the_page_language(client, chongqing):
    html = client.get(form_url(chongqing, "zh-hans")).content.decode()
    assert '<html lang="zh-Hans">' in html
    assert ">巴西</option>" in html
    assert chongqing.programmes.first().name_zh_hans in html
    html = client.get(form_url(chongqing)).content.decode()
    assert ">Brazil</option>" in html


def test_it_answers_404_for_an_unknown_college(client, seeded):
    response = client.get("/en/institutions/no-such-college/inquire/")
    assert response.status_code == 404


def test_it_answers_404_for_an_unpublished_college(client, chongqing):
    chongqing.is_published = False
    chongqing.save()
    assert client.get(form_url(chongqing)).status_code == 404
    assert client.post(form_url(chongqing), form_data()).status_code == 404
    assert not Inquiry.objects.exists()


def test_it_saves_a_valid_inquiry_and_redirects_with_303(client, chongqing):
    programme = chongqing.programmes.first()
    term = intake_choices()[1][0]
    before = timezone.now()
    response = client.post(
        form_url(chongqing, "zh-hans"),
        form_data(program=programme.pk, intake=term),
    )
    assert response.status_code == 303
    assert response["Location"] == "/zh-hans/inquiries/sent/"
    inquiry = Inquiry.objects.get()
    assert inquiry.institution == chongqing
    assert inquiry.programme == programme
    assert inquiry.intake == term
    assert inquiry.language == "zh-hans"
    assert inquiry.consent_at >= before
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.duplicate_of is None


def test_it_shows_the_reference_on_the_confirmation_page(client, chongqing):
    response = client.post(form_url(chongqing), form_data(), follow=True)
    inquiry = Inquiry.objects.get()
    html = response.content.decode()
    assert f'<p class="reference" id="inquiry-reference">{inquiry.reference}</p>' in (
        html
    )
    assert reverse("applications:status") in html


def test_the_confirmation_page_names_the_college_in_the_page_language(
    client, chongqing, django_assert_num_queries
):
    client.post(form_url(chongqing), form_data())
    inquiry = Inquiry.objects.get()
    for language, name in (
        ("en", chongqing.name_en),
        ("zh-hans", chongqing.name_zh_hans),
    ):
        with django_assert_num_queries(1):
            html = client.get(f"/{language}/inquiries/sent/").content.decode()
        assert inquiry.reference in html and "ana@example.com" in html
        assert name in html
        assert f'href="/{language}/institutions/{chongqing.slug}/"' in html


def test_it_sends_a_visitor_without_an_inquiry_from_the_confirmation_page(client):
    response = client.get("/en/inquiries/sent/")
    assert response.status_code == 302
    assert response["Location"] == "/en/inquiries/status/"


def test_sending_an_inquiry_writes_no_session(client, chongqing):
    # The confirmation's reference is in a signed cookie: a visitor's inquiry
    # must not fail, or cost a write, for the sake of a session.
    response = client.post(form_url(chongqing), form_data())
    assert response.status_code == 303
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies
    sent = response.cookies["inquiry_sent"]
    assert sent["httponly"] and sent["samesite"] == "Lax"


def test_a_forged_confirmation_cookie_shows_no_inquiry(client, chongqing):
    client.post(form_url(chongqing), form_data(full_name="Ana Real"))
    other = Inquiry.objects.get().reference
    # Someone who writes a reference into the cookie by hand, unsigned.
    stranger = Client()
    stranger.cookies["inquiry_sent"] = other
    response = stranger.get("/en/inquiries/sent/")
    assert response.status_code == 302
    assert response["Location"] == "/en/inquiries/status/"


def test_it_accepts_a_chinese_bridge_delegation(client, chongqing):
    response = client.post(
        form_url(chongqing),
        form_data(
            kind="chinese_bridge", organization="Escola Lusófona", group_size="24"
        ),
    )
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert (inquiry.organization, inquiry.group_size) == ("Escola Lusófona", 24)


def test_it_keeps_a_group_size_only_for_a_delegation(client, chongqing):
    client.post(form_url(chongqing), form_data(kind="language", group_size="3"))
    assert Inquiry.objects.get().group_size is None


def test_it_offers_the_next_spring_and_autumn_terms():
    choices = intake_choices(datetime.date(2026, 4, 10))
    assert [value for value, _label in choices] == [
        "2026-09",
        "2027-03",
        "2027-09",
        "2028-03",
        "2028-09",
        "2029-03",
    ]
    with translation.override("en"):
        assert str(choices[0][1]) == "Autumn 2026 (September)"
    # A term is still offered during the month it starts in.
    assert intake_choices(datetime.date(2026, 9, 30))[0][0] == "2026-09"


def test_it_refuses_a_term_it_does_not_offer(client, chongqing):
    response = client.post(form_url(chongqing), form_data(intake="1999-03"))
    assert response.status_code == 400
    assert errors_beside(response, "intake")
    assert not Inquiry.objects.exists()


BAD_INPUTS = [
    ("missing kind", {"kind": None}, "kind", "This field is required."),
    (
        "bad kind",
        {"kind": "tourism"},
        "kind",
        "Select a valid choice. tourism is not one of the available choices.",
    ),
    (
        "name too long",
        {"full_name": "N" * 201},
        "full_name",
        "Ensure this value has at most 200 characters (it has 201).",
    ),
    ("bad e-mail", {"email": "ana@"}, "email", "Enter a valid email address."),
    (
        "bad nationality",
        {"nationality": "XX"},
        "nationality",
        "Select a valid choice. XX is not one of the available choices.",
    ),
    (
        "organisation missing for chinese_bridge",
        {"kind": "chinese_bridge", "group_size": "20"},
        "organization",
        "Please give the name of the school, college or company you represent.",
    ),
    (
        "organisation missing for partnership",
        {"kind": "partnership"},
        "organization",
        "Please give the name of the school, college or company you represent.",
    ),
    (
        "group size missing",
        {"kind": "chinese_bridge", "organization": "Escola"},
        "group_size",
        "Please give the number of people in the delegation.",
    ),
    (
        "group size 0",
        {"kind": "chinese_bridge", "organization": "Escola", "group_size": "0"},
        "group_size",
        "Ensure this value is greater than or equal to 1.",
    ),
    (
        "group size 501",
        {"kind": "chinese_bridge", "organization": "Escola", "group_size": "501"},
        "group_size",
        "Ensure this value is less than or equal to 500.",
    ),
    (
        "group size not a number",
        {"kind": "chinese_bridge", "organization": "Escola", "group_size": "abc"},
        "group_size",
        "Enter a whole number.",
    ),
    (
        "message too long",
        {"message": "m" * 5001},
        "message",
        "Ensure this value has at most 5000 characters (it has 5001).",
    ),
    (
        "no consent",
        {"consent": None},
        "consent",
        "Please agree to the privacy notice: without it the college cannot answer you.",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_it_refuses_bad_input_beside_the_field(
    client, chongqing, overrides, field, message
):
    data = form_data(**overrides)
    response = client.post(form_url(chongqing), data)
    assert response.status_code == 400
    assert message in errors_beside(response, field)
    html = response.content.decode()
    # The values entered are kept.
    assert f'value="{data["email"]}"' in html
    assert f'value="{data["full_name"]}"' in html
    # The summary at the top links to the field.
    assert 'class="error-summary"' in html
    assert f'href="#id_{field}' in html
    assert not Inquiry.objects.exists()


def test_it_refuses_a_programme_of_another_college(client, chongqing, seeded):
    other = seeded[BEIJING_TECH].programmes.first()
    response = client.post(form_url(chongqing), form_data(program=other.pk))
    assert response.status_code == 400
    assert errors_beside(response, "program") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Inquiry.objects.exists()


def test_it_keeps_the_message_and_the_choices_entered(client, chongqing):
    programme = chongqing.programmes.last()
    response = client.post(
        form_url(chongqing),
        form_data(full_name="", program=programme.pk, message="Dear college"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<option value="{programme.pk}" selected>' in html
    assert '<option value="BR" selected>' in html
    assert "Dear college</textarea>" in html
    assert 'value="study" id="id_kind_0" required checked' in html


def test_it_shows_errors_in_the_page_language(client, chongqing):
    response = client.post(form_url(chongqing, "zh-hans"), form_data(full_name=""))
    assert response.status_code == 400
    # Django's own message, in the plainer words of our catalogue.
    assert errors_beside(response, "full_name") == ["请填写此项。"]


def test_it_shows_its_own_errors_in_chinese(client, chongqing):
    """Needs the compiled Chinese catalogue."""
    response = client.post(form_url(chongqing, "zh-hans"), form_data(consent=None))
    assert errors_beside(response, "consent") == [
        "请勾选同意隐私声明，否则学校无法答复您。"
    ]
    assert "请修改以下内容" in response.content.decode()


def test_it_ties_help_and_errors_to_their_inputs(client, chongqing):
    response = client.post(form_url(chongqing), form_data(email="nope"))
    html = response.content.decode()
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<label for="id_email">' in html
    assert "<legend>" in html


@pytest.mark.parametrize(
    "overrides",
    [
        {"program": "abc"},
        {"program": "99999999999999999999999"},
        {"group_size": "1e99", "kind": "chinese_bridge", "organization": "x"},
        {"group_size": "-1", "kind": "chinese_bridge", "organization": "x"},
        {"full_name": "Ana\x00"},
        {"nationality": "br"},
        {"intake": "x" * 500},
        {"email": "a" * 400 + "@example.com"},
        {"kind": ""},
        {"consent": "maybe", "full_name": "😀" * 200},
    ],
)
def test_it_never_answers_500(client, chongqing, overrides):
    response = client.post(form_url(chongqing), form_data(**overrides))
    assert response.status_code in (303, 400)


def test_it_saves_nothing_when_the_trap_is_filled(
    client, chongqing, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_url(chongqing), form_data(website="http://spam.example")
        )
    assert response.status_code == 400
    assert not Inquiry.objects.exists()
    assert mailoutbox == []
    # The trap comes back empty, for a person whose browser filled it in.
    assert 'name="website" id="id_website" value=""' in response.content.decode()


def test_it_hides_the_trap_from_people(client, chongqing):
    html = client.get(form_url(chongqing)).content.decode()
    trap = re.search(
        r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S
    ).group(1)
    assert 'name="website"' in trap
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap


def test_it_refuses_a_post_without_a_csrf_token(chongqing):
    client = Client(enforce_csrf_checks=True)
    response = client.post(form_url(chongqing), form_data())
    assert response.status_code == 403
    assert not Inquiry.objects.exists()


def test_it_works_with_a_csrf_token(chongqing):
    client = Client(enforce_csrf_checks=True)
    client.get(form_url(chongqing))
    token = client.cookies["csrftoken"].value
    response = client.post(form_url(chongqing), form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 303


def test_it_shows_every_field_without_javascript(client, chongqing):
    html = client.get(form_url(chongqing)).content.decode()
    # Nothing is hidden by the server; the script hides what does not apply.
    for field, kinds in (
        ("program", "study language"),
        ("intake", "study language partnership"),
        ("start_date", "chinese_bridge"),
        ("end_date", "chinese_bridge"),
    ):
        assert f'id="field-{field}" data-kinds="{kinds}">' in html
    for field, kinds in (
        ("organization", "chinese_bridge partnership"),
        ("group_size", "chinese_bridge"),
    ):
        assert (
            f'id="field-{field}" data-kinds="{kinds}" data-required-kinds="{kinds}">'
        ) in html
    for field in ("full_name", "email", "nationality", "phone", "message"):
        assert f'id="field-{field}">' in html
    assert "(required for delegations and partnerships)" in html
    assert "(required for delegations)" in html
    assert " hidden" not in html.split("<form", 1)[1].split("</form>")[0]
    assert "Required for a Chinese Bridge delegation" in html
    assert "js/inquiry.js" in html


def test_it_links_the_privacy_notice(client, chongqing):
    html = client.get(form_url(chongqing, "zh-hans")).content.decode()
    assert 'href="/zh-hans/privacy/"' in html


def test_it_shows_the_privacy_notice_in_both_languages(client, db):
    response = client.get("/en/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The admissions staff of the college you write to" in html
    assert "reply to the confirmation e-mail" in html.lower()
    response = client.get("/zh-hans/privacy/")
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_it_shows_the_privacy_notice_in_chinese(client, db):
    """Needs the compiled Chinese catalogue."""
    html = client.get("/zh-hans/privacy/").content.decode()
    assert "仅限您所咨询院校的招生工作人员，以及负责运营本平台的少数管理员。" in html


def test_it_flags_a_possible_duplicate(client, chongqing):
    client.post(form_url(chongqing), form_data())
    client.post(form_url(chongqing), form_data(email="ANA@Example.com"))
    client.post(form_url(chongqing), form_data(email="Ana@example.com"))
    first, second, third = Inquiry.objects.order_by("created_at", "pk")
    assert first.duplicate_of is None
    assert second.duplicate_of == first
    # The most recent earlier one, and none is dropped.
    assert third.duplicate_of == second
    assert Inquiry.objects.count() == 3


def test_it_does_not_flag_an_inquiry_older_than_30_days(client, chongqing):
    client.post(form_url(chongqing), form_data())
    Inquiry.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    client.post(form_url(chongqing), form_data())
    assert Inquiry.objects.order_by("-created_at").first().duplicate_of is None


def test_it_does_not_flag_an_inquiry_to_another_college(client, chongqing, jinhua):
    client.post(form_url(jinhua), form_data())
    client.post(form_url(chongqing), form_data())
    assert Inquiry.objects.get(institution=chongqing).duplicate_of is None


def test_it_counts_a_line_break_as_one_character(client, chongqing):
    # Browsers send CR LF for each line break, but count it as one.
    message = "line\r\n" * 833 + "end"
    response = client.post(form_url(chongqing), form_data(message=message))
    assert response.status_code == 303
    assert Inquiry.objects.get().message == ("line\n" * 833 + "end")


def test_it_offers_no_programme_list_where_the_college_names_none(client, jinhua):
    url = f"/en/institutions/{jinhua.slug}/inquire/"
    assert not jinhua.programmes.exists()
    assert 'name="program"' not in client.get(url).content.decode()
    response = client.post(url, form_data(program="1"))
    assert response.status_code == 303
    assert Inquiry.objects.get().programme is None


def test_the_form_reads_the_programme_list_once(chongqing, django_assert_num_queries):
    assert chongqing.programmes.exists()
    # A POST without a programme: the list, and Django's check of each of
    # the model's three check constraints (kind, group size, visit dates: a
    # query each, within a savepoint of its own).
    with django_assert_num_queries(10):
        form = InquiryForm(form_data(), institution=chongqing)
        assert form.is_valid(), form.errors
    # The page: the same one query.
    with django_assert_num_queries(1):
        html = str(InquiryForm(institution=chongqing)["program"])
    for programme in chongqing.programmes.all():
        assert f'<option value="{programme.pk}">{programme.name_en}</option>' in html


def test_the_programme_list_is_in_the_pages_language_or_else_in_english(chongqing):
    first, second = chongqing.programmes.all()[:2]
    second.name_zh_hans = ""
    second.save()
    with translation.override("zh-hans"):
        html = str(InquiryForm(institution=chongqing)["program"])
    assert f'<option value="{first.pk}">{first.name_zh_hans}</option>' in html
    assert f'<option value="{second.pk}">{second.name_en}</option>' in html


def test_a_programme_of_another_college_is_refused(chongqing, seeded):
    other = seeded["beijing-polytechnic-university"].programmes.first()
    form = InquiryForm(form_data(program=other.pk), institution=chongqing)
    assert not form.is_valid()
    assert "program" in form.errors


def test_the_form_refuses_a_country_that_does_not_exist(client, chongqing):
    response = client.post(form_url(chongqing), form_data(nationality="XX"))
    assert response.status_code == 400
    assert errors_beside(response, "nationality")
    assert not Inquiry.objects.exists()
