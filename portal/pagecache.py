"""Whole public pages, kept in the shared ``pages`` cache.

A page is cached per language and address. A hit costs two cache reads and
no database query at all. Every entry remembers the content *generation* it
was rendered in; when staff save or delete anything of a college (see
``connect``), the generation changes and every cached page is stale at once.
Nothing is ever deleted, so the rate-limit counters that may share a Redis
server are left alone; stale entries expire or are culled.

Pages with a form keep CSRF working: the view renders ``CSRF_PLACEHOLDER``
where the token goes, and every response gets the visitor's own token in its
place, so a cached copy never hands one visitor's token to another.

Responses carry an ETag, so that ConditionalGetMiddleware answers 304 to a
browser that already has the page; a form page's ETag also depends on the
visitor's CSRF cookie, because its HTML does.
"""

import hashlib
import time
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

CACHE_ALIAS = "pages"
# Letters only, like a token, so that no escaping can alter it.
CSRF_PLACEHOLDER = "csrfTokenPlaceholderPageCache"
TIMEOUT = 24 * 60 * 60


def page_cache():
    return caches[CACHE_ALIAS]


@lru_cache(maxsize=1)
def build_stamp():
    """Changes whenever the code, templates, translations or static files do.

    A page cached by one version of the portal is never served by another,
    even though the cache outlives the server processes.
    """
    digest = hashlib.sha256()
    roots = [settings.BASE_DIR / name for name in ("portal", "institutions")]
    roots += [settings.BASE_DIR / "applications", *settings.LOCALE_PATHS]
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
    """Names the database, so that two portals with different databases
    (a demo and a benchmark) may share one cache directory."""
    db = connections["default"].settings_dict
    identity = repr((db["ENGINE"], str(db["NAME"]), db["HOST"], db["PORT"]))
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


def generation_key():
    return f"generation:{database_scope()}"


def new_generation(**kwargs):
    """Make every cached page stale (a signal receiver, hence ``**kwargs``)."""
    page_cache().set(generation_key(), time.time_ns(), None)


def content_changed(**kwargs):
    new_generation()
    # A page rendered while the change was not yet committed shows the old
    # content under the new generation: start another one on commit.
    transaction.on_commit(new_generation, robust=True)


def connect(models):
    """Make the pages stale whenever one of these models changes."""
    models = list(models)
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(content_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(content_changed, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache:m2m")
    _watched.update(models)


_watched = set()


def _m2m_changed(sender, instance, action, **kwargs):
    if type(instance) in _watched and action.startswith("post_"):
        content_changed()


def _generation(cache, found):
    generation = found.get(generation_key())
    if generation is None:
        cache.add(generation_key(), time.time_ns(), None)
        generation = cache.get(generation_key())
    return generation


def _page_key(request, variant):
    raw = (
        f"{build_stamp()}:{database_scope()}:{get_language()}:{request.path}:{variant}"
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_page(variant=None, csrf=False):
    """Serve a view's GET from the pages cache.

    ``variant(request)`` names what, besides the address and the language,
    the page depends on (the home page's filters), or returns None when the
    page must not be cached (a search). Only complete 200 answers are kept.
    With ``csrf``, the view renders ``CSRF_PLACEHOLDER`` for the token.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            key = variant(request) if variant else ""
            if key is None:
                response = _rendered(view(request, *args, **kwargs))
                return _finish(request, response, csrf, status="bypass")
            cache = page_cache()
            page_key = _page_key(request, key)
            found = cache.get_many([generation_key(), page_key])
            generation = _generation(cache, found)
            entry = found.get(page_key)
            if entry and entry["generation"] == generation:
                response = HttpResponse(entry["content"], entry["content_type"])
                response["ETag"] = entry["etag"]
                return _finish(request, response, csrf, status="hit")
            response = _rendered(view(request, *args, **kwargs))
            cacheable = getattr(response, "page_cache", True)
            if response.status_code == 200 and not response.streaming and cacheable:
                response["ETag"] = _etag(response.content)
                entry = {
                    "generation": generation,
                    "content": response.content,
                    "content_type": response["Content-Type"],
                    "etag": response["ETag"],
                }
                cache.set(page_key, entry, TIMEOUT)
            return _finish(request, response, csrf, status="miss")

        return wrapper

    return decorator


def _rendered(response):
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _etag(content):
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    return f'"{digest}"'


def _finish(request, response, csrf, status):
    response["X-Page-Cache"] = status
    if response.status_code != 200 or response.streaming:
        return response
    if not response.has_header("ETag"):
        response["ETag"] = _etag(response.content)
    if csrf:
        token = get_token(request)
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode(), token.encode()
        )
        # Any token the browser already holds stays valid as long as its
        # cookie does; the cookie is part of what the page depends on.
        secret = request.META.get("CSRF_COOKIE", "")
        cookie = hashlib.sha256(secret.encode()).hexdigest()[:12]
        response["ETag"] = response["ETag"][:-1] + "-" + cookie + '"'
        patch_vary_headers(response, ["Cookie"])
    # Browsers keep the page but ask each time whether it changed (and get a
    # 304). This replaces, not amends, what an inner never_cache said of a
    # GET: never_cache stays for what the view answers to a POST.
    response["Cache-Control"] = f"{'private' if csrf else 'public'}, no-cache"
    if "Expires" in response:
        del response["Expires"]
    return response
