"""A Chinese Bridge delegation with its dates and a phone number, in real
headless Chromium: from the form, past its messages, to the admin and the
CSV export."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

from applications.models import Inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/en/institutions/chongqing-industry-polytechnic-college/inquire/"


@pytest.fixture
def site(live_server):
    from django.core.management import call_command

    call_command("load_seeds", verbosity=0)
    return live_server.url


def beijing_day(offset):
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return today + datetime.timedelta(days=offset)


def test_the_form_asks_a_delegation_for_dates_and_marks_what_it_requires(site, page):
    page.goto(site + FORM)
    organisation = page.locator("#id_organization")

    page.get_by_label("Degree or major study").check()
    assert page.locator("#field-intake").is_visible()
    assert not page.locator("#field-start_date").is_visible()
    assert not organisation.is_visible()

    page.get_by_label("Chinese Bridge delegation").check()
    assert not page.locator("#field-intake").is_visible()
    assert page.locator("#field-start_date").is_visible()
    assert page.locator("#field-end_date").is_visible()
    for field in ("organization", "group_size"):
        wrapper = page.locator(f"#field-{field}")
        assert wrapper.locator("input").get_attribute("aria-required") == "true"
        assert wrapper.locator("input").evaluate("input => input.required")
        assert not wrapper.locator(".required-when").is_visible()
        assert wrapper.locator("label .required").is_visible()

    page.get_by_label("Partnership proposal").check()
    assert organisation.evaluate("input => input.required")
    assert page.locator("#field-intake").is_visible()
    assert not page.locator("#field-group_size").is_visible()


def test_a_delegation_with_dates_and_a_phone_reaches_the_admin_and_the_csv(
    site, page, root
):
    arrival, departure = beijing_day(60), beijing_day(67)
    page.goto(site + FORM)
    page.get_by_label("Chinese Bridge delegation").check()
    page.get_by_label("Full name").fill("Aigerim Bekova")
    page.get_by_label("E-mail address").fill("aigerim@example.kz")
    page.get_by_label("Nationality").select_option(label="Kazakhstan")
    page.get_by_label("Phone number").fill("701 234 5678")
    page.get_by_label("WhatsApp").check()
    page.get_by_label("Telegram").check()
    page.get_by_label("Organisation").fill("Almaty School No. 12")
    page.get_by_label("Number of people in the delegation").fill("18")
    # The wrong way round first: the server says so beside the field.
    page.get_by_label("Arrival date").fill(departure.isoformat())
    page.get_by_label("Departure date").fill(arrival.isoformat())
    page.get_by_label(re.compile("I have read the privacy notice")).check()
    page.get_by_role("button", name="Send the inquiry").click()
    page.wait_for_load_state()

    summary = page.get_by_role("alert").inner_text()
    assert "Phone number: Please give the number in international form" in summary
    assert "Departure date: The departure date cannot be before the arrival" in summary
    assert Inquiry.objects.count() == 0
    # What was typed is still there, the delegation's fields still shown.
    assert page.get_by_label("Organisation").input_value() == "Almaty School No. 12"
    assert page.get_by_label("WhatsApp").is_checked()
    assert not page.locator("#field-intake").is_visible()

    page.get_by_label("Phone number").fill("+7 701 234 5678")
    page.get_by_label("Arrival date").fill(arrival.isoformat())
    page.get_by_label("Departure date").fill(departure.isoformat())
    page.get_by_label(re.compile("I have read the privacy notice")).check()
    page.get_by_role("button", name="Send the inquiry").click()
    page.wait_for_url("**/inquiries/sent/")
    reference = page.locator("#inquiry-reference").inner_text().strip()

    inquiry = Inquiry.objects.get()
    assert inquiry.reference == reference
    assert (inquiry.phone, inquiry.phone_apps) == ("+77012345678", "whatsapp,telegram")
    assert (inquiry.start_date, inquiry.end_date) == (arrival, departure)
    assert inquiry.intake == ""

    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    page.goto(site + f"/admin/applications/inquiry/{inquiry.pk}/change/")
    sent = page.locator("fieldset").first.inner_text()
    assert "+7 701 234 5678 (WhatsApp, Telegram)" in sent
    with translation.override("en"):
        for day in (arrival, departure):
            assert formats.date_format(day) in sent

    export = page.request.get(site + "/admin/applications/inquiry/export/")
    assert export.ok
    text = export.body().decode("utf-8")
    row = next(line for line in text.splitlines() if reference in line)
    # Every cell quoted; the phone's leading + defused for spreadsheets.
    assert '"\'+7 701 234 5678","WhatsApp, Telegram"' in row
    assert f'"{arrival.isoformat()}","{departure.isoformat()}"' in row
