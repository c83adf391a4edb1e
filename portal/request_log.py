"""One access line a request, and the request id that ties its logs together.

``RequestLogMiddleware`` comes first in ``MIDDLEWARE``. It gives each request
an id (or takes the proxy's ``X-Request-ID`` when the proxy is one of
``settings.TRUSTED_PROXIES``), puts it on ``request.request_id`` (the error
pages show it as a reference for support), on the ``X-Request-ID`` response
header and, through a context variable, on every log record written while the
request is served. When the response is ready it logs one line to
``portal.access``.

The line holds the method, the path without its query string (a search in the
admin or a link may carry an e-mail address there), the status, the time taken
and the size of the body: never a body, a cookie or a header.
"""

import logging
import re
import secrets
import time
from contextvars import ContextVar

from portal.client_ip import from_trusted_proxy

logger = logging.getLogger("portal.access")

HEADER = "X-Request-ID"
_request_id = ContextVar("request_id", default=None)
# What a proxy's id may look like: a UUID, a hex or base64url token.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")


def current_request_id():
    """The id of the request this thread is serving, or None outside one."""
    return _request_id.get()


def new_request_id():
    # 16 hex digits: short enough to read out on the telephone, and a
    # collision among a day's requests is as good as impossible.
    return secrets.token_hex(8)


def request_id_for(request):
    """The proxy's id when a trusted proxy sent a sane one, else a new one."""
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if offered and _SANE_ID.fullmatch(offered) and from_trusted_proxy(request):
        return offered
    return new_request_id()


def _body_size(response):
    if response.has_header("Content-Length"):
        try:
            return int(response["Content-Length"])
        except ValueError:
            return None
    if getattr(response, "streaming", False):
        return None
    return len(response.content)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            status = response.status_code
            logger.log(
                logging.ERROR if status >= 500 else logging.INFO,
                "%s %s %s",
                request.method[:16],
                request.path[:500],
                status,
                extra={
                    "request_id": request_id,
                    "method": request.method[:16],
                    "path": request.path[:500],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "bytes": _body_size(response),
                },
            )
            return response
        finally:
            _request_id.reset(token)
