from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from . import views
from .sitemaps import sitemaps

handler404 = "django.views.defaults.page_not_found"  # bench/urls.py imports it
handler400 = "portal.views.bad_request"
handler500 = "portal.views.server_error"

admin.site.site_header = _("China College Portal")
admin.site.site_title = _("China College Portal")
admin.site.index_title = _("Admissions")

urlpatterns = [
    path("", views.language_redirect, name="language-redirect"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploaded logos and covers and their renditions. A larger deployment
    # puts a web server in front for these; they are small and few here.
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]

urlpatterns += i18n_patterns(
    path("", include("institutions.urls")),
    path("", include("applications.urls")),
)
