"""Privacy promises staff can keep: anonymising on request, where requests go,
retention, the version of the notice agreed to, the confirmation cookie and
the audit record."""

import hashlib
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.emails import build_confirmation
from applications.models import AuditEntry, Inquiry
from applications.services import anonymise
from tests.factories import form_data, make_inquiry

LIST = reverse("admin:applications_inquiry_changelist")
PRIVACY_TEMPLATE = (
    Path(settings.BASE_DIR) / "applications/templates/applications/privacy.html"
)


def anonymise_url(inquiry):
    return reverse("admin:applications_inquiry_anonymise", args=[inquiry.pk])


@pytest.fixture
def inquiry(chongqing, chen):
    inquiry = make_inquiry(
        chongqing,
        organization="Hanoi Trading",
        message="Call me on +84 123",
        internal_notes="Said he is 17",
    )
    inquiry.transition_to("in_review", by=chen, note="Mr Wang phoned")
    LogEntry.objects.log_actions(chen.pk, [inquiry], CHANGE, change_message="x")
    return inquiry


def assert_anonymised(inquiry):
    row = Inquiry.objects.get(pk=inquiry.pk)
    assert row.anonymised_at is not None
    assert (row.full_name, row.email, row.message) == ("", "", "")
    assert (row.organization, row.internal_notes) == ("", "")
    assert row.reference == inquiry.reference
    assert [e.note for e in row.events.all()] == [""]
    assert list(
        LogEntry.objects.filter(object_id=str(inquiry.pk)).values_list(
            "object_repr", flat=True
        )
    ) == [inquiry.reference]


# -- deletion on request --------------------------------------------------------


def test_an_officer_anonymises_an_inquiry_from_its_page_after_confirming(
    client, chen, inquiry
):
    client.force_login(chen)
    change = client.get(reverse("admin:applications_inquiry_change", args=[inquiry.pk]))
    assert anonymise_url(inquiry) in change.content.decode()

    confirmation = client.get(anonymise_url(inquiry))
    assert confirmation.status_code == 200
    assert inquiry.reference in confirmation.content.decode()
    assert Inquiry.objects.get(pk=inquiry.pk).anonymised_at is None

    response = client.post(anonymise_url(inquiry), {"post": "yes"})

    assert response.status_code == 302
    assert_anonymised(inquiry)
    entry = AuditEntry.objects.get()
    assert (entry.by, entry.action, entry.count) == (chen, "anonymise", 1)
    assert "王小明" not in entry.filters


def test_the_list_action_confirms_then_anonymises_the_selection(
    client, chen, chongqing, inquiry
):
    other = make_inquiry(chongqing, full_name="Ana Souza")
    client.force_login(chen)
    data = {"action": "anonymise_selected", "_selected_action": [inquiry.pk]}

    confirmation = client.post(LIST, data)
    assert confirmation.status_code == 200
    assert 'name="post" value="yes"' in confirmation.content.decode()
    assert not Inquiry.objects.filter(anonymised_at__isnull=False).exists()

    client.post(LIST, {**data, "post": "yes"})

    assert_anonymised(inquiry)
    assert Inquiry.objects.get(pk=other.pk).full_name == "Ana Souza"
    assert AuditEntry.objects.get().count == 1


def test_another_colleges_officer_cannot_anonymise(client, jin, inquiry):
    client.force_login(jin)

    response = client.post(anonymise_url(inquiry), {"post": "yes"})

    # The same answer as for an inquiry that does not exist.
    assert response.status_code == 404
    assert Inquiry.objects.get(pk=inquiry.pk).full_name == "王小明"
    with pytest.raises(PermissionDenied):
        anonymise(inquiry, by=jin)
    assert not AuditEntry.objects.exists()


def test_the_purge_uses_the_same_anonymisation(chongqing, chen, inquiry):
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status="declined", status_changed_at=timezone.now() - timedelta(days=400)
    )

    call_command("purge_inquiries", "--apply", stdout=open("/dev/null", "w"))

    assert_anonymised(inquiry)
    entry = AuditEntry.objects.get()
    assert (entry.by, entry.action, entry.count) == (None, "anonymise", 1)


# -- retention ------------------------------------------------------------------


def test_the_purge_anonymises_open_inquiries_untouched_for_the_period(
    chongqing, chen, settings
):
    settings.PORTAL_RETENTION_UNTOUCHED_DAYS = 730
    long_ago = timezone.now() - timedelta(days=800)
    idle = make_inquiry(chongqing, created_at=long_ago, status_changed_at=long_ago)
    worked_on = make_inquiry(chongqing, created_at=long_ago, status_changed_at=long_ago)
    worked_on.events.create(kind="notes", by=chen)  # edited today
    recent = make_inquiry(chongqing)

    report = call_command("purge_inquiries")  # a dry run by default
    assert Inquiry.objects.filter(anonymised_at__isnull=False).count() == 0
    call_command("purge_inquiries", "--apply")

    assert Inquiry.objects.get(pk=idle.pk).anonymised_at is not None
    assert Inquiry.objects.get(pk=worked_on.pk).anonymised_at is None
    assert Inquiry.objects.get(pk=recent.pk).anonymised_at is None
    assert report is None


def test_the_purge_takes_the_closed_period_from_the_settings(chongqing, settings):
    settings.PORTAL_RETENTION_CLOSED_DAYS = 30
    closed = make_inquiry(chongqing, status="declined")
    Inquiry.objects.filter(pk=closed.pk).update(
        status_changed_at=timezone.now() - timedelta(days=31)
    )

    call_command("purge_inquiries", "--apply")

    assert Inquiry.objects.get(pk=closed.pk).anonymised_at is not None


def test_the_notice_states_the_periods_from_the_settings_in_both_languages(
    client, settings
):
    settings.PORTAL_RETENTION_CLOSED_DAYS = 365
    settings.PORTAL_RETENTION_UNTOUCHED_DAYS = 730
    settings.PORTAL_BACKUP_KEEP = 14

    english = client.get("/en/privacy/").content.decode()
    chinese = client.get("/zh-hans/privacy/").content.decode()

    assert "365 days" in english and "730 days" in english
    assert "latest 14" in english
    assert "365天" in chinese and "730天" in chinese
    assert "14份" in chinese
    assert settings.PRIVACY_NOTICE_VERSION in english
    assert settings.PRIVACY_NOTICE_VERSION in chinese


# -- where requests go ----------------------------------------------------------


def test_a_reply_reaches_the_colleges_officers_without_an_admissions_address(
    chongqing, chen
):
    chongqing.admissions_emails = ""
    chongqing.save()
    chen.email = "chen@cqipc.example"
    chen.save()

    message = build_confirmation(make_inquiry(chongqing))

    assert message.reply_to == ["chen@cqipc.example"]


# -- consent --------------------------------------------------------------------


def test_the_inquiry_keeps_the_version_of_the_notice_agreed_to(client, chongqing):
    url = reverse("applications:inquire", kwargs={"slug": chongqing.slug})

    client.post(url, form_data())

    inquiry = Inquiry.objects.get()
    assert inquiry.consent_version == settings.PRIVACY_NOTICE_VERSION
    assert inquiry.consent_at is not None


def test_the_notice_cannot_change_without_a_new_version():
    # Changed privacy.html? Give PRIVACY_NOTICE_VERSION a new date and put
    # the file's new SHA-256 beside it (portal/settings.py).
    digest = hashlib.sha256(PRIVACY_TEMPLATE.read_bytes()).hexdigest()
    assert digest == settings.PRIVACY_NOTICE_SHA256, (
        f"privacy.html changed: new version, and PRIVACY_NOTICE_SHA256 = {digest!r}"
    )


def test_the_change_page_shows_the_version(client, chen, chongqing):
    inquiry = make_inquiry(chongqing, consent_version="2026-01-31")
    client.force_login(chen)

    page = client.get(reverse("admin:applications_inquiry_change", args=[inquiry.pk]))

    assert "2026-01-31" in page.content.decode()


# -- the confirmation cookie -----------------------------------------------------


def test_the_confirmation_shows_the_address_for_fifteen_minutes_at_most(
    client, chongqing
):
    url = reverse("applications:inquire", kwargs={"slug": chongqing.slug})
    response = client.post(url, form_data())
    assert response.cookies["inquiry_sent"]["max-age"] <= 15 * 60
    assert client.get("/en/inquiries/sent/").status_code == 200

    later = time.time() + 16 * 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.get("/en/inquiries/sent/")

    assert response.status_code == 302


# -- the audit record -----------------------------------------------------------


def test_assignments_are_recorded(client, chen, inquiry):
    client.force_login(chen)

    client.post(LIST, {"action": "assign_to_me", "_selected_action": [inquiry.pk]})

    entry = AuditEntry.objects.get()
    assert (entry.by, entry.action, entry.count) == (chen, "assign", 1)


def test_only_a_superuser_reads_the_audit_record_and_nobody_edits_it(
    client, chen, root, inquiry
):
    entry = AuditEntry.objects.create(action="export", by=chen, count=3)
    changelist = reverse("admin:applications_auditentry_changelist")
    change = reverse("admin:applications_auditentry_change", args=[entry.pk])

    client.force_login(chen)
    assert client.get(changelist).status_code == 403
    client.force_login(root)
    assert client.get(changelist).status_code == 200
    assert client.post(change, {"count": 0}).status_code == 403
    assert client.get(reverse("admin:applications_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get().count == 3


def test_the_action_on_every_page_of_the_list_anonymises_the_whole_list(
    client, chen, chongqing, jinhua, inquiry
):
    other = make_inquiry(chongqing, full_name="Ana Souza")
    elsewhere = make_inquiry(jinhua, full_name="Not Chens")
    client.force_login(chen)
    data = {
        "action": "anonymise_selected",
        "select_across": "1",
        "_selected_action": [inquiry.pk],
        "index": "0",
    }

    confirmation = client.post(LIST, data)
    assert 'name="select_across" value="1"' in confirmation.content.decode()
    client.post(LIST, {**data, "post": "yes"})

    assert Inquiry.objects.get(pk=other.pk).anonymised_at is not None
    assert Inquiry.objects.get(pk=inquiry.pk).anonymised_at is not None
    assert Inquiry.objects.get(pk=elsewhere.pk).full_name == "Not Chens"
    assert AuditEntry.objects.get().count == 2
