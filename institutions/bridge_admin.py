"""The Chinese Bridge offer, edited inside its section in the admin; it shows
only on a Chinese Bridge section."""

from django import forms
from django.utils.dates import MONTHS
from modeltranslation.admin import TranslationStackedInline

from .bridge import BridgeOffer
from .models import Section


class BridgeOfferForm(forms.ModelForm):
    months = forms.TypedMultipleChoiceField(
        label=BridgeOffer._meta.get_field("months").verbose_name,
        help_text=BridgeOffer._meta.get_field("months").help_text,
        choices=MONTHS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = BridgeOffer
        fields = ["months"]  # the inline names the rest


class BridgeOfferInline(TranslationStackedInline):
    model = BridgeOffer
    form = BridgeOfferForm
    extra = 1
    max_num = 1
    fields = (
        "mode",
        "usual_days",
        "months",
        ("min_age", "max_age"),
        ("min_group", "max_group"),
        "price_per_person",
        "includes",
        "source",
        "en_origin",
        "zh_origin",
        "zh_review",
    )
    readonly_fields = ("source",)

    # ``obj`` is the section. Without one (the inline's own queryset, a new
    # section) nothing is offered to add, and rows stay visible.
    @staticmethod
    def _applies(obj):
        return obj is None or obj.kind == Section.Kind.CHINESE_BRIDGE

    def has_add_permission(self, request, obj=None):
        applies = obj is not None and self._applies(obj)
        return applies and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._applies(obj) and super().has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self._applies(obj) and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._applies(obj) and super().has_delete_permission(request, obj)
