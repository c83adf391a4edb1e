"""Mail that failed is sent later by `send_pending_mail`, each mail once."""

import datetime
from io import StringIO
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications import emails
from applications.models import Inquiry
from tests.factories import make_inquiry

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
UNREACHABLE = SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def college(chongqing):
    chongqing.admissions_emails = "intl@cqipc.example"
    chongqing.save()
    return chongqing


def run(*args):
    out = StringIO()
    call_command("send_pending_mail", *args, stdout=out)
    return out.getvalue()


def failed_once(college, **fields):
    inquiry = make_inquiry(college, **fields)
    with mock.patch(SEND, side_effect=UNREACHABLE):
        assert emails.send_inquiry_mails(inquiry) is False
    inquiry.refresh_from_db()
    return inquiry


def make_due(inquiry):
    Inquiry.objects.filter(pk=inquiry.pk).update(
        mail_retry_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_failure_is_recorded_with_the_time_of_the_next_try(college, settings):
    settings.MAIL_RETRY_SECONDS = 300
    before = timezone.now()
    inquiry = failed_once(college)
    assert inquiry.confirmation_sent_at is None
    assert inquiry.notification_sent_at is None
    assert inquiry.mail_attempts == 1
    assert inquiry.mail_claimed_until is None
    wait = inquiry.mail_retry_at - before
    assert datetime.timedelta(seconds=300) <= wait < datetime.timedelta(seconds=360)
    assert "Connection unexpectedly closed" in inquiry.mail_error
    assert "attempt 1, next try" in inquiry.mail_error


def test_the_command_waits_out_the_delay_then_sends_each_mail_once(college, mailoutbox):
    inquiry = failed_once(college)
    assert run() == ""
    assert mailoutbox == []

    make_due(inquiry)
    assert "now sent: 1; still failing: 0" in run()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "intl@cqipc.example",
        inquiry.email,
    ]
    inquiry.refresh_from_db()
    assert inquiry.confirmation_sent_at and inquiry.notification_sent_at
    assert inquiry.mail_error == "" and inquiry.mail_retry_at is None

    # Idempotent: nothing is left, nothing more goes out.
    assert run("--now") == ""
    assert len(mailoutbox) == 2


def test_now_does_not_wait_for_the_delay(college, mailoutbox):
    failed_once(college)
    run("--now")
    assert len(mailoutbox) == 2


def test_the_delay_doubles_and_the_tries_end(college, mailoutbox, settings):
    settings.MAIL_RETRY_SECONDS = 60
    settings.MAIL_MAX_ATTEMPTS = 3
    assert [emails.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert emails.retry_delay(30).total_seconds() == 6 * 3600

    inquiry = failed_once(college)
    with mock.patch(SEND, side_effect=UNREACHABLE):
        assert "still failing: 1" in run("--now")
        assert "still failing: 1" in run("--now")
        assert run("--now") == ""  # three failed rounds: no more automatic tries
    inquiry.refresh_from_db()
    assert inquiry.mail_attempts == 3
    assert inquiry.mail_retry_at is None
    assert "no more automatic tries" in inquiry.mail_error
    # The admin's retry still sends it.
    assert emails.send_inquiry_mails(inquiry) is True
    assert len(mailoutbox) == 2


def test_it_sends_only_the_mail_still_unsent(college, mailoutbox):
    inquiry = make_inquiry(college)
    with mock.patch(SEND, side_effect=[1, UNREACHABLE]):
        emails.send_inquiry_mails(inquiry)
    inquiry.refresh_from_db()
    assert inquiry.confirmation_sent_at is not None
    assert inquiry.notification_sent_at is None
    run("--now")
    assert [m.to for m in mailoutbox] == [["intl@cqipc.example"]]


def test_mail_held_by_another_sender_is_left_to_it(college, mailoutbox):
    inquiry = failed_once(college)
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Inquiry.objects.filter(pk=inquiry.pk).update(mail_claimed_until=soon)
    assert "held by another sender: 1" in run("--now")
    assert mailoutbox == []
    assert emails.send_inquiry_mails(inquiry) is False  # the admin too
    assert mailoutbox == []

    # A sender that died: its claim lapses and the mail goes out.
    lapsed = timezone.now() - datetime.timedelta(seconds=1)
    Inquiry.objects.filter(pk=inquiry.pk).update(mail_claimed_until=lapsed)
    assert "now sent: 1" in run("--now")
    assert len(mailoutbox) == 2


def test_it_never_writes_to_an_anonymised_inquiry(college, mailoutbox):
    failed_once(college, anonymised_at=timezone.now(), email="")
    assert run("--now") == ""
    assert mailoutbox == []


def test_a_mail_that_was_sent_is_recorded_even_if_recording_the_rest_fails(
    college, mailoutbox
):
    inquiry = make_inquiry(college)
    real_save = Inquiry.save

    def failing_save(self, *args, **kwargs):
        if "mail_error" in kwargs.get("update_fields", ()):
            raise RuntimeError("database went away")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Inquiry, "save", failing_save):
        assert emails.deliver(inquiry) == emails.FAILED
    assert len(mailoutbox) == 2
    inquiry.refresh_from_db()
    # Both were accepted by the mail server and recorded at once: no resend.
    assert inquiry.confirmation_sent_at and inquiry.notification_sent_at
    Inquiry.objects.filter(pk=inquiry.pk).update(mail_claimed_until=None)
    assert run("--now") == ""
    assert len(mailoutbox) == 2
