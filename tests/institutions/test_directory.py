"""The home page as a directory: search, filters and pages, in both languages."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings

from institutions.models import Institution

from .many_colleges import add_colleges

CHONGQING = "Chongqing Industry Polytechnic College"
BJUT = "Beijing University of Technology"
BPU = "Beijing Polytechnic University"
JINHUA = "Jinhua Polytechnic"


def titles(response):
    html = response.content.decode()
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize(
    "query, found",
    [
        ("重庆", [CHONGQING]),
        ("Chongqing", [CHONGQING]),
        ("chongqing", [CHONGQING]),
        ("BJUT", [BJUT]),
        ("北京", [BPU, BJUT]),
        ("金华职业技术学院", [JINHUA]),  # its former name
        ("Beijing Technology", [BJUT]),  # every word must match
    ],
)
def test_it_finds_a_college_by_any_of_its_names(seeded, client, query, found):
    assert titles(client.get("/en/", {"q": query})) == found


def test_it_searches_in_chinese_too(seeded, client):
    response = client.get("/zh-hans/", {"q": "Chongqing"})
    assert titles(response) == ["重庆工业职业技术学院"]
    assert "共1所院校" in response.content.decode()


def test_it_filters_by_province_in_the_pages_language(seeded, client):
    assert titles(client.get("/en/", {"province": "Zhejiang"})) == [JINHUA]
    html = client.get("/zh-hans/", {"province": "Beijing"}).content.decode()
    assert '<option value="Zhejiang">浙江省</option>' in html
    assert '<option value="Beijing" selected>北京市</option>' in html
    assert "共2所院校" in html


def test_its_province_filter_follows_a_change_of_content(seeded, client):
    # The blank filters are kept between visitors until the content changes.
    assert 'value="Sichuan"' not in client.get("/en/").content.decode()
    Institution.objects.filter(province_en="Zhejiang").update(
        province_en="Sichuan", province_zh_hans="四川省"
    )
    assert (
        '<option value="Sichuan">Sichuan</option>'
        in client.get("/en/").content.decode()
    )
    html = client.get("/zh-hans/").content.decode()
    assert '<option value="Sichuan">四川省</option>' in html
    assert 'value="Zhejiang"' not in html


@pytest.mark.parametrize(
    "kind, found",
    [("bachelor", [BPU]), ("preparatory", [CHONGQING])],
)
def test_it_filters_by_kind_of_programme(seeded, client, kind, found):
    assert titles(client.get("/en/", {"kind": kind})) == found


def test_it_combines_the_filters(seeded, client):
    found = client.get("/en/", {"province": "Beijing", "kind": "diploma"})
    assert titles(found) == [BPU]


def test_it_says_so_when_nothing_matches(seeded, client):
    en = client.get("/en/", {"q": "Harvard"}).content.decode()
    assert "0 colleges" in en
    assert "No college matches your search" in en
    assert '<a href="/en/">Show all colleges</a>' in en
    zh = client.get("/zh-hans/", {"q": "哈佛"}).content.decode()
    assert "没有找到符合条件的院校" in zh


def test_it_keeps_the_search_out_of_search_engines(seeded, client):
    assert "noindex" in client.get("/en/", {"q": "Beijing"}).content.decode()
    assert "noindex" not in client.get("/en/").content.decode()
    assert "noindex" not in client.get("/en/", {"province": "Beijing"}).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"province": "Atlantis"},
        {"kind": "astronaut"},
        {"kind": "master"},  # a level no college offers is not on the list
        {"page": "abc"},
        {"q": "x" * 500},
        {"q": "bad\x00byte"},
        {"province": "<script>alert(1)</script>"},
    ],
)
def test_it_explains_a_bad_filter_instead_of_failing(seeded, client, params):
    response = client.get("/en/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert "<script>alert" not in html
    # The other filters still apply; with none left, every college shows.
    assert len(titles(response)) == 4


def test_it_explains_a_bad_filter_in_chinese(seeded, client):
    html = client.get("/zh-hans/", {"province": "Atlantis"}).content.decode()
    assert "请从列表中选择地区。" in html


@pytest.mark.parametrize("page", ["0", "4", "99999"])
def test_it_answers_a_page_that_does_not_exist_with_a_404(seeded, client, page):
    add_colleges(45)  # 49 colleges: three pages
    assert client.get("/en/", {"page": page}).status_code == 404


def test_it_shows_twenty_colleges_a_page_with_accessible_pages(seeded, client):
    add_colleges(45)
    first = client.get("/en/")
    assert len(titles(first)) == 20
    html = first.content.decode()
    assert "49 colleges" in html and "page 1 of 3" in html
    nav = re.search(
        r'<nav class="pagination" aria-label="([^"]+)">(.*?)</nav>', html, re.S
    )
    assert nav.group(1) == "Pages of results"
    assert 'href="?" aria-label="Page 1" aria-current="page"' in nav.group(2)
    assert 'href="?page=2" rel="next"' in nav.group(2)
    last = client.get("/en/", {"page": "3"})
    assert len(titles(last)) == 9
    assert 'href="?page=2" rel="prev"' in last.content.decode()
    zh = client.get("/zh-hans/", {"page": "2"}).content.decode()
    assert 'aria-label="第2页" aria-current="page"' in zh


def test_its_page_links_keep_the_filters(seeded, client):
    add_colleges(30, province=("Beijing", "北京市"))
    html = client.get("/en/", {"province": "Beijing"}).content.decode()
    assert "32 colleges" in html
    assert 'href="?province=Beijing&amp;page=2"' in html


def test_its_links_to_other_languages_and_canonical_keep_the_page(seeded, client):
    add_colleges(45)
    html = client.get("/en/", {"page": "2", "utm_source": "mail"}).content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1:8000/en/?page=2">' in html
    assert 'hreflang="zh-hans" href="http://127.0.0.1:8000/zh-hans/?page=2"' in html
    assert '<a href="/zh-hans/?page=2" hreflang="zh-hans"' in html
    first = client.get("/en/", {"page": "1"}).content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1:8000/en/">' in first


def test_its_form_works_without_javascript(seeded, client):
    html = client.get("/en/").content.decode()
    form = re.search(
        r'<form class="directory" method="get" action="/en/"(.*?)</form>', html, re.S
    )
    assert form, "a plain GET form"
    for name, label in (
        ("q", "College or subject"),
        ("province", "Province or municipality"),
        ("kind", "Kind of programme"),
    ):
        assert f'<label for="id_{name}">{label}</label>' in form.group(1)
        assert f'name="{name}"' in form.group(1)
    assert '<button class="button" type="submit">' in form.group(1)


def test_its_cards_say_where_a_college_is_and_what_it_offers(seeded, client):
    html = client.get("/en/").content.decode()
    assert '<p class="card-city">Jinhua, Zhejiang</p>' in html
    assert '<p class="card-city">Beijing</p>' in html
    # In the order of the choices, not of the college's list.
    offers = "Vocational diploma (associate degree) · Preparatory course · Vocational"
    assert f'<p class="card-kinds">{offers} training</p>' in html
    zh = client.get("/zh-hans/").content.decode()
    assert '<p class="card-city">浙江省金华市</p>' in zh


def test_a_full_page_of_results_weighs_under_30_kb_compressed(seeded, client):
    add_colleges(45)
    html = client.get("/zh-hans/").content
    assert len(titles_from_bytes(html)) == 20
    css = (Path(settings.BASE_DIR) / "portal/static/css/site.css").read_bytes()
    scripts = re.findall(rb'<script[^>]+src="/static/([^"]+)"', html)
    assert scripts == [], "the home page needs no script"
    weight = len(gzip.compress(html, 9)) + len(gzip.compress(css, 9))
    assert weight < 30 * 1024, weight


def titles_from_bytes(html):
    return re.findall(rb'<h3 class="card-title">', html)
