"""The staff side of inquiries: triage, the status workflow, export, dashboard.

Every class here that shows college data mixes in
``CollegeScopedAdminMixin`` (see ``scoping.py``). Status is never edited in
a form: it moves through ``Inquiry.transition_to``, from the bulk actions and
from the small "move to" form on the change page.
"""

from collections import defaultdict
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Lower
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import correspondence, dashboard, emails, exports, services
from .models import (
    Attachment,
    AuditEntry,
    Inquiry,
    Message,
    ReplyTemplate,
    StaffMembership,
    audit,
    display_name,
    normalise_reference,
)
from .pagination import EstimatedCountPaginator
from .scoping import (
    CollegeScopedAdminMixin,
    RefuseNulLookupsMixin,
    SimpleDropDownWhenLongMixin,
    colleges_for,
    staff_for,
)

Status = Inquiry.Status

# An open inquiry untouched for longer than this is highlighted in the list.
OVERDUE_DAYS = 7

# Admin index: a link to the dashboard above the list of apps.
admin.site.index_template = "admin/applications/site_index.html"


def scope_key(user):
    """Names the set of inquiries ``user`` may see, for the cache."""
    if user.is_superuser:
        return "all"
    return "colleges-" + "-".join(
        str(pk) for pk in sorted(colleges_for(user).values_list("pk", flat=True))
    )


# ---------------------------------------------------------------------------
# List filters


class OpenFilter(admin.SimpleListFilter):
    title = _("open or closed")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("closed", _("Closed"))]

    def queryset(self, request, queryset):
        statuses = {"open": Inquiry.OPEN_STATUSES, "closed": Inquiry.CLOSED_STATUSES}
        if self.value() in statuses:
            return queryset.filter(status__in=statuses[self.value()])
        return queryset


class NationalityFilter(SimpleDropDownWhenLongMixin, admin.SimpleListFilter):
    """Only the nationalities among the inquiries the user may see (not
    every row's, which would tell an officer about other colleges)."""

    title = _("nationality")
    parameter_name = "nationality"
    # Reading them reads every inquiry in scope, and they change rarely.
    cache_seconds = 600

    def lookups(self, request, model_admin):
        key = f"inquiry-nationalities:{scope_key(request.user)}"
        codes = cache.get(key)
        if codes is None:
            codes = sorted(
                model_admin.scope_queryset(request, Inquiry.objects.all())
                .order_by()
                .values_list("nationality", flat=True)
                .distinct()
            )
            cache.set(key, codes, self.cache_seconds)
        names = dict(
            Inquiry._meta.get_field("nationality").get_choices(include_blank=False)
        )
        return sorted(
            ((code, names.get(code, code)) for code in codes), key=lambda c: str(c[1])
        )

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() not in {code for code, _name in self.lookup_choices}:
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(nationality=self.value())


class AssignedFilter(SimpleDropDownWhenLongMixin, admin.SimpleListFilter):
    """ "Mine", "nobody", or one member of staff of the user's colleges."""

    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        choices = [("mine", _("Me")), ("nobody", _("Nobody"))]
        for user in staff_for(request.user):
            if user.pk != request.user.pk:
                choices.append((str(user.pk), user.get_full_name() or user.username))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value in ("mine", str(request.user.pk)):
            return queryset.filter(assigned_to=request.user)
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        if not value:
            return queryset
        # Only a member of staff the filter offers, however a value reads.
        if value not in {key for key, _label in self.lookup_choices}:
            raise IncorrectLookupParameters(value)
        return queryset.filter(assigned_to=int(value))


class AttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("late", _("Waiting more than two working days")),
            ("overdue", _("Waiting more than a week")),
            ("duplicate", _("Possible duplicate")),
            ("mail", _("Mail failed")),
            ("answered", _("Applicant answered")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "late":
            cutoff = dashboard.working_days_before(
                timezone.now(), dashboard.WORKING_DAYS_LIMIT
            )
            return dashboard.waiting_for_the_college(queryset).filter(
                status_changed_at__lt=cutoff
            )
        if self.value() == "overdue":
            cutoff = timezone.now() - timedelta(days=OVERDUE_DAYS)
            return queryset.open().filter(status_changed_at__lt=cutoff)
        if self.value() == "duplicate":
            # "> 0" (ids are positive) rather than "is not null" or an EXISTS
            # for each row, so that both sides come from the index on
            # duplicate_of (320 ms at a million inquiries otherwise).
            repeats = Inquiry.objects.filter(duplicate_of__gt=0)
            originals = Q(pk__in=repeats.values("duplicate_of"))
            if request.user.is_superuser:
                return queryset.filter(Q(duplicate_of__gt=0) | originals)
            # Read through the college's index, which lacks duplicate_of: a
            # list of ids spares reading the college's rows (140 ms).
            return queryset.filter(Q(pk__in=repeats.values("pk")) | originals)
        if self.value() == "mail":
            # Its own mails, or one of its messages'.
            failed = Message.objects.exclude(mail_error="").values("inquiry")
            return queryset.alias(error_length=Length("mail_error")).filter(
                Q(error_length__gt=0) | Q(pk__in=failed)
            )
        if self.value() == "answered":
            return dashboard.answered_by_applicant(queryset)
        return queryset


# ---------------------------------------------------------------------------
# Forms and inlines


class NotesField(forms.CharField):
    """Text with line breaks as ``\n``: browsers post ``\r\n``, which would
    otherwise count as a change on every save."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class TemplateSelect(forms.Select):
    """The list of reply templates, with the button that fills the reply
    box with the chosen one (no script needed)."""

    template_name = "admin/applications/inquiry/template_select.html"


class InquiryHandlingForm(forms.ModelForm):
    """The change page's one form: the assignee, the internal notes and a
    status move (only the moves allowed now; blank for none), saved together
    by ``InquiryAdmin.save_model``."""

    move_to = forms.ChoiceField(label=_("Move to"), required=False)
    move_note = NotesField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Optional; kept with the status change."),
    )
    reply_template = forms.ChoiceField(
        label=_("Start from a template"),
        required=False,
        widget=TemplateSelect,
        help_text=_(
            "“Use template” puts its text, in the applicant’s language, in the "
            "reply box; nothing is sent until you save."
        ),
    )
    reply = NotesField(
        label=_("Reply to the applicant"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_(
            "Sent by e-mail, in the applicant’s language, when you save, with "
            "a link to the status page, where the applicant can answer. "
            "Replies reach the admissions office."
        ),
    )
    user = None  # set by InquiryAdmin.get_form: the member of staff saving
    templates = {}
    USE_TEMPLATE = "_use_template"

    class Meta:
        model = Inquiry
        fields = ("assigned_to", "internal_notes")
        field_classes = {"internal_notes": NotesField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filling_template = bool(self.data) and self.USE_TEMPLATE in self.data
        if "reply_template" in self.fields:
            self.templates = {
                str(t.pk): t for t in correspondence.templates_for(self.instance)
            }
            self.fields["reply_template"].choices = [
                ("", "---------"),
                *((key, str(t)) for key, t in self.templates.items()),
            ]
        if "move_to" in self.fields:
            allowed = self.instance.allowed_moves(self.user)
            self.fields["move_to"].choices = [
                ("", gettext("No change")),
                *((s.value, s.label) for s in Status if s in allowed),
            ]

    def clean_move_to(self):
        move = self.cleaned_data["move_to"]
        if move:
            # Read again, and locked until the save: someone may have moved
            # the inquiry since this page was opened.
            current = Inquiry.objects.select_for_update().get(pk=self.instance.pk)
            if move not in current.allowed_moves(self.user):
                raise ValidationError(
                    gettext("An inquiry cannot move from “%(from)s” to “%(to)s”.")
                    % {"from": current.status_label, "to": Status(move).label},
                    code="illegal_transition",
                )
        return move

    def clean(self):
        data = super().clean()

        def refuse(field, message, code):
            self.add_error(field, ValidationError(message, code=code))

        chosen = self.templates.get(data.get("reply_template") or "")
        reply = (data.get("reply") or "").strip()
        if reply and (
            self.instance.anonymised_at or self.instance.status == Status.SPAM
        ):
            # The page offers no reply box then; a crafted post gets none.
            refuse(
                "reply",
                gettext("This applicant can no longer be written to."),
                "no_reply",
            )
        if chosen is not None and (self.filling_template or not reply):
            try:
                text = correspondence.render_template(chosen, self.instance, self.user)
            except ValidationError as error:
                self.add_error("reply_template", error)
            else:
                if self.filling_template:
                    # Shown again with the text in the box, to read and edit.
                    self.data = self.data.copy()
                    self.data["reply"] = text
                    message = gettext(
                        "The template’s text is in the box: read it, "
                        "change what needs changing, then save to send it."
                    )
                    refuse("reply", message, "template_filled")
                else:
                    data["reply"] = reply = text
        elif self.filling_template:
            refuse("reply_template", gettext("Choose a template first."), "required")
        if data.get("move_to") == Status.MORE_INFO and not reply:
            message = gettext(
                "To ask for more information, write the applicant what is needed."
            )
            refuse("reply", message, "message_required")
        return data


# ---------------------------------------------------------------------------
# Actions, one per target status


def _move_action(status, description):
    def action(modeladmin, request, queryset):
        return modeladmin.move_selected(request, queryset, status)

    action.__name__ = f"move_to_{status}"
    return admin.action(permissions=["change"], description=description)(action)


# Spelled out, not built in a loop, so that makemessages finds every msgid.
MOVE_ACTIONS = [
    _move_action(Status.IN_REVIEW, _("Move selected to “In review”")),
    _move_action(Status.CONTACTED, _("Move selected to “Contacted”")),
    _move_action(Status.APPLICATION_INVITED, _("Move selected to “Invited to apply”")),
    _move_action(Status.ENROLLED, _("Move selected to “Enrolled”")),
    _move_action(Status.DECLINED, _("Move selected to “Declined”")),
    _move_action(Status.WITHDRAWN, _("Move selected to “Withdrawn”")),
    _move_action(Status.SPAM, _("Mark selected as spam")),
]


# ---------------------------------------------------------------------------
# Inquiries


# The count of a list longer than EXACT_UP_TO: "more than" where the
# database gives no estimate (SQLite), "about" where it does.
MORE_THAN_TEXTS = {
    "title": gettext_noop(
        "Counted exactly up to %(exact)s; beyond that, not counted, "
        "to keep the list quick."
    ),
    "inquiries": gettext_noop("more than %(count)s inquiries"),
    "results": gettext_noop("more than %(count)s results"),
    "select_all": gettext_noop(
        "Select all inquiries in this list (more than %(count)s)"
    ),
    "all_selected": gettext_noop(
        "All inquiries in this list selected (more than %(count)s)"
    ),
}
ABOUT_TEXTS = {
    "title": gettext_noop(
        "Counted exactly up to %(exact)s; beyond that, estimated "
        "from the database’s statistics."
    ),
    "inquiries": gettext_noop("about %(count)s inquiries"),
    "results": gettext_noop("about %(count)s results"),
    "select_all": gettext_noop("Select all inquiries in this list (about %(count)s)"),
    "all_selected": gettext_noop(
        "All inquiries in this list selected (about %(count)s)"
    ),
}


class InquiryChangeList(ChangeList):
    """The list, which knows whether its count is exact or an estimate."""

    # A lookup from the query string that Python or the database cannot
    # run (a year 0, a date past year 9999, a number past the database's
    # integers) is refused as Django refuses any other (a redirect to ?e=1).
    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        self.count_estimated = self.paginator.estimated
        lower_bound = self.paginator.lower_bound
        exact_up_to = self.paginator.exact_up_to
        values = {
            "count": formats.number_format(
                exact_up_to if lower_bound else self.result_count,
                force_grouping=True,
            ),
            "exact": formats.number_format(exact_up_to, force_grouping=True),
        }
        texts = MORE_THAN_TEXTS if lower_bound else ABOUT_TEXTS
        self.count_texts = {key: gettext(text) % values for key, text in texts.items()}


SUBMISSION_FIELDS = (
    "reference",
    "institution",
    "kind",
    "full_name",
    "email",
    "nationality",
    "phone_with_apps",
    "programme",
    "intake",
    "organization",
    "group_size",
    "start_date",
    "end_date",
    "message",
    "language",
    "consent_at",
    "consent_version",
    "created_at",
)
EDITABLE_FIELDS = ("assigned_to", "internal_notes")
MOVE_FIELDS = ("move_to", "move_note")
REPLY_FIELDS = ("reply_template", "reply")


@admin.register(Inquiry)
class InquiryAdmin(CollegeScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "full_name",
        "college",
        "kind",
        "status_badge",
        "waiting",
        "assigned_to",
        "language",
        "country",
        "flags",
        "created_at",
    )
    list_display_links = ("reference", "full_name")
    list_filter = (
        OpenFilter,
        "status",
        "institution",
        "kind",
        NationalityFilter,
        "language",
        AssignedFilter,
        AttentionFilter,
        ("created_at", admin.DateFieldListFilter),
    )
    # The college is prefetched: joined, SQLite read the list college by
    # college and sorted every closed row (2.2 s at a million inquiries).
    list_select_related = ("assigned_to",)
    search_fields = ("full_name", "email", "reference", "organization")
    search_help_text = _("Name, e-mail, reference or organisation.")
    list_per_page = 100
    # At a million inquiries: no count of the whole table or beside each
    # filter choice, and a count that may be an estimate.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    actions = [
        *MOVE_ACTIONS,
        "assign_to_me",
        "export_csv",
        "retry_mail",
        "anonymise_selected",
    ]
    form = InquiryHandlingForm
    fieldsets = (
        (_("What the applicant sent"), {"fields": SUBMISSION_FIELDS}),
        (
            _("Handling"),
            {
                "fields": (
                    "status",
                    "status_changed_at",
                    "waiting",
                    *MOVE_FIELDS,
                    *EDITABLE_FIELDS,
                )
            },
        ),
        (_("Answer the applicant"), {"fields": REPLY_FIELDS}),
        (_("Possible duplicates"), {"fields": ("duplicate_links",)}),
        (_("Mail"), {"fields": ("mail_state",)}),
    )
    anonymise_template = "admin/applications/inquiry/anonymise_confirmation.html"

    def get_queryset(self, request):
        has_duplicates = Exists(
            Inquiry.objects.filter(
                duplicate_of=OuterRef("pk"), institution=OuterRef("institution")
            )
        )
        message_mail_failed = Exists(
            Message.objects.filter(inquiry=OuterRef("pk")).exclude(mail_error="")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_duplicates=has_duplicates, message_mail_failed=message_mail_failed
            )
            .prefetch_related("institution")
        )

    def get_ordering(self, request):
        # The open ones: the longest-waiting first, unless the reader sorts.
        if request.GET.get(OpenFilter.parameter_name) == "open":
            return ("status_changed_at", "pk")
        return super().get_ordering(request)

    def get_list_display(self, request):
        # An officer of one college need not read its name on every row.
        shown = super().get_list_display(request)
        if not request.user.is_superuser and len(self.college_ids(request)) <= 1:
            return tuple(f for f in shown if f != "college")
        return shown

    def scope_queryset(self, request, queryset):
        scoped = super().scope_queryset(request, queryset)
        if request.user.is_superuser:
            return scoped
        # The colleges again as ids, which (unlike a subquery) let the
        # database read a college's newest inquiries straight from its index.
        return scoped.filter(institution__in=self.college_ids(request))

    def college_ids(self, request):
        """The user's colleges, read once for the list, filters and columns."""
        if not hasattr(request, "_inquiry_college_ids"):
            request._inquiry_college_ids = list(
                colleges_for(request.user).values_list("pk", flat=True)
            )
        return request._inquiry_college_ids

    def has_add_permission(self, request):
        # Inquiries come from applicants, through the public form only.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.export_inquiry")

    def get_readonly_fields(self, request, obj=None):
        shown = [f for _name, opts in self.fieldsets for f in opts["fields"]]
        editable = (*EDITABLE_FIELDS, *MOVE_FIELDS, *REPLY_FIELDS)
        return [f for f in shown if f not in editable] + ["anonymised"]

    def get_fieldsets(self, request, obj=None):
        may_change = obj is not None and self.has_change_permission(request, obj)
        hidden = set()
        if not (may_change and obj.allowed_moves(request.user)):
            hidden.update(MOVE_FIELDS)
        # A reply only to an applicant who can be written to.
        if not may_change or obj.anonymised_at or obj.status == Status.SPAM:
            hidden.update(REPLY_FIELDS)
        fieldsets = []
        for name, opts in self.fieldsets:
            fields = [f for f in opts["fields"] if f not in hidden]
            if fields:
                fieldsets.append((name, {**opts, "fields": fields}))
        if obj is not None and obj.anonymised_at:
            name, opts = fieldsets[0]
            fieldsets[0] = (name, {"fields": (*opts["fields"], "anonymised")})
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        field = form.base_fields.get("assigned_to")
        if field is not None and obj is not None:
            # Staff of this inquiry's own college, or whoever has it now.
            field.queryset = staff_for(
                request.user, colleges=[obj.institution_id]
            ) | get_user_model().objects.filter(pk=obj.assigned_to_id)
        return form

    def save_model(self, request, obj, form, change):
        """The reply, notes, assignee and move, each with its history entry
        (Django's change view runs it all in one transaction)."""
        data = form.cleaned_data
        message = None
        if (data.get("reply") or "").strip():
            message = correspondence.send_reply(obj, data["reply"], by=request.user)
        if "internal_notes" in form.changed_data:
            obj.set_internal_notes(data["internal_notes"], by=request.user)
        if "assigned_to" in form.changed_data:
            Inquiry.objects.filter(pk=obj.pk).assign_to(
                data["assigned_to"], by=request.user
            )
        if data.get("move_to"):
            obj.transition_to(
                data["move_to"],
                by=request.user,
                note=data["move_note"],
                message=message,
            )

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's change message with the fields' English labels, which
        the history page translates for each reader (Django would store the
        saver's language)."""
        labels = {
            "assigned_to": gettext_noop("Assigned to"),
            "internal_notes": gettext_noop("Internal notes"),
            "move_to": gettext_noop("Status"),
            "reply": gettext_noop("Reply"),
        }
        changed = [labels[f] for f in form.changed_data if f in labels]
        return [{"changed": {"fields": changed}}] if changed else []

    def get_changelist(self, request, **kwargs):
        return InquiryChangeList

    def get_search_results(self, request, queryset, search_term):
        """A reference ("k7qm4xtp", as read out on the phone) or an e-mail
        address is looked up exactly, through its index; anything else is
        searched for in names, addresses and organisations."""
        term = search_term.strip()
        reference = normalise_reference(term)
        if reference:
            found = queryset.filter(reference=reference)
            # An eight-letter name may read as a reference too.
            if found.exists():
                return found, False
        if _is_email(term):
            # Stored as typed; compared in any case, as on the status page.
            return queryset.alias(email_lower=Lower("email")).filter(
                email_lower=term.lower()
            ), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("college"), ordering="institution__order")
    def college(self, obj):
        return obj.institution.short_name or obj.institution.name

    @admin.display(description=_("nationality"), ordering="nationality")
    def country(self, obj):
        # The country's name straight from its code: the admin's own display
        # of a field with choices goes through all 250 countries on each row.
        return obj.nationality.name

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="inquiry-status inquiry-status-{}">{}</span>',
            obj.status,
            obj.status_label,
        )

    @admin.display(description=_("waiting"), ordering="status_changed_at")
    def waiting(self, obj):
        """Days since the last status change, for an open inquiry."""
        if not obj.is_open:
            return "—"
        days = (timezone.now() - obj.status_changed_at).days
        text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        if days > OVERDUE_DAYS:
            return format_html('<strong class="inquiry-overdue">{}</strong>', text)
        return text

    @admin.display(description=_("flags"))
    def flags(self, obj):
        flags = []
        if obj.duplicate_of_id or getattr(obj, "has_duplicates", False):
            flags.append(("inquiry-flag-duplicate", gettext("possible duplicate")))
        if obj.mail_error or getattr(obj, "message_mail_failed", False):
            flags.append(("inquiry-flag-mail", gettext("mail failed")))
        if obj.anonymised_at:
            flags.append(("inquiry-flag-anonymised", gettext("anonymised")))
        if not flags:
            return ""
        return format_html_join(" ", '<span class="inquiry-flag {}">{}</span>', flags)

    def url(self, name, *args):
        """The address of this admin's page ``name``: "change", "export"..."""
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    @admin.display(description=_("links"))
    def duplicate_links(self, obj):
        """The inquiry this one may repeat, and those that may repeat it: of
        the same college, which the user may see."""
        rows = []
        original = obj.duplicate_of
        if original is not None and original.institution_id == obj.institution_id:
            rows.append(
                (gettext("May repeat"), self.url("change", original.pk), original)
            )
        # The college compared here: in the query, SQLite read the college's
        # inquiries in date order (100 ms) rather than the few repeats.
        repeats = Inquiry.objects.filter(duplicate_of=obj).order_by("created_at")
        for other in repeats:
            if other.institution_id == obj.institution_id:
                rows.append(
                    (gettext("May be repeated by"), self.url("change", other.pk), other)
                )
        if not rows:
            return gettext("None found")
        return format_html_join(mark_safe("<br>"), '{}: <a href="{}">{}</a>', rows)

    @admin.display(description=_("mail"))
    def mail_state(self, obj):
        not_sent = gettext("not sent")
        lines = [
            (
                gettext("Confirmation to the applicant"),
                _local_time(obj.confirmation_sent_at, not_sent),
            ),
            (
                gettext("Notice to the college"),
                _local_time(obj.notification_sent_at, not_sent),
            ),
        ]
        html = format_html_join(mark_safe("<br>"), "{}: {}", lines)
        if obj.mail_error:
            html = format_html(
                '{}<br><strong class="inquiry-mail-error">{}</strong> {}',
                html,
                gettext("Last error:"),
                obj.mail_error,
            )
        return html

    @admin.display(description=_("anonymised"))
    def anonymised(self, obj):
        return _local_time(obj.anonymised_at, "—")

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            context["history"] = self.history_rows(request, obj)
            context["conversation"] = self.conversation(obj)
            form = context["adminform"].form
            if getattr(form, "filling_template", False) and all(
                error.code == "template_filled"
                for errors in form.errors.as_data().values()
                for error in errors
            ):
                # Not a mistake to correct: the text waits to be read.
                context["errors"] = None
            if self.has_change_permission(request, obj):
                context["can_retry_mail"] = _mail_pending(obj)
                context["can_anonymise"] = not obj.anonymised_at
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_rows(self, request, obj):
        """The inquiry's history, in the reader's language; a name links to
        the user's page only for a reader who may open it."""
        user_model = get_user_model()
        may_open = self.admin_site.get_model_admin(user_model).has_change_permission(
            request
        )
        user_url = (
            f"admin:{user_model._meta.app_label}_{user_model._meta.model_name}_change"
        )
        events = obj.events.select_related("by", "from_assignee", "to_assignee")
        return [
            {
                "at": event.at,
                "what": event.description(),
                "note": event.note,
                "by": display_name(event.by),
                "by_url": reverse(
                    user_url,
                    args=[event.by_id],
                    current_app=self.admin_site.name,
                )
                if may_open and event.by_id
                else "",
            }
            for event in events
        ]

    def conversation(self, obj):
        """The inquiry's messages, oldest first, with links to the documents."""
        messages_ = obj.messages.select_related("author").prefetch_related(
            "attachments"
        )
        return [
            {
                "message": message,
                "by": display_name(message.author)
                if message.direction == Message.Direction.OUT
                else gettext("the applicant"),
                "documents": [
                    (attachment, self.url("attachment", attachment.pk))
                    for attachment in message.attachments.all()
                ],
            }
            for message in messages_
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_export_permission": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("dashboard/", wrap(self.dashboard_view), name=f"{prefix}_dashboard"),
            path("export/", wrap(self.export_view), name=f"{prefix}_export"),
            # Not wrapped in admin_view: anyone who may not read the
            # document gets a 404, even before signing in.
            path(
                "attachments/<int:pk>/",
                self.attachment_view,
                name=f"{prefix}_attachment",
            ),
            path(
                "<path:object_id>/retry-mail/",
                wrap(require_POST(self.retry_mail_view)),
                name=f"{prefix}_retry_mail",
            ),
            path(
                "<path:object_id>/anonymise/",
                wrap(self.anonymise_view),
                name=f"{prefix}_anonymise",
            ),
            *super().get_urls(),
        ]

    def _get_changeable(self, request, object_id):
        """The inquiry, from the scoped queryset (else a 404), if the user
        may change it."""
        obj = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def retry_mail_view(self, request, object_id):
        obj = self._get_changeable(request, object_id)
        if _send_again(obj):
            messages.success(request, gettext("The mail has been sent."))
        else:
            obj.refresh_from_db(fields=["mail_error"])
            errors = [obj.mail_error] if obj.mail_error else []
            errors += obj.messages.exclude(mail_error="").values_list(
                "mail_error", flat=True
            )
            messages.error(
                request,
                gettext("The mail could not be sent: %(error)s")
                % {"error": "; ".join(errors) or "?"},
            )
        return HttpResponseRedirect(self.url("change", obj.pk))

    def anonymise_view(self, request, object_id):
        """One inquiry's "anonymise": a confirmation page, then a POST."""
        obj = self._get_changeable(request, object_id)
        if request.method == "POST" and request.POST.get("post") == "yes":
            self.anonymise_inquiries(request, Inquiry.objects.filter(pk=obj.pk), "")
            return HttpResponseRedirect(self.url("change", obj.pk))
        if request.method not in ("GET", "HEAD", "POST"):
            raise PermissionDenied
        return self.anonymise_confirmation(request, [obj], 1, original=obj)

    def anonymise_confirmation(self, request, shown, count, **extra):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Anonymise"),
            "opts": self.opts,
            "shown": shown,
            "count": count,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            **extra,
        }
        return TemplateResponse(request, self.anonymise_template, context)

    def anonymise_inquiries(self, request, queryset, filters):
        count = services.anonymise_all(queryset, by=request.user, filters=filters)
        messages.success(
            request,
            ngettext(
                "%(count)d inquiry anonymised.",
                "%(count)d inquiries anonymised.",
                count,
            )
            % {"count": count},
        )

    @method_decorator(never_cache)
    @method_decorator(require_GET)
    def attachment_view(self, request, pk):
        """A document an applicant sent, for staff of the inquiry's college
        who may see the inquiry; a 404 for anyone else, signed in or not."""
        user = request.user
        if not (user.is_active and user.is_staff and self.has_view_permission(request)):
            raise Http404
        attachment = (
            Attachment.objects.filter(
                pk=pk,
                message__inquiry__in=self.scope_queryset(
                    request, Inquiry.objects.all()
                ),
            )
            .select_related("message")
            .first()
        )
        if attachment is None:
            raise Http404
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def export_view(self, request):
        """The inquiries of the current list, with its filters and search."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(self.url("changelist"))
        return self.export(request, changelist.get_queryset(request))

    def export(self, request, queryset, selected=False):
        """The CSV of ``queryset``, recorded in the audit record."""
        response = exports.csv_response(queryset)
        audit(
            AuditEntry.Action.EXPORT,
            by=request.user,
            count=response.rows,
            filters=describe_filters(request, selected=selected),
        )
        return response

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.scope_queryset(request, Inquiry.objects.all())
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Inquiries at a glance"),
            "opts": self.opts,
            "summary": dashboard.summary(queryset, cache_key=scope_key(request.user)),
            "day": dashboard.officer_day(queryset, request.user),
            "first_replies": dashboard.first_reply_medians(queryset),
            "colleges": colleges_for(request.user),
            "changelist_url": self.url("changelist"),
        }
        return TemplateResponse(
            request, "admin/applications/inquiry/dashboard.html", context
        )

    def move_selected(self, request, queryset, new_status):
        """Move each inquiry on its own; a refused one does not stop the rest."""
        moved = 0
        refused = defaultdict(list)
        for inquiry in queryset:
            try:
                inquiry.transition_to(new_status, by=request.user)
            except ValidationError as error:
                refused[" ".join(error.messages)].append(inquiry.reference)
            except PermissionDenied:
                refused[gettext("You may not change this inquiry.")].append(
                    inquiry.reference
                )
            else:
                moved += 1
        label = Status(new_status).label
        if moved:
            messages.success(
                request,
                ngettext(
                    "%(count)d inquiry moved to “%(status)s”.",
                    "%(count)d inquiries moved to “%(status)s”.",
                    moved,
                )
                % {"count": moved, "status": label},
            )
        for reason, references in refused.items():
            shown = ", ".join(references[:10])
            if len(references) > 10:
                shown += ", …"
            messages.error(
                request,
                ngettext(
                    "%(count)d inquiry refused (%(references)s): %(reason)s",
                    "%(count)d inquiries refused (%(references)s): %(reason)s",
                    len(references),
                )
                % {"count": len(references), "references": shown, "reason": reason},
            )

    @admin.action(permissions=["change"], description=_("Assign selected to me"))
    def assign_to_me(self, request, queryset):
        count = queryset.assign_to(request.user, by=request.user)
        if count:
            audit(
                AuditEntry.Action.ASSIGN,
                by=request.user,
                count=count,
                filters=describe_filters(request, selected=True),
            )
        messages.success(
            request,
            ngettext(
                "%(count)d inquiry assigned to you.",
                "%(count)d inquiries assigned to you.",
                count,
            )
            % {"count": count},
        )

    @admin.action(permissions=["export"], description=_("Export selected to CSV"))
    def export_csv(self, request, queryset):
        return self.export(request, queryset, selected=True)

    @admin.action(permissions=["change"], description=_("Anonymise selected"))
    def anonymise_selected(self, request, queryset):
        """As Django's "delete selected": a confirmation page first."""
        if request.POST.get("post") == "yes":
            self.anonymise_inquiries(
                request, queryset, describe_filters(request, selected=True)
            )
            return None
        select_across = request.POST.get("select_across") == "1"
        pending = (
            queryset.filter(anonymised_at=None).select_related(None).order_by("pk")
        )
        return self.anonymise_confirmation(
            request,
            list(pending.only("pk", "reference")[:20]),
            pending.count(),
            select_across=select_across,
            selected=[]
            if select_across
            else request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        )

    @admin.action(
        permissions=["change"], description=_("Send failed or unsent mail again")
    )
    def retry_mail(self, request, queryset):
        done = [_send_again(inquiry) for inquiry in queryset if _mail_pending(inquiry)]
        sent = done.count(True)
        failed = len(done) - sent
        if sent:
            messages.success(
                request,
                ngettext(
                    "Mail sent for %(count)d inquiry.",
                    "Mail sent for %(count)d inquiries.",
                    sent,
                )
                % {"count": sent},
            )
        if failed:
            messages.error(
                request,
                ngettext(
                    "Mail failed again for %(count)d inquiry.",
                    "Mail failed again for %(count)d inquiries.",
                    failed,
                )
                % {"count": failed},
            )
        if not done:
            messages.info(request, gettext("No mail was waiting to be sent."))


# The list's own parameters; any other (a field lookup such as
# email__startswith) is recorded by name only, and the search box not at
# all: both may hold an applicant's name or address.
PLAIN_PARAMETERS = {
    "state",
    "status__exact",
    "institution__id__exact",
    "kind__exact",
    "nationality",
    "language__exact",
    "assigned",
    "attention",
    "created_at__gte",
    "created_at__lt",
    "o",
    "p",
}


def describe_filters(request, *, selected=False):
    """The list's filters as text, for the audit record: never a value that
    may be personal data."""
    parts = ["selected rows"] if selected else []
    for name, values in sorted(request.GET.lists()):
        if name in PLAIN_PARAMETERS:
            parts.append(f"{name}={','.join(values)}")
        elif name == "q":
            parts.append("search (terms not recorded)")
        else:
            parts.append(f"{name}=…")
    return "; ".join(parts) or "all rows in scope"


def _local_time(moment, none):
    # As the admin writes every other time on the page, in the reader's language.
    if moment is None:
        return none
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _is_email(text):
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _inquiry_mail_pending(inquiry):
    """Whether the inquiry's own mails are unsent or failed."""
    return bool(
        inquiry.mail_error
        or inquiry.confirmation_sent_at is None
        or inquiry.notification_sent_at is None
    )


def _mail_pending(inquiry):
    """Whether there is mail to send (again): the inquiry's own, or one of
    its messages'."""
    if inquiry.anonymised_at or inquiry.status == Status.SPAM:
        return False
    return (
        _inquiry_mail_pending(inquiry)
        or inquiry.messages.filter(sent_at__isnull=True).exists()
    )


def _send_again(inquiry):
    """Send the inquiry's unsent mail and its messages' (each claimed, as
    ``send_pending_mail`` does); True when nothing is left unsent."""
    done = True
    if _inquiry_mail_pending(inquiry):
        done = emails.send_inquiry_mails(inquiry)
    for message in inquiry.messages.filter(sent_at__isnull=True):
        done = emails.deliver_message(message) == emails.SENT and done
    return done


# ---------------------------------------------------------------------------
# Reply templates: each college's own, and the shared defaults (no college),
# which only a superuser changes.


class ReplyTemplateForm(forms.ModelForm):
    user = None  # set by ReplyTemplateAdmin.get_form

    class Meta:
        model = ReplyTemplate
        fields = ("institution", "purpose", "title", "body_en", "body_zh_hans")
        field_classes = {"body_en": NotesField, "body_zh_hans": NotesField}

    def clean(self):
        data = super().clean()
        if not data.get("institution") and not self.user.is_superuser:
            self.add_error(
                "institution",
                ValidationError(
                    gettext("Choose the college this template belongs to."),
                    code="required",
                ),
            )
        if (
            not (data.get("body_en") or "").strip()
            and not (data.get("body_zh_hans") or "").strip()
        ):
            raise ValidationError(
                gettext("Write the template’s text in English, Chinese or both."),
                code="required",
            )
        return data


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(CollegeScopedAdminMixin, admin.ModelAdmin):
    form = ReplyTemplateForm
    list_display = ("title", "purpose", "college", "in_english", "in_chinese")
    list_filter = ("purpose",)
    search_fields = ("title", "body_en", "body_zh_hans")

    def scope_queryset(self, request, queryset):
        # The shared templates are read by every officer.
        return queryset.filter(
            Q(institution__in=colleges_for(request.user)) | Q(institution=None)
        )

    def _may_edit(self, request, obj):
        return (
            obj is None or obj.institution_id is not None or (request.user.is_superuser)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(
            request, obj
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    @admin.display(description=_("college"))
    def college(self, obj):
        return obj.institution or gettext("shared")

    @admin.display(description=_("English"), boolean=True)
    def in_english(self, obj):
        return bool(obj.body_en.strip())

    @admin.display(description=_("Chinese"), boolean=True)
    def in_chinese(self, obj):
        return bool(obj.body_zh_hans.strip())


# ---------------------------------------------------------------------------
# Superusers only: the audit record, and the memberships, which decide what
# their holders see.


def _is_superuser(self, request, obj=None):
    return request.user.is_active and request.user.is_superuser


class SuperuserOnlyMixin:
    has_module_permission = has_view_permission = _is_superuser
    has_add_permission = has_change_permission = has_delete_permission = _is_superuser


@admin.register(AuditEntry)
class AuditEntryAdmin(SuperuserOnlyMixin, RefuseNulLookupsMixin, admin.ModelAdmin):
    """Read by superusers, written by the portal only."""

    list_display = ("at", "by", "action", "count", "filters")
    list_filter = ("action", ("at", admin.DateFieldListFilter))
    list_select_related = ("by",)
    readonly_fields = ("at", "by", "action", "count", "filters")

    def has_add_permission(self, request, obj=None):
        return False

    has_change_permission = has_delete_permission = has_add_permission


@admin.register(StaffMembership)
class StaffMembershipAdmin(
    SuperuserOnlyMixin, CollegeScopedAdminMixin, admin.ModelAdmin
):
    list_display = ("user", "institution", "is_officer", "is_editor")
    list_filter = ("institution", "is_officer", "is_editor")
    list_select_related = ("user", "institution")
    search_fields = ("user__username", "user__email", "user__last_name")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Anyone may become a member, not only existing staff.
            kwargs["queryset"] = get_user_model().objects.filter(is_active=True)
            return admin.ModelAdmin.formfield_for_foreignkey(
                self, db_field, request, **kwargs
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffMembershipInline(
    SuperuserOnlyMixin, CollegeScopedAdminMixin, admin.TabularInline
):
    model = StaffMembership
    extra = 0
    fields = ("institution", "is_officer", "is_editor")


User = get_user_model()
if admin.site.is_registered(User):
    _BaseUserAdmin = type(admin.site.get_model_admin(User))
    admin.site.unregister(User)
else:
    _BaseUserAdmin = UserAdmin


@admin.register(User)
class PortalUserAdmin(RefuseNulLookupsMixin, _BaseUserAdmin):
    inlines = [*_BaseUserAdmin.inlines, StaffMembershipInline]
