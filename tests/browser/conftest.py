import os

import pytest

from .chromium import BrowserUnavailable, launch

# Playwright's sync API runs an event loop in this thread; Django refuses
# database access from a thread with a running loop unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    try:
        with launch() as chromium:
            yield chromium
    except BrowserUnavailable as reason:
        pytest.skip(f"Browser test skipped: {reason}")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
