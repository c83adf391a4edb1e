"""Mail about an inquiry and its conversation.

Mail goes out only after its row is committed, and sending never raises: a
failure is written on the row (``mail_error``) and the mail is tried again
later, from the admin or by ``manage.py send_pending_mail`` (from cron, with a
growing delay). Every sender first claims the row's mail, so that no mail goes
out twice.
"""

import datetime
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .forms import describe_intake
from .models import Inquiry, Message, StaffMembership

logger = logging.getLogger(__name__)

# The notices to staff are written in both languages: admissions offices
# have English- and Chinese-reading staff alike.
STAFF_LANGUAGES = ("en", "zh-hans")

# How long one sender may hold a mail: far longer than sending two mails
# takes (each waits at most EMAIL_TIMEOUT), short enough that a sender killed
# mid-way delays the mail by minutes only.
CLAIM_LEASE = datetime.timedelta(minutes=5)
MAX_RETRY_DELAY = 6 * 3600

SENT, FAILED, BUSY = "sent", "failed", "busy"


def _context(inquiry, message=None):
    # The status page fills the reference in; the e-mail address is never in
    # a URL (logs, browser history).
    status = reverse("applications:status")
    query = urlencode({"reference": inquiry.reference})
    admin = reverse("admin:applications_inquiry_change", args=[inquiry.pk])
    return {
        "inquiry": inquiry,
        "message": message,
        "institution": inquiry.institution,
        "intake": describe_intake(inquiry.intake),
        "status_url": f"{settings.SITE_URL}{status}?{query}",
        "privacy_url": settings.SITE_URL + reverse("applications:privacy"),
        "admin_url": settings.SITE_URL + admin,
    }


def _render(name, context):
    """The subject (one line, whatever the template's layout) and the body."""
    subject = render_to_string(f"applications/mail/{name}_subject.txt", context)
    body = render_to_string(f"applications/mail/{name}_body.txt", context)
    return " ".join(subject.split()), body


def _to_applicant(inquiry, name, reply_to, message=None):
    """Mail ``name`` to the applicant, in the language they wrote in."""
    with translation.override(inquiry.language or settings.LANGUAGE_CODE):
        subject, body = _render(name, _context(inquiry, message))
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[inquiry.email],
        reply_to=reply_to,
    )


def _to_staff(inquiry, name, recipients, reply_to=None, message=None):
    """Mail ``name`` to staff, in English and Chinese."""
    subjects, bodies = [], []
    for language in STAFF_LANGUAGES:
        with translation.override(language):
            subject, body = _render(name, _context(inquiry, message))
        subjects.append(subject)
        bodies.append(body.strip())
    return EmailMessage(
        # The same subject twice when the Chinese catalogue lacks a translation.
        subject=" / ".join(dict.fromkeys(subjects)),
        body="\n\n----------------------------------------\n\n".join(bodies) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=reply_to,
    )


def college_officer_addresses(college):
    """The addresses of the college's active officers (never an editor's only)."""
    staff = (
        StaffMembership.objects.filter(
            institution=college, is_officer=True, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(staff))


def _admins():
    return [address for _name, address in settings.ADMINS]


def notification_recipients(inquiry):
    """The college's admissions addresses; failing those, its officers'
    addresses; failing those, the site's ADMINS."""
    college = inquiry.institution
    # Most colleges have admissions addresses: the staff query is not even built.
    return (
        college.admissions_email_list or college_officer_addresses(college) or _admins()
    )


def answer_recipients(inquiry):
    """The officer the inquiry is assigned to; nobody assigned, the college's
    officers; failing those, its admissions addresses, then the site's ADMINS."""
    officer = inquiry.assigned_to
    if officer is not None and officer.is_active and officer.email:
        return [officer.email]
    college = inquiry.institution
    return (
        college_officer_addresses(college) or college.admissions_email_list or _admins()
    )


def build_confirmation(inquiry):
    # A reply (a question, a request to delete the details) reaches the
    # college; the portal's own address, which nobody reads, is the last resort.
    reply_to = notification_recipients(inquiry) or [settings.DEFAULT_FROM_EMAIL]
    return _to_applicant(inquiry, "confirmation", reply_to)


def build_notification(inquiry):
    recipients = notification_recipients(inquiry)
    if not recipients:
        raise ValueError(f"{inquiry.institution.slug} has no admissions e-mail address")
    return _to_staff(inquiry, "notification", recipients, reply_to=[inquiry.email])


def build_reply(message):
    """The college's message to the applicant."""
    college = message.inquiry.institution
    reply_to = college.admissions_email_list or college_officer_addresses(college)
    return _to_applicant(message.inquiry, "reply", reply_to or None, message)


def build_answer_notice(message):
    """The notice that the applicant has answered. It carries none of the
    applicant's text: the message is read in the admin."""
    recipients = answer_recipients(message.inquiry)
    if not recipients:
        raise ValueError(f"{message.inquiry.institution.slug} has nobody to notify")
    return _to_staff(message.inquiry, "answer", recipients, message=message)


def _build_message_mail(message):
    if message.direction == message.Direction.OUT:
        return build_reply(message)
    return build_answer_notice(message)


# (what, sent-at field, build) for each mail of an inquiry, of a message.
MAILS = (
    ("confirmation to applicant", "confirmation_sent_at", build_confirmation),
    ("notification to college", "notification_sent_at", build_notification),
)
MESSAGE_MAILS = (("message mail", "sent_at", _build_message_mail),)


def _failure(what, exc):
    detail = " ".join(str(exc).split())[:200]
    name = type(exc).__name__
    return (
        f"{what} not sent ({name}: {detail})" if detail else f"{what} not sent ({name})"
    )


def retry_delay(attempts):
    """How long to wait after the ``attempts``-th failed round: doubling from
    ``MAIL_RETRY_SECONDS``, at most six hours."""
    base = max(int(settings.MAIL_RETRY_SECONDS), 1)
    return datetime.timedelta(seconds=min(base * 2 ** (attempts - 1), MAX_RETRY_DELAY))


def _claim(obj, now):
    """Hold the mail of ``obj`` for this sender; False when another has it.

    One conditional UPDATE, so that of any number of senders on any number of
    servers exactly one wins; the claim lapses by itself should its sender die.
    """
    free = Q(mail_claimed_until__isnull=True) | Q(mail_claimed_until__lt=now)
    claimed = (
        type(obj)
        .objects.filter(free, pk=obj.pk)
        .update(mail_claimed_until=now + CLAIM_LEASE)
    )
    return claimed == 1


def claim_new(obj, now):
    """Hold the mail of an inquiry or a message about to be inserted, in the
    same write: no other sender can take it before its request sends it
    (``claimed=True``) after the commit."""
    obj.mail_claimed_until = now + CLAIM_LEASE


def send_inquiry_mails(inquiry, *, claimed=False):
    """Send whichever mail about ``inquiry`` is unsent; True when none is left.
    Never raises (see ``deliver``)."""
    return deliver(inquiry, claimed=claimed) == SENT


def deliver(inquiry, *, claimed=False):
    """Send the unsent mails of an inquiry: ``SENT``, ``FAILED`` or ``BUSY``
    (another sender has them). ``claimed``: the caller holds the claim
    (``claim_new``) and ``inquiry`` is as it was saved."""
    return _deliver(inquiry, MAILS, claimed=claimed)


def deliver_message(message, *, claimed=False):
    """Send the mail of one message, as ``deliver`` does an inquiry's."""
    return _deliver(message, MESSAGE_MAILS, claimed=claimed)


def _deliver(obj, mails, *, claimed=False):
    """Send the unsent ones of ``mails`` about ``obj``, an inquiry or a message.

    A mail counts as sent, and its time is recorded, only once the mail server
    has accepted it, and before the next is tried, so that a later failure
    cannot make it go out twice. A failure is written in ``mail_error`` with
    the time, counted, and tried again later and later.
    """
    model = type(obj)
    name = f"{model._meta.model_name} {obj.pk}"
    if not claimed:
        try:
            if not _claim(obj, timezone.now()):
                logger.info("%s: another sender has its mail", name)
                return BUSY
            obj.refresh_from_db(
                fields=[*(mail[1] for mail in mails), "mail_error", "mail_attempts"]
            )
        except Exception:
            logger.exception("%s: cannot read its mail state", name)
            return FAILED

    failures = []
    unrecorded = None  # the last mail sent, recorded with the final state
    try:
        unsent = [mail for mail in mails if getattr(obj, mail[1]) is None]
        for what, field, build in unsent:
            try:
                build(obj).send(fail_silently=False)
            except Exception as exc:
                logger.exception("%s: %s failed", name, what)
                failures.append(_failure(what, exc))
                continue
            setattr(obj, field, timezone.now())
            if field == unsent[-1][1]:
                # Nothing is sent after it: its record can wait for the one
                # write below (and is written alone should that one fail).
                unrecorded = field
            else:
                model.objects.filter(pk=obj.pk).update(**{field: getattr(obj, field)})

        now = timezone.now()
        obj.mail_error = ""
        obj.mail_retry_at = None
        if failures:
            obj.mail_attempts += 1
            stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M %Z")
            if obj.mail_attempts < settings.MAIL_MAX_ATTEMPTS:
                obj.mail_retry_at = now + retry_delay(obj.mail_attempts)
                next_try = timezone.localtime(obj.mail_retry_at)
                plan = f"next try {next_try:%Y-%m-%d %H:%M}"
            else:
                plan = "no more automatic tries; retry from the admin"
            obj.mail_error = (
                f"{stamp}: "
                + "; ".join(failures)
                + f" (attempt {obj.mail_attempts}, {plan})"
            )
        obj.mail_claimed_until = None
        obj.save(
            update_fields=[
                *([unrecorded] if unrecorded else []),
                "mail_error",
                "mail_attempts",
                "mail_retry_at",
                "mail_claimed_until",
            ]
        )
    except Exception:
        # The claim lapses by itself; a mail already sent stays recorded.
        logger.exception("%s: cannot record its mail state", name)
        if unrecorded:
            try:
                model.objects.filter(pk=obj.pk).update(
                    **{unrecorded: getattr(obj, unrecorded)}
                )
            except Exception:
                logger.exception("%s: cannot record its %s", name, unrecorded)
        return FAILED
    return FAILED if failures else SENT


def schedule_inquiry_mails(inquiry, *, claimed=False):
    """Send the mails once the transaction that saved ``inquiry`` commits."""
    transaction.on_commit(lambda: send_inquiry_mails(inquiry, claimed=claimed))


def schedule_message_mail(message):
    """Send the mail of a new message (``claim_new``) once the transaction
    that saved it commits."""
    transaction.on_commit(lambda: deliver_message(message, claimed=True))


def _due(pending, ignore_delay):
    """``pending``, less what waits out the delay after a failure, oldest first."""
    if not ignore_delay:
        pending = pending.filter(
            Q(mail_retry_at__isnull=True) | Q(mail_retry_at__lte=timezone.now())
        )
    return pending.order_by("created_at", "pk")


def pending_mail(*, ignore_delay=False):
    """Inquiries with a mail unsent whose next automatic try is due."""
    return _due(
        Inquiry.objects.filter(
            Q(confirmation_sent_at__isnull=True) | Q(notification_sent_at__isnull=True),
            anonymised_at__isnull=True,
            mail_attempts__lt=settings.MAIL_MAX_ATTEMPTS,
        ),
        ignore_delay,
    )


def pending_messages(*, ignore_delay=False):
    """Messages whose mail is unsent and due."""
    return _due(
        Message.objects.filter(
            sent_at__isnull=True,
            inquiry__anonymised_at__isnull=True,
            mail_attempts__lt=settings.MAIL_MAX_ATTEMPTS,
        ),
        ignore_delay,
    )
