"""A person sends an inquiry in Chinese, in real headless Chromium."""

import re

import pytest

from applications.models import Inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/zh-hans/institutions/chongqing-industry-polytechnic-college/"


@pytest.fixture
def site(live_server):
    from django.core.management import call_command

    call_command("load_seeds", verbosity=0)
    return live_server.url


def test_it_takes_a_chinese_delegation_leader_from_errors_to_a_reference(site, page):
    page.goto(site + FORM)
    page.get_by_role("link", name="在线咨询").first.click()
    page.wait_for_url("**/inquire/")

    # Sent empty: the browser's own checks are switched off so that the
    # server's messages, the ones every visitor gets, are what we read.
    page.evaluate("document.querySelector('form.form').noValidate = true")
    page.get_by_role("button", name="提交咨询").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "请修改以下内容" in summary.inner_text()
    assert "姓名：请填写此项。" in summary.inner_text()
    assert page.get_by_label("姓名").get_attribute("aria-invalid") == "true"
    assert Inquiry.objects.count() == 0

    page.get_by_label("汉语桥团组").check()
    page.get_by_label("姓名").fill("阮文安")
    page.get_by_label("电子邮箱").fill("an.nguyen@example.vn")
    page.get_by_label("国籍").select_option(label="越南")
    page.get_by_label("所在机构").fill("河内外国语学校")
    page.get_by_label("团组人数").fill("24")
    page.get_by_label("留言").fill("我们希望明年夏天带学生来访。")
    page.get_by_label(re.compile("我已阅读隐私声明")).check()
    page.get_by_role("button", name="提交咨询").click()

    page.wait_for_url("**/inquiries/sent/")
    reference = page.locator("#inquiry-reference").inner_text().strip()
    inquiry = Inquiry.objects.get()
    assert reference == inquiry.reference
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", reference)
    assert inquiry.language == "zh-hans"
    assert (inquiry.kind, inquiry.group_size, inquiry.nationality) == (
        "chinese_bridge",
        24,
        "VN",
    )
