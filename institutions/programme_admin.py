"""The admin of programmes' details, their intakes and scholarships.

Imported at the end of ``admin.py``: it extends the ``ProgrammeAdmin``
registered there (and its scoping) with the new fields and an inline of
intakes, and registers scholarships, each scoped to the user's colleges.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.scoping import CollegeScopedAdminMixin, colleges_for

from .admin import (
    PROVENANCE_FIELDS,
    AwaitingReviewFilter,
    ProgrammeAdmin,
    ProvenanceAdmin,
)
from .models import Intake, Programme, Scholarship


class IntakeInline(CollegeScopedAdminMixin, admin.TabularInline):
    model = Intake
    college_field = "programme__institution"
    extra = 1
    fields = ("starts", "deadline")


def scholarships_for(user):
    """The user's colleges' scholarships, and the national ones."""
    return Scholarship.objects.filter(
        Q(institution__in=colleges_for(user)) | Q(institution__isnull=True)
    )


admin.site.unregister(Programme)

# ProgrammeAdmin may be scoped already (the editors' work): mix the scoping
# in only where it is not, or the class could not be built.
SCOPED_PROGRAMME_ADMIN = (
    (ProgrammeAdmin,)
    if issubclass(ProgrammeAdmin, CollegeScopedAdminMixin)
    else (CollegeScopedAdminMixin, ProgrammeAdmin)
)


@admin.register(Programme)
class ProgrammeDetailsAdmin(*SCOPED_PROGRAMME_ADMIN):
    inlines = [IntakeInline]
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("scholarships",)
    fields = None
    fieldsets = (
        (None, {"fields": ("institution", "name", "slug", "kind", "description")}),
        (
            _("Teaching"),
            {
                "fields": (
                    ("taught_in_chinese", "taught_in_english", "taught_bilingual"),
                    ("duration", "duration_unit"),
                    "open_to_international",
                )
            },
        ),
        (
            _("Fees in yuan"),
            {"fields": ("tuition", "application_fee", "accommodation")},
        ),
        (
            _("Entry requirements"),
            {
                "fields": (
                    "prior_education",
                    "hsk_level",
                    ("english_test", "english_score"),
                    ("min_age", "max_age"),
                )
            },
        ),
        (_("Scholarships"), {"fields": ("scholarships",)}),
        (_("Provenance"), {"fields": ("order", *PROVENANCE_FIELDS)}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "scholarships":
            kwargs["queryset"] = scholarships_for(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Scholarship)
class ScholarshipAdmin(CollegeScopedAdminMixin, ProvenanceAdmin):
    list_display = ("name", "institution", "provider", "deadline", "review_state")
    list_filter = ("provider", "institution", AwaitingReviewFilter)
    list_select_related = ("institution",)
    search_fields = ("name_en", "name_zh_hans")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "institution",
                    "name",
                    "provider",
                    "covers",
                    "deadline",
                    "link",
                    "order",
                )
            },
        ),
        (_("Provenance"), {"fields": PROVENANCE_FIELDS}),
    )
