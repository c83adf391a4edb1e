"""Inquiries from prospective students and partners, and how staff handle them.

The status workflow lives here and only here: ``Inquiry.TRANSITIONS`` is the
table of allowed moves and ``Inquiry.transition_to`` the one way to make one.
Who may see which inquiry is ``Inquiry.objects.for_staff(user)``.
"""

import secrets

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from institutions.models import Institution, Programme, choice_label

# No 0/O, 1/I/L: a reference must survive being read out on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


def new_reference():
    """A random reference such as ``K7QM-4XTP``: 31⁸ ≈ 8.5 × 10¹¹ possibilities."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_reference(text):
    """What an applicant types, as stored: upper case, dash in the middle.

    Letters that cannot occur are read as the ones people confuse them with.
    """
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != REFERENCE_LENGTH:
        return ""
    return f"{cleaned[:4]}-{cleaned[4:]}"


class InquiryQuerySet(models.QuerySet):
    def for_staff(self, user):
        """The inquiries that ``user`` may see: all for a superuser, otherwise
        only those sent to a college the user is an officer of (the rule of
        ``applications.scoping.colleges_for``, written here too because the
        scoping module imports this one)."""
        if not (user and user.is_active and user.is_staff):
            return self.none()
        if user.is_superuser:
            return self
        # A subquery rather than a join: no duplicate rows, so no DISTINCT,
        # and counts and annotations on the result stay right.
        return self.filter(
            institution__in=StaffMembership.objects.filter(
                user=user, is_officer=True
            ).values("institution")
        )

    def open(self):
        return self.filter(status__in=Inquiry.OPEN_STATUSES)

    def assign_to(self, user, *, by):
        """Give these inquiries to ``user`` (``None``: to nobody), with a
        history entry for each that changes hands. Returns how many did."""
        new_id = user.pk if user is not None else None
        with transaction.atomic():
            changing = Inquiry.objects.filter(
                pk__in=self.order_by().values("pk")
            ).exclude(assigned_to=new_id)
            now = timezone.now()
            events = [
                InquiryEvent(
                    inquiry_id=pk,
                    kind=InquiryEvent.Kind.ASSIGNMENT,
                    from_assignee_id=old_id,
                    to_assignee_id=new_id,
                    by=by,
                    at=now,
                )
                for pk, old_id in changing.select_for_update().values_list(
                    "pk", "assigned_to"
                )
            ]
            InquiryEvent.objects.bulk_create(events, batch_size=500)
            ids = [event.inquiry_id for event in events]
            for start in range(0, len(ids), 500):
                Inquiry.objects.filter(pk__in=ids[start : start + 500]).update(
                    assigned_to=new_id
                )
        return len(events)


class Kind(models.TextChoices):
    STUDY = "study", _("Degree or major study")
    LANGUAGE = "language", _("Chinese language study")
    CHINESE_BRIDGE = "chinese_bridge", _("Chinese Bridge delegation")
    PARTNERSHIP = "partnership", _("Partnership proposal")


class PhoneApp(models.TextChoices):
    """Messaging apps a phone number may reach the applicant on."""

    WHATSAPP = "whatsapp", "WhatsApp"
    WECHAT = "wechat", _("WeChat")
    TELEGRAM = "telegram", "Telegram"


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    CONTACTED = "contacted", _("Contacted")
    MORE_INFO = "more_info", _("More information needed")
    APPLICATION_INVITED = "application_invited", _("Invited to apply")
    ENROLLED = "enrolled", _("Enrolled")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SPAM = "spam", _("Spam")


class Inquiry(models.Model):
    Kind = Kind
    Status = Status

    OPEN_STATUSES = (
        Status.NEW,
        Status.IN_REVIEW,
        Status.CONTACTED,
        Status.MORE_INFO,
        Status.APPLICATION_INVITED,
    )
    CLOSED_STATUSES = (Status.ENROLLED, Status.DECLINED, Status.WITHDRAWN, Status.SPAM)
    # The allowed moves; withdrawn and spam are reachable from every open status.
    _EXITS = {Status.WITHDRAWN, Status.SPAM}
    TRANSITIONS = {
        Status.NEW: {Status.IN_REVIEW} | _EXITS,
        Status.IN_REVIEW: {Status.CONTACTED, Status.MORE_INFO} | _EXITS,
        Status.CONTACTED: {Status.APPLICATION_INVITED, Status.MORE_INFO} | _EXITS,
        # Left by the applicant's answer (by=None) or by staff.
        Status.MORE_INFO: {Status.IN_REVIEW} | _EXITS,
        Status.APPLICATION_INVITED: {Status.ENROLLED, Status.DECLINED} | _EXITS,
    }
    # Where a superuser's "reopen" puts a closed inquiry.
    REOPEN_TO = Status.IN_REVIEW

    reference = models.CharField(
        _("reference"), max_length=9, unique=True, default=new_reference, editable=False
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="inquiries",
        verbose_name=_("college"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    nationality = CountryField(_("nationality"))
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("programme"),
    )
    intake = models.CharField(_("intake"), max_length=20, blank=True)
    organization = models.CharField(_("organisation"), max_length=200, blank=True)
    group_size = models.PositiveSmallIntegerField(
        _("group size"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    message = models.TextField(_("message"), max_length=5000, blank=True)
    # In E.164 (+77012345678), whatever spacing the applicant typed.
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    # PhoneApp values, comma-separated, in the order of PhoneApp.
    phone_apps = models.CharField(_("messaging apps"), max_length=30, blank=True)
    # A Chinese Bridge delegation's preferred visit, instead of an intake.
    start_date = models.DateField(_("visit from"), null=True, blank=True)
    end_date = models.DateField(_("visit until"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    consent_at = models.DateTimeField(_("privacy consent given"))
    # Which privacy notice the applicant agreed to: settings.PRIVACY_NOTICE_VERSION
    # at the time (blank for inquiries older than the versions).
    consent_version = models.CharField(
        _("privacy notice version"), max_length=20, blank=True, editable=False
    )
    created_at = models.DateTimeField(
        _("received"), default=timezone.now, db_index=True
    )

    status = models.CharField(
        _("status"), max_length=30, choices=Status, default=Status.NEW, editable=False
    )
    status_changed_at = models.DateTimeField(
        _("status changed"), default=timezone.now, editable=False
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_inquiries",
        verbose_name=_("assigned to"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("possible duplicate of"),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)

    # Mail: sent after the inquiry is committed; a failure is kept for a retry.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    notification_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_error = models.TextField(_("mail error"), blank=True, editable=False)
    # Retries (applications.emails, the send_pending_mail command): how many
    # rounds failed, when the next may start, and until when one sender holds
    # the mail so that no other sends it too.
    mail_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    mail_retry_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]),
                name="inquiry_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]),
                name="inquiry_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(group_size__isnull=True)
                | models.Q(group_size__gte=1, group_size__lte=500),
                name="inquiry_group_size_range",
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="inquiry_visit_dates_in_order",
            ),
        ]
        # The staff list at a million rows: each list filter, alone or within
        # the colleges of an officer, with the newest first; the search by
        # e-mail address, whatever its case; the rare "mail failed" rows.
        indexes = [
            # An officer's list filtered by status, newest first, without a
            # sort of the college's matching rows; and the officer's day
            # from the index alone.
            models.Index(
                fields=["institution", "status", "created_at", "status_changed_at"],
                name="inquiry_college_status_date",
            ),
            models.Index(fields=["created_at", "id"], name="inquiry_date_id"),
            models.Index(
                fields=["institution", "created_at"], name="inquiry_college_date"
            ),
            models.Index(fields=["status", "created_at"], name="inquiry_status_date"),
            models.Index(fields=["kind", "created_at"], name="inquiry_kind_date"),
            models.Index(
                fields=["nationality", "created_at"], name="inquiry_country_date"
            ),
            models.Index(
                fields=["assigned_to", "created_at"], name="inquiry_assigned_date"
            ),
            models.Index(Lower("email"), name="inquiry_email_lower"),
            # The open list, longest waiting first, read in order (with the
            # joins of the list, SQLite sorted all open rows from the other
            # index); and the officer's day, counted status by status.
            models.Index(
                fields=["status_changed_at", "status"], name="inquiry_waiting_status"
            ),
            models.Index(
                fields=["status", "status_changed_at"], name="inquiry_status_waiting"
            ),
            # "Mail failed": the length, not a partial index on
            # mail_error <> '', which SQLite uses only for a literal '' and
            # never for the bound parameter Django sends.
            models.Index(Length("mail_error"), name="inquiry_mail_error_length"),
            models.Index(
                "institution",
                Length("mail_error"),
                name="inquiry_college_mail_error",
            ),
        ]
        permissions = [("export_inquiry", _("Can export inquiries"))]

    def __str__(self):
        return f"{self.reference} · {self.full_name}"

    # The labels as get_FOO_display() gives them, without hashing (and so
    # translating) every choice on each call: mail and exports use them.
    @property
    def kind_label(self):
        return choice_label(Kind, self.kind)

    @property
    def status_label(self):
        return choice_label(Status, self.status)

    @property
    def phone_app_labels(self):
        return [str(choice_label(PhoneApp, v)) for v in self.phone_apps.split(",") if v]

    @property
    def phone_international(self):
        """The number as people write it: +7 701 234 5678."""
        if not self.phone:
            return ""
        try:
            number = phonenumbers.parse(self.phone)
        except phonenumbers.NumberParseException:
            return self.phone
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )

    @property
    def phone_apps_text(self):
        """The apps as one list: "WhatsApp, WeChat"; in Chinese "WhatsApp、微信"."""
        return pgettext("list separator", ", ").join(self.phone_app_labels)

    def phone_with_apps(self):
        """The number and, in brackets, the apps it reaches the applicant on."""
        if not self.phone_apps:
            return self.phone_international
        return gettext("%(phone)s (%(apps)s)") % {
            "phone": self.phone_international,
            "apps": self.phone_apps_text,
        }

    phone_with_apps.short_description = _("phone")

    @property
    def visit_text(self):
        """A delegation's preferred visit in words: 2027-04-12 to 2027-04-20."""
        start, end = self.start_date, self.end_date
        if start and end:
            return gettext("%(start)s to %(end)s") % {"start": start, "end": end}
        if start:
            return gettext("from %(start)s") % {"start": start}
        if end:
            return gettext("until %(end)s") % {"end": end}
        return ""

    @property
    def language_label(self):
        return dict(settings.LANGUAGES).get(self.language, self.language)

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def allowed_moves(self, user=None):
        moves = set(self.TRANSITIONS.get(self.status, set()))
        if user is not None and user.is_superuser and not self.is_open:
            moves.add(self.REOPEN_TO)
        return moves

    def transition_to(self, new_status, *, by, note="", message=None):
        """Move this inquiry to ``new_status`` and record who did it.

        Raises ``ValidationError`` for a move that is not in ``TRANSITIONS``
        (closed statuses are final, except that a superuser may reopen) and
        ``PermissionDenied`` when ``by`` may not see this inquiry. "More
        information needed" takes the ``message`` to the applicant that says
        what is needed.
        """
        with transaction.atomic():
            # Lock the row: two staff members may move the same inquiry at once.
            current = Inquiry.objects.select_for_update().filter(pk=self.pk).get()
            if (
                by is not None
                and not Inquiry.objects.for_staff(by).filter(pk=self.pk).exists()
            ):
                raise PermissionDenied
            if new_status not in current.allowed_moves(by):
                raise ValidationError(
                    _("An inquiry cannot move from “%(from)s” to “%(to)s”.")
                    % {
                        "from": self.Status(current.status).label,
                        "to": self.Status(new_status).label
                        if new_status in self.Status.values
                        else new_status,
                    },
                    code="illegal_transition",
                )
            if new_status == Status.MORE_INFO and not (
                message is not None and message.body.strip()
            ):
                raise ValidationError(
                    _("Write the applicant a message that says what is needed."),
                    code="message_required",
                )
            now = timezone.now()
            old = current.status
            self.status = new_status
            self.status_changed_at = now
            self.save(update_fields=["status", "status_changed_at"])
            event = self.events.create(
                from_status=old, to_status=new_status, by=by, at=now, note=note
            )
        return event

    def set_internal_notes(self, text, *, by):
        """Replace the staff's notes; the history says who edited them."""
        with transaction.atomic():
            self.internal_notes = text
            self.save(update_fields=["internal_notes"])
            return self.events.create(kind=InquiryEvent.Kind.NOTES, by=by)


def display_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


class InquiryEvent(models.Model):
    """One thing that happened to an inquiry, as data: a status change (from,
    to, and why), a change of assignee (from whom, to whom) or an edit of the
    internal notes; who did it and when. ``description`` puts it in words
    when it is shown, in the reader's language."""

    class Kind(models.TextChoices):
        STATUS = "status", _("status change")
        ASSIGNMENT = "assignment", _("assignment")
        NOTES = "notes", _("internal notes edited")

    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.STATUS)
    from_status = models.CharField(
        _("from"), max_length=30, choices=Inquiry.Status, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=30, choices=Inquiry.Status, blank=True
    )
    from_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned before"),
    )
    to_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned after"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self):
        return self.description()

    def description(self):
        """What happened, in the active language."""
        if self.kind == self.Kind.ASSIGNMENT:
            nobody = gettext("nobody")
            return gettext("Assigned to %(to)s (before: %(from)s)") % {
                "to": display_name(self.to_assignee) or nobody,
                "from": display_name(self.from_assignee) or nobody,
            }
        if self.kind == self.Kind.NOTES:
            return gettext("Internal notes edited")
        to = choice_label(Status, self.to_status)
        if not self.from_status:
            return gettext("Status: “%(to)s”") % {"to": to}
        return gettext("Status: “%(from)s” → “%(to)s”") % {
            "from": choice_label(Status, self.from_status),
            "to": to,
        }


class StaffMembership(models.Model):
    """A member of staff belongs to a college; it decides what they see.

    An officer handles the college's inquiries; an editor keeps its pages.
    One membership may hold both. Only a superuser grants them (the
    memberships admin is the superuser's alone). A role opens the admin's
    pages only with its group's permissions ("Admissions officer",
    "Editor"; ``create_officer --role`` gives both at once); which colleges'
    rows those pages show is the memberships' (``applications.scoping``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    is_officer = models.BooleanField(
        _("admissions officer"),
        default=True,
        help_text=_(
            "Sees and handles the college's inquiries (with the group "
            "“Admissions officer”)."
        ),
    )
    is_editor = models.BooleanField(
        _("editor"),
        default=False,
        help_text=_(
            "Keeps the college's pages: profile, sections, facts, schools, "
            "programmes, images and former names (with the group “Editor”)."
        ),
    )

    class Meta:
        verbose_name = _("college membership")
        verbose_name_plural = _("college memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"], name="one_membership_per_college"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.institution}"


class AuditEntry(models.Model):
    """Who did what to inquiries in bulk, and when: exports, assignments,
    anonymisations. Never what the inquiries said: a count and the list's
    filters as text, so that the record itself holds no applicant's data."""

    class Action(models.TextChoices):
        EXPORT = "export", _("export")
        ASSIGN = "assign", _("assignment")
        ANONYMISE = "anonymise", _("anonymisation")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    count = models.PositiveIntegerField(_("number of inquiries"), default=0)
    filters = models.TextField(_("filters"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit record")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} · {self.get_action_display()}"


def audit(action, *, by, count, filters=""):
    """Record one bulk action in the audit record."""
    return AuditEntry.objects.create(
        action=action, by=by, count=count, filters=filters[:2000]
    )


# ---------------------------------------------------------------------------
# Correspondence: what the college and the applicant wrote to each other.
# Sending, recording and templates: applications.correspondence.


def attachments_storage():
    """The private storage of applicants' documents (``STORAGES["attachments"]``):
    a folder outside the public media one, or object storage, by settings."""
    from django.core.files.storage import storages

    return storages["attachments"]


class Message(models.Model):
    """One message of an inquiry's conversation, and the mail that carries
    it: to the applicant (``OUT``) or, for the applicant's answer, the notice
    to the college's staff (``IN``). The mail fields are those of
    ``Inquiry``, so that ``applications.emails`` claims and retries both
    alike."""

    class Direction(models.TextChoices):
        OUT = "out", _("college → applicant")
        IN = "in", _("applicant → college")

    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    body = models.TextField(_("message"), max_length=5000, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    sent_at = models.DateTimeField(_("mail sent"), null=True, blank=True)
    mail_error = models.TextField(_("mail error"), blank=True)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mail_retry_at = models.DateTimeField(null=True, blank=True)
    mail_claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["inquiry", "created_at"], name="message_inquiry_date"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="message_unsent",
            ),
        ]

    def __str__(self):
        return f"{self.inquiry.reference} · {self.get_direction_display()}"

    @property
    def delivery_state(self):
        """``sent``, ``failed`` (and waiting for a retry) or ``pending``."""
        if self.sent_at:
            return "sent"
        return "failed" if self.mail_error else "pending"

    @property
    def delivery_label(self):
        return {
            "sent": gettext("sent"),
            "failed": gettext("mail failed"),
            "pending": gettext("not sent yet"),
        }[self.delivery_state]


class Attachment(models.Model):
    """A document the applicant sent with a message: never at a public
    address, only through the admin's attachment view."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to="%Y/%m/", storage=attachments_storage, max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.original_name


class ReplyTemplate(models.Model):
    """A reply to start from, in English and Chinese. A college's own, or
    (no college) a shared default that the superuser keeps."""

    class Purpose(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledge")
        DOCUMENTS = "documents", _("Ask for documents")
        INVITE = "invite", _("Invite to apply")
        DECLINE = "decline", _("Decline")
        DELEGATION = "delegation", _("Answer a delegation")
        PARTNERSHIP = "partnership", _("Answer a partnership proposal")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reply_templates",
        verbose_name=_("college"),
        help_text=_("Empty: shared by every college."),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)
    title = models.CharField(_("title"), max_length=200)
    body_en = models.TextField(
        _("text in English"),
        blank=True,
        help_text=_(
            "Placeholders: {name} {reference} {programme} {college} {officer}."
        ),
    )
    body_zh_hans = models.TextField(_("text in Chinese"), blank=True)

    class Meta:
        ordering = ["purpose", "title"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self):
        return self.title

    def body_in(self, language):
        """The text in ``language``, or "" when the template lacks it."""
        return self.body_zh_hans if language == "zh-hans" else self.body_en
