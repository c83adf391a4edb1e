"""Whole public pages, kept in the shared ``pages`` cache.

A page is cached per address (its path names its language, and the query
string is part of it). A hit is answered by ``PageCacheMiddleware`` before
sessions, locale, CSRF and the URL resolver run: two cache reads and no
database query at all. Every entry remembers the content *generation* it
was rendered in; when staff save or delete anything of a college (see
``connect``), the generation changes and every cached page is stale at once.
Nothing is ever deleted, so the rate-limit counters that may share a Redis
server are left alone; stale entries expire or are culled.

Pages with a form keep CSRF working: the view renders ``CSRF_PLACEHOLDER``
where the token goes, and every response gets the visitor's own token in its
place, so a cached copy never hands one visitor's token to another.

Responses carry an ETag, so that a browser that already has the page gets a
304; a form page's ETag also depends on the
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
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.cache import get_conditional_response, patch_vary_headers
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


def _address_key(request):
    raw = ":".join(
        (
            build_stamp(),
            database_scope(),
            request.path,
            request.META.get("QUERY_STRING", ""),
        )
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_page(cacheable=None, csrf=False, lifetime=None):
    """Offer a view's GET answers to the pages cache (``PageCacheMiddleware``).

    ``cacheable(request)`` says False for a page that must not be kept (a
    search); ``lifetime()`` gives the seconds a page may be kept (a page that
    follows the calendar). Only complete 200 answers under a language prefix
    are kept. With ``csrf``, the view renders ``CSRF_PLACEHOLDER`` for the
    token.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return response
            response = _rendered(response)
            keep = (
                (cacheable is None or cacheable(request))
                and getattr(response, "page_cache", True)
                and response.status_code == 200
                and not response.streaming
                # The address alone must name the language of the page.
                and request.path_info.startswith(f"/{get_language()}/")
            )
            if not keep:
                return _finish(request, response, csrf, status="bypass")
            response["ETag"] = _etag(response.content)
            response.page_cache_entry = {
                "content": response.content,
                "etag": response["ETag"],
                "csrf": csrf,
                "timeout": lifetime() if lifetime else TIMEOUT,
            }
            return _finish(request, response, csrf, status="miss")

        return wrapper

    return decorator


# Headers that are the visitor's own, or worked out again for each answer.
_NOT_KEPT = {"etag", "content-length", "x-page-cache", "set-cookie"}


class PageCacheMiddleware:
    """Answers from the pages cache before the rest of the stack runs.

    A cached page needs no session, user, messages or URL resolution, so a
    hit is served here, as early as Django's own cache middleware would: the
    headers that the inner middleware added when the page was rendered are
    kept with it. It sits inside the security, CSP and request-log
    middleware, whose headers every answer still gets.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Django's own CSRF cookie handling, for the hits of form pages.
        self.csrf = CsrfViewMiddleware(get_response)
        # Only pages under a language prefix are kept (see cached_page): the
        # admin and the rest need not read the cache at all.
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not request.path_info.startswith(
            self.prefixes
        ):
            return self.get_response(request)
        cache = page_cache()
        key = _address_key(request)
        # The generation is read before the page is rendered: a change made
        # meanwhile leaves the copy stale rather than the change unseen.
        found = cache.get_many([generation_key(), key])
        generation = _generation(cache, found)
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
            cache.set(key, entry, entry.pop("timeout"))
        return response

    def hit(self, request, entry):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"].items():
            response[name] = value
        response["ETag"] = entry["etag"]
        if entry["csrf"]:
            self.csrf.process_request(request)
        response = _finish(request, response, entry["csrf"], status="hit")
        if entry["csrf"]:
            response = self.csrf.process_response(request, response)
        response["Content-Length"] = str(len(response.content))
        if request.method == "GET":
            response = get_conditional_response(
                request, etag=response["ETag"], response=response
            )
        return response


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
