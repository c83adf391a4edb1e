"""Renew the README's screenshots: ``make screenshots``.

Not collected by ``make test`` (the name does not start with ``test_``);
the Makefile names this file explicitly. It uses the browser tests' own
machinery: the same Chromium launcher and live server.
"""

from pathlib import Path

import pytest

from .chromium import DESKTOP, PHONE

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {
    "home": "/{lang}/",
    "college": "/{lang}/institutions/chongqing-industry-polytechnic-college/",
}

pytestmark = pytest.mark.django_db(transaction=True)


def test_screenshots(live_server, browser):
    from django.core.management import call_command

    call_command("load_seeds", verbosity=0)
    OUT.mkdir(parents=True, exist_ok=True)
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = context.new_page()
        for name, path in PAGES.items():
            for lang in ("en", "zh-hans"):
                page.goto(live_server.url + path.format(lang=lang))
                page.screenshot(
                    path=str(OUT / f"{name}-{lang}-{width_name}.png"),
                    full_page=width_name == "desktop",
                )
        context.close()
