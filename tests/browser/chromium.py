"""Headless Chromium for the browser tests and the README's screenshots.

Playwright drives Debian's own Chromium (``/usr/bin/chromium``); it never
downloads a browser. Where there is no Chromium, ``launch`` says why, so the
caller can skip with that reason.
"""

import os
import shutil
from contextlib import contextmanager

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach
# Google's hosts, which a closed network (and mainland China) refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


class BrowserUnavailable(Exception):
    pass


@contextmanager
def launch():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        raise BrowserUnavailable(
            f"no Chromium at {CHROMIUM}: install Debian's chromium package "
            "(make test does so where apt-get works)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - requirements-dev has it
        raise BrowserUnavailable(
            f"the playwright package is missing: {error}"
        ) from None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
