"""The status page: reference and e-mail together, or nothing at all."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Inquiry

STATUS_URL = "/en/inquiries/status/"


@pytest.fixture
def inquiry(chongqing):
    return Inquiry.objects.create(
        institution=chongqing,
        kind=Inquiry.Kind.STUDY,
        full_name="Ana Souza",
        email="Ana.Souza@Example.com",
        nationality="BR",
        language="en",
        consent_at=timezone.now(),
    )


def look_up(client, reference, email, url=STATUS_URL):
    return client.post(url, {"reference": reference, "email": email})


def status_shown(response):
    match = re.search(
        r'<span id="inquiry-status">(.*?)</span>', response.content.decode()
    )
    return match.group(1) if match else None


def test_it_shows_an_empty_form(client, db):
    response = client.get(STATUS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reference"' in html
    assert 'name="email"' in html
    assert 'method="post"' in html


def test_it_shows_the_status_in_plain_words(client, inquiry):
    response = look_up(client, inquiry.reference, inquiry.email)
    assert response.status_code == 200
    assert status_shown(response) == "Received"
    html = response.content.decode()
    assert "Its admissions office has not started handling it yet." in html
    assert inquiry.institution.name in html
    assert 'id="inquiry-status-changed"' in html


def test_it_compares_the_email_without_regard_to_case(client, inquiry):
    response = look_up(client, inquiry.reference, "ana.souza@example.COM")
    assert status_shown(response) == "Received"


def test_it_reads_a_reference_typed_carelessly(client, inquiry):
    typed = inquiry.reference.replace("-", " ").lower()
    assert status_shown(look_up(client, typed, inquiry.email)) == "Received"


def test_it_shows_the_latest_status_and_its_date(client, inquiry, root):
    inquiry.transition_to(Inquiry.Status.IN_REVIEW, by=root)
    response = look_up(client, inquiry.reference, inquiry.email)
    assert status_shown(response) == "Being reviewed"
    changed = timezone.localtime(inquiry.status_changed_at)
    assert f'datetime="{changed.isoformat()}"' in response.content.decode()


def test_it_shows_spam_as_merely_closed(client, inquiry, root):
    inquiry.transition_to(Inquiry.Status.SPAM, by=root)
    response = look_up(client, inquiry.reference, inquiry.email)
    assert status_shown(response) == "Closed"
    assert "spam" not in response.content.decode().lower().replace("spam folder", "")


def _normalised(response, *typed):
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    for value in typed:
        html = html.replace(f'value="{value}"', 'value=""')
    return html


def test_it_gives_the_same_answer_for_a_wrong_reference_and_a_wrong_email(
    client, inquiry
):
    other = Inquiry.objects.create(
        institution=inquiry.institution,
        kind=Inquiry.Kind.STUDY,
        full_name="Bo",
        email="bo@example.com",
        nationality="CN",
        consent_at=timezone.now(),
    )
    wrong_reference = look_up(client, other.reference, inquiry.email)
    wrong_email = look_up(client, inquiry.reference, "someone@example.com")
    unknown_reference = look_up(client, "ZZZZ-ZZZZ", inquiry.email)
    assert wrong_reference.status_code == wrong_email.status_code == 200
    assert unknown_reference.status_code == 200
    expected = _normalised(wrong_email, inquiry.reference, "someone@example.com")
    assert _normalised(wrong_reference, other.reference, inquiry.email) == expected
    assert _normalised(unknown_reference, "ZZZZ-ZZZZ", inquiry.email) == expected
    assert "We could not find an inquiry" in expected
    for response in (wrong_reference, wrong_email, unknown_reference):
        assert status_shown(response) is None
        assert "Ana Souza" not in response.content.decode()


def test_it_treats_a_malformed_reference_as_not_found(client, inquiry):
    response = look_up(client, "hello", inquiry.email)
    assert response.status_code == 200
    assert "We could not find an inquiry" in response.content.decode()


def test_it_does_not_look_anything_up_from_the_address_bar(client, inquiry):
    response = client.get(
        STATUS_URL, {"reference": inquiry.reference, "email": inquiry.email}
    )
    assert status_shown(response) is None
    # The reference from a confirmation link is filled in, nothing more.
    assert f'value="{inquiry.reference}"' in response.content.decode()
    assert inquiry.email not in response.content.decode()


def test_it_asks_for_both_fields(client, inquiry):
    response = client.post(STATUS_URL, {"reference": inquiry.reference})
    assert response.status_code == 400
    assert status_shown(response) is None
    assert 'id="id_email_error"' in response.content.decode()


def test_it_is_rate_limited_like_the_form(client, inquiry, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    assert look_up(client, inquiry.reference, "x@example.com").status_code == 200
    assert look_up(client, inquiry.reference, "y@example.com").status_code == 200
    response = look_up(client, inquiry.reference, inquiry.email)
    assert response.status_code == 429
    assert status_shown(response) is None


def test_it_refuses_a_post_without_a_csrf_token(inquiry):
    client = Client(enforce_csrf_checks=True)
    response = look_up(client, inquiry.reference, inquiry.email)
    assert response.status_code == 403


def test_it_is_never_cached(client, inquiry):
    response = look_up(client, inquiry.reference, inquiry.email)
    assert "no-store" in response["Cache-Control"]


def test_it_shows_the_status_in_chinese(client, inquiry):
    """Needs the compiled Chinese catalogue."""
    response = look_up(
        client, inquiry.reference, inquiry.email, "/zh-hans/inquiries/status/"
    )
    assert status_shown(response) == "已收到"
    assert "招生办公室尚未开始处理" in response.content.decode()


# -- guessing ------------------------------------------------------------------


def _lookup_costs(client, reference, email):
    """The answer, and the queries of the look-up itself: those that read
    the inquiries (a found one then reads its timeline, which a wrong guess
    never reaches)."""
    with CaptureQueriesContext(connection) as queries:
        response = look_up(client, reference, email)
    table = connection.ops.quote_name(Inquiry._meta.db_table)
    return response, sum(
        f"FROM {table}" in query["sql"] for query in queries.captured_queries
    )


def test_every_kind_of_mismatch_gets_the_same_answer_after_the_same_work(
    client, inquiry
):
    # Flagged as anonymised, its address not yet blanked: still not found.
    anonymised = Inquiry.objects.create(
        institution=inquiry.institution,
        kind=Inquiry.Kind.STUDY,
        full_name="Kim",
        email="kim@example.com",
        nationality="CN",
        consent_at=timezone.now(),
        anonymised_at=timezone.now(),
    )
    guesses = {
        "unknown reference": ("ZZZZ-ZZZZ", inquiry.email),
        "known reference, wrong e-mail": (inquiry.reference, "eve@example.com"),
        "malformed reference": ("hello", inquiry.email),
        "anonymised inquiry": (anonymised.reference, "kim@example.com"),
    }
    answers = {}
    for kind, (reference, email) in guesses.items():
        response, query_count = _lookup_costs(client, reference, email)
        assert response.status_code == 200, kind
        assert status_shown(response) is None, kind
        answers[kind] = (_normalised(response, reference, email), query_count)

    bodies = {body for body, _count in answers.values()}
    counts = {kind: count for kind, (_body, count) in answers.items()}
    assert len(bodies) == 1
    assert "We could not find an inquiry" in bodies.pop()
    assert len(set(counts.values())) == 1, counts

    # The right pair costs the same query, and is found.
    found, query_count = _lookup_costs(client, inquiry.reference, inquiry.email)
    assert status_shown(found) == "Received"
    assert query_count == counts["unknown reference"]


def test_an_anonymised_inquiry_is_not_found_even_with_an_empty_address(inquiry):
    from applications.forms import StatusLookupForm

    Inquiry.objects.filter(pk=inquiry.pk).update(email="", anonymised_at=timezone.now())
    form = StatusLookupForm({"reference": inquiry.reference, "email": "a@b.example"})
    assert form.is_valid()
    # Straight at the lookup: the form would refuse an empty address first.
    form.cleaned_data["email"] = ""
    assert form.find() is None


def test_guessing_references_is_cut_off_after_the_limit(client, inquiry, settings):
    settings.INQUIRY_RATE_LIMIT = 3
    settings.INQUIRY_RATE_WINDOW = 600
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert look_up(client, guess, inquiry.email).status_code == 200

    # Even the right pair gets no answer now: the limit is per address, not
    # per reference.
    response = look_up(client, inquiry.reference, inquiry.email)
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert status_shown(response) is None
    assert inquiry.full_name not in response.content.decode()
