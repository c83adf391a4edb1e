"""When the database does not answer: a 503 page, never a traceback.

A restart of the database server (an upgrade, a failover) makes every query
fail for a few seconds with ``OperationalError`` or ``InterfaceError``. The
visitor then gets a short page in their own language that says to try again
in a moment, with ``Retry-After``; staff find the error in the log. Nothing
here touches the database, and the next request opens a fresh connection
(``conn_health_checks`` in the settings drops a broken persistent one), so the
portal recovers by itself once the server is back.

Three ways in: ``DatabaseOutageMiddleware`` for errors raised by a view,
``portal.views.server_error`` (the 500 handler) for errors raised anywhere
else, and ``portal.views.bad_request`` (the 400 handler) for a staff session
that could not be saved after the view, which Django reports as a 400.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_outage(exc):
    """Whether ``exc``, or an error it was raised from or while handling, is
    the database not answering. Django wraps some: a session that could not
    be saved becomes ``SessionInterrupted``, a 400."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _language(request):
    # From the URL first: the active language may be a previous request's
    # when the error struck before LocaleMiddleware ran. Neither way reads
    # the database.
    known = {code for code, _name in settings.LANGUAGES}
    language = translation.get_language_from_path(request.path_info)
    if language not in known:
        language = translation.get_language_from_request(request)
    return language if language in known else settings.LANGUAGE_CODE


def unavailable(request):
    """The 503 page in the visitor's language, with ``Retry-After``."""
    with translation.override(_language(request)):
        # No request context: the context processors might query the database.
        body = render_to_string(
            "503.html", {"request_id": getattr(request, "request_id", None)}
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """Answer 503 instead of 500 when a view fails to reach the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.error(
            "Database unavailable: %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        return unavailable(request)
