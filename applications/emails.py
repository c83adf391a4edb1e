"""Mail about an inquiry: a confirmation to the applicant, a notice to the college.

Mail goes out only after the inquiry is committed
(``schedule_inquiry_mails``), and sending never raises: a failure is written
on the inquiry (``mail_error``) and ``send_inquiry_mails`` may be called again
later, from the admin or a command, to send whatever is still unsent.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from .forms import describe_intake
from .models import StaffMembership

logger = logging.getLogger(__name__)

# The notice to the college is written in both languages: admissions offices
# have English- and Chinese-reading staff alike.
STAFF_LANGUAGES = ("en", "zh-hans")


def _absolute(path):
    return settings.SITE_URL + path


def _context(inquiry):
    return {
        "inquiry": inquiry,
        "institution": inquiry.institution,
        "intake": describe_intake(inquiry.intake),
        "site_url": settings.SITE_URL,
        "status_url": _absolute(reverse("applications:status")),
        "privacy_url": _absolute(reverse("applications:privacy")),
        "admin_url": _admin_url(inquiry),
    }


def _admin_url(inquiry):
    try:
        return _absolute(
            reverse("admin:applications_inquiry_change", args=[inquiry.pk])
        )
    except NoReverseMatch:
        return _absolute("/admin/")


def _subject(template, context):
    # A subject is one line, whatever the template's layout.
    return " ".join(render_to_string(template, context).split())


def _reply_to_college(inquiry):
    return inquiry.institution.admissions_email_list or [settings.DEFAULT_FROM_EMAIL]


def build_confirmation(inquiry):
    """The applicant's confirmation, in the language they wrote in."""
    with translation.override(inquiry.language or settings.LANGUAGE_CODE):
        context = _context(inquiry)
        subject = _subject("applications/mail/confirmation_subject.txt", context)
        body = render_to_string("applications/mail/confirmation_body.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[inquiry.email],
        # A reply (a question, a request to delete the details) reaches the
        # college, not an unread sender address.
        reply_to=_reply_to_college(inquiry),
    )


def notification_recipients(inquiry):
    """The college's admissions addresses; failing those, its staff's own
    addresses; failing those, the site's ADMINS."""
    college = inquiry.institution
    staff = (
        StaffMembership.objects.filter(institution=college, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return (
        college.admissions_email_list
        or sorted(set(staff))
        or [address for _name, address in settings.ADMINS]
    )


def build_notification(inquiry):
    """The notice to the college's admissions office, in English and Chinese."""
    recipients = notification_recipients(inquiry)
    if not recipients:
        raise ValueError(f"{inquiry.institution.slug} has no admissions e-mail address")
    subjects, bodies = [], []
    for language in STAFF_LANGUAGES:
        with translation.override(language):
            context = _context(inquiry)
            subjects.append(
                _subject("applications/mail/notification_subject.txt", context)
            )
            bodies.append(
                render_to_string("applications/mail/notification_body.txt", context)
            )
    # The same subject twice when the Chinese catalogue lacks a translation.
    subject = " / ".join(dict.fromkeys(subjects))
    body = "\n\n----------------------------------------\n\n".join(
        b.strip() for b in bodies
    )
    return EmailMessage(
        subject=subject,
        body=body + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[inquiry.email],
    )


def _failure(what, exc):
    detail = " ".join(str(exc).split())[:200]
    name = type(exc).__name__
    return (
        f"{what} not sent ({name}: {detail})" if detail else f"{what} not sent ({name})"
    )


def send_inquiry_mails(inquiry):
    """Send whichever of the two mails about ``inquiry`` has not been sent yet.

    Records the time of each sent mail, and on failure a short message with
    the time in ``mail_error`` (cleared once everything is sent). Never
    raises. Returns True when nothing is left unsent.
    """
    try:
        # Another process (a retry from the admin) may have sent one already.
        inquiry.refresh_from_db(
            fields=["confirmation_sent_at", "notification_sent_at", "mail_error"]
        )
    except Exception:
        logger.exception("Inquiry %s: cannot read its mail state", inquiry.pk)
        return False

    failures = []
    updated = []
    for what, field, build in (
        ("confirmation to applicant", "confirmation_sent_at", build_confirmation),
        ("notification to college", "notification_sent_at", build_notification),
    ):
        if getattr(inquiry, field) is not None:
            continue
        try:
            build(inquiry).send(fail_silently=False)
        except Exception as exc:
            logger.exception("Inquiry %s: %s failed", inquiry.reference, what)
            failures.append(_failure(what, exc))
        else:
            setattr(inquiry, field, timezone.now())
            updated.append(field)

    if failures:
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
        inquiry.mail_error = f"{stamp}: " + "; ".join(failures)
    else:
        inquiry.mail_error = ""
    try:
        inquiry.save(update_fields=[*updated, "mail_error"])
    except Exception:
        logger.exception("Inquiry %s: cannot record its mail state", inquiry.pk)
        return False
    return not failures


def schedule_inquiry_mails(inquiry):
    """Send the mails once the transaction that saved ``inquiry`` commits."""
    transaction.on_commit(lambda: send_inquiry_mails(inquiry))
