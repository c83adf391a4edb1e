"""Two app servers on one PostgreSQL database and one Redis."""

from urllib.parse import urlencode

import pytest
import redis

from .loadclient import CSRF_INPUT, Load, Tally, Visitor, inquiry_data
from .servers import CHONGQING, saved_references

pytestmark = pytest.mark.faults

JINHUA = "jinhua-polytechnic"
FORM = f"/en/institutions/{CHONGQING}/inquire/"
STATUS = "/en/inquiries/status/"
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def post_form(visitor, base, path, data, address):
    _status, _headers, html = visitor.request(base, "GET", path)
    token = CSRF_INPUT.search(html).group(1)
    body = urlencode({**data, "csrfmiddlewaretoken": token})
    headers = {**FORM_HEADERS, "X-Forwarded-For": address}
    return visitor.request(base, "POST", path, body=body, headers=headers)


@pytest.fixture
def two_servers(fresh_portal, gunicorn, redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    env = fresh_portal("postgresql", REDIS_URL=redis_url)
    return env, gunicorn(env, workers=2), gunicorn(env, workers=2)


def test_what_one_server_saves_the_other_shows(two_servers):
    _env, a, b = two_servers
    visitor = Visitor(Tally())
    data = inquiry_data(1, 1, "en")
    reference, _again = visitor.send_inquiry(a.url, CHONGQING, "en", data, "198.19.0.1")
    assert reference is not None

    status, _headers, html = post_form(
        Visitor(Tally()),
        b.url,
        STATUS,
        {"reference": reference, "email": data["email"]},
        "198.19.0.2",
    )
    assert status == 200
    assert reference in html
    assert '<span id="inquiry-status">Received</span>' in html


def test_the_rate_limit_counts_across_both_servers(two_servers, redis_url):
    _env, a, b = two_servers
    visitor = Visitor(Tally())
    # Refused posts are counted apart, 30 a window (settings'
    # INQUIRY_INVALID_RATE_LIMIT); attempts alternate between the servers.
    limit = 30
    statuses = [
        post_form(visitor, server.url, FORM, {"full_name": ""}, "198.19.1.1")[0]
        for server in [a, b] * ((limit + 2) // 2)
    ]
    assert statuses == [400] * limit + [429, 429]
    # Another address is not held back on either server.
    assert post_form(visitor, b.url, FORM, {"full_name": ""}, "198.19.1.2")[0] == 400
    # The counts are in Redis, not in either server's memory or database.
    assert redis.Redis.from_url(redis_url).keys("*ratelimit:inquiry-invalid:*")


def test_a_page_cached_by_one_server_is_served_by_the_other(two_servers):
    _env, a, b = two_servers
    visitor = Visitor(Tally())
    page = f"/zh-hans/institutions/{JINHUA}/"
    first = visitor.request(a.url, "GET", page)
    second = visitor.request(b.url, "GET", page)
    assert (first[0], first[1]["X-Page-Cache"]) == (200, "miss")
    assert (second[0], second[1]["X-Page-Cache"]) == (200, "hit")
    assert second[2] == first[2]


def test_stopping_one_server_mid_load_loses_nothing(two_servers, figures):
    env, a, b = two_servers
    load = Load([a.url, b.url], slug=CHONGQING, clients=16, per_client=5)
    load.start().wait_for_shown(load.total // 3)
    a.stop()  # SIGTERM: gunicorn finishes the requests it has, takes no more
    tally = load.join()

    saved = saved_references(env)
    figures(f"{tally.summary()}; saved {len(saved)}")
    assert tally.failures == []
    assert tally.gave_up == 0
    assert tally.refused == []
    assert len(tally.shown) == load.total
    assert set(tally.shown) <= saved
    assert a.process.returncode == 0
    assert b.healthz() == 200
