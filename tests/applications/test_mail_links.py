"""The links in an applicant's confirmation lead to the site as it is served,
and the status link opens the status page with the reference filled in."""

import re

import pytest
from django.utils import timezone

from applications.emails import build_confirmation, build_notification
from applications.models import Inquiry

SITE = "http://127.0.0.1:8100"


@pytest.fixture
def inquiry(chongqing, settings):
    settings.SITE_URL = SITE
    chongqing.admissions_emails = "intl@cqipc.example"
    chongqing.save()
    return Inquiry.objects.create(
        institution=chongqing,
        kind=Inquiry.Kind.STUDY,
        full_name="Ana Souza",
        email="ana.souza@example.com",
        nationality="BR",
        language="zh-hans",
        consent_at=timezone.now(),
    )


def links(message):
    return re.findall(r"https?://\S+", message.body)


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "(your reference is already filled in)"),
        ("zh-hans", "（咨询编号已填好）"),
    ],
)
def test_the_confirmation_links_to_the_status_page_with_the_reference(
    inquiry, language, says
):
    inquiry.language = language
    confirmation = build_confirmation(inquiry)
    assert says in confirmation.body
    found = links(confirmation)
    assert found and all(link.startswith(SITE + f"/{language}/") for link in found)
    status = f"{SITE}/{language}/inquiries/status/?reference={inquiry.reference}"
    assert status in found
    for link in found + links(build_notification(inquiry)):
        assert "@" not in link and "ana.souza" not in link  # no address in a URL


def test_the_status_link_fills_in_the_reference_and_looks_nothing_up(inquiry, client):
    status = next(u for u in links(build_confirmation(inquiry)) if "status" in u)
    response = client.get(status.removeprefix(SITE))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{inquiry.reference}"' in html
    assert 'id="inquiry-status"' not in html
    assert "ana.souza@example.com" not in html


@pytest.mark.parametrize(
    "query",
    [
        "reference=" + "K7QM-4XTP" * 50,
        "reference=%00%FF%FE%3Cscript%3E",
        "reference=a&reference=b&email=x@example.com",
        "reference[]=1",
        "reference=%E4%BD%A0%E5%A5%BD%EF%BC%8C",
    ],
)
def test_any_reference_in_the_address_gets_the_form(db, client, query):
    response = client.get("/en/inquiries/status/?" + query)
    assert response.status_code == 200
    assert 'name="reference"' in response.content.decode()
