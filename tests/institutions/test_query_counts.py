"""Each public page costs the same few queries with 4 colleges as with 3,000."""

import pytest
from django.db import connection

from .many_colleges import add_colleges

# The most queries a page may cost when it is not in the pages cache.
MOST = 4
PAGES = {
    # The provinces for the filter, the count, one page of colleges, and
    # what their cards show (a card already rendered costs no more).
    "/en/": 4,
    "/zh-hans/?province=Beijing&kind=bachelor": 4,
    "/en/?q=Chongqing": 4,
    "/zh-hans/?page=2": 4,
    "/en/institutions/chongqing-industry-polytechnic-college/": 1,
    "/zh-hans/institutions/beijing-university-of-technology/leadership-message/": 2,
    "/en/institutions/chongqing-industry-polytechnic-college/inquire/": 2,
    "/zh-hans/inquiries/status/": 0,
}


@pytest.mark.parametrize("colleges", [4, 3000])
def test_each_page_costs_a_fixed_small_number_of_queries(
    seeded, client, django_assert_num_queries, colleges
):
    add_colleges(colleges - len(seeded))
    # Django asks SQLite once per connection whether it has JSON functions;
    # that question is not part of any page's cost.
    assert connection.features.supports_json_field
    for path, queries in PAGES.items():
        assert queries <= MOST
        if path.endswith("?page=2") and colleges == 4:
            continue  # four colleges fill one page
        with django_assert_num_queries(queries):
            response = client.get(path)
        assert response.status_code == 200, path
