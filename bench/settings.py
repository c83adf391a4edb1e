"""The portal's settings for `make bench` and `make audit`.

The production settings, untouched but for the pages cache: its files go to
the run's own folder (``BENCH_VAR_DIR``), so that a benchmark never serves or
leaves pages of its database to the portal in ``var/``. With
``BENCH_PAGE_CACHE=off`` the pages cache keeps nothing, and every request
renders its page as the first request after a content change does. The
directory's college cards (the ``cards`` cache) are kept as in production:
each is keyed by what it shows, so a change renders again only the card of
the college that changed.
"""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403
from portal.settings import CACHES

if "pages" in CACHES and CACHES["pages"]["BACKEND"].endswith("FileBasedCache"):
    CACHES["pages"] = {
        **CACHES["pages"],
        "LOCATION": Path(os.environ["BENCH_VAR_DIR"]) / "cache" / "pages",
    }
if os.environ.get("BENCH_PAGE_CACHE") == "off":
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
