"""A person reads the portal in real headless Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from django.core.management import call_command

    call_command("load_seeds", verbosity=0)
    return live_server.url


def test_it_leads_a_chinese_reader_to_the_chinese_bridge_and_back_in_english(
    site, page
):
    page.goto(f"{site}/zh-hans/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("link", name="重庆工业职业技术学院").first.click()
    page.wait_for_url("**/zh-hans/institutions/chongqing-industry-polytechnic-college/")
    page.get_by_role("navigation", name="栏目").get_by_role(
        "link", name="汉语桥"
    ).click()
    page.wait_for_url(
        "**/zh-hans/institutions/chongqing-industry-polytechnic-college/chinese-bridge/"
    )
    assert page.get_by_role("heading", level=1).inner_text() == "汉语桥：学校介绍"
    assert "重庆工业职业技术学院是由重庆市政府举办" in page.locator("main").inner_text()

    page.get_by_role("link", name="English").click()
    page.wait_for_url(
        "**/en/institutions/chongqing-industry-polytechnic-college/chinese-bridge/"
    )
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Chinese Bridge: About the College"
    )


def test_it_fits_a_phone_screen_without_sideways_scrolling(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("/en/", "/zh-hans/institutions/beijing-polytechnic-university/about/"):
        page.goto(site + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    context.close()
