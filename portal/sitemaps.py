from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from institutions.models import Institution, Programme, Section


class PortalSitemap(Sitemap):
    """Every page in both languages, each listing the other as an alternate."""

    i18n = True
    alternates = True
    x_default = True


class HomeSitemap(PortalSitemap):
    priority = 1.0

    def items(self):
        return ["institutions:home", "institutions:programmes"]

    def location(self, item):
        return reverse(item)


class InstitutionSitemap(PortalSitemap):
    priority = 0.8

    def items(self):
        return Institution.objects.published()

    def lastmod(self, obj):
        return obj.updated_at


class SectionSitemap(PortalSitemap):
    priority = 0.6

    def items(self):
        return (
            Section.objects.filter(is_published=True, institution__is_published=True)
            .select_related("institution")
            .order_by("institution__order", "id")
        )

    def lastmod(self, obj):
        return obj.institution.updated_at


class ProgrammeSitemap(PortalSitemap):
    priority = 0.6

    def items(self):
        return (
            Programme.objects.filter(institution__is_published=True)
            .select_related("institution")
            .order_by("institution__order", "institution__slug", "order", "id")
        )

    def lastmod(self, obj):
        return obj.institution.updated_at


sitemaps = {
    "home": HomeSitemap,
    "institutions": InstitutionSitemap,
    "sections": SectionSitemap,
    "programmes": ProgrammeSitemap,
}
