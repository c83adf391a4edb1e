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
        "For `make run` only (PORTAL_DEBUG on): make a superuser and one "
        "admissions officer per college, with random passwords kept in "
        "var/demo-accounts.txt, and print how to sign in."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only made with PORTAL_DEBUG on.")
        if not ACCOUNTS_FILE.exists():
            ACCOUNTS_FILE.write_text(self.create_accounts(), encoding="utf-8")
            ACCOUNTS_FILE.chmod(0o600)
        self.stdout.write("Sign in to the admin with one of these accounts:")
        self.stdout.write(ACCOUNTS_FILE.read_text(encoding="utf-8"))

    @transaction.atomic
    def create_accounts(self):
        # All or none: an account made without its line in the file would
        # have a password nobody knows.
        users = get_user_model()
        lines = []
        password = secrets.token_urlsafe(9)
        admin = users.objects.filter(username="admin").first()
        if admin is None:
            users.objects.create_superuser("admin", "admin@localhost", password)
            lines.append(f"  admin / {password}   (superuser: every college)")
        for college in Institution.objects.all():
            username = f"officer-{college.initials.lower()}"
            email = f"{username}@localhost"
            if users.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(9)
            # Values, not command-line words: a password may start with "-".
            make_officer(username, college.slug, password=password, email=email)
            lines.append(
                f"  {username} / {password}   (admissions officer: {college.name_en})"
            )
        return "\n".join(lines) + "\n"
