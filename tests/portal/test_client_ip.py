"""One reading of the client's address, for the rate limits, the sign-in
lockout and the request log."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from portal.client_ip import client_address, client_network, from_trusted_proxy


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_believes_x_forwarded_for_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    assert client_address(request_from("198.51.100.7", "1.2.3.4")) == "198.51.100.7"
    assert client_address(request_from("10.1.2.3", "203.0.113.5")) == "203.0.113.5"
    # A client that writes its own X-Forwarded-For cannot choose its address:
    # the proxy appends the real one, and we read from the right.
    chain = "1.1.1.1, 203.0.113.5, 10.0.0.2"
    assert client_address(request_from("192.0.2.1", chain)) == "203.0.113.5"
    assert client_address(request_from("10.0.0.1", "garbage")) == "10.0.0.1"
    assert client_address(request_from("10.0.0.1")) == "10.0.0.1"
    assert from_trusted_proxy(request_from("10.9.9.9"))
    assert not from_trusted_proxy(request_from("203.0.113.9"))
    assert not from_trusted_proxy(request_from("not an address"))


def test_no_proxy_is_trusted_unless_named(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("10.1.2.3", "203.0.113.5")) == "10.1.2.3"


def test_the_sign_in_lockout_counts_by_the_same_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = request_from("10.1.2.3", "203.0.113.5")
    assert get_client_ip_address(request) == "203.0.113.5"


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::ff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_limits_count_an_ipv6_client_by_its_64(remote, counted_as):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)

    assert client_network(request) == counted_as
