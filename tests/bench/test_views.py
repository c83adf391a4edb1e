"""The benchmark's own view: the bare yardstick, mounted by bench/urls.py
(the root URLconf of bench/settings.py) only."""

import pytest

pytestmark = pytest.mark.urls("bench.urls")


def test_the_bare_view_answers_two_bytes(client):
    response = client.get("/bench/bare")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.urls("portal.urls")
def test_nothing_of_the_benchmark_is_mounted_by_the_portals_urls(client):
    assert client.get("/bench/bare").status_code == 404
