"""The rate limit per client address, counted in the shared cache."""

from unittest import mock

from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.test import RequestFactory

from applications import ratelimit
from applications.models import Inquiry
from tests.factories import form_data


def form_url(institution, language="en"):
    return f"/{language}/institutions/{institution.slug}/inquire/"


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_it_answers_429_over_the_limit_and_saves_nothing(client, chongqing, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    assert client.post(form_url(chongqing), form_data()).status_code == 303
    assert client.post(form_url(chongqing), form_data()).status_code == 303
    response = client.post(form_url(chongqing), form_data(email="third@example.com"))
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.INQUIRY_RATE_WINDOW)
    assert "Too many requests" in response.content.decode()
    assert Inquiry.objects.count() == 2
    assert not Inquiry.objects.filter(email="third@example.com").exists()


def test_typos_do_not_use_up_the_limit_on_inquiries(client, chongqing, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    settings.INQUIRY_INVALID_RATE_LIMIT = 30
    for _ in range(5):
        assert (
            client.post(form_url(chongqing), form_data(email="bad")).status_code == 400
        )
    assert client.post(form_url(chongqing), form_data()).status_code == 303
    assert client.post(form_url(chongqing), form_data()).status_code == 303
    assert client.post(form_url(chongqing), form_data()).status_code == 429
    assert Inquiry.objects.count() == 2


def test_refused_posts_have_a_limit_of_their_own(client, chongqing, settings):
    settings.INQUIRY_RATE_LIMIT = 5
    settings.INQUIRY_INVALID_RATE_LIMIT = 3
    settings.INQUIRY_INVALID_RATE_WINDOW = 600
    for _ in range(3):
        assert (
            client.post(form_url(chongqing), form_data(email="bad")).status_code == 400
        )
    response = client.post(form_url(chongqing), form_data())
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert not Inquiry.objects.exists()


def test_status_look_ups_count_and_refused_ones_count_apart(client, db, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    settings.INQUIRY_INVALID_RATE_LIMIT = 30
    url = "/en/inquiries/status/"
    for _ in range(4):
        assert client.post(url, {"reference": "", "email": "x"}).status_code == 400
    good = {"reference": "K7QM-4XTP", "email": "ana@example.com"}
    assert client.post(url, good).status_code == 200
    assert client.post(url, good).status_code == 200
    assert client.post(url, good).status_code == 429


def test_a_whole_ipv6_64_is_one_client(settings):
    settings.INQUIRY_RATE_LIMIT = 2
    for host in ("1", "2"):
        assert ratelimit.allow(request_from(f"2001:db8:1:2::{host}"), "inquiry")
    assert not ratelimit.allow(request_from("2001:db8:1:2:ffff::9"), "inquiry")
    # The next /64 is another client.
    assert ratelimit.allow(request_from("2001:db8:1:3::1"), "inquiry")


def test_it_still_shows_the_form_over_the_limit(client, chongqing, settings):
    settings.INQUIRY_RATE_LIMIT = 1
    client.post(form_url(chongqing), form_data())
    client.post(form_url(chongqing), form_data())
    assert client.get(form_url(chongqing)).status_code == 200


def test_it_is_off_when_the_limit_is_zero(client, chongqing, settings):
    settings.INQUIRY_RATE_LIMIT = 0
    for _ in range(8):
        assert client.post(form_url(chongqing), form_data()).status_code == 303
    assert Inquiry.objects.count() == 8


def test_it_answers_in_the_visitors_language(client, chongqing, settings):
    settings.INQUIRY_RATE_LIMIT = 1
    client.post(form_url(chongqing, "zh-hans"), form_data())
    response = client.post(form_url(chongqing, "zh-hans"), form_data())
    assert response.status_code == 429
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_it_answers_in_chinese(client, chongqing, settings):
    """Needs the compiled Chinese catalogue."""
    settings.INQUIRY_RATE_LIMIT = 1
    client.post(form_url(chongqing, "zh-hans"), form_data())
    response = client.post(form_url(chongqing, "zh-hans"), form_data())
    html = response.content.decode()
    assert "操作过于频繁" in html
    assert "请等待10分钟后再试" in html


def test_it_ignores_x_forwarded_for_from_an_untrusted_peer(client, chongqing, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    settings.TRUSTED_PROXIES = []
    for n in range(2):
        response = client.post(
            form_url(chongqing),
            form_data(),
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        assert response.status_code == 303
    response = client.post(
        form_url(chongqing),
        form_data(),
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429


def test_it_believes_x_forwarded_for_from_a_trusted_proxy(client, chongqing, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        client.post(
            form_url(chongqing),
            form_data(),
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **proxy,
        )
    over = client.post(
        form_url(chongqing), form_data(), HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )
    assert over.status_code == 429
    # Another client behind the same proxy has its own count.
    other = client.post(
        form_url(chongqing), form_data(), HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy
    )
    assert other.status_code == 303


def test_it_counts_in_the_shared_cache(settings):
    settings.INQUIRY_RATE_LIMIT = 1
    request = request_from("198.51.100.7")
    assert ratelimit.allow(request, "inquiry")
    assert not ratelimit.allow(request, "inquiry")
    # Each scope counts apart.
    assert ratelimit.allow(request, "status")
    # The counts are in the cache that every process shares, and nowhere else.
    cache.clear()
    assert ratelimit.allow(request, "inquiry")


def test_it_starts_again_in_the_next_window(settings):
    settings.INQUIRY_RATE_LIMIT = 1
    settings.INQUIRY_RATE_WINDOW = 600
    request = request_from("198.51.100.7")
    with mock.patch("applications.ratelimit.time.time", return_value=6000.0):
        assert ratelimit.allow(request, "inquiry")
        assert not ratelimit.allow(request, "inquiry")
    with mock.patch("applications.ratelimit.time.time", return_value=6600.0):
        assert ratelimit.allow(request, "inquiry")


def test_it_holds_across_server_processes_with_the_database_cache(settings, db):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    settings.INQUIRY_RATE_LIMIT = 2
    request = request_from("198.51.100.9")
    assert ratelimit.allow(request, "inquiry")
    assert ratelimit.allow(request, "inquiry")
    # Another gunicorn worker has a cache object of its own over the same table.
    other_process = DatabaseCache("portal_cache", {})
    with mock.patch("applications.ratelimit.cache", other_process):
        assert not ratelimit.allow(request, "inquiry")
