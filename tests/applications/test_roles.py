"""Officers handle a college's inquiries, editors keep its pages: the rules
of applications/scoping.py, and the migration that made the roles."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.emails import notification_recipients
from applications.models import Inquiry, StaffMembership
from applications.scoping import colleges_for, content_for, staff_for
from institutions.models import Institution, Section
from tests.factories import make_inquiry


@pytest.fixture
def colleges(db):
    return [
        Institution.objects.create(slug=slug, name=slug, admissions_emails="")
        for slug in ("alpha", "beta", "gamma")
    ]


@pytest.fixture
def member(django_user_model, colleges):
    """An officer of alpha, an editor of beta, both of gamma."""
    user = django_user_model.objects.create_user(
        "wang", "wang@example.edu", is_staff=True
    )
    alpha, beta, gamma = colleges
    StaffMembership.objects.create(user=user, institution=alpha)
    StaffMembership.objects.create(
        user=user, institution=beta, is_officer=False, is_editor=True
    )
    StaffMembership.objects.create(
        user=user, institution=gamma, is_officer=True, is_editor=True
    )
    return user


def slugs(queryset):
    return sorted(queryset.values_list("slug", flat=True))


def test_each_role_counts_only_its_own_memberships(member, colleges):
    assert slugs(colleges_for(member)) == ["alpha", "gamma"]
    assert slugs(colleges_for(member, "officer")) == ["alpha", "gamma"]
    assert slugs(colleges_for(member, "editor")) == ["beta", "gamma"]


def test_inquiries_are_an_officers_and_pages_an_editors(member, colleges):
    for college in colleges:
        make_inquiry(college)
        Section.objects.create(institution=college, kind="about", title="t", body="b")
    seen = Inquiry.objects.for_staff(member).values_list("institution__slug", flat=True)
    assert sorted(seen) == ["alpha", "gamma"]
    pages = Section.objects.for_staff(member).values_list(
        "institution__slug", flat=True
    )
    assert sorted(pages) == ["beta", "gamma"]
    assert slugs(content_for(member, Institution.objects.all())) == ["beta", "gamma"]


def test_an_editor_is_neither_told_of_inquiries_nor_assigned_them(
    django_user_model, colleges
):
    beta = colleges[1]
    editor = django_user_model.objects.create_user(
        "li", "li@example.edu", is_staff=True
    )
    StaffMembership.objects.create(
        user=editor, institution=beta, is_officer=False, is_editor=True
    )
    assert "li@example.edu" not in notification_recipients(make_inquiry(beta))
    assert editor not in staff_for(editor, colleges=[beta]).exclude(pk=editor.pk)


def test_nobody_inactive_or_not_staff_has_a_college(member, colleges):
    member.is_staff = False
    assert not colleges_for(member, "editor").exists()
    assert not Section.objects.for_staff(member).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_every_old_membership_an_officers(django_user_model):
    executor = MigrationExecutor(connection)
    target = executor.loader.graph.leaf_nodes()
    before = [
        ("applications", "0009_inquiry_phone_and_visit_dates"),
        *executor.loader.graph.leaf_nodes("institutions"),
    ]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    College = apps.get_model("institutions", "Institution")
    Membership = apps.get_model("applications", "StaffMembership")
    User = apps.get_model("auth", "User")
    college = College.objects.create(slug="old", name="Old", name_en="Old")
    for name, role in (("a", "officer"), ("b", "manager")):
        user = User.objects.create(username=name)
        Membership.objects.create(user=user, institution=college, role=role)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)

    roles = StaffMembership.objects.values_list("is_officer", "is_editor")
    assert sorted(roles) == [(True, False), (True, False)]
