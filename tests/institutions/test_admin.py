"""Staff edit the colleges' material in the admin, in English or Chinese."""

import pytest

from institutions.models import Section

ADMIN_PAGES = [
    "/admin/institutions/institution/",
    "/admin/institutions/section/",
    "/admin/institutions/school/",
    "/admin/institutions/programme/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_it_lets_a_superuser_open_every_content_list_and_form(
    seeded, client, root, url
):
    client.force_login(root)
    listing = client.get(url)
    assert listing.status_code == 200
    first = listing.context["cl"].result_list[0]
    assert client.get(f"{url}{first.pk}/change/").status_code == 200


def test_it_shows_both_languages_side_by_side_in_tabs(seeded, client, root):
    client.force_login(root)
    section = Section.objects.get(kind=Section.Kind.CHINESE_BRIDGE)
    html = client.get(
        f"/admin/institutions/section/{section.pk}/change/"
    ).content.decode()
    assert 'name="body_en"' in html and 'name="body_zh_hans"' in html
    assert "tabbed_translation_fields.js" in html
    # jQuery UI from our own static files, not from Google.
    assert "/static/vendor/jquery-ui-1.13.2/jquery-ui.min.js" in html
    assert "googleapis" not in html


def test_it_shows_staff_where_a_section_came_from(seeded, client, root):
    client.force_login(root)
    section = Section.objects.get(kind=Section.Kind.LEADERSHIP_MESSAGE)
    html = client.get(
        f"/admin/institutions/section/{section.pk}/change/"
    ).content.decode()
    assert "001_f1a04d615e217fe0.txt" in html


def test_it_lists_the_translations_that_await_review(seeded, client, root):
    client.force_login(root)
    waiting = client.get("/admin/institutions/section/?zh_review=waiting")
    titles = [str(s) for s in waiting.context["cl"].result_list]
    assert len(titles) == Section.objects.filter(zh_origin="translation").count()
    assert not any("Chinese Bridge" in t for t in titles)  # 003 is original Chinese


def test_it_marks_translations_reviewed_in_bulk(seeded, client, root):
    client.force_login(root)
    ids = list(Section.objects.values_list("pk", flat=True))
    client.post(
        "/admin/institutions/section/",
        {"action": "mark_reviewed", "_selected_action": ids},
    )
    assert not any(s.awaits_review for s in Section.objects.all())


def test_it_speaks_chinese_to_staff_who_choose_chinese(seeded, client, root):
    client.force_login(root)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    html = client.get("/admin/institutions/section/").content.decode()
    assert "待审校" in html
    assert "中国院校留学门户" in html


def test_it_keeps_anonymous_visitors_out(seeded, client):
    response = client.get("/admin/institutions/institution/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
