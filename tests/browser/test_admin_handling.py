"""An admissions officer handles an inquiry in the Chinese admin, in real
headless Chromium: assignee, internal notes and a status move in one save."""

import os

import pytest
from django.contrib.auth.models import Group, Permission

from applications.models import Inquiry
from applications.scoping import OFFICER_GROUP
from tests.conftest import CHONGQING, OFFICER_PASSWORD, make_officer
from tests.factories import make_inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PORTAL_SHOTS", "")


def test_an_officer_assigns_notes_and_moves_in_one_chinese_save(live_server, browser):
    from django.core.management import call_command

    from institutions.models import Institution

    call_command("load_seeds", verbosity=0)
    # The officers' group comes from a data migration, which the flush of
    # an earlier browser test removes.
    group, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="applications",
            codename__in=["view_inquiry", "change_inquiry", "view_inquiryevent"],
        )
    )
    college = Institution.objects.get(slug=CHONGQING)
    chen = make_officer("chen", college)
    li = make_officer("li", college)
    inquiry = make_inquiry(college)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": live_server.url}]
    )
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", chen.username)
    page.fill("#id_password", OFFICER_PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/applications/inquiry/{inquiry.pk}/change/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.select_option("#id_assigned_to", str(li.pk))
    page.fill("#id_internal_notes", "材料齐全。\n周一电话联系。")
    page.select_option("#id_move_to", "in_review")
    page.fill("#id_move_note", "已通读留言。")
    # One form, one save button: the whole page is saved together.
    assert page.locator("form").filter(has=page.locator("#id_move_to")).count() == 1
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url("**/admin/applications/inquiry/")

    inquiry.refresh_from_db()
    assert inquiry.status == "in_review"
    assert inquiry.assigned_to == li
    assert inquiry.internal_notes == "材料齐全。\n周一电话联系。"
    page.goto(f"{live_server.url}/admin/applications/inquiry/{inquiry.pk}/change/")
    history = page.locator("#inquiry-history").inner_text()
    assert "分配给li（此前：未分配）" in history
    assert "状态：“待处理”→“审核中”" in history
    assert "已通读留言。" in history
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/w11b-change-zh.png", full_page=True)
        page.goto(f"{live_server.url}/admin/applications/inquiry/{inquiry.pk}/history/")
        page.screenshot(path=f"{SHOTS}/w11b-history-zh.png", full_page=True)
    context.close()
    assert Inquiry.objects.count() == 1
