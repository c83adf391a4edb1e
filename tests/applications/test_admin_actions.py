"""What staff do from the inquiry list and the change page."""

import types
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from applications import emails
from applications.models import Inquiry
from tests.factories import make_inquiry

LIST = reverse("admin:applications_inquiry_changelist")


def change_url(inquiry, view="change"):
    return reverse(f"admin:applications_inquiry_{view}", args=[inquiry.pk])


def act(client, action, *inquiries):
    response = client.post(
        LIST, {"action": action, "_selected_action": [i.pk for i in inquiries]}
    )
    return response, [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def mails(monkeypatch):
    """Replace ``applications.emails.send_inquiry_mails``; ``results`` says
    what each call returns."""
    calls = []
    state = {"result": True}

    def fake(inquiry):
        calls.append(inquiry.pk)
        if not state["result"]:
            Inquiry.objects.filter(pk=inquiry.pk).update(mail_error="SMTP refused")
        else:
            Inquiry.objects.filter(pk=inquiry.pk).update(
                mail_error="",
                confirmation_sent_at=timezone.now(),
                notification_sent_at=timezone.now(),
            )
        return state["result"]

    monkeypatch.setattr(emails, "send_inquiry_mails", fake)
    return types.SimpleNamespace(calls=calls, state=state)


# -- bulk moves ----------------------------------------------------------------------


def test_it_moves_the_allowed_and_reports_the_refused(client, chen, chongqing):
    first = make_inquiry(chongqing)
    second = make_inquiry(chongqing)
    enrolled = make_inquiry(chongqing, status="enrolled")
    client.force_login(chen)

    response, messages = act(client, "move_to_in_review", first, second, enrolled)

    assert response.status_code == 302
    for inquiry in (first, second, enrolled):
        inquiry.refresh_from_db()
    assert (first.status, second.status, enrolled.status) == (
        "in_review",
        "in_review",
        "enrolled",
    )
    assert first.events.get().by == chen
    assert not enrolled.events.exists()
    assert "2 inquiries moved to “In review”." in messages
    assert any(
        m.startswith(f"1 inquiry refused ({enrolled.reference})") and "Enrolled" in m
        for m in messages
    )


def test_it_marks_spam_from_any_open_status(client, chen, chongqing):
    inquiries = [
        make_inquiry(chongqing, status=s)
        for s in ("new", "in_review", "contacted", "application_invited")
    ]
    client.force_login(chen)

    _response, messages = act(client, "move_to_spam", *inquiries)

    assert set(Inquiry.objects.values_list("status", flat=True)) == {"spam"}
    assert "4 inquiries moved to “Spam”." in messages
    for inquiry in inquiries:
        assert inquiry.events.get().to_status == "spam"


def test_it_lets_a_superuser_reopen_in_bulk_but_not_an_officer(
    client, root, chen, chongqing
):
    spam = make_inquiry(chongqing, status="spam")

    client.force_login(chen)
    act(client, "move_to_in_review", spam)
    spam.refresh_from_db()
    assert spam.status == "spam"

    client.force_login(root)
    act(client, "move_to_in_review", spam)
    spam.refresh_from_db()
    assert spam.status == "in_review"


# -- the change page ------------------------------------------------------------------


def test_it_keeps_the_applicants_submission_read_only(client, chen, chongqing):
    inquiry = make_inquiry(chongqing, message="I would like to study welding.")
    client.force_login(chen)

    response = client.post(
        change_url(inquiry),
        {
            "assigned_to": chen.pk,
            "internal_notes": "Strong candidate",
            "full_name": "Someone Else",
            "message": "Changed",
            "status": "enrolled",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    inquiry.refresh_from_db()
    assert inquiry.assigned_to == chen
    assert inquiry.internal_notes == "Strong candidate"
    assert inquiry.full_name == "王小明"
    assert inquiry.message == "I would like to study welding."
    assert inquiry.status == "new"


def test_it_assigns_only_to_staff_of_the_inquirys_college(client, chen, jin, chongqing):
    inquiry = make_inquiry(chongqing)
    client.force_login(chen)

    response = client.post(
        change_url(inquiry),
        {
            "assigned_to": jin.pk,
            "internal_notes": "",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200  # the form again, with an error
    inquiry.refresh_from_db()
    assert inquiry.assigned_to is None


def test_it_does_not_offer_to_add_an_inquiry(client, chen, root):
    for user in (chen, root):
        client.force_login(user)
        assert client.get(reverse("admin:applications_inquiry_add")).status_code == 403


# -- assignment and "mine" -------------------------------------------------------------


def test_it_assigns_to_me_and_filters_mine(client, chen, chongqing):
    mine = make_inquiry(chongqing, full_name="Assigned Applicant")
    other = make_inquiry(chongqing, full_name="Unassigned Applicant")
    client.force_login(chen)

    _response, messages = act(client, "assign_to_me", mine)

    assert messages == ["1 inquiry assigned to you."]
    html = client.get(LIST, {"assigned": "mine"}).content.decode()
    assert mine.reference in html
    assert other.reference not in html
    html = client.get(LIST, {"assigned": "nobody"}).content.decode()
    assert other.reference in html
    assert mine.reference not in html


# -- the list's columns, search and flags ----------------------------------------------


def test_it_shows_how_long_an_open_inquiry_has_waited(client, chen, chongqing):
    old = make_inquiry(chongqing, status_changed_at=timezone.now() - timedelta(days=12))
    fresh = make_inquiry(
        chongqing, status_changed_at=timezone.now() - timedelta(days=2)
    )
    client.force_login(chen)

    html = client.get(LIST).content.decode()

    assert '<strong class="inquiry-overdue">12 days</strong>' in html
    assert "2 days" in html
    overdue = client.get(LIST, {"attention": "overdue"}).content.decode()
    assert old.reference in overdue
    assert fresh.reference not in overdue
    # The waiting column: the fifth, since an officer of one college has no
    # college column.
    ordered = client.get(LIST, {"o": "5"}).content.decode()
    assert ordered.index(old.reference) < ordered.index(fresh.reference)


def test_it_shows_the_applicants_language(client, chen, chongqing):
    make_inquiry(chongqing, language="zh-hans")
    client.force_login(chen)

    html = client.get(LIST, {"language__exact": "zh-hans"}).content.decode()

    assert "Simplified Chinese" in html


def test_it_finds_an_inquiry_by_a_reference_typed_loosely(client, chen, chongqing):
    inquiry = make_inquiry(chongqing)
    other = make_inquiry(chongqing)
    client.force_login(chen)

    typed = inquiry.reference.replace("-", " ").lower()
    html = client.get(LIST, {"q": typed}).content.decode()

    assert inquiry.reference in html
    assert other.reference not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("王小明", "full_name"),
        ("wang@example.com", "email"),
        ("Lanka Trading", "organization"),
    ],
)
def test_it_searches_names_emails_and_organisations(
    client, chen, chongqing, query, field
):
    found = make_inquiry(
        chongqing,
        full_name="王小明",
        email="wang@example.com",
        organization="Lanka Trading",
    )
    missed = make_inquiry(chongqing, full_name="Li Lei", email="li@example.com")
    client.force_login(chen)

    html = client.get(LIST, {"q": query}).content.decode()

    assert found.reference in html
    assert missed.reference not in html


# The filter is written differently for a superuser and for an officer (see
# AttentionFilter): the same rows either way.
@pytest.mark.parametrize("who", ["chen", "root"])
def test_it_flags_and_links_possible_duplicates_both_ways(
    client, chongqing, who, request
):
    first = make_inquiry(chongqing, email="same@example.com")
    second = make_inquiry(chongqing, email="same@example.com", duplicate_of=first)
    alone = make_inquiry(chongqing, email="alone@example.com")
    client.force_login(request.getfixturevalue(who))

    html = client.get(LIST, {"attention": "duplicate"}).content.decode()
    assert first.reference in html
    assert second.reference in html
    assert alone.reference not in html
    assert html.count("possible duplicate</span>") == 2

    first_page = client.get(change_url(first)).content.decode()
    second_page = client.get(change_url(second)).content.decode()
    assert f'href="{change_url(second)}"' in first_page
    assert f'href="{change_url(first)}"' in second_page


# -- mail ----------------------------------------------------------------------------


def test_it_shows_a_mail_failure_and_retries_it_from_the_button(
    client, chen, chongqing, mails
):
    inquiry = make_inquiry(chongqing, mail_error="Confirmation not sent (SMTPError)")
    client.force_login(chen)

    assert "mail failed" in client.get(LIST).content.decode()
    page = client.get(change_url(inquiry)).content.decode()
    assert "Confirmation not sent (SMTPError)" in page
    assert change_url(inquiry, "retry_mail") in page

    response = client.post(change_url(inquiry, "retry_mail"))

    assert mails.calls == [inquiry.pk]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The mail has been sent."
    ]
    inquiry.refresh_from_db()
    assert inquiry.mail_error == ""


def test_it_reports_a_retry_that_fails_again(client, chen, chongqing, mails):
    inquiry = make_inquiry(chongqing, mail_error="old")
    mails.state["result"] = False
    client.force_login(chen)

    response = client.post(change_url(inquiry, "retry_mail"))

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The mail could not be sent: SMTP refused"
    ]


def test_it_retries_mail_in_bulk_for_those_with_mail_pending(
    client, chen, chongqing, mails
):
    failed = make_inquiry(chongqing, mail_error="boom")
    sent = make_inquiry(
        chongqing,
        confirmation_sent_at=timezone.now(),
        notification_sent_at=timezone.now(),
    )
    spam = make_inquiry(chongqing, status="spam", mail_error="boom")
    client.force_login(chen)

    _response, messages = act(client, "retry_mail", failed, sent, spam)

    assert mails.calls == [failed.pk]
    assert messages == ["Mail sent for 1 inquiry."]


def test_it_renders_every_page_for_staff_who_choose_chinese(client, chen, chongqing):
    inquiry = make_inquiry(chongqing, mail_error="boom")
    client.force_login(chen)
    client.cookies["django_language"] = "zh-hans"

    for url in (
        LIST,
        change_url(inquiry),
        reverse("admin:applications_inquiry_dashboard"),
        reverse("admin:index"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert 'lang="zh-hans"' in response.content.decode()
