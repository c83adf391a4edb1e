"""The conversation, in real headless Chromium: a Chinese delegation leader
writes; officer-cipc, in the Chinese admin, answers from a template asking
for documents; the applicant reads it on the Chinese status page and answers
with a PDF; the officer reads the answer and opens the file, which
officer-bpu and an anonymous visitor cannot reach."""

import importlib
import os
import re

import pytest
from django.contrib.auth.models import Group, Permission

from applications.models import Inquiry, Message, ReplyTemplate
from applications.scoping import OFFICER_GROUP
from tests.conftest import OFFICER_PASSWORD, make_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PORTAL_SHOTS", "")
FORM = "/zh-hans/institutions/chongqing-industry-polytechnic-college/inquire/"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def fresh_clone_state():
    """What migrate leaves, which the flush of an earlier browser test
    removes: the officers' group and the shared reply templates."""
    from django.core.management import call_command

    call_command("load_seeds", verbosity=0)
    migration = importlib.import_module("applications.migrations.0012_correspondence")
    group, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="applications",
            codename__in=[
                "view_inquiry",
                "change_inquiry",
                "view_inquiryevent",
                *(codename for _model, codename in migration.PERMISSIONS),
            ],
        )
    )
    for purpose, title, body_en, body_zh_hans in migration.DEFAULTS:
        ReplyTemplate.objects.get_or_create(
            institution=None,
            purpose=purpose,
            defaults={"title": title, "body_en": body_en, "body_zh_hans": body_zh_hans},
        )


def sign_in(browser, url, user, language="zh-hans"):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": url}])
    page = context.new_page()
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", OFFICER_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{url}/admin/")
    return context, page


def test_a_conversation_with_a_document(live_server, browser, tmp_path):
    from institutions.models import Institution

    fresh_clone_state()
    site = live_server.url
    cipc = make_officer(
        "officer-cipc",
        Institution.objects.get(slug="chongqing-industry-polytechnic-college"),
    )
    bpu = make_officer(
        "officer-bpu", Institution.objects.get(slug="beijing-polytechnic-university")
    )

    # The applicant writes, in Chinese.
    applicant = browser.new_context(viewport={"width": 390, "height": 844})
    page = applicant.new_page()
    page.goto(site + FORM)
    page.get_by_label("汉语桥团组").check()
    page.get_by_label("姓名").fill("阮文安")
    page.get_by_label("电子邮箱").fill("an.nguyen@example.vn")
    page.get_by_label("国籍").select_option(label="越南")
    page.get_by_label("所在机构").fill("河内外国语学校")
    page.get_by_label("团组人数").fill("24")
    page.get_by_label(re.compile("我已阅读隐私声明")).check()
    page.get_by_role("button", name="提交咨询").click()
    page.wait_for_url("**/inquiries/sent/")
    reference = page.locator("#inquiry-reference").inner_text().strip()
    inquiry = Inquiry.objects.get(reference=reference)
    Inquiry.objects.filter(pk=inquiry.pk).update(status="in_review")

    # officer-cipc answers from the shared template asking for documents.
    officer, admin_page = sign_in(browser, site, cipc)
    change = f"{site}/admin/applications/inquiry/{inquiry.pk}/change/"
    admin_page.goto(change)
    assert admin_page.locator("html").get_attribute("lang") == "zh-hans"
    admin_page.select_option(
        "#id_reply_template", label="Ask for documents · 请求补充材料"
    )
    admin_page.get_by_role("button", name="使用模板").click()
    admin_page.wait_for_load_state()
    text = admin_page.locator("#id_reply").input_value()
    assert text.startswith("阮文安，您好！")
    assert reference in text and "护照" in text
    assert not Message.objects.exists()  # nothing sent yet
    admin_page.select_option("#id_move_to", "more_info")
    if SHOTS:
        admin_page.locator("#id_reply").scroll_into_view_if_needed()
        admin_page.screenshot(path=f"{SHOTS}/w13-composer-zh.png", full_page=True)
    admin_page.get_by_role("button", name="保存", exact=True).click()
    admin_page.wait_for_url("**/admin/applications/inquiry/")
    inquiry.refresh_from_db()
    assert inquiry.status == "more_info"
    reply = Message.objects.get(direction="out")
    assert reply.body.replace("\r\n", "\n") == text.replace("\r\n", "\n")

    # The applicant reads it on the Chinese status page ...
    page.goto(f"{site}/zh-hans/inquiries/status/?reference={reference}")
    page.get_by_label("电子邮箱").fill("an.nguyen@example.vn")
    page.get_by_role("button", name="查询进度").click()
    timeline = page.locator("#inquiry-timeline")
    assert "需要补充材料" in timeline.inner_text()
    assert "招生办公室的消息" in timeline.inner_text()
    assert "护照" in timeline.inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/w13-timeline-zh.png", full_page=True)
    # ... switches to English and back without losing it ...
    page.locator(".lang-switch a[hreflang=en]").click()
    page.wait_for_url("**/en/inquiries/status/")
    assert "More information needed" in page.locator("#inquiry-timeline").inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/w13-timeline-en.png", full_page=True)
    page.locator(".lang-switch a[hreflang=zh-hans]").click()
    page.wait_for_url("**/zh-hans/inquiries/status/")

    # ... and answers with a PDF.
    document = tmp_path / "护照.pdf"
    document.write_bytes(PDF)
    page.get_by_label("您的回复").fill("已上传护照复印件。\n谢谢！")
    page.get_by_label("材料", exact=True).set_input_files(str(document))
    page.get_by_role("button", name="发送回复").click()
    page.wait_for_url("**/zh-hans/inquiries/status/")
    assert "您的回复已发送" in page.content()
    assert "已上传护照复印件。" in page.locator("#inquiry-timeline").inner_text()
    inquiry.refresh_from_db()
    assert inquiry.status == "in_review"

    # The officer sees the answer and opens the file.
    admin_page.goto(change)
    conversation = admin_page.locator("#inquiry-conversation")
    assert "已上传护照复印件。" in conversation.inner_text()
    link = conversation.get_by_role("link", name="护照.pdf")
    file_url = site + link.get_attribute("href")
    with admin_page.expect_download() as download:
        link.click()
    assert open(download.value.path(), "rb").read() == PDF
    if SHOTS:
        admin_page.goto(f"{site}/admin/")
        admin_page.screenshot(path=f"{SHOTS}/w13-officer-index-zh.png", full_page=True)

    # officer-bpu and an anonymous visitor: not found.
    other, _other_page = sign_in(browser, site, bpu)
    assert other.request.get(file_url).status == 404
    stranger = browser.new_context()
    assert stranger.request.get(file_url).status == 404
    for context in (applicant, officer, other, stranger):
        context.close()
