"""Correspondence: staff answer from the inquiry's page, the applicant follows
and answers the conversation on the status page, with documents."""

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applications import correspondence, dashboard, emails
from applications.models import Attachment, Inquiry, Message, ReplyTemplate
from applications.services import anonymise
from tests.applications.test_admin_handling import change_url, page_form
from tests.conftest import make_officer
from tests.factories import make_inquiry

Status = Inquiry.Status
STATUS_EN = "/en/inquiries/status/"
STATUS_ZH = "/zh-hans/inquiries/status/"
ANSWER_EN = "/en/inquiries/status/answer/"
ANSWER_ZH = "/zh-hans/inquiries/status/answer/"
LIST = reverse("admin:applications_inquiry_changelist")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def storage_files():
    root = Path(Attachment._meta.get_field("file").storage.location)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def college(chongqing):
    chongqing.admissions_emails = "intl@cqipc.example"
    chongqing.save()
    return chongqing


@pytest.fixture
def officer(chen):
    chen.email = "chen@cqipc.example"
    chen.first_name, chen.last_name = "Wei", "Chen"
    chen.save()
    return chen


@pytest.fixture
def inquiry(college):
    return make_inquiry(
        college,
        status=Status.IN_REVIEW,
        full_name="王小明",
        email="Xiaoming@Example.com",
        language="zh-hans",
        kind="chinese_bridge",
        organization="河内中文学校",
        group_size=12,
    )


@pytest.fixture
def documents_template(college):
    return ReplyTemplate.objects.create(
        institution=college,
        purpose="documents",
        title="Ask for a passport",
        body_en="Dear {name}, please send your passport ({reference}).",
        body_zh_hans="{name}，您好！请上传护照（编号：{reference}）。{unknown}",
    )


def compose(client, inquiry, **changes):
    fields, options, _html = page_form(client, change_url(inquiry))
    fields.update(changes)
    return client.post(change_url(inquiry), fields), options


# -- the composer ---------------------------------------------------------------


def test_a_reply_is_recorded_and_mailed_after_the_commit(
    client, officer, inquiry, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response, _options = compose(
            client, inquiry, reply="您好！\r\n请问团组的出行日期？", _save="Save"
        )
        assert response.status_code == 302
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    message = inquiry.messages.get()
    assert message.direction == Message.Direction.OUT
    assert message.author == officer
    assert message.body == "您好！\n请问团组的出行日期？"
    assert message.language == "zh-hans"
    assert message.delivery_state == "sent"
    sent = mail.outbox[-1]
    assert sent.to == ["Xiaoming@Example.com"]
    assert sent.from_email == "admissions@localhost"
    assert sent.reply_to == ["intl@cqipc.example"]
    assert "请问团组的出行日期？" in sent.body
    assert f"/zh-hans/inquiries/status/?reference={inquiry.reference}" in sent.body
    # The applicant's language, not the officer's.
    assert "咨询" in sent.subject
    assert "?email=" not in sent.body


def test_without_admissions_addresses_a_reply_goes_to_the_officers(
    client, officer, inquiry, django_capture_on_commit_callbacks
):
    inquiry.institution.admissions_emails = ""
    inquiry.institution.save()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        compose(client, inquiry, reply="Hello", _save="Save")
    assert mail.outbox[-1].reply_to == ["chen@cqipc.example"]


def test_use_template_fills_the_box_in_the_applicants_language_and_sends_nothing(
    client, officer, inquiry, documents_template
):
    client.force_login(officer)
    response, options = compose(
        client,
        inquiry,
        reply_template=str(documents_template.pk),
        _use_template="1",
    )
    assert str(documents_template.pk) in options["reply_template"]
    assert response.status_code == 200
    html = response.content.decode()
    text = re.search(r'<textarea name="reply"[^>]*>(.*?)</textarea>', html, re.S)
    assert f"王小明，您好！请上传护照（编号：{inquiry.reference}）。{{unknown}}" in (
        text.group(1)
    )
    assert "read it, change what needs changing, then save" in html
    assert "Please correct" not in html  # not a mistake
    assert not inquiry.messages.exists()
    assert mail.outbox == []


def test_a_template_without_the_applicants_language_says_so(
    client, officer, inquiry, documents_template
):
    documents_template.body_zh_hans = ""
    documents_template.save()
    client.force_login(officer)
    for button in ({"_use_template": "1"}, {"_save": "Save"}):
        response, _options = compose(
            client, inquiry, reply_template=str(documents_template.pk), **button
        )
        assert response.status_code == 200
        assert "has no text in the applicant’s language" in response.content.decode()
    assert not inquiry.messages.exists()


def test_officers_see_their_colleges_and_the_shared_templates_only(
    client, officer, inquiry, jinhua, documents_template
):
    shared = ReplyTemplate.objects.filter(institution=None).first()
    other = ReplyTemplate.objects.create(
        institution=jinhua, purpose="decline", title="Jinhua's own", body_en="No."
    )
    client.force_login(officer)
    _fields, options, _html = page_form(client, change_url(inquiry))
    assert str(documents_template.pk) in options["reply_template"]
    assert str(shared.pk) in options["reply_template"]
    assert str(other.pk) not in options["reply_template"]
    # The shared ones are read, not changed, by an officer.
    shared_url = reverse("admin:applications_replytemplate_change", args=[shared.pk])
    response = client.post(shared_url, {"title": "Mine now", "purpose": "decline"})
    shared.refresh_from_db()
    assert shared.title != "Mine now"
    assert response.status_code in (200, 403)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{name} {reference}", "王小明 REF"),
        ("{unknown} {name}", "{unknown} 王小明"),
        ("{0} {name.__class__} { {{name}} }", "{0} {name.__class__} { {王小明} }"),
        ("{programme}|{officer}|{college}", "|Wei Chen|重庆工业职业技术学院"),
    ],
)
def test_placeholders_fill_in_and_anything_else_stays(officer, inquiry, text, expected):
    template = ReplyTemplate(body_zh_hans=text)
    inquiry.reference = "REF"
    rendered = correspondence.render_template(template, inquiry, officer)
    assert rendered == expected.replace(
        "重庆工业职业技术学院", inquiry.institution.name
    )


def test_more_information_needs_the_message_and_is_set_with_it(
    client, officer, inquiry, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    response, _options = compose(client, inquiry, move_to="more_info", _save="Save")
    assert response.status_code == 200
    assert "write the applicant what is needed" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == Status.IN_REVIEW

    with django_capture_on_commit_callbacks(execute=True):
        response, _options = compose(
            client, inquiry, move_to="more_info", reply="请上传护照。", _save="Save"
        )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.MORE_INFO
    assert inquiry.messages.get().body == "请上传护照。"


def test_a_failed_reply_shows_on_the_page_and_in_the_mail_failed_filter(
    client, officer, inquiry, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        compose(client, inquiry, reply="您好", _save="Save")
    message = inquiry.messages.get()
    assert message.delivery_state == "failed"
    assert "mail server down" in message.mail_error
    assert message.mail_retry_at is not None

    page = client.get(change_url(inquiry)).content.decode()
    assert "mail server down" in page
    listed = client.get(LIST, {"attention": "mail"}).content.decode()
    assert inquiry.reference in listed

    # send_pending_mail retries it, once the server is back.
    monkeypatch.undo()
    call_command("send_pending_mail", "--now", stdout=io.StringIO())
    message.refresh_from_db()
    assert message.delivery_state == "sent" and message.mail_error == ""
    assert mail.outbox[-1].to == [inquiry.email]
    # Claimed and sent once: a second run sends nothing.
    count = len(mail.outbox)
    call_command("send_pending_mail", "--now", stdout=io.StringIO())
    assert len(mail.outbox) == count


def test_a_claimed_message_is_not_sent_by_another_sender(officer, inquiry):
    message = correspondence.send_reply(inquiry, "Hello", by=officer)
    # Still held by its own request (claimed when it was written).
    assert emails.deliver_message(message) == emails.BUSY
    assert mail.outbox == []


# -- the applicant's status page ------------------------------------------------


def look_up(client, inquiry, url=STATUS_EN, email=None):
    return client.post(
        url, {"reference": inquiry.reference, "email": email or inquiry.email}
    )


def timeline_of(html):
    match = re.search(
        r'<ol class="timeline" id="inquiry-timeline">(.*?)</ol>', html, re.S
    )
    return match.group(1) if match else None


def test_the_timeline_shows_what_the_applicant_may_know_oldest_first(
    client, officer, inquiry
):
    inquiry.transition_to(Status.CONTACTED, by=officer, note="内部：此人很急")
    correspondence.send_reply(inquiry, "What dates suit your group?", by=officer)
    message = Message.objects.get()
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() + timedelta(minutes=1)
    )

    html = look_up(client, inquiry).content.decode()
    timeline = timeline_of(html)
    assert timeline is not None
    received = timeline.index("Inquiry received")
    moved = timeline.index("Being handled")
    written = timeline.index("What dates suit your group?")
    assert received < moved < written
    assert "Message from the admissions office" in timeline
    # No staff note and no staff name.
    assert "此人很急" not in html
    assert "Chen" not in timeline


def test_a_wrong_reference_and_a_wrong_email_get_the_same_answer(client, inquiry):
    wrong_email = look_up(client, inquiry, email="someone@example.com")
    client.cookies.clear()
    wrong_reference = client.post(
        STATUS_EN, {"reference": "ZZZZ-ZZZZ", "email": inquiry.email}
    )
    for response in (wrong_email, wrong_reference):
        assert response.status_code == 200
        assert timeline_of(response.content.decode()) is None
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|value="[^"]*"')
    assert strip.sub("", wrong_email.content.decode()) == strip.sub(
        "", wrong_reference.content.decode()
    )


def test_the_language_switch_keeps_the_answer(client, officer, inquiry):
    inquiry.transition_to(Status.CONTACTED, by=officer)
    look_up(client, inquiry, url=STATUS_EN)
    html = client.get(STATUS_ZH).content.decode()
    timeline = timeline_of(html)
    assert timeline is not None
    assert "已收到咨询" in timeline
    assert "/en/inquiries/status/" in html  # the switcher leads back
    english = client.get(STATUS_EN).content.decode()
    assert "Inquiry received" in timeline_of(english)


def test_the_applicants_answer_with_a_pdf_moves_it_back_and_notifies_the_officer(
    client, officer, inquiry, django_capture_on_commit_callbacks
):
    inquiry.assigned_to = officer
    inquiry.save()
    inquiry.transition_to(
        Status.MORE_INFO,
        by=officer,
        message=correspondence.send_reply(inquiry, "请上传护照。", by=officer),
    )
    mail.outbox.clear()
    look_up(client, inquiry, url=STATUS_ZH)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ANSWER_ZH,
            {
                "message": "已上传护照。\r\n谢谢！",
                "attachments": [
                    SimpleUploadedFile("护照.pdf", PDF, "application/pdf"),
                    SimpleUploadedFile("photo.png", png_bytes(), "image/png"),
                ],
            },
        )
    assert response.status_code == 303
    answer = inquiry.messages.get(direction=Message.Direction.IN)
    assert answer.body == "已上传护照。\n谢谢！"
    assert answer.author is None
    documents = list(answer.attachments.order_by("pk"))
    assert [(d.original_name, d.content_type) for d in documents] == [
        ("护照.pdf", "application/pdf"),
        ("photo.png", "image/png"),
    ]
    assert documents[0].file.read() == PDF
    inquiry.refresh_from_db()
    assert inquiry.status == Status.IN_REVIEW
    back = inquiry.events.filter(to_status=Status.IN_REVIEW).latest("at")
    assert back.by is None
    notice = mail.outbox[-1]
    assert notice.to == ["chen@cqipc.example"]
    assert "已上传护照" not in notice.body  # read in the admin
    assert answer.delivery_state == "sent"
    # The page after the answer shows it in the timeline.
    html = client.get(response["Location"]).content.decode()
    assert "已上传护照。" in timeline_of(html) and "护照.pdf" in timeline_of(html)


def test_nobody_assigned_the_colleges_officers_hear_of_the_answer(
    client, officer, inquiry, college, django_capture_on_commit_callbacks
):
    li = make_officer("li", college)
    li.email = "li@cqipc.example"
    li.save()
    look_up(client, inquiry)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ANSWER_EN, {"message": "Any news?"})
    assert sorted(mail.outbox[-1].to) == ["chen@cqipc.example", "li@cqipc.example"]


@pytest.mark.parametrize(
    ("files", "error"),
    [
        (
            [
                SimpleUploadedFile(
                    "passport.pdf", b"just some text\n", "application/pdf"
                )
            ],
            "is not a PDF, JPEG or PNG file",
        ),
        (
            [SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\nrubbish", "image/png")],
            "is not a readable image",
        ),
        (
            [SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i in range(6)],
            "at most 5 files",
        ),
    ],
    ids=["renamed-text", "broken-png", "six-files"],
)
def test_bad_documents_are_refused_beside_the_field_and_nothing_is_saved(
    client, inquiry, files, error
):
    look_up(client, inquiry)
    before = storage_files()
    response = client.post(
        ANSWER_EN, {"message": "Here you are.", "attachments": files}
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'id="field-attachments".*?</div>', html, re.S).group(0)
    assert error in field
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert storage_files() == before


def test_a_file_over_ten_megabytes_is_refused(client, inquiry, monkeypatch):
    monkeypatch.setattr(correspondence, "MAX_FILE_BYTES", 100)
    look_up(client, inquiry)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200, "application/pdf")
    response = client.post(ANSWER_EN, {"message": "x", "attachments": [big]})
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert not Message.objects.exists()


def test_an_answer_too_long_or_empty_is_refused(client, inquiry):
    look_up(client, inquiry)
    for data, error in (
        ({"message": "x" * 5001}, "at most 5000 characters"),
        ({"message": "  "}, "Write an answer or choose a document"),
    ):
        response = client.post(ANSWER_EN, data)
        assert response.status_code == 400
        assert error in response.content.decode()
    assert not Message.objects.exists()


def test_a_failed_storage_write_leaves_no_message_and_no_file(inquiry, monkeypatch):
    before = storage_files()
    real_save = Attachment.save
    calls = []

    def fail_second(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", fail_second)
    files = correspondence.clean_uploads(
        [SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i in range(2)]
    )
    with pytest.raises(OSError):
        correspondence.record_answer(inquiry, "Two files", files)
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert storage_files() == before


def test_without_a_lookup_the_answer_form_asks_for_one(client, inquiry):
    response = client.post(ANSWER_EN, {"message": "Hello?"})
    assert response.status_code == 400
    assert "forgets your inquiry after 30 minutes" in response.content.decode()
    assert not Message.objects.exists()


def test_a_closed_inquiry_cannot_be_answered(client, inquiry):
    Inquiry.objects.filter(pk=inquiry.pk).update(status=Status.DECLINED)
    look_up(client, inquiry)
    response = client.post(ANSWER_EN, {"message": "Why?"})
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_answers_are_rate_limited(client, inquiry, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    look_up(client, inquiry)
    codes = [client.post(ANSWER_EN, {"message": f"n{i}"}).status_code for i in range(3)]
    assert codes == [303, 303, 429]
    assert Message.objects.count() == 2


# -- documents: served to staff of the college only -------------------------------


@pytest.fixture
def document(inquiry):
    files = correspondence.clean_uploads(
        [SimpleUploadedFile("passport.pdf", PDF, "application/pdf")]
    )
    message = correspondence.record_answer(inquiry, "Passport", files)
    return message.attachments.get()


def test_staff_of_the_college_download_a_document_never_cached(
    client, officer, document
):
    client.force_login(officer)
    url = reverse("admin:applications_inquiry_attachment", args=[document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_document_is_at_no_public_address(document, settings):
    root = Path(document.file.storage.location).resolve()
    assert Path(settings.MEDIA_ROOT).resolve() not in (root, *root.parents)
    assert not str(root).startswith(str(Path(settings.STATIC_ROOT).resolve()))


def test_anonymising_deletes_the_documents_and_the_messages_text(
    officer, inquiry, document
):
    correspondence.send_reply(inquiry, "Dear 王小明", by=officer)
    path = Path(document.file.path)
    assert path.exists()
    anonymise(inquiry)
    assert not path.exists()
    assert not Attachment.objects.exists()
    assert set(inquiry.messages.values_list("body", flat=True)) == {""}
    inquiry.refresh_from_db()
    assert inquiry.full_name == "" and inquiry.anonymised_at is not None


def test_purge_inquiries_deletes_the_documents_of_old_closed_inquiries(
    inquiry, document
):
    long_ago = timezone.now() - timedelta(days=400)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Status.DECLINED, status_changed_at=long_ago
    )
    path = Path(document.file.path)
    call_command(
        "purge_inquiries", "--older-than", "365", "--apply", stdout=io.StringIO()
    )
    assert not path.exists()
    assert not Attachment.objects.exists()
    inquiry.refresh_from_db()
    assert inquiry.email == ""


# -- the officer's day --------------------------------------------------------------


def test_working_days_skip_the_weekend():
    tz = timezone.get_current_timezone()
    monday = timezone.make_aware(datetime(2026, 11, 30, 10, 0), tz)
    assert dashboard.working_days_before(monday, 2).date().isoformat() == "2026-11-26"
    wednesday = monday + timedelta(days=2)
    assert dashboard.working_days_before(wednesday, 2).date() == monday.date()


def test_the_index_shows_the_officers_day(client, officer, college, jinhua):
    now = timezone.now()
    make_inquiry(college)  # new, just now
    old = make_inquiry(college, status=Status.IN_REVIEW, assigned_to=officer)
    Inquiry.objects.filter(pk=old.pk).update(status_changed_at=now - timedelta(days=9))
    answered = make_inquiry(college, status=Status.IN_REVIEW)
    correspondence.send_reply(answered, "Which programme?", by=officer)
    correspondence.record_answer(answered, "Mechanical engineering.", [])
    make_inquiry(jinhua)  # another college's: not counted

    client.force_login(officer)
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert re.search(r'id="day-new">1<', html)
    assert re.search(r'id="day-oldest">9 days<', html)
    assert re.search(r'id="day-mine">1<', html)
    assert re.search(r'id="day-answered">1<', html)
    assert re.search(r'id="day-too-long">1<', html)

    listed = client.get(LIST, {"attention": "answered"}).content.decode()
    assert answered.reference in listed and old.reference not in listed


def test_open_inquiries_are_listed_longest_waiting_first(client, officer, college):
    now = timezone.now()
    waiting = {}
    for days in (1, 5, 3):
        inquiry = make_inquiry(college, status=Status.IN_REVIEW)
        Inquiry.objects.filter(pk=inquiry.pk).update(
            status_changed_at=now - timedelta(days=days)
        )
        waiting[days] = inquiry.reference
    client.force_login(officer)
    html = client.get(LIST, {"state": "open"}).content.decode()
    positions = [html.index(waiting[d]) for d in (5, 3, 1)]
    assert positions == sorted(positions)


def test_an_officer_of_one_college_sees_no_college_column(
    client, officer, root, college
):
    make_inquiry(college)
    client.force_login(officer)
    assert "column-college" not in client.get(LIST).content.decode()
    client.force_login(root)
    assert "column-college" in client.get(LIST).content.decode()


def test_the_dashboard_has_the_median_time_to_the_first_reply(client, officer, college):
    now = timezone.now()
    for hours in (2, 4, 30):
        inquiry = make_inquiry(college, status=Status.IN_REVIEW)
        Inquiry.objects.filter(pk=inquiry.pk).update(
            created_at=now - timedelta(hours=hours + 1)
        )
        message = correspondence.send_reply(inquiry, "Hello", by=officer)
        Message.objects.filter(pk=message.pk).update(
            created_at=now - timedelta(hours=1)
        )
    rows = dashboard.first_reply_medians(Inquiry.objects.all(), now=now)
    assert rows == [(str(college), "4 hours", 3)]
    client.force_login(officer)
    html = client.get(reverse("admin:applications_inquiry_dashboard")).content.decode()
    assert 'id="first-replies"' in html and "4 hours" in html


def test_the_first_reply_is_the_colleges_earliest_message_once_per_inquiry(
    officer, college
):
    now = timezone.now()
    inquiry = make_inquiry(college, status=Status.IN_REVIEW)
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=now - timedelta(hours=10))
    for hours_after, direction in ((1, "in"), (3, "out"), (6, "out")):
        Message.objects.create(
            inquiry=inquiry,
            direction=direction,
            body="Hello",
            created_at=now - timedelta(hours=10 - hours_after),
        )
    unanswered = make_inquiry(college, status=Status.IN_REVIEW)
    Message.objects.create(inquiry=unanswered, direction="in", body="Hello?")

    rows = dashboard.first_reply_medians(Inquiry.objects.all(), now=now)

    assert rows == [(str(college), "3 hours", 1)]


def test_a_storage_failure_is_a_page_that_says_so_not_a_500(
    client, inquiry, monkeypatch
):
    def full(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Attachment, "save", full)
    look_up(client, inquiry)
    response = client.post(
        ANSWER_EN,
        {
            "message": "Passport",
            "attachments": [SimpleUploadedFile("p.pdf", PDF, "application/pdf")],
        },
    )
    assert response.status_code == 503
    assert "could not be saved just now" in response.content.decode()
    assert not Message.objects.exists()


def test_a_failed_reply_is_sent_again_from_the_inquirys_page(
    client, officer, inquiry, monkeypatch, django_capture_on_commit_callbacks
):
    Inquiry.objects.filter(pk=inquiry.pk).update(
        confirmation_sent_at=timezone.now(), notification_sent_at=timezone.now()
    )

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        compose(client, inquiry, reply="您好", _save="Save")
    page = client.get(change_url(inquiry)).content.decode()
    assert "Send the mail again" in page

    monkeypatch.undo()
    client.post(change_url(inquiry, "retry_mail"))
    assert inquiry.messages.get().delivery_state == "sent"
    assert mail.outbox[-1].to == [inquiry.email]


def test_no_reply_goes_to_a_spam_inquiry_even_when_posted(client, officer, inquiry):
    Inquiry.objects.filter(pk=inquiry.pk).update(status=Status.SPAM)
    client.force_login(officer)
    fields, _options, html = page_form(client, change_url(inquiry))
    assert 'name="reply"' not in html
    response = client.post(
        change_url(inquiry), {**fields, "reply": "Hello", "_save": "Save"}
    )
    assert response.status_code == 200
    assert not inquiry.messages.exists()
