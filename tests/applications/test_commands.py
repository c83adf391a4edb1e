"""create_officer and purge_inquiries."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from applications import dashboard
from applications.models import Inquiry, StaffMembership

CHONGQING = "chongqing-industry-polytechnic-college"
JINHUA = "jinhua-polytechnic"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# -- create_officer -------------------------------------------------------------


def test_it_creates_an_officer(seeded):
    run(
        "create_officer",
        "li",
        CHONGQING,
        "--password",
        "Lantern-Harbour-42",
        "--email",
        "li@Example.com",
    )

    user = get_user_model().objects.get(username="li")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.check_password("Lantern-Harbour-42")
    assert user.email == "li@example.com"
    assert list(user.groups.values_list("name", flat=True)) == ["Admissions officer"]
    membership = StaffMembership.objects.get(user=user)
    assert membership.institution.slug == CHONGQING
    assert membership.is_officer and not membership.is_editor
    assert user.has_perms(
        [
            "applications.view_inquiry",
            "applications.change_inquiry",
            "applications.export_inquiry",
            "applications.view_inquiryevent",
        ]
    )
    assert not user.has_perm("applications.add_inquiry")
    assert not user.has_perm("applications.delete_inquiry")
    assert not user.has_perm("institutions.view_institution")
    assert not user.has_perm("applications.change_staffmembership")


def test_it_prints_a_random_password_once(seeded):
    output = run("create_officer", "li", CHONGQING)

    password = output.strip().splitlines()[-1].split(": ", 1)[1]
    assert get_user_model().objects.get(username="li").check_password(password)

    again = run("create_officer", "li", JINHUA)
    assert "Password" not in again
    assert get_user_model().objects.get(username="li").check_password(password)


def test_it_adds_a_second_college_when_run_again(seeded):
    run("create_officer", "li", CHONGQING, "--password", "Lantern-Harbour-42")
    run("create_officer", "li", JINHUA, "--role", "both")

    memberships = {
        m.institution.slug: (m.is_officer, m.is_editor)
        for m in StaffMembership.objects.filter(user__username="li")
    }
    assert memberships == {CHONGQING: (True, False), JINHUA: (True, True)}
    groups = set(
        get_user_model()
        .objects.get(username="li")
        .groups.values_list("name", flat=True)
    )
    assert groups == {"Admissions officer", "Editor"}
    assert get_user_model().objects.filter(username="li").count() == 1


def test_it_refuses_an_unknown_college(seeded):
    with pytest.raises(CommandError, match="No college with the slug 'nowhere'"):
        run("create_officer", "li", "nowhere")

    assert not get_user_model().objects.filter(username="li").exists()


# -- purge_inquiries ------------------------------------------------------------


def make_inquiry(institution, status="new", days_ago=0, **fields):
    inquiry = Inquiry.objects.create(
        institution=institution,
        kind=fields.pop("kind", "study"),
        full_name="王小明",
        email="xiaoming@example.com",
        nationality=fields.pop("nationality", "VN"),
        consent_at=timezone.now(),
        language="zh-hans",
        organization="Hanoi Trading",
        message="Please call me on +84 123",
        internal_notes="Said he is 17",
        **fields,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=status, status_changed_at=timezone.now() - timedelta(days=days_ago)
    )
    inquiry.refresh_from_db()
    return inquiry


@pytest.fixture
def inquiries(chongqing, jinhua):
    return {
        "old_enrolled": make_inquiry(chongqing, "enrolled", days_ago=400),
        "old_spam": make_inquiry(jinhua, "spam", days_ago=500, nationality="KZ"),
        "old_open": make_inquiry(chongqing, "contacted", days_ago=400),
        "recent_declined": make_inquiry(chongqing, "declined", days_ago=30),
    }


def counts():
    summary = dashboard.summary(Inquiry.objects.all())
    return {
        name: [(bar.label, bar.count) for bar in summary[f"by_{name}"]]
        for name in ("status", "college", "kind", "country")
    } | {"week": [(bar.label, bar.count) for bar in summary["per_week"]]}


def test_it_only_reports_without_apply(inquiries):
    output = run("purge_inquiries", "--older-than", "365")

    assert "Would anonymise 2 closed inquiries" in output
    assert "--apply" in output
    assert not Inquiry.objects.filter(anonymised_at__isnull=False).exists()
    assert Inquiry.objects.filter(full_name="王小明").count() == 4


def test_it_anonymises_old_closed_inquiries_with_apply(inquiries, root):
    old = inquiries["old_enrolled"]
    old.events.create(
        from_status="application_invited", to_status="enrolled", note="Mr Wang paid"
    )
    LogEntry.objects.log_actions(
        root.pk, [old], CHANGE, change_message="Changed internal notes."
    )

    output = run("purge_inquiries", "--older-than", "365", "--apply")

    assert "Anonymised 2 closed inquiries" in output
    for key in ("old_enrolled", "old_spam"):
        inquiry = Inquiry.objects.get(pk=inquiries[key].pk)
        assert inquiry.anonymised_at is not None
        assert (inquiry.full_name, inquiry.email, inquiry.message) == ("", "", "")
        assert (inquiry.organization, inquiry.internal_notes) == ("", "")
        assert inquiry.reference == inquiries[key].reference
    assert old.events.get().note == ""
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Inquiry), object_id=str(old.pk)
    )
    assert entry.object_repr == old.reference
    for key in ("old_open", "recent_declined"):
        inquiry = Inquiry.objects.get(pk=inquiries[key].pk)
        assert inquiry.anonymised_at is None
        assert inquiry.full_name == "王小明"


def test_it_keeps_what_the_dashboard_counts(inquiries):
    before = counts()

    run("purge_inquiries", "--older-than", "365", "--apply")

    assert counts() == before
    kept = Inquiry.objects.get(pk=inquiries["old_spam"].pk)
    original = inquiries["old_spam"]
    for field in (
        "institution_id",
        "kind",
        "status",
        "nationality",
        "created_at",
        "language",
    ):
        assert getattr(kept, field) == getattr(original, field)


def test_it_does_nothing_twice(inquiries):
    run("purge_inquiries", "--older-than", "365", "--apply")

    assert "Anonymised 0 closed inquiries" in run(
        "purge_inquiries", "--older-than", "365", "--apply"
    )


def test_it_wants_a_positive_number_of_days(db):
    with pytest.raises(CommandError):
        run("purge_inquiries", "--older-than", "0")
