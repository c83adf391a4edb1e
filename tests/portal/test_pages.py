"""Every public page of the contract, in both languages."""

import json
import re

import pytest
from django.db import OperationalError

from institutions.models import Institution, Section

PAGES = [
    "/{lang}/",
    "/{lang}/institutions/beijing-polytechnic-university/",
    "/{lang}/institutions/beijing-polytechnic-university/about/",
    "/{lang}/institutions/beijing-university-of-technology/",
    "/{lang}/institutions/beijing-university-of-technology/leadership-message/",
    "/{lang}/institutions/chongqing-industry-polytechnic-college/",
    "/{lang}/institutions/chongqing-industry-polytechnic-college/why-us/",
    "/{lang}/institutions/chongqing-industry-polytechnic-college/chinese-bridge/",
    "/{lang}/institutions/jinhua-polytechnic/",
    "/{lang}/institutions/jinhua-polytechnic/about/",
    "/{lang}/institutions/jinhua-polytechnic/partnership/",
]
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}
OTHER = {"en": "zh-hans", "zh-hans": "en"}


def links(html, rel):
    return dict(
        re.findall(rf'<link rel="{rel}" hreflang="([^"]+)" href="([^"]+)"', html)
    )


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("page", PAGES)
def test_it_serves_every_page_in_both_languages(seeded, client, page, lang):
    path = page.format(lang=lang)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{HTML_LANG[lang]}">' in html
    # The switcher leads to the same page in the other language.
    other = page.format(lang=OTHER[lang])
    assert f'<a href="{other}" hreflang="{OTHER[lang]}"' in html
    alternates = links(html, "alternate")
    assert alternates["en"].endswith(page.format(lang="en"))
    assert alternates["zh-hans"].endswith(page.format(lang="zh-hans"))
    assert alternates["x-default"].endswith(page.format(lang="en"))
    assert re.search(rf'<link rel="canonical" href="http[^"]+{re.escape(path)}"', html)
    assert '<meta property="og:title"' in html
    assert re.search(r'<meta name="description" content="[^"]{20,}"', html)


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("zh", "/zh-hans/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("zh-Hans", "/zh-hans/"),
        ("en-US,en;q=0.8", "/en/"),
        ("fr-FR", "/en/"),
        ("", "/en/"),
    ],
)
def test_it_sends_the_root_to_the_visitors_language(db, client, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response["Vary"]


def test_it_shows_chinese_and_english_text_on_their_pages(seeded, client):
    zh = client.get("/zh-hans/institutions/beijing-polytechnic-university/about/")
    en = client.get("/en/institutions/beijing-polytechnic-university/about/")
    assert "北京科技职业大学" in zh.content.decode()
    assert "在线咨询" in zh.content.decode()  # the site's own words, from the catalogue
    assert "Founded in 1958" in en.content.decode()


def test_it_says_so_in_chinese_where_a_text_is_in_english_only(seeded, client):
    section = Section.objects.get(kind=Section.Kind.PARTNERSHIP)
    section.body_zh_hans = ""
    section.save()
    response = client.get("/zh-hans/institutions/jinhua-polytechnic/partnership/")
    html = response.content.decode()
    assert "本栏目暂无中文版本" in html
    assert "The WFCP is a unified voice" in html


def test_it_tells_readers_of_a_changed_name(seeded, client):
    html = client.get("/en/institutions/jinhua-polytechnic/").content.decode()
    assert "金华职业技术大学" in html and "金华职业技术学院" in html
    html = client.get(
        "/zh-hans/institutions/beijing-polytechnic-university/"
    ).content.decode()
    assert "北京电子科技职业学院" in html


def test_it_links_each_college_to_its_official_site(seeded, client):
    html = client.get(
        "/en/institutions/beijing-university-of-technology/"
    ).content.decode()
    assert 'href="https://english.bjut.edu.cn/"' in html


def test_it_shows_the_signatories_of_the_leadership_message(seeded, client):
    url = "/{}/institutions/beijing-university-of-technology/leadership-message/"
    assert "Nie Zuoren" in client.get(url.format("en")).content.decode()
    assert "聂祚仁" in client.get(url.format("zh-hans")).content.decode()


def test_it_shows_key_facts_as_a_list_a_reader_can_scan(seeded, client):
    html = client.get(
        "/en/institutions/beijing-polytechnic-university/"
    ).content.decode()
    facts = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html)
    assert ("Founded", "1958") in facts
    labels = {label for label, _ in facts}
    assert {
        "Founded",
        "Schools",
        "Majors and specialties",
        "Partner countries",
    } <= labels


def test_it_describes_each_college_for_search_engines(seeded, client):
    html = client.get("/zh-hans/institutions/jinhua-polytechnic/").content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(raw.group(1))
    assert data["@type"] == "CollegeOrUniversity"
    assert data["name"] == "金华职业技术大学"
    assert "Jinhua Polytechnic" in data["alternateName"]
    assert data["sameAs"] == ["https://en.jhc.edu.cn/"]


@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/institutions/no-such-college/",
        "/{lang}/institutions/jinhua-polytechnic/chinese-bridge/",
        "/{lang}/institutions/jinhua-polytechnic/menu/",
        "/{lang}/nowhere/",
    ],
)
def test_it_answers_unknown_addresses_with_a_404_in_the_visitors_language(
    seeded, client, path
):
    en = client.get(path.format(lang="en"))
    zh = client.get(path.format(lang="zh-hans"))
    assert en.status_code == zh.status_code == 404
    assert "Page not found" in en.content.decode()
    assert "页面不存在" in zh.content.decode()
    assert '<html lang="zh-Hans">' in zh.content.decode()


def test_it_answers_an_unprefixed_unknown_address_in_the_browsers_language(db, client):
    response = client.get("/no-such-page", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_it_hides_an_unpublished_college(seeded, client):
    Institution.objects.filter(slug="jinhua-polytechnic").update(is_published=False)
    assert client.get("/en/institutions/jinhua-polytechnic/").status_code == 404
    assert "Jinhua" not in client.get("/en/").content.decode()


def test_it_shows_a_500_page_in_the_visitors_language(seeded, client, monkeypatch):
    from institutions import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get_queryset", broken)
    client.raise_request_exception = False
    response = client.get("/zh-hans/")
    assert response.status_code == 500
    assert "出错了" in response.content.decode()


def test_it_loads_nothing_from_other_sites(seeded, client):
    for lang in ("en", "zh-hans"):
        for page in PAGES:
            html = client.get(page.format(lang=lang)).content.decode()
            assets = re.findall(
                r'<(?:script|img|link)[^>]+(?:src|href)="([^"]+)"', html
            )
            foreign = [
                a
                for a in assets
                if a.startswith(("http:", "https:", "//"))
                and not a.startswith("http://testserver")
                and "127.0.0.1" not in a
            ]
            assert not foreign, (page, foreign)


def test_it_costs_a_fixed_number_of_queries(
    seeded, client, django_assert_max_num_queries
):
    client.get("/en/programmes/")  # the offered levels, kept while unchanged
    with django_assert_max_num_queries(7):
        client.get("/en/")
    with django_assert_max_num_queries(4):
        client.get("/en/institutions/chongqing-industry-polytechnic-college/why-us/")


def test_it_lists_both_languages_in_the_sitemap(seeded, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "/en/institutions/jinhua-polytechnic/partnership/" in xml
    assert "/zh-hans/institutions/jinhua-polytechnic/partnership/" in xml
    assert 'hreflang="x-default"' in xml
    assert 'hreflang="zh-hans"' in xml


def test_it_points_robots_to_the_sitemap(db, client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_it_reports_health_while_the_database_answers(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_reports_trouble_when_the_database_does_not_answer(db, client, monkeypatch):
    from portal import views

    class DeadConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", DeadConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] != "ok"
