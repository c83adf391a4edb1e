"""Each public page costs the same few queries with 4 colleges as with 40
(and with 3,000: `make bench` runs them at that size)."""

import pytest

from .many_colleges import add_colleges

PAGES = {
    # The stamp of what the filters offer (provinces and levels, kept while
    # no college changes), the count, one page of colleges; and for the cards
    # not yet kept (all of them, the first time), their facts, published
    # sections and the levels of their programmes.
    "/en/": 6,
    "/zh-hans/?province=Beijing&kind=bachelor": 6,
    "/en/?q=Chongqing": 6,
    "/zh-hans/?page=2": 6,
    # The college, its facts, former names, schools, programmes and sections.
    "/en/institutions/chongqing-industry-polytechnic-college/": 6,
    # The college, its facts, its sections (with a Chinese Bridge offer) and
    # their signatories.
    "/zh-hans/institutions/beijing-university-of-technology/leadership-message/": 4,
    "/en/institutions/chongqing-industry-polytechnic-college/chinese-bridge/": 4,
    # The college and its programmes.
    "/en/institutions/chongqing-industry-polytechnic-college/inquire/": 2,
    "/zh-hans/inquiries/status/": 0,
}


@pytest.mark.parametrize("colleges", [4, 40])
def test_each_page_costs_a_fixed_small_number_of_queries(
    seeded, client, django_assert_num_queries, colleges
):
    add_colleges(colleges - len(seeded))
    # What the directory's filters offer: read once, then kept while no
    # college changes (institutions.forms.offered).
    client.get("/en/programmes/")
    for path, queries in PAGES.items():
        if path.endswith("?page=2") and colleges <= 20:
            continue  # one page holds 20 colleges
        with django_assert_num_queries(queries):
            response = client.get(path)
        assert response.status_code == 200, path
