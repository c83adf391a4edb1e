"""Time the staff pages against the current database; JSON on stdout.

    python manage.py time_admin --repeat 11
    python manage.py time_admin --officer scale-officer-12

See ``bench/admin_timing.py`` for what is timed and how.

A command of the bench app, which only bench/settings.py installs: run it
with ``DJANGO_SETTINGS_MODULE=bench.settings``.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bench.admin_timing import time_admin


class Command(BaseCommand):
    help = "Median response times of the inquiry list and dashboard, as JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repeat",
            type=int,
            default=11,
            help="Timed requests per page (default: %(default)s).",
        )
        parser.add_argument(
            "--officer",
            help="Time the pages for this officer (default: the officer of the "
            "college with the most inquiries).",
        )

    def handle(self, *args, repeat, officer, **options):
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        user = None
        if officer:
            user = get_user_model().objects.filter(username=officer).first()
            if user is None:
                raise CommandError(f"No user {officer!r}.")
        report = time_admin(repeat=repeat, officer=user)
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
