"""Public pages come from the shared pages cache and change as soon as staff
change the content; form pages are never kept: each has its visitor's token."""

import re

import pytest
from django.test import Client

from institutions.models import Fact, Institution, Programme

PROFILE = "/{lang}/institutions/chongqing-industry-polytechnic-college/"
SECTION = "/en/institutions/chongqing-industry-polytechnic-college/why-us/"
FORM = "/en/institutions/chongqing-industry-polytechnic-college/inquire/"
STATUS = "/en/inquiries/status/"


def token_in(response):
    return re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
    ).group(1)


@pytest.mark.parametrize("path", ["/en/", PROFILE.format(lang="zh-hans"), SECTION])
def test_a_page_is_served_from_the_cache_without_the_database(
    seeded, client, django_assert_num_queries, path
):
    first = client.get(path)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(path)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content


def test_each_language_has_its_own_copy(seeded, client):
    client.get(PROFILE.format(lang="en"))
    zh = client.get(PROFILE.format(lang="zh-hans"))
    assert zh["X-Page-Cache"] == "miss"
    assert "重庆工业职业技术学院" in zh.content.decode()
    assert '<html lang="zh-Hans">' in zh.content.decode()


def test_a_change_shows_at_once(seeded, client):
    client.get(PROFILE.format(lang="en"))
    client.get("/en/")
    college = Institution.objects.get(slug="chongqing-industry-polytechnic-college")
    college.summary_en = "A renewed summary of the college."
    college.save()
    assert "A renewed summary" in client.get(PROFILE.format(lang="en")).content.decode()
    assert "A renewed summary" in client.get("/en/").content.decode()
    Fact.objects.filter(institution=college, kind="students").delete()
    html = client.get(PROFILE.format(lang="en")).content.decode()
    assert "More than 16,000 full-time students" not in html


def test_a_change_in_the_admin_shows_at_once(seeded, client, root):
    page = PROFILE.format(lang="en")
    assert "Germany-China Automotive" in client.get(page).content.decode()
    assert client.get(page)["X-Page-Cache"] == "hit"
    programme = Programme.objects.get(name_en__startswith="Germany-China Automotive")
    client.force_login(root)
    url = f"/admin/institutions/programme/{programme.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["name_en"] = "Automotive Mechatronics with German Partners"
    # As the browser posts it: the (empty) list of intakes.
    data.update({"intakes-TOTAL_FORMS": "0", "intakes-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    html = client.get(page).content.decode()
    assert "Automotive Mechatronics with German Partners" in html
    assert "Germany-China Automotive" not in html


def test_a_browser_that_has_the_page_gets_a_304(seeded, client):
    page = PROFILE.format(lang="en")
    first = client.get(page)
    assert first["Cache-Control"] == "public, no-cache"
    etag = first["ETag"]
    assert client.get(page, HTTP_IF_NONE_MATCH=etag).status_code == 304
    college = Institution.objects.get(slug="chongqing-industry-polytechnic-college")
    college.summary_en = "Changed."
    college.save()
    changed = client.get(page, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize("path", ["/en/", PROFILE.format(lang="en"), SECTION])
def test_a_public_page_sets_no_cookie_and_does_not_vary_on_cookies(
    seeded, client, path
):
    for _ in range(2):  # the miss and the hit
        response = client.get(path)
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_a_search_is_not_cached(seeded, client):
    assert client.get("/en/", {"q": "Beijing"})["X-Page-Cache"] == "bypass"
    assert client.get("/en/", {"q": "Beijing"})["X-Page-Cache"] == "bypass"


def test_a_bad_filter_does_not_fill_the_cache(seeded, client):
    assert client.get("/en/", {"province": "Atlantis"})["X-Page-Cache"] == "bypass"
    assert client.get("/en/", {"province": "Atlantis"})["X-Page-Cache"] == "bypass"


def test_a_hit_is_answered_before_the_view_runs(seeded, client):
    first = client.get(SECTION)
    again = client.get(SECTION)
    assert again["X-Page-Cache"] == "hit"
    # Django's test client records the template and the resolved view of an
    # answer that went through the stack; the early answer has neither.
    assert first.templates and not again.templates
    kept = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options")
    for name in (*kept, "Cache-Control", "ETag", "Content-Security-Policy"):
        assert again.get(name) == first.get(name), name
    assert again["Content-Length"] == str(len(again.content))


def test_each_address_has_its_own_copy(seeded, client):
    client.get("/en/", {"province": "Beijing"})
    assert client.get("/en/", {"province": "Beijing"})["X-Page-Cache"] == "hit"
    other = client.get("/en/", {"province": "Chongqing"})
    assert other["X-Page-Cache"] == "miss"
    assert "Beijing University of Technology" not in other.content.decode()


def test_a_bulk_update_shows_at_once(seeded, client):
    page = PROFILE.format(lang="en")
    assert "More than 16,000 full-time students" in client.get(page).content.decode()
    assert client.get(page)["X-Page-Cache"] == "hit"
    Fact.objects.filter(kind="students").update(value_en="About 17,000 students")
    html = client.get(page).content.decode()
    assert "About 17,000 students" in html


@pytest.mark.parametrize("path", [PROFILE.format(lang="en"), "/en/"])
def test_a_parameter_the_page_does_not_read_is_not_kept(seeded, client, path):
    for n in (1, 2, 1):
        assert client.get(path, {"cb": n})["X-Page-Cache"] == "bypass"
    assert client.get(path)["X-Page-Cache"] == "miss"


def test_empty_filters_and_their_order_make_no_other_page(seeded, client):
    assert client.get("/en/?province=Beijing&kind=")["X-Page-Cache"] == "miss"
    assert client.get("/en/?kind=&q=&province=Beijing")["X-Page-Cache"] == "hit"
    assert client.get("/en/?q=")["X-Page-Cache"] == "miss"
    assert client.get("/en/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "query", ["province=Beijing&province=Beijing", "page=01", "page=1&page=1"]
)
def test_odd_spellings_of_a_page_are_not_kept(seeded, client, query):
    assert client.get(f"/en/?{query}")["X-Page-Cache"] == "bypass"
    assert client.get(f"/en/?{query}")["X-Page-Cache"] == "bypass"


@pytest.mark.parametrize("path", [FORM, STATUS])
def test_a_form_page_is_never_kept(seeded, path):
    first, second = Client().get(path), Client().get(path)
    for response in (first, second):
        assert "X-Page-Cache" not in response
        assert "csrftoken" in response.cookies
        assert "sessionid" not in response.cookies
    assert token_in(first) != token_in(second)
