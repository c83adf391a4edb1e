"""One access line a request, and the request id that ties its logs together.

The id is new, or the proxy's ``X-Request-ID`` when the proxy is trusted; it
goes on ``request.request_id`` (the error pages show it to quote to support),
the response's ``X-Request-ID`` and every log record of the request. The
access line never holds the query string (a search or a link may carry an
e-mail address), a body, a cookie or a header.
"""

import logging
import re
import secrets
import time
from contextvars import ContextVar

from portal.client_ip import from_trusted_proxy

logger = logging.getLogger("portal.access")

_request_id = ContextVar("request_id", default=None)
# What a proxy's id may look like: a UUID, a hex or base64url token.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")


def current_request_id():
    """The id of the request this thread is serving, or None outside one."""
    return _request_id.get()


def request_id_for(request):
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if offered and _SANE_ID.fullmatch(offered) and from_trusted_proxy(request):
        return offered
    # Short enough to read out on the telephone, and a collision among a
    # day's requests is as good as impossible.
    return secrets.token_hex(8)


def _body_size(response):
    if response.has_header("Content-Length"):
        try:
            return int(response["Content-Length"])
        except ValueError:
            return None
    return None if response.streaming else len(response.content)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        token = _request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            method = request.method[:16]
            path = request.path[:500]
            status = response.status_code
            logger.log(
                logging.ERROR if status >= 500 else logging.INFO,
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "bytes": _body_size(response),
                },
            )
            return response
        finally:
            _request_id.reset(token)
