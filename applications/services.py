"""Receiving an inquiry and forgetting it: the one place where a public
submission is saved (``submit_inquiry``), and the one place where what
identifies an applicant is blanked (``anonymise``)."""

import datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone, translation

from .correspondence import delete_documents
from .emails import claim_new, schedule_inquiry_mails
from .models import AuditEntry, Inquiry, InquiryEvent, Message, audit, new_reference

DUPLICATE_WINDOW = datetime.timedelta(days=30)


def find_duplicate(institution, email, *, before=None):
    """The latest inquiry to this college from this address in the last 30
    days (only its key and reference: the college's notice names it)."""
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


def submit_inquiry(form):
    """Save the inquiry of a valid ``InquiryForm`` and schedule its mails.

    One transaction: the inquiry, with its consent time, language and any
    possible duplicate, is saved whole or not at all; the mails go out only
    after it commits. A possible duplicate is flagged, never dropped.
    """
    known = {code for code, _name in settings.LANGUAGES}
    language = translation.get_language()
    now = timezone.now()
    with transaction.atomic():
        inquiry = form.save(commit=False)
        inquiry.language = language if language in known else settings.LANGUAGE_CODE
        inquiry.consent_at = now
        inquiry.consent_version = settings.PRIVACY_NOTICE_VERSION
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


# What identifies the applicant; what the dashboard counts (college, kind,
# status, nationality, language, date received) is kept, so that the figures
# do not change.
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


def anonymise(inquiry, *, by=None):
    """Blank what identifies the applicant of ``inquiry``, for good: the
    fields of ``BLANKED``, the notes on its history, the text of its messages,
    its documents (from their storage too), and its name in the admin's
    history (the reference is kept).

    ``by`` is the member of staff asking (None: the portal itself, as the
    purge): they must be able to see the inquiry. Returns False when it was
    anonymised already. The audit record is the caller's: ``anonymise_all``.
    """
    if (
        by is not None
        and not Inquiry.objects.for_staff(by).filter(pk=inquiry.pk).exists()
    ):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        changed = Inquiry.objects.filter(pk=inquiry.pk, anonymised_at=None).update(
            **BLANKED, anonymised_at=now
        )
        if not changed:
            return False
        InquiryEvent.objects.filter(inquiry=inquiry.pk).update(note="")
        Message.objects.filter(inquiry=inquiry.pk).update(body="", mail_error="")
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Inquiry),
            object_id=str(inquiry.pk),
        ).update(object_repr=inquiry.reference)
        # Last: files cannot be brought back by a rollback.
        delete_documents(inquiry)
    for field, value in BLANKED.items():
        setattr(inquiry, field, value)
    inquiry.anonymised_at = now
    return True


def anonymise_all(inquiries, *, by=None, filters=""):
    """Anonymise each of ``inquiries`` and record, once, who did it, when and
    how many (never which). Returns how many were anonymised now."""
    count = 0
    with transaction.atomic():
        for inquiry in (
            inquiries.filter(anonymised_at=None)
            .select_related(None)
            .only("pk", "reference")
        ):
            count += anonymise(inquiry, by=by)
        if count:
            audit(AuditEntry.Action.ANONYMISE, by=by, count=count, filters=filters)
    return count
