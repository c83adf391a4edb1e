"""The portal's settings for `make bench` and `make audit`, and for the bench
app's commands (``DJANGO_SETTINGS_MODULE=bench.settings python manage.py
generate_scale_data ...``).

The production settings, with the bench app installed (its commands and the
bare view, bench/urls.py in front of the portal's addresses) and the pages cache
moved: its files go to the run's own folder (``BENCH_VAR_DIR``, by default
var/bench), so that a benchmark never serves or leaves pages of its database
to the portal in ``var/``. With ``BENCH_PAGE_CACHE=off`` the pages cache
keeps nothing, and every request renders its page as the first request after
a content change does. The template fragments (the ``template_fragments``
cache, in each worker's memory) are kept as in production: the home page's
college cards, each keyed on its college's ``updated_at`` and the language,
so that a change renders again only the card of the college that changed,
and the inquiry form's list of nationalities, keyed on the language.
"""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403
from portal.settings import BASE_DIR, CACHES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"

BENCH_VAR_DIR = Path(os.environ.get("BENCH_VAR_DIR", BASE_DIR / "var" / "bench"))
if "pages" in CACHES and CACHES["pages"]["BACKEND"].endswith("FileBasedCache"):
    CACHES["pages"] = {**CACHES["pages"], "LOCATION": BENCH_VAR_DIR / "cache" / "pages"}
if os.environ.get("BENCH_PAGE_CACHE") == "off":
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
