import logging
import sys

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import db_outage

logger = logging.getLogger(__name__)


@require_GET
def language_redirect(request):
    """Send ``/`` to the home page in the visitor's language."""
    language = get_language_from_request(request)
    response = HttpResponseRedirect(f"/{language}/")
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        # An admin moved elsewhere (PORTAL_ADMIN_PATH) is not named here, in
        # a file that robots looking for a way in read first; its pages say
        # "noindex" themselves.
        *(["Disallow: /admin/"] if settings.ADMIN_PATH == "admin/" else []),
        "Disallow: /en/inquiries/",
        "Disallow: /zh-hans/inquiries/",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def bad_request(request, exception=None):
    if db_outage.is_outage(exception):
        return db_outage.unavailable(request)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A database that does not answer (raised outside a view, where
    # DatabaseOutageMiddleware cannot see it) is a 503, not a 500.
    if db_outage.is_outage(sys.exc_info()[1]):
        return db_outage.unavailable(request)
    # Kept free of database access: the error may be the database itself.
    # The request id lets support find the traceback in the logs.
    context = {"request_id": getattr(request, "request_id", None)}
    return render(request, "500.html", context, status=500)
