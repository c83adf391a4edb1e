from django.urls import path, register_converter

from . import programme_views, views
from .models import Section


class SectionSlugConverter:
    """Only the section slugs of the contract: anything else is a 404."""

    regex = "|".join(kind.replace("_", "-") for kind in Section.Kind.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SectionSlugConverter, "section")

app_name = "institutions"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "institutions/<slug:slug>/",
        views.InstitutionDetailView.as_view(),
        name="detail",
    ),
    path(
        "programmes/", programme_views.ProgrammeSearchView.as_view(), name="programmes"
    ),
    path("compare/", programme_views.CompareView.as_view(), name="compare"),
    path(
        "institutions/<slug:slug>/programmes/<slug:programme>/",
        programme_views.ProgrammeDetailView.as_view(),
        name="programme",
    ),
    path(
        "institutions/<slug:slug>/<section:section>/",
        views.SectionDetailView.as_view(),
        name="section",
    ),
]
