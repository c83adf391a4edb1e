"""Mail about an inquiry: after the commit, in the applicant's language, and
never at the cost of the inquiry itself."""

from smtplib import SMTPException
from unittest import mock

import pytest
from django.utils import timezone

from applications.emails import schedule_inquiry_mails, send_inquiry_mails
from applications.models import Inquiry
from tests.factories import form_data

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


@pytest.fixture
def college(chongqing):
    chongqing.admissions_emails = "intl@cqipc.example, admissions@cqipc.example"
    chongqing.save()
    return chongqing


def make_inquiry(institution, **fields):
    values = {
        "kind": Inquiry.Kind.STUDY,
        "full_name": "Seán O'Brien",
        "email": "sean@example.com",
        "nationality": "IE",
        "language": "en",
        "consent_at": timezone.now(),
        "programme": institution.programmes.first(),
        "intake": "2027-09",
        "message": "Is there a dormitory? <yes> & more",
    }
    values.update(fields)
    return Inquiry.objects.create(institution=institution, **values)


def test_it_sends_a_confirmation_and_a_notification(college, mailoutbox):
    inquiry = make_inquiry(college)
    assert send_inquiry_mails(inquiry) is True
    confirmation, notification = mailoutbox
    assert confirmation.to == ["sean@example.com"]
    assert confirmation.reply_to == college.admissions_email_list
    assert inquiry.reference in confirmation.subject
    assert inquiry.reference in confirmation.body
    assert "http://" in confirmation.body and "/en/inquiries/status/" in (
        confirmation.body
    )
    # Sent to whatever address was typed: nothing the sender wrote.
    assert "Seán" not in confirmation.body and "O'Brien" not in confirmation.body
    assert "dormitory" not in confirmation.body
    assert notification.to == ["intl@cqipc.example", "admissions@cqipc.example"]
    assert notification.reply_to == ["sean@example.com"]
    assert inquiry.reference in notification.subject
    assert "sean@example.com" in notification.body

    inquiry.refresh_from_db()
    assert inquiry.confirmation_sent_at is not None
    assert inquiry.notification_sent_at is not None
    assert inquiry.mail_error == ""


def test_it_writes_to_the_applicant_in_their_language(college, mailoutbox):
    inquiry = make_inquiry(college, language="zh-hans")
    send_inquiry_mails(inquiry)
    confirmation = mailoutbox[0]
    # Names from the college's own Chinese material and django-countries.
    assert college.name_zh_hans in confirmation.body
    assert "/zh-hans/inquiries/status/" in confirmation.body


def test_it_writes_the_chinese_confirmation_in_chinese(college, mailoutbox):
    """Needs the compiled Chinese catalogue."""
    inquiry = make_inquiry(college, language="zh-hans")
    send_inquiry_mails(inquiry)
    confirmation = mailoutbox[0]
    assert "感谢您向重庆工业职业技术学院咨询" in confirmation.body
    assert "如需删除您的信息，直接回复本邮件说明即可。" in confirmation.body
    assert confirmation.subject.startswith("您向重庆工业职业技术学院提交的咨询")


def test_it_writes_to_the_college_in_english_and_chinese(college, mailoutbox):
    inquiry = make_inquiry(college, language="zh-hans")
    send_inquiry_mails(inquiry)
    notification = mailoutbox[1]
    assert f"A new inquiry to {college.name_en}" in notification.body
    assert college.name_zh_hans in notification.body
    # The kind and the applicant's language, labelled in each language.
    assert "About: Degree or major study" in notification.body
    assert "Applicant's language: Simplified Chinese" in notification.body
    assert "咨询类别：学历或专业学习" in notification.body
    assert "申请人使用的语言：简体中文" in notification.body
    assert "Nationality: Ireland (IE)" in notification.body
    assert "国籍：爱尔兰（IE）" in notification.body
    assert "Degree or major study" in notification.subject


def test_it_sends_nothing_until_the_inquiry_is_committed(
    college, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        schedule_inquiry_mails(make_inquiry(college))
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 2


def test_it_keeps_the_inquiry_when_mail_fails_and_sends_it_later(
    college, mailoutbox, django_capture_on_commit_callbacks, client
):
    data = form_data()
    url = f"/en/institutions/{college.slug}/inquire/"
    with mock.patch(SEND, side_effect=SMTPException("Connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.confirmation_sent_at is None
    assert inquiry.notification_sent_at is None
    assert "confirmation to applicant not sent" in inquiry.mail_error
    assert "notification to college not sent" in inquiry.mail_error
    assert "Connection refused" in inquiry.mail_error
    assert mailoutbox == []

    assert send_inquiry_mails(inquiry) is True
    inquiry.refresh_from_db()
    assert inquiry.mail_error == ""
    assert inquiry.confirmation_sent_at and inquiry.notification_sent_at
    assert len(mailoutbox) == 2


def test_it_sends_only_what_is_still_unsent(college, mailoutbox):
    inquiry = make_inquiry(college)
    real_send = mock.Mock(side_effect=[1, SMTPException("Mailbox full")])
    with mock.patch(SEND, real_send):
        assert send_inquiry_mails(inquiry) is False
    inquiry.refresh_from_db()
    assert inquiry.confirmation_sent_at is not None
    assert inquiry.notification_sent_at is None
    assert "notification to college not sent" in inquiry.mail_error
    assert "confirmation" not in inquiry.mail_error

    assert send_inquiry_mails(inquiry) is True
    assert [m.to for m in mailoutbox] == [college.admissions_email_list]
    # Nothing is left to send: a further call sends nothing.
    assert send_inquiry_mails(inquiry) is True
    assert len(mailoutbox) == 1


def test_it_never_raises(college):
    inquiry = make_inquiry(college)
    with mock.patch(
        "applications.emails.render_to_string", side_effect=RuntimeError("boom")
    ):
        assert send_inquiry_mails(inquiry) is False
    inquiry.refresh_from_db()
    assert "RuntimeError: boom" in inquiry.mail_error


def test_it_records_a_college_without_an_admissions_address(
    chongqing, mailoutbox, settings
):
    settings.ADMINS = []
    settings.DEFAULT_FROM_EMAIL = "portal@example.org"
    chongqing.admissions_emails = ""
    chongqing.save()
    inquiry = make_inquiry(chongqing)
    assert send_inquiry_mails(inquiry) is False
    inquiry.refresh_from_db()
    assert inquiry.confirmation_sent_at is not None
    assert "has no admissions e-mail address" in inquiry.mail_error
    # The applicant's reply still reaches somebody.
    assert mailoutbox[0].reply_to == ["portal@example.org"]


def test_it_mentions_a_possible_duplicate_to_the_college(college, mailoutbox):
    first = make_inquiry(college)
    second = make_inquiry(college, duplicate_of=first)
    send_inquiry_mails(second)
    assert "Possible duplicate" in mailoutbox[1].body
    assert first.reference in mailoutbox[1].body


def test_it_tells_the_colleges_own_staff_when_it_has_no_admissions_address(
    chongqing, chen, jin, mailoutbox
):
    chen.email = "chen@cqipc.example"
    chen.save()
    jin.email = "jin@jhc.example"
    jin.save()
    assert chongqing.admissions_email_list == []
    assert send_inquiry_mails(make_inquiry(chongqing)) is True
    notification = mailoutbox[1]
    assert notification.to == ["chen@cqipc.example"]


def test_a_new_inquirys_mail_is_held_for_its_request_from_the_insert(
    college, mailoutbox, django_capture_on_commit_callbacks, client
):
    url = f"/en/institutions/{college.slug}/inquire/"
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(url, form_data()).status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.mail_claimed_until > timezone.now()
    # Another sender (the admin, cron) between the commit and the request's
    # own sending leaves the mail to the request.
    assert send_inquiry_mails(inquiry) is False
    assert mailoutbox == []

    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 2
    inquiry.refresh_from_db()
    assert inquiry.confirmation_sent_at and inquiry.notification_sent_at
    assert inquiry.mail_claimed_until is None and inquiry.mail_error == ""


def test_a_new_inquirys_mail_costs_two_writes(
    college,
    mailoutbox,
    django_capture_on_commit_callbacks,
    client,
    django_assert_num_queries,
):
    url = f"/en/institutions/{college.slug}/inquire/"
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url, form_data())
    # The confirmation recorded at once, the notification with the rest.
    with django_assert_num_queries(2):
        for callback in callbacks:
            callback()
    assert len(mailoutbox) == 2
    inquiry = Inquiry.objects.get()
    assert inquiry.confirmation_sent_at and inquiry.notification_sent_at


def test_the_last_mail_sent_is_recorded_even_when_the_rest_cannot_be(
    college, mailoutbox
):
    inquiry = make_inquiry(college)
    with mock.patch.object(
        Inquiry, "save", side_effect=RuntimeError("database went away")
    ):
        assert send_inquiry_mails(inquiry) is False
    inquiry.refresh_from_db()
    assert inquiry.confirmation_sent_at and inquiry.notification_sent_at
    # Once the claim lapses, nothing goes out again.
    Inquiry.objects.filter(pk=inquiry.pk).update(mail_claimed_until=None)
    assert send_inquiry_mails(inquiry) is True
    assert len(mailoutbox) == 2
