import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


@require_GET
def language_redirect(request):
    """Send ``/`` to the home page in the visitor's language."""
    language = translation.get_language_from_request(request)
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


def is_outage(exc):
    """Whether ``exc`` or an error in its chain is the database not answering
    (a restart, a failover): Django wraps some, such as SessionInterrupted."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable(request):
    """The 503 page in the visitor's language, with ``Retry-After``; nothing
    here touches the database."""
    # From the URL first: the active language may be a previous request's
    # when the error struck before LocaleMiddleware ran.
    language = translation.get_language_from_path(request.path_info)
    language = language or translation.get_language_from_request(request)
    with translation.override(language):
        # No request context: the context processors might query the database.
        body = render_to_string(
            "503.html", {"request_id": getattr(request, "request_id", None)}
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def bad_request(request, exception=None):
    # A staff session that could not be saved after the view is a 400.
    if is_outage(exception):
        return unavailable(request)
    return defaults.bad_request(request, exception)


def server_error(request):
    # A database that does not answer is a 503 page, not a 500.
    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    # Kept free of database access: the error may be the database itself.
    # The request id lets support find the traceback in the logs.
    context = {"request_id": getattr(request, "request_id", None)}
    return render(request, "500.html", context, status=500)
