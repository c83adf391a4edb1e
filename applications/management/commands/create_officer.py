"""Make an admissions officer of a college, or give one another college.

    python manage.py create_officer chen chongqing-industry-polytechnic-college
    python manage.py create_officer wang jinhua-polytechnic --role editor

The user is created if need be, made staff, made a member of the college in
the role asked for (officer, editor or both) and put in that role's group
("Admissions officer", "Editor"). Run it again with another college to add
a second membership. A new user without ``--password`` gets a random
password, printed once; a password given is held to the same rules as one
set in the admin (AUTH_PASSWORD_VALIDATORS).
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications.models import StaffMembership
from applications.scoping import EDITOR_GROUP, OFFICER_GROUP
from institutions.models import Institution

ROLES = {
    "officer": {"is_officer": True, "is_editor": False},
    "editor": {"is_officer": False, "is_editor": True},
    "both": {"is_officer": True, "is_editor": True},
}


class Command(BaseCommand):
    help = "Create an admissions officer of a college, or add a college to one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("college", help="The college's slug.")
        parser.add_argument("--password", help="Set this password.")
        parser.add_argument("--email", help="Set this e-mail address.")
        parser.add_argument(
            "--role",
            choices=list(ROLES),
            default="officer",
            help="Role in this college (default: %(default)s).",
        )

    def handle(self, *args, username, college, password, email, role, **options):
        user, created, joined, generated = make_officer(
            username, college, password=password, email=email, role=role
        )
        if options["verbosity"] >= 1:
            what = "Created" if created else "Updated"
            where = "now a member of" if joined else "already a member of"
            self.stdout.write(f"{what} {username}, {where} {college} ({role}).")
        if generated:
            # Printed whatever the verbosity: there is no other way to learn it.
            self.stdout.write(f"Password for {username}: {generated}")


@transaction.atomic
def make_officer(username, college, *, password=None, email=None, role="officer"):
    """Make ``username`` an officer, an editor or both (``role``) of the
    college with the slug ``college``; returns the user, whether it was
    created, whether it joined the college now, and the password generated
    for a new user given none. Takes values, not command-line words, so that
    any password will do (``-x...`` too)."""
    try:
        institution = Institution.objects.get(slug=college)
    except Institution.DoesNotExist:
        known = ", ".join(Institution.objects.values_list("slug", flat=True))
        raise CommandError(
            f"No college with the slug {college!r}. Known: {known or 'none'}."
        ) from None
    flags = ROLES[role]
    wanted = [OFFICER_GROUP] * flags["is_officer"] + [EDITOR_GROUP] * flags["is_editor"]
    groups = list(Group.objects.filter(name__in=wanted))
    if len(groups) != len(wanted):
        raise CommandError(
            f"The groups {', '.join(wanted)} do not all exist; run migrate first."
        )

    User = get_user_model()
    if password:
        existing = User.objects.filter(username=username).first()
        try:
            validate_password(
                password, existing or User(username=username, email=email or "")
            )
        except ValidationError as error:
            raise CommandError(
                "This password will not do: " + " ".join(error.messages)
            ) from None
    user, created = User.objects.get_or_create(username=username)
    generated = None
    if password:
        user.set_password(password)
    elif created:
        generated = secrets.token_urlsafe(12)
        user.set_password(generated)
    if email:
        user.email = User.objects.normalize_email(email)
    user.is_staff = True
    user.is_active = True
    user.save()
    user.groups.add(*groups)
    _membership, joined = StaffMembership.objects.update_or_create(
        user=user, institution=institution, defaults=flags
    )
    return user, created, joined, generated
