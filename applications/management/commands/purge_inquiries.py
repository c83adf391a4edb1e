"""Anonymise inquiries once they are no longer needed: the retention periods
of the privacy notice.

    python manage.py purge_inquiries           # report only
    python manage.py purge_inquiries --apply   # do it

Two kinds of inquiry qualify:

- closed ones whose status last changed more than
  ``PORTAL_RETENTION_CLOSED_DAYS`` days ago (365; ``--older-than`` overrides);
- open ones that no one has touched (no status change, assignment or edit of
  the notes) for more than ``PORTAL_RETENTION_UNTOUCHED_DAYS`` days (730;
  ``--untouched-for`` overrides).

``applications.services.anonymise_all`` does the blanking and the audit
record, as the admin's "anonymise" does.
"""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from applications.models import Inquiry, InquiryEvent
from applications.services import anonymise_all


def purgeable(days, now=None):
    """Closed inquiries whose status last changed more than ``days`` ago."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return Inquiry.objects.filter(
        status__in=Inquiry.CLOSED_STATUSES,
        status_changed_at__lt=cutoff,
        anonymised_at__isnull=True,
    )


def untouched(days, now=None):
    """Open inquiries with no status change and no history entry for more
    than ``days`` days."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    recent = InquiryEvent.objects.filter(inquiry=OuterRef("pk"), at__gte=cutoff)
    return Inquiry.objects.filter(
        status__in=Inquiry.OPEN_STATUSES,
        status_changed_at__lt=cutoff,
        created_at__lt=cutoff,
        anonymised_at__isnull=True,
    ).exclude(Exists(recent))


def _details(queryset):
    by_status = Counter(queryset.values_list("status", flat=True))
    details = ", ".join(
        f"{Inquiry.Status(status).label}: {count}"
        for status, count in sorted(by_status.items())
    )
    return sum(by_status.values()), f" ({details})" if details else ""


class Command(BaseCommand):
    help = "Anonymise closed and long-untouched open inquiries (retention periods)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="DAYS",
            help="Closed for more than this many days, by the last status change "
            "(default: PORTAL_RETENTION_CLOSED_DAYS).",
        )
        parser.add_argument(
            "--untouched-for",
            type=int,
            default=None,
            metavar="DAYS",
            help="Open and untouched for more than this many days "
            "(default: PORTAL_RETENTION_UNTOUCHED_DAYS).",
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Anonymise them; without it, only report what would be done.",
        )

    def handle(self, *args, older_than, untouched_for, apply, **options):
        closed_days = older_than or settings.PORTAL_RETENTION_CLOSED_DAYS
        open_days = untouched_for or settings.PORTAL_RETENTION_UNTOUCHED_DAYS
        if older_than is not None and older_than < 1:
            raise CommandError("--older-than must be at least 1 day.")
        if untouched_for is not None and untouched_for < 1:
            raise CommandError("--untouched-for must be at least 1 day.")
        now = timezone.now()
        closed = purgeable(closed_days, now)
        idle = untouched(open_days, now)
        closed_total, closed_details = _details(closed)
        open_total, open_details = _details(idle)
        if not apply:
            self.stdout.write(
                f"Would anonymise {closed_total} closed inquiries unchanged for "
                f"more than {closed_days} days{closed_details} and {open_total} "
                f"open inquiries untouched for more than {open_days} days"
                f"{open_details}. Run again with --apply to do it."
            )
            return
        closed_count = anonymise_all(
            closed, filters=f"purge_inquiries: closed for more than {closed_days} days"
        )
        open_count = anonymise_all(
            idle,
            filters=f"purge_inquiries: open, untouched for more than {open_days} days",
        )
        self.stdout.write(
            f"Anonymised {closed_count} closed inquiries{closed_details} and "
            f"{open_count} open inquiries untouched for more than {open_days} "
            f"days{open_details}."
        )
