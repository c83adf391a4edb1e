"""The public pages' GET forms, which work without script: the directory's
filters, the programme search and the comparison of colleges."""

from django import forms
from django.core.cache import caches
from django.core.validators import slug_re
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FormerName, Institution, Intake, Programme, School

MAX_SEARCH_WORDS = 5
MAX_TUITION = 10_000_000  # yuan a year; more is a typing slip
COMPARE_MIN, COMPARE_MAX = 2, 4


def offered():
    """What the filters offer: the levels and languages of instruction that
    published colleges' programmes have, and their provinces as (English,
    Chinese) pairs; with ``stamp``, which names this state of the content.

    Reading them groups every programme (a third of a second at 90,000), so
    each server process keeps them (the ``template_fragments`` cache, as the
    cards) under a stamp of the published colleges: the newest
    ``updated_at``, which every change of a college's content moves, and
    their number. The stamp is one small query on every page that has the
    filters.
    """
    stamp = Institution.objects.published().aggregate(
        newest=Max("updated_at"), count=Count("pk")
    )
    newest = stamp["newest"].isoformat() if stamp["newest"] else ""
    key = f"programme-offer:{newest}:{stamp['count']}"
    cache = caches["template_fragments"]
    found = cache.get(key)
    if found is None:
        languages = {
            name: Count("pk", filter=Q(**{field: True}))
            for name, (field, _label) in Programme.LANGUAGES.items()
        }
        rows = (
            Programme.objects.filter(institution__is_published=True)
            .order_by()
            .values("kind")
            .annotate(**languages)
        )
        found = {"kinds": set(), "languages": set(), "stamp": key}
        for row in rows:
            if row["kind"]:
                found["kinds"].add(row["kind"])
            found["languages"] |= {name for name in languages if row[name]}
        found["provinces"] = list(
            Institution.objects.published()
            .exclude(province_en="")
            .exclude(province_en__isnull=True)
            .values_list("province_en", "province_zh_hans")
            .distinct()
            .order_by("province_en")
        )
        cache.set(key, found, 24 * 60 * 60)
    return found


def level_choices(kinds):
    return [(value, label) for value, label in Programme.Kind.choices if value in kinds]


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("College or subject"),
        help_text=_(
            "A college’s name or short name, or a subject, in English or Chinese"
        ),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    province = forms.ChoiceField(
        label=_("Province or municipality"),
        required=False,
        error_messages={"invalid_choice": _("Choose a province from the list.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of programme"),
        required=False,
        error_messages={"invalid_choice": _("Choose a kind from the list.")},
    )

    def __init__(self, data, *, provinces, kinds):
        """``provinces``: (English name, name in the page's language) pairs;
        ``kinds``: the levels of programme that colleges offer."""
        super().__init__(data)
        self.fields["province"].choices = [("", _("All provinces")), *provinces]
        self.fields["kind"].choices = [
            ("", _("Any kind of programme")),
            *level_choices(kinds),
        ]

    def filter(self, queryset):
        """The colleges that match every valid filter; invalid ones are ignored."""
        data = self.cleaned_data if self.is_bound else {}
        words = data.get("q", "").split()[:MAX_SEARCH_WORDS]
        chosen = {name: data[name] for name in ("province", "kind") if data.get(name)}
        return filter_colleges(queryset, words=words, **chosen)


def filter_colleges(queryset, province="", kind="", words=()):
    """The colleges of ``queryset`` in the province, offering the kind of
    programme, and matching every word."""
    if province:
        queryset = queryset.filter(province_en=province)
    if kind:
        offered = Programme.objects.filter(institution=OuterRef("pk"), kind=kind)
        queryset = queryset.filter(Exists(offered))
    for word in words:
        queryset = queryset.filter(matches(word))
    return queryset


def matches(word):
    """A college whose names, former names, place, or the names of its
    schools or programmes contain the word (in Chinese, inside a name:
    Chinese has no spaces between words)."""
    former = FormerName.objects.filter(institution=OuterRef("pk"), name__icontains=word)
    school = School.objects.filter(institution=OuterRef("pk")).filter(
        Q(name_en__icontains=word) | Q(name_zh_hans__icontains=word)
    )
    programme = Programme.objects.filter(institution=OuterRef("pk")).filter(
        Q(name_en__icontains=word) | Q(name_zh_hans__icontains=word)
    )
    return (
        Q(name_en__icontains=word)
        | Q(name_zh_hans__icontains=word)
        | Q(short_name__icontains=word)
        | Q(city_en__icontains=word)
        | Q(city_zh_hans__icontains=word)
        | Q(province_en__icontains=word)
        | Q(province_zh_hans__icontains=word)
        | Q(Exists(former))
        | Q(Exists(school))
        | Q(Exists(programme))
    )


def province_choices(provinces, language):
    """Each province of ``provinces`` (see ``offered``) once, ordered by its
    English name (in Chinese this is the familiar pinyin order)."""
    choices = {}
    for english, chinese in provinces:
        choices.setdefault(
            english, chinese if language == "zh-hans" and chinese else english
        )
    return list(choices.items())


class FlagInput(forms.CheckboxInput):
    """A checkbox that sends ``1``, and hands the field what was sent
    (Django's own turns any text into True)."""

    def format_value(self, value):
        return "1"

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FlagField(forms.BooleanField):
    """A checkbox sent as ``1`` (or ``on``): anything else is a mistake to
    tell, not a "yes"."""

    widget = FlagInput
    default_error_messages = {"invalid": _("Tick the box or leave it empty.")}

    def to_python(self, value):
        if value in (None, False, "", "0", "false"):
            return False
        if value in ("1", "on", "true", True):
            return True
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class ProgrammeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Subject"),
        help_text=_("In English or Chinese: mechanical engineering, 机械"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        error_messages={"invalid_choice": _("Choose a level from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language of instruction"),
        required=False,
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    max_tuition = forms.IntegerField(
        label=_("Tuition at most (yuan a year)"),
        required=False,
        min_value=0,
        max_value=MAX_TUITION,
        error_messages={
            "invalid": _("Give the tuition as a whole number of yuan, such as 20000."),
            "min_value": _(
                "Give the tuition as a whole number of yuan, such as 20000."
            ),
            "max_value": _("Give a tuition of at most 10,000,000 yuan."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
    )
    open = FlagField(
        label=_("Only programmes whose application deadline has not passed"),
        required=False,
    )

    FILTERS = ("q", "level", "language", "max_tuition", "open")

    def __init__(self, data, *, kinds, languages):
        super().__init__(data)
        self.fields["level"].choices = [("", _("Any level")), *level_choices(kinds)]
        self.fields["language"].choices = [
            ("", _("Any language")),
            *(
                (name, label)
                for name, (_field, label) in Programme.LANGUAGES.items()
                if name in languages
            ),
        ]
        # A list with nothing but "any" would only puzzle.
        for name in ("level", "language"):
            if len(self.fields[name].choices) == 1:
                del self.fields[name]

    def valid_filters(self):
        """The filters that were given and are valid, as the URL writes them."""
        data = self.cleaned_data
        found = {}
        for name in self.FILTERS:
            if name in self.errors:
                continue
            value = data.get(name)
            if name == "q":
                value = (value or "").strip()
            if value not in (None, "", False):
                found[name] = 1 if value is True else value
        return found

    def filter(self, queryset, filters):
        for word in filters.get("q", "").split()[:MAX_SEARCH_WORDS]:
            # The colleges named by the word are found once, not again for
            # each of their programmes; the programmes' names are read from
            # an index (``programme_search``) rather than from their rows.
            colleges = Institution.objects.filter(
                Q(name_en__icontains=word)
                | Q(name_zh_hans__icontains=word)
                | Q(short_name__icontains=word)
            ).values("pk")
            queryset = queryset.filter(
                Q(name_en__icontains=word)
                | Q(name_zh_hans__icontains=word)
                | Q(institution__in=colleges)
            )
        if "level" in filters:
            queryset = queryset.filter(kind=filters["level"])
        if "language" in filters:
            field, _label = Programme.LANGUAGES[filters["language"]]
            queryset = queryset.filter(**{field: True})
        if "max_tuition" in filters:
            queryset = queryset.filter(tuition__lte=filters["max_tuition"])
        if filters.get("open"):
            queryset = queryset.filter(
                Exists(
                    Intake.objects.filter(
                        programme=OuterRef("pk"), deadline__gt=timezone.now()
                    )
                )
            )
        return queryset


class CompareForm(forms.Form):
    """Two to four colleges, named by their slugs: ``?college=a&college=b``."""

    def __init__(self, slugs):
        super().__init__({})
        # Each once, in the order given; what is not a slug is not a college.
        self.slugs = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))
        self.colleges = []

    def clean(self):
        if len(self.slugs) > COMPARE_MAX:
            raise forms.ValidationError(
                _("Choose at most four colleges to compare."), code="too_many"
            )
        return {}

    def find(self, queryset):
        """The named colleges from ``queryset``, in the order named; unknown
        ones and too few become errors."""
        if not self.is_valid():
            return []
        # Only what can be a slug goes to the database (PostgreSQL refuses
        # a NUL in text); the rest is named as unknown below.
        wanted = [s for s in self.slugs[:COMPARE_MAX] if slug_re.match(s)]
        found = {c.slug: c for c in queryset.filter(slug__in=wanted)}
        unknown = [slug for slug in self.slugs if slug not in found]
        for slug in unknown:
            self.add_error(
                None,
                forms.ValidationError(
                    _("There is no published college “%(name)s”."),
                    params={"name": slug[:80]},
                    code="unknown",
                ),
            )
        self.colleges = [found[slug] for slug in self.slugs if slug in found]
        if len(self.colleges) < COMPARE_MIN:
            self.add_error(
                None,
                forms.ValidationError(
                    _("Choose two to four colleges to compare."), code="too_few"
                ),
            )
        return self.colleges
