"""The home page's directory filters: a GET form that works without script."""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import FormerName, Institution, Programme

MAX_SEARCH_WORDS = 5


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("Name of the college"),
        help_text=_("In English or Chinese, or its short name"),
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
        choices=[("", _("Any kind of programme")), *Programme.Kind.choices],
        error_messages={"invalid_choice": _("Choose a kind from the list.")},
    )

    def __init__(self, data, *, provinces):
        """``provinces``: (English name, name in the page's language) pairs."""
        super().__init__(data)
        self.fields["province"].choices = [("", _("All provinces")), *provinces]

    def filter(self, queryset):
        """The colleges that match every valid filter; invalid ones are ignored."""
        data = self.cleaned_data if self.is_bound else {}
        words = data.get("q", "").split()[:MAX_SEARCH_WORDS]
        chosen = {name: data[name] for name in ("province", "kind") if data.get(name)}
        return filter_colleges(queryset, words=words, **chosen)

    @property
    def searching(self):
        return bool(self.is_valid() and self.cleaned_data["q"].strip())


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
    """A college whose names, former names or place contain the word."""
    former = FormerName.objects.filter(institution=OuterRef("pk"), name__icontains=word)
    return (
        Q(name_en__icontains=word)
        | Q(name_zh_hans__icontains=word)
        | Q(short_name__icontains=word)
        | Q(city_en__icontains=word)
        | Q(city_zh_hans__icontains=word)
        | Q(province_en__icontains=word)
        | Q(province_zh_hans__icontains=word)
        | Q(Exists(former))
    )


def province_choices(language):
    """Every province with a published college, ordered by its English name
    (in Chinese this is the familiar pinyin order)."""
    rows = (
        Institution.objects.published()
        .exclude(province_en="")
        .exclude(province_en__isnull=True)
        .values_list("province_en", "province_zh_hans")
        .distinct()
        .order_by("province_en")
    )
    choices = {}
    for english, chinese in rows:
        choices.setdefault(
            english, chinese if language == "zh-hans" and chinese else english
        )
    return list(choices.items())
