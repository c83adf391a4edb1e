"""An editor of a college keeps its pages in a real headless Chromium."""

import importlib
import os

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from institutions.models import Institution, ReviewState, Section
from tests.conftest import CHONGQING, OFFICER_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EDITOR_GROUP_MIGRATION = importlib.import_module(
    "institutions.migrations.0007_chinese_review_state_and_editor_group"
)


def editor_group():
    """The "Editor" group as its migration makes it: a test that flushes
    the database (any transactional test before this one) removes it."""
    group, _created = Group.objects.get_or_create(name=EDITOR_GROUP_MIGRATION.GROUP)
    for model, actions in EDITOR_GROUP_MIGRATION.PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="institutions",
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


# Where the journey leaves its screenshots, for people to look at.
SHOTS = os.environ.get("PORTAL_SHOTS_DIR")


@pytest.fixture
def site(live_server):
    call_command("load_seeds", verbosity=0)
    editor_group()
    call_command(
        "create_officer",
        "editor-cipc",
        CHONGQING,
        "--password",
        OFFICER_PASSWORD,
        "--role",
        "editor",
        verbosity=0,
    )
    return live_server.url


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"w14ed-{name}.png"), full_page=True)


def sign_in(page, site):
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "editor-cipc")
    page.fill("#id_password", OFFICER_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")


def test_an_editor_edits_a_section_side_by_side_and_both_pages_show_it(site, page):
    section = Section.objects.get(institution__slug=CHONGQING, kind="why_us")
    Section.objects.filter(pk=section.pk).update(zh_review=ReviewState.REVIEWED)
    sign_in(page, site)

    page.goto(f"{site}/admin/institutions/section/{section.pk}/change/")
    english, chinese = page.locator("#id_body_en"), page.locator("#id_body_zh_hans")
    left, right = english.bounding_box(), chinese.bounding_box()
    assert abs(left["y"] - right["y"]) < 5 and right["x"] >= left["x"] + left["width"]
    assert "Chongqing Industry Polytechnic College, its English website: Why Us" in (
        page.locator("main").inner_text()
    )
    shoot(page, "section-side-by-side")
    english.fill("Editors keep this page.\n\nA second paragraph in English.")
    chinese.fill("本页由编辑维护。\n\n第二段中文。")
    page.click("input[name=_save]")
    page.wait_for_url(f"{site}/admin/institutions/section/")

    section.refresh_from_db()
    assert section.paragraphs == [
        "Editors keep this page.",
        "A second paragraph in English.",
    ]
    assert section.zh_review == ReviewState.ENGLISH_CHANGED
    for language, first, second in (
        ("en", "Editors keep this page.", "A second paragraph in English."),
        ("zh-hans", "本页由编辑维护。", "第二段中文。"),
    ):
        page.goto(f"{site}/{language}/institutions/{CHONGQING}/why-us/")
        paragraphs = page.locator("main p").all_inner_texts()
        assert first in paragraphs and second in paragraphs, paragraphs

    page.goto(f"{site}/admin/institutions/section/?zh_review=english_changed")
    assert "English changed since the Chinese was reviewed" in page.content()
    assert page.locator("#result_list tbody tr").count() == 1


def test_an_editor_gets_404_for_every_other_colleges_content_page(site, page):
    sign_in(page, site)
    for college in Institution.objects.exclude(slug=CHONGQING):
        rows = {
            "institution": [college],
            "section": college.sections.all(),
            "fact": college.facts.all(),
            "school": college.schools.all(),
            "programme": college.programmes.all(),
        }
        for model, objects in rows.items():
            for obj in objects:
                for view in ("change", "history", "delete"):
                    url = f"{site}/admin/institutions/{model}/{obj.pk}/{view}/"
                    assert page.goto(url).status == 404, url


def test_the_colleges_change_page_stays_short(site, page):
    sign_in(page, site)
    college = Institution.objects.get(slug=CHONGQING)
    page.goto(f"{site}/admin/institutions/institution/{college.pk}/change/")
    height = page.evaluate("document.documentElement.scrollHeight")
    shoot(page, "college-change-page")
    assert height < 4000, height
