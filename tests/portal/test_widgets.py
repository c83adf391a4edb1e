"""The widgets written in Python give Django's own markup, byte for byte,
whatever the value and the attributes."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms import country_choices
from portal.widgets import (
    QuickCheckboxInput,
    QuickEmailInput,
    QuickNumberInput,
    QuickRadioSelect,
    QuickSelect,
    QuickTextarea,
    QuickTextInput,
)

VALUES = [None, "", "Ana", '<b>"Ana" & co</b>', "第一行\n第二行", 24, True, False]
ATTRS = [
    {},
    {"id": "id_x", "required": True, "maxlength": 200, "autocomplete": "name"},
    {"aria-invalid": "true", "aria-describedby": 'id_x_helptext "x"', "hidden": False},
    {"placeholder": _("E-mail address"), "step": 1, "inputmode": "numeric"},
]
PAIRS = [
    (QuickTextInput, forms.TextInput),
    (QuickEmailInput, forms.EmailInput),
    (QuickNumberInput, forms.NumberInput),
    (QuickCheckboxInput, forms.CheckboxInput),
    (QuickTextarea, forms.Textarea),
]


@pytest.mark.parametrize("quick, django_widget", PAIRS)
def test_each_widget_writes_what_django_writes(quick, django_widget):
    for value in VALUES:
        for attrs in ATTRS:
            for base in ({}, {"rows": 7, "class": "wide"}):
                ours = quick(attrs=base).render("field", value, attrs)
                theirs = django_widget(attrs=base).render("field", value, attrs)
                assert str(ours) == str(theirs), (value, attrs)


def test_the_select_writes_what_django_writes():
    choices = [
        ("", "Choose a country"),
        ("VN", "Viet Nam"),
        ("CI", "Côte d'Ivoire & <others>"),
        ("Group", [("a", "A"), ("b", "B")]),
    ]
    for value in (None, "", "VN", "CI", "b", ["VN", "a"]):
        for attrs in ATTRS:
            ours = QuickSelect(choices=choices).render("nationality", value, attrs)
            theirs = forms.Select(choices=choices).render("nationality", value, attrs)
            assert str(ours) == str(theirs), (value, attrs)


def test_a_select_kept_with_its_choices_still_follows_value_and_attributes():
    countries = country_choices("zh-hans")
    plain = list(countries)
    for _round in range(2):  # written, then taken from what was kept
        for value in ("", "VN", "CI"):
            for attrs in ATTRS:
                ours = QuickSelect(choices=countries).render("n", value, attrs)
                theirs = forms.Select(choices=plain).render("n", value, attrs)
                assert str(ours) == str(theirs), (value, attrs)
    assert "越南" in str(QuickSelect(choices=countries).render("n", "VN", {}))


def test_the_radio_buttons_write_what_django_writes():
    choices = [("study", "Study"), ("bridge", "Chinese <Bridge> & co")]
    for value in (None, "", "study", "bridge"):
        for attrs in ATTRS:

            class Ours(forms.Form):
                kind = forms.ChoiceField(
                    choices=choices, widget=QuickRadioSelect(attrs=attrs)
                )

            class Theirs(forms.Form):
                kind = forms.ChoiceField(
                    choices=choices, widget=forms.RadioSelect(attrs=attrs)
                )

            ours, theirs = (
                Ours(initial={"kind": value}),
                Theirs(initial={"kind": value}),
            )
            # One by one, as the inquiry form's template writes them...
            assert [str(r.tag()) for r in ours["kind"]] == [
                str(r.tag()) for r in theirs["kind"]
            ], (value, attrs)
            # ...and whole, with their labels.
            assert str(ours["kind"]) == str(theirs["kind"]), (value, attrs)
