"""Mail about an inquiry: a confirmation to the applicant, a notice to the college.

Mail goes out only after the inquiry is committed
(``schedule_inquiry_mails``), and sending never raises: a failure is written
on the inquiry (``mail_error``) and ``send_inquiry_mails`` may be called again
later, from the admin or by ``manage.py send_pending_mail`` (from cron, with a
growing delay between tries), to send whatever is still unsent. Every sender
first claims the inquiry's mail, so that no mail goes out twice.
"""

import datetime
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from .forms import describe_intake
from .models import Inquiry, Message, StaffMembership

logger = logging.getLogger(__name__)

# The notice to the college is written in both languages: admissions offices
# have English- and Chinese-reading staff alike.
STAFF_LANGUAGES = ("en", "zh-hans")

# How long one sender may hold an inquiry's mail: far longer than sending two
# mails takes (each waits at most EMAIL_TIMEOUT), short enough that a sender
# killed mid-way delays the mail by minutes only.
CLAIM_LEASE = datetime.timedelta(minutes=5)
MAX_RETRY_DELAY = 6 * 3600


def _absolute(path):
    return settings.SITE_URL + path


def _context(inquiry):
    return {
        "inquiry": inquiry,
        "institution": inquiry.institution,
        "intake": describe_intake(inquiry.intake),
        "site_url": settings.SITE_URL,
        # The status page fills the reference in; the e-mail address is
        # never in a URL (logs, browser history).
        "status_url": _absolute(
            reverse("applications:status")
            + "?"
            + urlencode({"reference": inquiry.reference})
        ),
        "privacy_url": _absolute(reverse("applications:privacy")),
        "admin_url": _admin_url(inquiry),
    }


def _admin_url(inquiry):
    try:
        return _absolute(
            reverse("admin:applications_inquiry_change", args=[inquiry.pk])
        )
    except NoReverseMatch:
        return _absolute("/" + settings.ADMIN_PATH)


def _subject(template, context):
    # A subject is one line, whatever the template's layout.
    return " ".join(render_to_string(template, context).split())


def _reply_to_college(inquiry):
    # The portal's own address is the last resort only: a reply to it (a
    # request to delete the details) would reach nobody at the college.
    return notification_recipients(inquiry) or [settings.DEFAULT_FROM_EMAIL]


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
    """The college's admissions addresses; failing those, its officers' own
    addresses (never an editor's only); failing those, the site's ADMINS."""
    college = inquiry.institution
    if college.admissions_email_list:
        # Most colleges have one: the staff query is not even built.
        return college.admissions_email_list
    return college_officer_addresses(college) or [
        address for _name, address in settings.ADMINS
    ]


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


def retry_delay(attempts):
    """How long to wait after the ``attempts``-th failed round: doubling from
    ``MAIL_RETRY_SECONDS``, at most six hours."""
    base = max(int(settings.MAIL_RETRY_SECONDS), 1)
    return datetime.timedelta(seconds=min(base * 2 ** (attempts - 1), MAX_RETRY_DELAY))


def _claim(obj, now):
    """Hold the mail of ``obj`` (an inquiry or a message) for this sender;
    False when another has it.

    One conditional UPDATE, so that of two senders (the request that saved
    it, the admin, two overlapping runs of send_pending_mail, on any number
    of servers) exactly one wins. The claim lapses by itself should its
    sender die.
    """
    free = Q(mail_claimed_until__isnull=True) | Q(mail_claimed_until__lt=now)
    claimed = (
        type(obj)
        .objects.filter(free, pk=obj.pk)
        .update(mail_claimed_until=now + CLAIM_LEASE)
    )
    return claimed == 1


def claim_new(obj, now):
    """Hold the mail of an inquiry (or a message) about to be inserted, in
    the same write.

    Its request sends the mail once it commits (``schedule_inquiry_mails(
    inquiry, claimed=True)``) without a claim of its own, and no other
    sender can take the mail in between. Should the request die first, the
    claim lapses as any other does, and ``send_pending_mail`` sends it.
    """
    obj.mail_claimed_until = now + CLAIM_LEASE


SENT, FAILED, BUSY = "sent", "failed", "busy"


def send_inquiry_mails(inquiry, *, claimed=False):
    """Send whichever of the two mails about ``inquiry`` has not been sent yet.

    A mail counts as sent, and its time is recorded, only once the mail
    server has accepted it; each is recorded before the next is tried, so a
    later failure cannot make it go out twice. On failure a short message
    with the time goes in ``mail_error`` (cleared once everything is sent),
    the failed round is counted and the next automatic try is set later and
    later (``send_pending_mail``). Never raises. Returns True when nothing
    is left unsent; False also when another sender is at work on it.
    ``claimed``: the caller holds the claim (``claim_new``) and ``inquiry``
    is as it was saved.
    """
    return deliver(inquiry, claimed=claimed) == SENT


MAILS = (
    ("confirmation to applicant", "confirmation_sent_at", build_confirmation),
    ("notification to college", "notification_sent_at", build_notification),
)


def deliver(inquiry, *, claimed=False):
    """``send_inquiry_mails``, telling apart what happened: ``SENT`` (nothing
    is left unsent), ``FAILED`` or ``BUSY`` (another sender has the mail)."""
    return deliver_mails(inquiry, MAILS, claimed=claimed)


def deliver_mails(obj, mails, *, claimed=False):
    """Send the unsent ones of ``mails`` (``(what, sent-at field, build)``)
    about ``obj``, an inquiry or a message: both keep ``mail_error``,
    ``mail_attempts``, ``mail_retry_at`` and ``mail_claimed_until``, and
    both are claimed, recorded and retried the same way."""
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
        if failures:
            obj.mail_attempts += 1
            stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M %Z")
            if obj.mail_attempts < settings.MAIL_MAX_ATTEMPTS:
                obj.mail_retry_at = now + retry_delay(obj.mail_attempts)
                next_try = timezone.localtime(obj.mail_retry_at)
                plan = f"next try {next_try:%Y-%m-%d %H:%M}"
            else:
                obj.mail_retry_at = None
                plan = "no more automatic tries; retry from the admin"
            obj.mail_error = (
                f"{stamp}: "
                + "; ".join(failures)
                + f" (attempt {obj.mail_attempts}, {plan})"
            )
        else:
            obj.mail_error = ""
            obj.mail_retry_at = None
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


def pending_mail(*, ignore_delay=False):
    """Inquiries with a mail still unsent whose next automatic try is due
    (with ``ignore_delay``, also those waiting out the delay after a
    failure), oldest first."""
    pending = Inquiry.objects.filter(
        Q(confirmation_sent_at__isnull=True) | Q(notification_sent_at__isnull=True),
        anonymised_at__isnull=True,
        mail_attempts__lt=settings.MAIL_MAX_ATTEMPTS,
    )
    if not ignore_delay:
        pending = pending.filter(
            Q(mail_retry_at__isnull=True) | Q(mail_retry_at__lte=timezone.now())
        )
    return pending.order_by("created_at", "pk")


def schedule_inquiry_mails(inquiry, *, claimed=False):
    """Send the mails once the transaction that saved ``inquiry`` commits
    (``claimed``: see ``claim_new``)."""
    transaction.on_commit(lambda: send_inquiry_mails(inquiry, claimed=claimed))


# ---------------------------------------------------------------------------
# The messages of a conversation (applications.correspondence)


def college_officer_addresses(college):
    """The addresses of the college's active officers (never an editor's
    only)."""
    staff = (
        StaffMembership.objects.filter(
            institution=college, is_officer=True, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(staff))


def answer_recipients(inquiry):
    """Who hears of the applicant's answer: the officer the inquiry is
    assigned to; nobody assigned, the college's officers; failing those, its
    admissions addresses, then the site's ADMINS."""
    officer = inquiry.assigned_to
    if officer is not None and officer.is_active and officer.email:
        return [officer.email]
    return (
        college_officer_addresses(inquiry.institution)
        or inquiry.institution.admissions_email_list
        or [address for _name, address in settings.ADMINS]
    )


def build_reply(message):
    """The college's message to the applicant, in the applicant's language,
    from the portal's address; a reply reaches the college's admissions
    office (or its officers)."""
    inquiry = message.inquiry
    college = inquiry.institution
    with translation.override(inquiry.language or settings.LANGUAGE_CODE):
        context = {**_context(inquiry), "message": message}
        subject = _subject("applications/mail/reply_subject.txt", context)
        body = render_to_string("applications/mail/reply_body.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[inquiry.email],
        reply_to=college.admissions_email_list
        or college_officer_addresses(college)
        or None,
    )


def build_answer_notice(message):
    """The notice to staff that the applicant has answered, in English and
    Chinese. It carries no applicant's text: the message is read in the admin."""
    inquiry = message.inquiry
    recipients = answer_recipients(inquiry)
    if not recipients:
        raise ValueError(f"{inquiry.institution.slug} has nobody to notify")
    subjects, bodies = [], []
    for language in STAFF_LANGUAGES:
        with translation.override(language):
            context = {**_context(inquiry), "message": message}
            subjects.append(_subject("applications/mail/answer_subject.txt", context))
            bodies.append(
                render_to_string("applications/mail/answer_body.txt", context)
            )
    return EmailMessage(
        subject=" / ".join(dict.fromkeys(subjects)),
        body="\n\n----------------------------------------\n\n".join(
            b.strip() for b in bodies
        )
        + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )


def _build_message_mail(message):
    if message.direction == message.Direction.OUT:
        return build_reply(message)
    return build_answer_notice(message)


MESSAGE_MAILS = (("message mail", "sent_at", _build_message_mail),)


def deliver_message(message, *, claimed=False):
    """Send the mail of one message, with the claim and retries of an
    inquiry's mail: ``SENT``, ``FAILED`` or ``BUSY``."""
    return deliver_mails(message, MESSAGE_MAILS, claimed=claimed)


def schedule_message_mail(message, *, claimed=True):
    """Send the message's mail once the transaction that saved it commits."""
    transaction.on_commit(lambda: deliver_message(message, claimed=claimed))


def pending_messages(*, ignore_delay=False):
    """Messages whose mail is unsent and due, oldest first."""
    pending = Message.objects.filter(
        sent_at__isnull=True,
        inquiry__anonymised_at__isnull=True,
        mail_attempts__lt=settings.MAIL_MAX_ATTEMPTS,
    )
    if not ignore_delay:
        pending = pending.filter(
            Q(mail_retry_at__isnull=True) | Q(mail_retry_at__lte=timezone.now())
        )
    return pending.order_by("created_at", "pk")
