"""Anonymise closed inquiries once they are no longer needed.

    python manage.py purge_inquiries --older-than 365          # report only
    python manage.py purge_inquiries --older-than 365 --apply  # do it

An inquiry qualifies when it is closed and its status last changed more than
DAYS days ago. Each is anonymised by ``applications.services.anonymise``:
what identifies the applicant is blanked (name, e-mail, message,
organisation, internal notes, mail error, notes on its status changes, the
messages of its conversation, its name in the admin's history) and its
documents are deleted; what the dashboard counts is kept (college, kind,
status, nationality, language, date received), so the figures do not change.
"""

from collections import Counter
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from applications.models import Inquiry
from applications.services import anonymise


def purgeable(days, now=None):
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return Inquiry.objects.filter(
        status__in=Inquiry.CLOSED_STATUSES,
        status_changed_at__lt=cutoff,
        anonymised_at__isnull=True,
    )


class Command(BaseCommand):
    help = "Anonymise closed inquiries older than a number of days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="Closed for more than this many days (by the last status change).",
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Anonymise them; without it, only report what would be done.",
        )

    def handle(self, *args, older_than, apply, **options):
        if older_than < 1:
            raise CommandError("--older-than must be at least 1 day.")
        now = timezone.now()
        queryset = purgeable(older_than, now)
        by_status = Counter(queryset.values_list("status", flat=True))
        total = sum(by_status.values())
        details = ", ".join(
            f"{Inquiry.Status(status).label}: {count}"
            for status, count in sorted(by_status.items())
        )
        if not apply:
            self.stdout.write(
                f"Would anonymise {total} closed inquiries unchanged for more than "
                f"{older_than} days{f' ({details})' if details else ''}. "
                "Run again with --apply to do it."
            )
            return

        count = 0
        for inquiry in queryset.only("pk", "reference").iterator():
            with transaction.atomic():
                # Read again, locked: it may have been reopened meanwhile.
                locked = purgeable(older_than, now).select_for_update()
                if locked.filter(pk=inquiry.pk).exists():
                    anonymise(inquiry, now=now)
                    count += 1
        self.stdout.write(
            f"Anonymised {count} closed inquiries{f' ({details})' if details else ''}."
        )
