"""Receiving an inquiry: the one place where a public submission is saved."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone, translation

from .emails import claim_new, schedule_inquiry_mails
from .models import Inquiry, new_reference

DUPLICATE_WINDOW = datetime.timedelta(days=30)


def find_duplicate(institution, email, *, before=None):
    """The latest inquiry to this college from this address in the last 30 days.

    Only its primary key and reference are read: the college's notice names it.
    """
    before = before or timezone.now()
    # Lower() on both sides, as the inquiry_email_lower index is built: an
    # iexact lookup (LIKE on SQLite, UPPER() on PostgreSQL) can use no index
    # and read every inquiry the college had in the window.
    return (
        Inquiry.objects.filter(
            institution=institution,
            created_at__gte=before - DUPLICATE_WINDOW,
            created_at__lte=before,
        )
        .alias(email_lower=Lower("email"))
        .filter(email_lower=Lower(Value(email)))
        .order_by("-created_at", "-pk")
        .only("pk", "reference")
        .first()
    )


def submit_inquiry(form, *, language=None):
    """Save the inquiry of a valid ``InquiryForm`` and schedule its mails.

    One transaction: the inquiry, with its consent time, language and any
    possible duplicate, is saved whole or not at all; the mails go out only
    after it commits. A possible duplicate is flagged, never dropped.
    """
    known = {code for code, _name in settings.LANGUAGES}
    language = language or translation.get_language()
    now = timezone.now()
    with transaction.atomic():
        inquiry = form.save(commit=False)
        inquiry.language = language if language in known else settings.LANGUAGE_CODE
        inquiry.consent_at = now
        inquiry.created_at = now
        inquiry.status_changed_at = now
        # Its mail is held from the start: no claim to write after the commit.
        claim_new(inquiry, now)
        inquiry.duplicate_of = find_duplicate(
            inquiry.institution, inquiry.email, before=now
        )
        # A reference is random; in the unlikely event that one is taken, draw
        # another rather than fail the applicant.
        for attempt in range(3):
            try:
                with transaction.atomic():
                    inquiry.save()
                break
            except IntegrityError:
                taken = Inquiry.objects.filter(reference=inquiry.reference).exists()
                if attempt == 2 or not taken:
                    raise
                inquiry.pk = None
                inquiry.reference = new_reference()
        schedule_inquiry_mails(inquiry, claimed=True)
    return inquiry


# What identifies the applicant, blanked by ``anonymise``; what the
# dashboard counts (college, kind, status, nationality, language, dates) is
# kept, so the figures do not change.
BLANKED = {
    "full_name": "",
    "email": "",
    "message": "",
    "organization": "",
    "internal_notes": "",
    "mail_error": "",
}


def anonymise(inquiry, *, now=None):
    """Remove the applicant's personal data from ``inquiry``, for good: the
    fields of ``BLANKED``, the notes on its status changes, the text of every
    message of its conversation and the documents (their files deleted from
    the storage), and its name in the admin's history. The one way to
    anonymise an inquiry (retention: ``purge_inquiries``; the admin)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from .correspondence import delete_documents
    from .models import InquiryEvent, Message

    now = now or timezone.now()
    with transaction.atomic():
        Inquiry.objects.filter(pk=inquiry.pk).update(**BLANKED, anonymised_at=now)
        InquiryEvent.objects.filter(inquiry=inquiry).update(note="")
        Message.objects.filter(inquiry=inquiry).update(body="", mail_error="")
        # The admin's history shows "REFERENCE · name"; keep only the reference.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Inquiry),
            object_id=str(inquiry.pk),
        ).update(object_repr=inquiry.reference)
        # Last: files cannot be brought back by a rollback.
        delete_documents(inquiry)
    for field, value in BLANKED.items():
        setattr(inquiry, field, value)
    inquiry.anonymised_at = now
    return inquiry
