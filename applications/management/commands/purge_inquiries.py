"""Anonymise closed inquiries once they are no longer needed.

    python manage.py purge_inquiries --older-than 365          # report only
    python manage.py purge_inquiries --older-than 365 --apply  # do it

An inquiry qualifies when it is closed and its status last changed more than
DAYS days ago. What identifies the applicant is blanked (name, e-mail,
message, organisation, internal notes, mail error, notes on its status
changes, and its name in the admin's history); what the dashboard counts is
kept (college, kind, status, nationality, language, date received), so the
figures do not change.
"""

from collections import Counter
from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from applications.models import Inquiry, InquiryEvent

BLANKED = {
    "full_name": "",
    "email": "",
    "phone": "",
    "phone_apps": "",
    "message": "",
    "organization": "",
    "internal_notes": "",
    "mail_error": "",
}


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

        with transaction.atomic():
            ids = list(queryset.select_for_update().values_list("pk", flat=True))
            count = Inquiry.objects.filter(pk__in=ids).update(
                **BLANKED, anonymised_at=now
            )
            InquiryEvent.objects.filter(inquiry__in=ids).update(note="")
            # The admin's history shows "REFERENCE · name"; keep only the reference.
            content_type = ContentType.objects.get_for_model(Inquiry)
            for pk, reference in Inquiry.objects.filter(pk__in=ids).values_list(
                "pk", "reference"
            ):
                LogEntry.objects.filter(
                    content_type=content_type, object_id=str(pk)
                ).update(object_repr=reference)
        self.stdout.write(
            f"Anonymised {count} closed inquiries{f' ({details})' if details else ''}."
        )
