"""Colleges and the material they publish about themselves.

Models stay monolingual; ``translation.py`` registers which fields exist in
English and in Simplified Chinese (``name_en``, ``name_zh_hans``...).
"""

import hashlib
import json
import re

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from .changes import ContentQuerySet
from .images import CleanImageField, validate_image_upload
from .sources import source_names


def choice_label(choices, value):
    """What ``get_FOO_display()`` shows, without the dictionary of every lazy
    label (a translation apiece) that Django builds on each call."""
    try:
        return choices(value).label
    except ValueError:
        return value


def plain_newlines(text):
    """``text`` with every line break a ``\\n``: browsers post a textarea with
    ``\\r\\n``, and old files may have a lone ``\\r``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# A line break, blanks other than a line break (spaces, tabs, the full-width
# space that starts a Chinese paragraph), another line break.
BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def split_paragraphs(text):
    """The paragraphs of a plain text: parted by blank lines of any kind."""
    paragraphs = BLANK_LINE.split(plain_newlines(text))
    return [p.strip() for p in paragraphs if p.strip()]


class PlainTextField(models.TextField):
    """A text whose line breaks are stored as ``\\n``, however it was written:
    by the admin, by ``load_seeds``, by ``save()`` or ``update()``."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return plain_newlines(value) if isinstance(value, str) else value


class Origin(models.TextChoices):
    ORIGINAL = "original", _("Original text")
    TRANSLATION = "translation", _("Translation")


class Seeded(models.Model):
    """A row of a college's content that ``load_seeds`` may have written.

    ``seed_fingerprint`` is a digest of the values the loader last wrote. When
    the row's current values no longer match it, staff have edited the row in
    the admin and the loader leaves it alone unless told to overwrite.
    """

    seed_key = models.CharField(max_length=100, blank=True, editable=False)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = ContentQuerySet.as_manager()
    college_path = "institution"  # how changes.py finds the row's college

    class Meta:
        abstract = True

    def fingerprint(self, fields):
        values = [str(getattr(self, name)) for name in sorted(fields)]
        return hashlib.sha256(json.dumps(values).encode()).hexdigest()


class Listed(models.Model):
    """A named row of a college's list, in the order staff give it."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class ReviewState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting review")
    REVIEWED = "reviewed", _("Reviewed")
    ENGLISH_CHANGED = (
        "english_changed",
        _("English changed since the Chinese was reviewed"),
    )


def awaiting_review(prefix=""):
    """A translated Chinese text that no one has reviewed since its English
    last changed, as a query (``prefix`` reaches it through a relation)."""
    return Q(**{f"{prefix}zh_origin": Origin.TRANSLATION}) & ~Q(
        **{f"{prefix}zh_review": ReviewState.REVIEWED}
    )


class Provenance(Seeded):
    """Where a text came from and whether its Chinese has been reviewed.

    A reviewed Chinese translation is no longer reviewed once its English
    changes: ``save()`` compares the English with the stored one, whoever
    saves (the admin, ``load_seeds``, code).
    """

    source = models.CharField(
        _("source document"),
        max_length=200,
        blank=True,
        help_text=_("The document in seeds/source/ that this text comes from."),
    )
    en_origin = models.CharField(
        _("English is"), max_length=20, choices=Origin, default=Origin.ORIGINAL
    )
    zh_origin = models.CharField(
        _("Chinese is"), max_length=20, choices=Origin, default=Origin.TRANSLATION
    )
    zh_review = models.CharField(
        _("review of the Chinese"),
        max_length=20,
        choices=ReviewState,
        default=ReviewState.AWAITING,
        help_text=_(
            "“Reviewed” once a Chinese-speaking member of staff has checked it."
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        english = [
            f"{name}_en"
            for name in translator.get_options_for_model(type(self)).fields
            if update_fields is None or f"{name}_en" in update_fields
        ]
        if (
            self.pk is not None
            and english
            and self.zh_review == ReviewState.REVIEWED
            and self.zh_origin == Origin.TRANSLATION
        ):
            stored = type(self).objects.filter(pk=self.pk).values(*english).first()
            if stored is not None and any(
                plain_newlines(stored[name] or "")
                != plain_newlines(getattr(self, name) or "")
                for name in english
            ):
                self.zh_review = ReviewState.ENGLISH_CHANGED
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "zh_review"}
        super().save(*args, **kwargs)

    @property
    def awaits_review(self):
        """The rule of ``awaiting_review``, for a text in hand."""
        return (
            self.zh_origin == Origin.TRANSLATION
            and self.zh_review != ReviewState.REVIEWED
        )

    @property
    def source_documents(self):
        return source_names(self.source)


class InstitutionQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(is_published=True)


class Institution(Provenance):
    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    province = models.CharField(
        _("province"),
        max_length=100,
        blank=True,
        help_text=_(
            "Province, autonomous region or municipality, as officially written: "
            "Zhejiang, 浙江省."
        ),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One line shown on the home page."),
    )
    name_note = PlainTextField(
        _("note on the name"),
        blank=True,
        help_text=_("A change of name, or a name that is easily confused."),
    )
    website = models.URLField(_("official website"), blank=True)
    founded = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), MaxValueValidator(2100)],
    )
    logo = CleanImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[validate_image_upload],
    )
    cover = CleanImageField(
        _("cover photo"),
        upload_to="covers/",
        blank=True,
        validators=[validate_image_upload],
    )
    admissions_emails = models.TextField(
        _("admissions e-mail addresses"),
        blank=True,
        help_text=_(
            "One or more addresses, separated by commas, told of new inquiries."
        ),
    )
    is_published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstitutionQuerySet.as_manager()
    college_path = "pk"  # see changes.py

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("college")
        verbose_name_plural = _("colleges")
        indexes = [
            # The directory reads a page of published colleges in this order,
            # and the provinces of its filter: without these, every page
            # sorted all 3,000 colleges first.
            models.Index(
                fields=["order", "slug"],
                condition=models.Q(is_published=True),
                name="institution_directory",
            ),
            models.Index(
                fields=["province_en", "province_zh_hans"],
                condition=models.Q(is_published=True),
                name="institution_provinces",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("institutions:detail", kwargs={"slug": self.slug})

    @property
    def location(self):
        """City and province as readers of the page's language write them."""
        if not self.province or self.province_en == self.city_en:
            return self.city  # Beijing, Chongqing: the city is the province
        if not self.city:
            return self.province
        return _("%(city)s, %(province)s") % {
            "city": self.city,
            "province": self.province,
        }

    @property
    def initials(self):
        """Letters for the generated logo of a college that has none."""
        if self.short_name:
            return self.short_name[:5]
        words = [w for w in self.name_en.split() if w[:1].isupper()]
        return "".join(w[0] for w in words)[:4] or self.slug[:2].upper()

    def headline_facts(self, count=3):
        """The few facts a home-page card shows: numbers a student compares."""
        kinds = Fact.HEADLINE_KINDS
        facts = sorted(
            (f for f in self.facts.all() if f.kind in kinds),
            key=lambda f: (kinds.index(f.kind), f.order),
        )
        return facts[:count]

    @property
    def admissions_email_list(self):
        return [a.strip() for a in self.admissions_emails.split(",") if a.strip()]


class FormerName(Listed, Seeded):
    class Language(models.TextChoices):
        EN = "en", _("English")
        ZH = "zh-hans", _("Chinese")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=Language)
    until = models.PositiveSmallIntegerField(_("in use until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(Listed.Meta):
        verbose_name = _("former name")
        verbose_name_plural = _("former names")


class Section(Provenance):
    """One page of a college's material; its kind is also its URL slug."""

    class Kind(models.TextChoices):
        ABOUT = "about", _("About")
        WHY_US = "why_us", _("Why us")
        LEADERSHIP_MESSAGE = "leadership_message", _("Message from the leadership")
        CHINESE_BRIDGE = "chinese_bridge", _("Chinese Bridge")
        PARTNERSHIP = "partnership", _("Partnership")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="sections"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    body = PlainTextField(
        _("text"), help_text=_("Plain text; paragraphs separated by a blank line.")
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind"], name="one_section_of_each_kind"
            ),
        ]

    def __str__(self):
        return f"{self.institution} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse(
            "institutions:section",
            kwargs={"slug": self.institution.slug, "section": self.slug},
        )

    @classmethod
    def kind_from_slug(cls, slug):
        kind = slug.replace("-", "_")
        return kind if kind in cls.Kind.values else None

    @property
    def slug(self):
        return self.kind.replace("_", "-")

    @property
    def kind_label(self):
        return choice_label(self.Kind, self.kind)

    @property
    def shown_in_english_only(self):
        """True when a Chinese reader is shown the English text as a fallback."""
        return get_language() == "zh-hans" and not self.body_zh_hans.strip()

    @property
    def paragraphs(self):
        return split_paragraphs(self.body)

    @property
    def running_text(self):
        """The text on one line, for excerpts and page descriptions."""
        return " ".join(self.paragraphs)


def in_contract_order(sections):
    """Sections in the order of their kinds, as the contract lists them."""
    return sorted(sections, key=lambda s: Section.Kind.values.index(s.kind))


class Signatory(Listed, Seeded):
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=300, blank=True)

    college_path = "section__institution"

    class Meta(Listed.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")


class Fact(Listed, Provenance):
    """A key fact that a reader scans: founded, students, majors..."""

    class Kind(models.TextChoices):
        FOUNDED = "founded", _("Founded")
        STUDENTS = "students", _("Students")
        MAJORS = "majors", _("Majors and specialties")
        SCHOOLS = "schools", _("Schools")
        CAMPUS = "campus", _("Campus")
        PARTNER_COUNTRIES = "partner_countries", _("Partner countries")
        GRADUATES = "graduates", _("Graduates")
        OTHER = "other", _("Other")

    HEADLINE_KINDS = [
        Kind.FOUNDED,
        Kind.STUDENTS,
        Kind.MAJORS,
        Kind.GRADUATES,
        Kind.SCHOOLS,
    ]

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="facts"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("Only for “Other”.")
    )
    value = models.CharField(_("value"), max_length=300)

    class Meta(Listed.Meta):
        verbose_name = _("key fact")
        verbose_name_plural = _("key facts")

    def __str__(self):
        return f"{self.display_label}: {self.value}"

    @property
    def display_label(self):
        return self.label or choice_label(self.Kind, self.kind)


class School(Listed, Provenance):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="schools"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta(Listed.Meta):
        verbose_name = _("school")
        verbose_name_plural = _("schools")


# Lazy: the choices are built once, at import, and shown in either language.
hsk_label = lazy(lambda level: gettext("HSK level %(level)d") % {"level": level}, str)


class Scholarship(Listed, Provenance):
    """Money towards a student's costs: the government's (CSC), a province's
    or a college's own. One without a college is national or provincial and
    may apply to programmes of any college."""

    class Provider(models.TextChoices):
        CSC = "csc", _("Chinese Government Scholarship (CSC)")
        PROVINCIAL = "provincial", _("Provincial or municipal government")
        COLLEGE = "college", _("The college’s own")
        OTHER = "other", _("Other")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="scholarships",
        null=True,
        blank=True,
        verbose_name=_("college"),
        help_text=_("Empty for a national or provincial scholarship."),
    )
    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("provider"), max_length=20, choices=Provider)
    covers = PlainTextField(
        _("what it covers"),
        blank=True,
        help_text=_("For example: tuition, accommodation, a monthly allowance."),
    )
    deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)
    link = models.URLField(_("link"), blank=True)

    class Meta(Listed.Meta):
        verbose_name = _("scholarship")
        verbose_name_plural = _("scholarships")

    @property
    def provider_label(self):
        return choice_label(self.Provider, self.provider)


class Programme(Listed, Provenance):
    class Kind(models.TextChoices):
        """The level of a programme: what a student abroad chooses between;
        the directory and the programme search filter by it."""

        DIPLOMA = "diploma", _("Vocational diploma (associate degree)")
        BACHELOR = "bachelor", _("Bachelor’s degree")
        MASTER = "master", _("Master’s degree")
        DOCTORATE = "doctorate", _("Doctorate")
        CHINESE_LANGUAGE = "chinese_language", _("Chinese language")
        PREPARATORY = "preparatory", _("Preparatory course")
        SHORT_COURSE = "short_course", _("Short course or summer school")
        # Certificate training outside a degree (CIPC's CNC course with EBG).
        TRAINING = "training", _("Vocational training")

    class DurationUnit(models.TextChoices):
        WEEKS = "weeks", _("weeks")
        MONTHS = "months", _("months")
        YEARS = "years", _("years")

    # The languages of instruction: a value of the search's ``language``
    # filter, and the field that says the programme is taught in it.
    LANGUAGES = {
        "chinese": ("taught_in_chinese", _("Chinese")),
        "english": ("taught_in_english", _("English")),
        "bilingual": ("taught_bilingual", _("Bilingual (Chinese and English)")),
    }

    HSK_CHOICES = [
        (0, _("No HSK needed")),
        *((level, hsk_label(level)) for level in range(1, 10)),
    ]

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        help_text=_("Its address on the college’s pages; unique within the college."),
    )
    kind = models.CharField(
        _("level"),
        max_length=20,
        choices=Kind,
        blank=True,
        help_text=_("Empty for a field of study that is not one programme."),
    )
    description = PlainTextField(_("description"), blank=True)
    taught_in_chinese = models.BooleanField(_("taught in Chinese"), default=False)
    taught_in_english = models.BooleanField(_("taught in English"), default=False)
    taught_bilingual = models.BooleanField(
        _("taught in Chinese and English"), default=False
    )
    duration = models.PositiveSmallIntegerField(_("duration"), null=True, blank=True)
    duration_unit = models.CharField(
        _("unit of the duration"),
        max_length=10,
        choices=DurationUnit,
        default=DurationUnit.YEARS,
    )
    tuition = models.PositiveIntegerField(
        _("tuition (yuan a year)"), null=True, blank=True
    )
    application_fee = models.PositiveIntegerField(
        _("application fee (yuan)"), null=True, blank=True
    )
    accommodation = models.PositiveIntegerField(
        _("accommodation (yuan a year)"), null=True, blank=True
    )
    prior_education = models.CharField(
        _("prior education required"),
        max_length=300,
        blank=True,
        help_text=_("For example: a senior high school diploma."),
    )
    hsk_level = models.PositiveSmallIntegerField(
        _("HSK level required"),
        null=True,
        blank=True,
        choices=HSK_CHOICES,
        validators=[MaxValueValidator(9)],
    )
    english_test = models.CharField(
        _("English test"),
        max_length=50,
        blank=True,
        help_text=_("For example: IELTS or TOEFL iBT."),
    )
    english_score = models.DecimalField(
        _("minimum English score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    open_to_international = models.BooleanField(
        _("open to international students"), default=True
    )
    scholarships = models.ManyToManyField(
        Scholarship,
        blank=True,
        related_name="programmes",
        verbose_name=_("scholarships"),
    )

    class Meta(Listed.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        indexes = [
            models.Index(fields=["kind", "institution"]),
            # What the programme search reads for each programme: from this
            # index rather than the wide rows, a full search costs a third.
            models.Index(
                fields=[
                    "institution",
                    "open_to_international",
                    "name_en",
                    "name_zh_hans",
                ],
                name="programme_search",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "slug"], name="programme_slug_per_college"
            ),
        ]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name_en or self.name)[:100]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "institutions:programme",
            kwargs={"slug": self.institution.slug, "programme": self.slug},
        )

    @property
    def kind_label(self):
        return choice_label(self.Kind, self.kind)

    @property
    def languages(self):
        """The languages it is taught in, in words."""
        return [
            label for field, label in self.LANGUAGES.values() if getattr(self, field)
        ]

    @property
    def duration_text(self):
        if not self.duration:
            return ""
        n = self.duration
        if self.duration_unit == self.DurationUnit.WEEKS:
            return ngettext("%(n)d week", "%(n)d weeks", n) % {"n": n}
        if self.duration_unit == self.DurationUnit.MONTHS:
            return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}
        return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}

    @property
    def hsk_text(self):
        if self.hsk_level is None:
            return ""
        return dict(self.HSK_CHOICES).get(self.hsk_level, "")

    @property
    def age_text(self):
        low, high = self.min_age, self.max_age
        if low and high:
            return _("%(low)d to %(high)d") % {"low": low, "high": high}
        if low:
            return _("%(low)d or older") % {"low": low}
        if high:
            return _("up to %(high)d") % {"high": high}
        return ""

    @property
    def has_requirements(self):
        return bool(
            self.prior_education
            or self.hsk_level is not None
            or self.english_test
            or self.min_age
            or self.max_age
        )

    @property
    def has_fees(self):
        return any(
            fee is not None
            for fee in (self.tuition, self.application_fee, self.accommodation)
        )


class Intake(Seeded):
    """A start of a programme, and the last moment to apply for it."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="intakes"
    )
    starts = models.DateField(_("starts"))
    deadline = models.DateTimeField(
        _("application deadline"),
        null=True,
        blank=True,
        help_text=_("Entered and shown in Beijing time (UTC+8)."),
    )

    college_path = "programme__institution"

    class Meta:
        ordering = ["starts", "id"]
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        indexes = [models.Index(fields=["deadline", "programme"])]

    def __str__(self):
        return date_format(self.starts, "YEAR_MONTH_FORMAT")


# Registered with the app from here: the offer lives in its own module.
from .bridge import BridgeOffer  # noqa: E402, F401
