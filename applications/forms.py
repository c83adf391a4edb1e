"""The public inquiry form and the status look-up form.

Field names are the public contract (docs: /work/shared/CONTRACT.md): note
``program`` and ``organization``, which the form posts under those names.
"""

import datetime
import re
from functools import cache
from zoneinfo import ZoneInfo

import phonenumbers
from django import forms
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.countries import sorted_countries

from .models import Inquiry, Kind, PhoneApp, normalise_reference
from .validators import refuse_format_characters, validate_public_email

# Which kinds each conditional field belongs to. The template and
# static/js/inquiry.js read these to show a field only when it applies.
ORGANIZATION_REQUIRED_KINDS = (Kind.CHINESE_BRIDGE, Kind.PARTNERSHIP)
GROUP_SIZE_KINDS = (Kind.CHINESE_BRIDGE,)
PROGRAM_KINDS = (Kind.STUDY, Kind.LANGUAGE)
# A delegation gives the dates of its visit; everyone else an intake.
VISIT_KINDS = (Kind.CHINESE_BRIDGE,)
INTAKE_KINDS = tuple(k for k in Kind if k not in VISIT_KINDS)

# A visit is planned in the colleges' calendar: "not in the past" is by the
# date in Beijing, wherever the applicant is.
BEIJING = ZoneInfo("Asia/Shanghai")
VISIT_DAYS_AHEAD = 730  # two years: colleges plan no further

INTAKE_MONTHS = {3: "spring", 9: "autumn"}
INTAKE_TERMS_SHOWN = 6  # three years of spring and autumn terms


def intake_choices(today=None):
    """The next spring (March) and autumn (September) terms, from today.

    A term stays on offer during the month it starts in: late applicants
    still write then. Values look like ``2026-09``.
    """
    today = today or timezone.localdate()
    terms = [
        (year, month)
        for year in range(today.year, today.year + INTAKE_TERMS_SHOWN)
        for month in sorted(INTAKE_MONTHS)
        if (year, month) >= (today.year, today.month)
    ]
    return [
        (f"{year}-{month:02d}", intake_label(year, month))
        for year, month in terms[:INTAKE_TERMS_SHOWN]
    ]


def intake_label(year, month):
    if month == 3:
        return _("Spring %(year)s (March)") % {"year": year}
    return _("Autumn %(year)s (September)") % {"year": year}


def describe_intake(value):
    """A stored intake such as ``2026-09`` in words, in the active language."""
    try:
        year, month = (int(part) for part in value.split("-"))
    except (AttributeError, ValueError):
        return value or ""
    if month not in INTAKE_MONTHS:
        return value
    return intake_label(year, month)


# What no one types: control characters (C0, DEL, C1), and U+FFFD, which is
# what stands where a browser or a server could not decode the text. A
# message may have line breaks and tabs; a one-line field may not.
ONE_LINE_UNREADABLE = re.compile("[\x00-\x1f\x7f-\x9f\ufffd]")
MULTI_LINE_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


class PlainTextField(forms.CharField):
    """A field of text that a person typed: refuses control characters and
    undecodable text as sent, before surrounding spaces are stripped, so
    that nothing unreadable is saved or quietly cut off."""

    unreadable = ONE_LINE_UNREADABLE
    default_validators = [refuse_format_characters]

    def to_python(self, value):
        if isinstance(value, str) and self.unreadable.search(value):
            raise forms.ValidationError(
                _(
                    "This contains characters that cannot be saved, such as "
                    "control characters or text your browser could not "
                    "encode. Please type it again."
                ),
                code="unreadable",
            )
        return super().to_python(value)


class MessageField(PlainTextField):
    """Counts a line break as one character, as the browser's maxlength does
    (browsers send each one as CR LF)."""

    unreadable = MULTI_LINE_UNREADABLE
    # A message may hold an emoji sequence (joined by U+200D) or a Persian
    # word (U+200C); it is never shown as a name.
    default_validators = []

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class PhoneField(PlainTextField):
    """A telephone number in international form, given back in E.164.

    Only what people write in a number: digits, spaces, + - . ( ) and /.
    A leading 00 is read as +, as most of the world dials it.
    """

    allowed = re.compile(r"[0-9 +\-.()/]+", re.ASCII)
    widget = forms.TextInput(
        attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
    )
    default_error_messages = {
        "invalid": _(
            "Please give the number in international form: a + and the country "
            "code, then the number, such as +7 701 234 5678."
        ),
        "unknown": _(
            "This is not a telephone number that exists. Please check the "
            "country code and the digits."
        ),
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        if value.startswith("00"):
            value = "+" + value[2:]
        if not (
            self.allowed.fullmatch(value)
            and value.startswith("+")
            and any(c.isdigit() for c in value)
        ):
            raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            number = None  # no such country code, or too few digits
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(self.error_messages["unknown"], "unknown")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ISODateField(forms.DateField):
    """A date as the contract has it and as ``<input type="date">`` sends
    it: 2027-04-12, in ASCII digits, and nothing else."""

    # strptime alone would take 2027-4-1 and digits of other scripts too.
    iso = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
    input_formats = ["%Y-%m-%d"]
    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    default_error_messages = {
        "invalid": _("Please give a date such as 2027-04-12 (year, month, day)."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value and not self.iso.fullmatch(value):
                raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        return super().to_python(value)


class PublicEmailField(forms.EmailField):
    default_validators = [*forms.EmailField.default_validators, validate_public_email]


@cache
def country_choices(language):
    """Country names in ``language``, sorted the way its readers expect."""
    with translation.override(language):
        return [("", str(_("Choose a country"))), *sorted_countries(language)]


class InquiryForm(forms.ModelForm):
    """An inquiry to one college. ``institution`` limits the programme list."""

    kind = forms.ChoiceField(
        label=_("What would you like to ask about?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
    )
    program = forms.TypedChoiceField(
        label=_("Programme"),
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": forms.ModelChoiceField.default_error_messages[
                "invalid_choice"
            ]
        },
        help_text=_("Optional. For degree, major or language study."),
    )
    intake = forms.ChoiceField(
        label=_("When would you like to start?"),
        required=False,
        help_text=_("Optional."),
    )
    group_size = forms.IntegerField(
        label=_("Number of people in the delegation"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_(
            "Required for a Chinese Bridge delegation: a whole number from 1 to 500."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    phone = PhoneField(
        label=_("Phone number"),
        max_length=30,
        required=False,
        help_text=_(
            "Optional. In international form, with the country code: +7 701 234 5678."
        ),
    )
    phone_apps = forms.MultipleChoiceField(
        label=_("This number also reaches me on"),
        choices=PhoneApp.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = ISODateField(
        label=_("Arrival date"),
        required=False,
        help_text=_("Optional. The first day of the visit you would prefer."),
    )
    end_date = ISODateField(
        label=_("Departure date"),
        required=False,
        help_text=_("Optional. The last day of the visit."),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that the college may use "
            "these details to answer my inquiry."
        ),
        error_messages={
            "required": _(
                "Please agree to the privacy notice: without it the college "
                "cannot answer you."
            )
        },
    )
    # A trap for robots: people never see it (see the template), so any value
    # in it was put there by a program.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    field_order = [
        "kind",
        "full_name",
        "email",
        "nationality",
        "phone",
        "phone_apps",
        "program",
        "intake",
        "organization",
        "group_size",
        "start_date",
        "end_date",
        "message",
        "consent",
        "website",
    ]

    class Meta:
        model = Inquiry
        fields = [
            "kind",
            "full_name",
            "email",
            "nationality",
            "intake",
            "organization",
            "group_size",
            "phone",
            "start_date",
            "end_date",
            "message",
        ]
        labels = {
            "full_name": _("Full name"),
            "email": _("E-mail address"),
            "nationality": _("Nationality"),
            "organization": _("Organisation"),
            "message": _("Your message"),
        }
        help_texts = {
            "email": _("We send a confirmation and the college's answer here."),
            "organization": _(
                "Required for a Chinese Bridge delegation or a partnership "
                "proposal: the school, college or company you represent."
            ),
            "message": _("Optional. Up to 5,000 characters."),
        }
        field_classes = {
            "full_name": PlainTextField,
            "email": PublicEmailField,
            "organization": PlainTextField,
            "message": MessageField,
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organization": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 7}),
        }

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution
        self.instance.institution = institution
        # The college's own programmes only (prefetched with the college).
        self.programmes = {p.pk: p for p in institution.programmes.all()}
        if self.programmes:
            self.fields["program"].choices = [
                ("", _("No particular programme")),
                *((pk, p.name) for pk, p in self.programmes.items()),
            ]
        else:
            # Nothing to choose from: a list with only "none" would only puzzle.
            del self.fields["program"]
        self.fields["intake"].choices = [("", _("Not decided yet")), *intake_choices()]
        self.fields["nationality"].choices = country_choices(get_language())

    def clean_program(self):
        return self.programmes.get(self.cleaned_data["program"])

    def clean_phone_apps(self):
        chosen = set(self.cleaned_data["phone_apps"])
        return [app for app in PhoneApp.values if app in chosen]

    def clean(self):
        cleaned = super().clean()
        self._refuse_repeated_fields()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _(
                    "Your inquiry could not be sent. Please check the form and "
                    "send it again."
                ),
                code="trap",
            )
        kind = cleaned.get("kind")
        if kind in ORGANIZATION_REQUIRED_KINDS and not cleaned.get("organization"):
            self._missing(
                "organization",
                _(
                    "Please give the name of the school, college or "
                    "company you represent."
                ),
            )
        if kind == Kind.CHINESE_BRIDGE:
            if cleaned.get("group_size") is None:
                self._missing(
                    "group_size",
                    _("Please give the number of people in the delegation."),
                )
        elif kind:
            # Only a delegation has a group size.
            cleaned["group_size"] = None
        if cleaned.get("phone_apps") and not cleaned.get("phone"):
            self._missing(
                "phone_apps",
                _(
                    "Please give the phone number that these apps reach "
                    "you on, or untick them."
                ),
                code="no_phone",
                unless="phone",
            )
        if kind in VISIT_KINDS:
            cleaned["intake"] = ""
            self._check_visit_dates(cleaned)
        elif kind:
            cleaned["start_date"] = cleaned["end_date"] = None
        return cleaned

    def _missing(self, name, message, code="required", unless=None):
        # Not when the field (or the one it depends on) has an error already:
        # too long, say.
        if (unless or name) not in self.errors:
            self.add_error(name, forms.ValidationError(message, code=code))

    def _check_visit_dates(self, cleaned):
        today = timezone.localdate(timezone=BEIJING)
        latest = today + datetime.timedelta(days=VISIT_DAYS_AHEAD)
        for name in ("start_date", "end_date"):
            day = cleaned.get(name)
            if day is None:
                continue
            if day < today:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "This date has passed (today is %(today)s in Beijing). "
                            "Please choose a later one."
                        ),
                        code="past",
                        params={"today": today.isoformat()},
                    ),
                )
            elif day > latest:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "Colleges plan visits up to two years ahead: please "
                            "choose a date until %(latest)s."
                        ),
                        code="too_far",
                        params={"latest": latest.isoformat()},
                    ),
                )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start and not self.has_error("end_date"):
            self.add_error(
                "end_date",
                forms.ValidationError(
                    _("The departure date cannot be before the arrival date."),
                    code="before_start",
                ),
            )

    def _refuse_repeated_fields(self):
        # The browser sends each field once; a second value is not the
        # applicant's, and neither value can be trusted to be the one meant.
        if not hasattr(self.data, "getlist"):
            return
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField):
                continue  # sent once for each box ticked
            if len(self.data.getlist(name)) > 1 and name not in self.errors:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "This field was sent more than once. "
                            "Please send the form again."
                        ),
                        code="repeated",
                    ),
                )

    @property
    def is_trap(self):
        return any(e.code == "trap" for e in self.non_field_errors().as_data())

    def save(self, commit=True):
        self.instance.programme = self.cleaned_data.get("program")
        self.instance.phone_apps = ",".join(self.cleaned_data.get("phone_apps", []))
        return super().save(commit)


class StatusLookupForm(forms.Form):
    reference = PlainTextField(
        label=_("Reference"),
        max_length=20,
        help_text=_("As shown after you sent the inquiry, for example K7QM-4XTP."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    email = PublicEmailField(
        label=_("E-mail address"),
        help_text=_("The address you gave in the inquiry."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_reference(self):
        raw = self.cleaned_data["reference"].strip()
        # A reference that cannot exist is simply not found, like any other
        # wrong one: the answer must not tell the two apart.
        return normalise_reference(raw) or raw.upper()

    def find(self):
        """The inquiry that both the reference and the e-mail point to, or None.

        Every mismatch does the same work (one query, one constant-time
        comparison), so that not even the timing tells which references exist.
        """
        inquiry = (
            Inquiry.objects.select_related("institution")
            .filter(reference=self.cleaned_data["reference"], anonymised_at=None)
            .first()
        )
        stored = inquiry.email if inquiry is not None else ""
        matches = constant_time_compare(
            _email_digest(stored), _email_digest(self.cleaned_data["email"])
        )
        return inquiry if matches and inquiry is not None and stored else None


def _email_digest(address):
    # Of equal length whatever the address, for the comparison above.
    return salted_hmac("status-lookup", address.strip().lower()).hexdigest()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, as Django's documentation shows it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    """The applicant's answer on the status page: a message, documents, or
    both. The documents are checked by their content
    (``applications.correspondence.clean_uploads``)."""

    message = MessageField(
        label=_("Your answer"),
        max_length=5000,
        required=False,
        help_text=_("Up to 5,000 characters."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
    )
    attachments = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("Optional. Up to 5 files: PDF, JPEG or PNG, at most 10 MB each."),
        widget=MultipleFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )

    def clean_attachments(self):
        from .correspondence import clean_uploads

        return clean_uploads(self.cleaned_data["attachments"])

    def clean(self):
        data = super().clean()
        if not (self.errors or data["message"].strip() or data["attachments"]):
            self.add_error(
                "message",
                forms.ValidationError(
                    _("Write an answer or choose a document to send."),
                    code="required",
                ),
            )
        return data
