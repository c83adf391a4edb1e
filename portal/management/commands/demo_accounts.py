import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications.management.commands.create_officer import make_officer
from institutions.models import Institution

ACCOUNTS_FILE = settings.VAR_DIR / "demo-accounts.txt"


class Command(BaseCommand):
    help = (
        "For `make run` only (PORTAL_DEBUG on): make a superuser, one "
        "admissions officer and one editor per college, with random passwords "
        "kept in var/demo-accounts.txt, and print how to sign in."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only made with PORTAL_DEBUG on.")
        # Accounts missing from an older file (the editors, a new college's)
        # are made and added to it; those listed keep their passwords.
        self.create_accounts()
        self.stdout.write("Sign in to the admin with one of these accounts:")
        self.stdout.write(ACCOUNTS_FILE.read_text(encoding="utf-8"))

    @transaction.atomic
    def create_accounts(self):
        # All or none: the file is written before the accounts are committed,
        # so that no account is left with a password nobody knows.
        users = get_user_model()
        lines = []
        if not users.objects.filter(username="admin").exists():
            password = secrets.token_urlsafe(9)
            users.objects.create_superuser("admin", "admin@localhost", password)
            lines.append(f"  admin / {password}   (superuser: every college)")
        roles = (("officer", "admissions officer"), ("editor", "editor of its pages"))
        for college in Institution.objects.all():
            for role, what in roles:
                username = f"{role}-{college.initials.lower()}"
                if users.objects.filter(username=username).exists():
                    continue
                password = secrets.token_urlsafe(9)
                # Values, not command-line words: a password may start with "-".
                make_officer(
                    username,
                    college.slug,
                    password=password,
                    email=f"{username}@localhost",
                    role=role,
                )
                lines.append(f"  {username} / {password}   ({what}: {college.name_en})")
        if lines or not ACCOUNTS_FILE.exists():
            with ACCOUNTS_FILE.open("a", encoding="utf-8") as accounts:
                accounts.write("".join(f"{line}\n" for line in lines))
            ACCOUNTS_FILE.chmod(0o600)
