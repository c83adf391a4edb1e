"""Whole public pages, kept in the shared ``pages`` cache.

A page is kept per address: its path (which names its language) and the
non-empty query parameters its view reads (``cached_page(params)``); any other
parameter, or one given twice, is answered afresh, so that ``?cb=1``,
``?cb=2``... do not fill the cache. Pages with a form carry the visitor's CSRF
token and are not offered.

``content_changed()`` starts a new content generation, which makes every page
stale at once: nothing is deleted, so rate-limit counters sharing a Redis
server are left alone. Responses carry an ETag for 304s.
"""

import hashlib
import time
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language

TIMEOUT = 24 * 60 * 60


@lru_cache(maxsize=1)
def build_stamp():
    """Changes with the code, templates, translations or static files: the
    cache outlives the server processes, not the version that filled it."""
    digest = hashlib.sha256()
    apps = ("portal", "institutions", "applications")
    roots = [*(settings.BASE_DIR / app for app in apps), *settings.LOCALE_PATHS]
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.suffix in {".py", ".html", ".mo", ".css", ".js"}:
                stat = path.stat()
                digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def database_scope():
    """Two portals with different databases (a demo and a benchmark) may
    share one cache directory."""
    db = connections["default"].settings_dict
    identity = repr((db["ENGINE"], str(db["NAME"]), db["HOST"], db["PORT"]))
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


def generation_key():
    return f"generation:{database_scope()}"


def new_generation():
    caches["pages"].set(generation_key(), time.time_ns(), None)


def content_changed():
    new_generation()
    # A page rendered while the change was not yet committed shows the old
    # content under the new generation: start another one on commit.
    transaction.on_commit(new_generation, robust=True)


def _address_key(request):
    query = sorted((k, v) for k, values in request.GET.lists() for v in values if v)
    raw = repr((build_stamp(), database_scope(), request.path, query))
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_page(params=(), cacheable=None):
    """Offer a view's GET answers to ``PageCacheMiddleware``.

    ``params``: the query parameters the view reads. ``cacheable(request)``
    (or ``response.page_cache = False``) keeps a page out, such as a search.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return response
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            keep = (
                all(k in params and len(v) == 1 for k, v in request.GET.lists())
                and (cacheable is None or cacheable(request))
                and getattr(response, "page_cache", True)
                and response.status_code == 200
                and not response.streaming
                # The address alone must name the language of the page.
                and request.path_info.startswith(f"/{get_language()}/")
            )
            response["X-Page-Cache"] = "miss" if keep else "bypass"
            if response.status_code != 200 or response.streaming:
                return response
            digest = hashlib.md5(response.content, usedforsecurity=False)
            response["ETag"] = f'"{digest.hexdigest()}"'
            # Browsers keep the page but ask each time whether it changed.
            response["Cache-Control"] = "public, no-cache"
            if keep:
                response.page_cache_entry = {
                    "content": response.content,
                    "etag": response["ETag"],
                }
            return response

        return wrapper

    return decorator


# Headers that are worked out again for each answer.
_NOT_KEPT = {"etag", "content-length", "x-page-cache", "set-cookie"}


class PageCacheMiddleware:
    """Answers a hit before sessions, locale, CSRF and the URL resolver run,
    with the headers the inner middleware gave the page when it was rendered;
    the outer ones (security, CSP, request log) still run on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Only pages under a language prefix are kept (see cached_page).
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not request.path_info.startswith(
            self.prefixes
        ):
            return self.get_response(request)
        cache = caches["pages"]
        key = _address_key(request)
        # The generation is read before the page is rendered: a change made
        # meanwhile leaves the copy stale rather than the change unseen.
        found = cache.get_many([generation_key(), key])
        generation = found.get(generation_key())
        if generation is None:
            cache.add(generation_key(), time.time_ns(), None)
            generation = cache.get(generation_key())
        entry = found.get(key)
        if entry and entry["generation"] == generation:
            return self.hit(request, entry)
        response = self.get_response(request)
        offered = getattr(response, "page_cache_entry", None)
        if offered is not None:
            headers = {
                name: value
                for name, value in response.headers.items()
                if name.lower() not in _NOT_KEPT
            }
            entry = {**offered, "generation": generation, "headers": headers}
            cache.set(key, entry, TIMEOUT)
        return response

    def hit(self, request, entry):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"].items():
            response[name] = value
        response["ETag"] = entry["etag"]
        response["X-Page-Cache"] = "hit"
        response["Content-Length"] = str(len(response.content))
        if request.method == "GET":
            response = get_conditional_response(
                request, etag=response["ETag"], response=response
            )
        return response
