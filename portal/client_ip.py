"""The address of the client that sent a request, proxies considered: the
one place that reads ``settings.TRUSTED_PROXIES`` (addresses or networks),
for the rate limits, django-axes and the request log."""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address):
    if isinstance(address, str):
        address = _address(address)
    if address is None:
        return False
    for entry in settings.TRUSTED_PROXIES:
        try:
            if address in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except (ValueError, TypeError):
            continue
    return False


def from_trusted_proxy(request):
    return is_trusted_proxy(request.META.get("REMOTE_ADDR", "") or "")


def client_address(request):
    """X-Forwarded-For is believed only from a trusted proxy, and read from
    the right, skipping our proxies: the client may have put anything in
    front of the list."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not from_trusted_proxy(request):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            # A hop that is not an address: stop trusting the rest of the chain.
            break
        if not is_trusted_proxy(address):
            return str(address)
    return remote


def client_network(request):
    """The client as the limits count it: an IPv6 address by its /64, which
    a provider gives one household, where a client takes new addresses at will."""
    text = client_address(request)
    address = _address(text)
    if address is None:
        return text
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
