"""The colleges' content in the admin, each admin scoped to the colleges the
user is an editor of (``applications/scoping.py``): another college's row is
a 404. A text's English and Chinese are edited side by side."""

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from applications.scoping import EDITOR, CollegeScopedAdminMixin

from .bridge_admin import BridgeOfferInline
from .models import (
    Fact,
    FormerName,
    Institution,
    Intake,
    Origin,
    Programme,
    ReviewState,
    Scholarship,
    School,
    Section,
    Signatory,
    awaiting_review,
)

LANGUAGE_LABELS = {"en": _("%(field)s (English)"), "zh-hans": _("%(field)s (Chinese)")}


def texts_fieldset(model):
    """A model's translated texts in the order of its fields, one row each:
    the English beside the Chinese."""
    order = [field.name for field in model._meta.get_fields()]
    names = sorted(translator.get_options_for_model(model).fields, key=order.index)
    rows = tuple((f"{name}_en", f"{name}_zh_hans") for name in names)
    return (
        _("Texts in English and Chinese"),
        {"fields": rows, "classes": ("side-by-side",)},
    )


class ReviewFilter(admin.SimpleListFilter):
    title = _("review of the Chinese")
    parameter_name = "zh_review"

    def lookups(self, request, model_admin):
        return [*ReviewState.choices, ("original", _("Original Chinese"))]

    def queryset(self, request, queryset):
        if self.value() == "original":
            return queryset.filter(zh_origin=Origin.ORIGINAL)
        if self.value() in ReviewState.values:
            return queryset.filter(zh_origin=Origin.TRANSLATION, zh_review=self.value())
        return queryset


class EditorScopedMixin(CollegeScopedAdminMixin):
    """A content admin or inline: the rows of the colleges the user edits."""

    scope_role = EDITOR

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        original = getattr(db_field, "translated_field", None)
        if field is not None and original is not None:
            field.label = LANGUAGE_LABELS[db_field.language] % {
                "field": capfirst(original.verbose_name)
            }
        return field


class ContentAdmin(EditorScopedMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["institutions/side_by_side.css"]}


class ContentInline(EditorScopedMixin, admin.TabularInline):
    extra = 0
    show_change_link = True  # to the row's own page, where there is one


class ProvenanceAdmin(ContentAdmin):
    """Shared by every kind of text: where it came from, and its review."""

    readonly_fields = ("source_document",)
    actions = ["mark_reviewed"]

    @admin.display(description=_("source document"))
    def source_document(self, obj):
        return "; ".join(str(name) for name in obj.source_documents) or "—"

    @admin.display(description=_("Chinese"), ordering="zh_review")
    def review_state(self, obj):
        if obj.zh_origin == Origin.ORIGINAL:
            return _("Original")
        if obj.zh_review == ReviewState.REVIEWED:
            return obj.get_zh_review_display()
        return format_html(
            '<strong class="awaits-review">{}</strong>', obj.get_zh_review_display()
        )

    @admin.action(description=_("Mark the Chinese as reviewed"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        waiting = queryset.filter(awaiting_review())
        marked = list(waiting)
        waiting.update(zh_review=ReviewState.REVIEWED)
        if marked:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=marked,
                action_flag=CHANGE,
                change_message=gettext("Marked the Chinese as reviewed."),
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d translation marked as reviewed.",
                "%(count)d translations marked as reviewed.",
                len(marked),
            )
            % {"count": len(marked)},
        )


# -- the college's page and its short rows ----------------------------------


class FormerNameInline(ContentInline):
    model = FormerName
    fields = ("name", "language", "until", "order")


class SectionInline(ContentInline):
    """A list of the college's sections; each is edited on its own page."""

    model = Section
    fields = ("kind", "title", "zh_review", "is_published")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # a section's text is written on the section's page


class FactInline(ContentInline):
    model = Fact
    fields = ("kind", "label_en", "value_en", "value_zh_hans", "order")
    classes = ["collapse"]


class SchoolInline(ContentInline):
    model = School
    fields = ("name_en", "name_zh_hans", "order")
    classes = ["collapse"]


class ProgrammeInline(ContentInline):
    model = Programme
    fields = ("name_en", "name_zh_hans", "kind", "order")
    classes = ["collapse"]


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
    inlines = [
        SectionInline,
        FactInline,
        SchoolInline,
        ProgrammeInline,
        FormerNameInline,
    ]
    readonly_fields = ("source_document", "updated_at")
    fieldsets = (
        (None, {"fields": ("slug", "short_name")}),
        texts_fieldset(Institution),
        (_("Links and images"), {"fields": ("website", "logo", "cover", "founded")}),
        (_("Publishing"), {"fields": ("is_published", "order", "updated_at")}),
        (_("Inquiries"), {"fields": ("admissions_emails",)}),
        (_("Review of the Chinese"), {"fields": ("zh_origin", "zh_review")}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Who is told of inquiries, whether and where the college is
            # listed and its address are the superuser's to decide.
            fields += ["slug", "is_published", "order", "admissions_emails"]
        return fields

    def get_queryset(self, request):
        waiting = awaiting_review("sections__")
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


# -- texts on their own pages ---------------------------------------------------


class SignatoryInline(ContentInline):
    model = Signatory
    college_field = "section__institution"
    fields = ("name_en", "name_zh_hans", "role_en", "role_zh_hans", "order")


class TextAdmin(ProvenanceAdmin):
    """A college's text: its college, its texts side by side, its review."""

    list_select_related = ("institution",)
    list_filter = ("institution", ReviewFilter)
    fields_before = ("institution",)
    fields_after = ()

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": self.fields_before}), texts_fieldset(self.model)]
        if self.fields_after:
            fieldsets.append((None, {"fields": self.fields_after}))
        provenance = ("source_document", "en_origin", "zh_origin", "zh_review")
        fieldsets.append((_("Source and review"), {"fields": provenance}))
        return fieldsets


@admin.register(Section)
class SectionAdmin(TextAdmin):
    list_display = (
        "__str__",
        "kind",
        "source_document",
        "review_state",
        "is_published",
    )
    list_filter = ("institution", "kind", ReviewFilter, "is_published")
    search_fields = ("title_en", "title_zh_hans", "body_en", "body_zh_hans")
    inlines = [SignatoryInline, BridgeOfferInline]
    fields_before = ("institution", "kind", "is_published")


@admin.register(FormerName)
class FormerNameAdmin(ContentAdmin):
    list_display = ("name", "institution", "language", "until")
    list_filter = ("institution", "language")
    list_select_related = ("institution",)
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("institution", "name", "language", "until", "order")}),
        texts_fieldset(FormerName),
    )


@admin.register(Fact)
class FactAdmin(TextAdmin):
    list_display = ("__str__", "institution", "kind", "review_state")
    list_filter = ("institution", "kind", ReviewFilter)
    search_fields = ("value_en", "value_zh_hans", "label_en", "label_zh_hans")
    fields_before = ("institution", "kind")
    fields_after = ("order",)


@admin.register(School)
class SchoolAdmin(TextAdmin):
    list_display = ("name", "institution", "source_document", "review_state")
    search_fields = ("name_en", "name_zh_hans")
    fields_after = ("order",)


class IntakeInline(ContentInline):
    model = Intake
    college_field = "programme__institution"
    extra = 1
    fields = ("starts", "deadline")


@admin.register(Programme)
class ProgrammeAdmin(TextAdmin):
    list_display = ("name", "institution", "kind", "source_document", "review_state")
    list_filter = ("kind", "institution", ReviewFilter)
    search_fields = ("name_en", "name_zh_hans")
    inlines = [IntakeInline]
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("scholarships",)
    fields_before = ("institution", "slug", "kind")
    fields_after = (
        ("taught_in_chinese", "taught_in_english", "taught_bilingual"),
        ("duration", "duration_unit"),
        "open_to_international",
        ("tuition", "application_fee", "accommodation"),
        "hsk_level",
        ("english_test", "english_score"),
        ("min_age", "max_age"),
        "scholarships",
        "order",
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "scholarships":
            # The user's colleges' own scholarships, and the national ones.
            kwargs["queryset"] = Scholarship.objects.filter(
                Q(institution__in=self.colleges(request)) | Q(institution__isnull=True)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Scholarship)
class ScholarshipAdmin(TextAdmin):
    """A college's own scholarships; national and provincial ones (no
    college) are the superuser's."""

    list_display = ("name", "institution", "provider", "deadline", "review_state")
    list_filter = ("provider", "institution", ReviewFilter)
    search_fields = ("name_en", "name_zh_hans")
    fields_before = ("institution", "provider")
    fields_after = ("deadline", "link", "order")
