from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from .models import (
    Fact,
    FormerName,
    Institution,
    Origin,
    Programme,
    School,
    Section,
    Signatory,
)

PROVENANCE_FIELDS = ("source", "en_origin", "zh_origin", "zh_reviewed")


class AwaitingReviewFilter(admin.SimpleListFilter):
    title = _("Chinese translation")
    parameter_name = "zh_review"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Awaiting review")),
            ("reviewed", _("Reviewed")),
            ("original", _("Original Chinese")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(zh_origin=Origin.TRANSLATION, zh_reviewed=False)
        if self.value() == "reviewed":
            return queryset.filter(zh_origin=Origin.TRANSLATION, zh_reviewed=True)
        if self.value() == "original":
            return queryset.filter(zh_origin=Origin.ORIGINAL)
        return queryset


class ProvenanceAdmin(TabbedTranslationAdmin):
    """Shared by every kind of text: where it came from, and its review."""

    readonly_fields = ("source",)
    actions = ["mark_reviewed"]

    @admin.display(description=_("Chinese"), ordering="zh_reviewed")
    def review_state(self, obj):
        if obj.zh_origin == Origin.ORIGINAL:
            return _("Original")
        if obj.zh_reviewed:
            return _("Translation, reviewed")
        return format_html(
            '<strong class="awaits-review">{}</strong>',
            _("Translation awaiting review"),
        )

    @admin.action(description=_("Mark the Chinese translation as reviewed"))
    def mark_reviewed(self, request, queryset):
        count = queryset.filter(zh_origin=Origin.TRANSLATION).update(zh_reviewed=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d translation marked as reviewed.",
                "%(count)d translations marked as reviewed.",
                count,
            )
            % {"count": count},
        )


class FormerNameInline(TranslationStackedInline):
    model = FormerName
    extra = 0
    fields = ("name", "language", "until", "note", "order")


class FactInline(TranslationStackedInline):
    model = Fact
    extra = 0
    fields = ("kind", "label", "value", "order", *PROVENANCE_FIELDS)
    readonly_fields = ("source",)


@admin.register(Institution)
class InstitutionAdmin(ProvenanceAdmin):
    list_display = (
        "name",
        "province",
        "city",
        "is_published",
        "section_count",
        "waiting_count",
        "website_link",
    )
    list_filter = ("is_published", "province")
    search_fields = (
        "name_en",
        "name_zh_hans",
        "short_name",
        "slug",
        "former_names__name",
    )
    inlines = [FormerNameInline, FactInline]
    readonly_fields = ("source", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "short_name",
                    "slug",
                    "province",
                    "city",
                    "summary",
                    "name_note",
                )
            },
        ),
        (_("Links and images"), {"fields": ("website", "logo", "cover")}),
        (
            _("Publishing"),
            {"fields": ("is_published", "order", "founded", "updated_at")},
        ),
        (_("Inquiries"), {"fields": ("admissions_emails",)}),
        (_("Provenance"), {"fields": ("zh_origin", "zh_reviewed")}),
    )

    def get_queryset(self, request):
        waiting = Q(sections__zh_origin=Origin.TRANSLATION, sections__zh_reviewed=False)
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sections=Count("sections", distinct=True),
                n_waiting=Count("sections", filter=waiting, distinct=True),
            )
        )

    @admin.display(description=_("sections"), ordering="n_sections")
    def section_count(self, obj):
        return obj.n_sections

    @admin.display(description=_("translations awaiting review"), ordering="n_waiting")
    def waiting_count(self, obj):
        return obj.n_waiting

    @admin.display(description=_("official website"))
    def website_link(self, obj):
        if not obj.website:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            obj.website,
            obj.website,
        )


class SignatoryInline(TranslationStackedInline):
    model = Signatory
    extra = 0
    fields = ("name", "role", "order")


@admin.register(Section)
class SectionAdmin(ProvenanceAdmin):
    list_display = ("__str__", "kind", "source", "review_state", "is_published")
    list_filter = ("institution", "kind", AwaitingReviewFilter, "is_published")
    list_select_related = ("institution",)
    search_fields = ("title_en", "title_zh_hans", "body_en", "body_zh_hans")
    inlines = [SignatoryInline]
    fieldsets = (
        (None, {"fields": ("institution", "kind", "title", "body", "is_published")}),
        (_("Provenance"), {"fields": PROVENANCE_FIELDS}),
    )


@admin.register(School)
class SchoolAdmin(ProvenanceAdmin):
    list_display = ("name", "institution", "source", "review_state")
    list_filter = ("institution", AwaitingReviewFilter)
    list_select_related = ("institution",)
    search_fields = ("name_en", "name_zh_hans")
    fields = ("institution", "name", "order", *PROVENANCE_FIELDS)


@admin.register(Programme)
class ProgrammeAdmin(ProvenanceAdmin):
    list_display = ("name", "institution", "kind", "source", "review_state")
    list_filter = ("kind", "institution", AwaitingReviewFilter)
    list_select_related = ("institution",)
    search_fields = ("name_en", "name_zh_hans")
    fields = (
        "institution",
        "name",
        "kind",
        "description",
        "order",
        *PROVENANCE_FIELDS,
    )


from . import programme_admin  # noqa: E402, F401  (programmes' details, scholarships)
