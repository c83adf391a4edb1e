"""WCAG 2.1 AA, checked by axe-core in real Chromium on every kind of page."""

from pathlib import Path

import pytest

from tests.factories import make_inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
PAGES = [
    "/{lang}/",
    "/{lang}/institutions/beijing-university-of-technology/",
    "/{lang}/institutions/beijing-university-of-technology/leadership-message/",
    "/{lang}/institutions/chongqing-industry-polytechnic-college/chinese-bridge/",
    "/{lang}/institutions/jinhua-polytechnic/inquire/",
    "/{lang}/inquiries/status/",
    "/{lang}/privacy/",
    "/{lang}/institutions/no-such-college/",
]


@pytest.fixture
def site(live_server):
    from django.core.management import call_command

    call_command("load_seeds", verbosity=0)
    return live_server.url


def violations(page):
    # Evaluated by the test driver, not added as a <script>: the page's
    # Content-Security-Policy refuses inline scripts, as it should.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_it_meets_wcag_aa_on_every_kind_of_page(site, browser, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    found = {}
    for path in PAGES:
        page.goto(site + path.format(lang=lang))
        if problems := violations(page):
            found[path] = problems
    context.close()
    assert not found


def test_it_meets_wcag_aa_when_the_form_shows_errors_and_a_status(
    site, page, chongqing
):
    page.goto(
        site + "/zh-hans/institutions/chongqing-industry-polytechnic-college/inquire/"
    )
    page.evaluate("document.querySelector('form.form').noValidate = true")
    page.locator("form.form [type=submit]").click()
    page.wait_for_load_state()
    assert not violations(page)

    inquiry = make_inquiry(chongqing, email="an@example.vn")
    page.goto(site + "/en/inquiries/status/")
    page.locator("#id_reference").fill(inquiry.reference)
    page.locator("#id_email").fill("an@example.vn")
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    assert "Received" in page.locator("main").inner_text()
    assert not violations(page)
