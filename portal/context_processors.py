from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils.translation import get_language

LANGUAGE_NAMES = {"en": "English", "zh-hans": "简体中文"}
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}


def site(request):
    """Links to this page in every language, for the switcher and hreflang."""
    current = get_language()
    path = request.path
    urls = get_urlconf() or settings.ROOT_URLCONF
    paths = {
        code: _translated(path, code, get_script_prefix(), urls)
        for code, _name in settings.LANGUAGES
    }
    # A page outside the language prefixes (the 404 of /nonsense) has no
    # translation: the switcher then leads to each language's home page.
    if all(translated == path for translated in paths.values()):
        paths = {code: f"/{code}/" for code in paths}
    alternates = [
        {
            "code": code,
            "html_lang": HTML_LANG[code],
            "name": LANGUAGE_NAMES[code],
            "path": translated,
            "url": settings.SITE_URL + translated,
            "current": code == current,
        }
        for code, translated in paths.items()
    ]
    return {
        "html_lang": HTML_LANG.get(current, current),
        "alternates": alternates,
        "other_languages": [a for a in alternates if not a["current"]],
        "x_default_url": settings.SITE_URL + paths["en"],
        "canonical_url": settings.SITE_URL + path,
        "site_url": settings.SITE_URL,
    }


@lru_cache(maxsize=4096)
def _translated(path, code, script_prefix, urls):
    # Resolving and reversing the address took as long as rendering a small
    # page's header; the answer depends only on these four.
    return translate_url(path, code)
