"""The address of the client that sent a request, proxies considered.

The one place that reads ``settings.TRUSTED_PROXIES`` (addresses or networks
such as ``10.0.0.0/8``): the rate limits, django-axes
(``AXES_CLIENT_IP_CALLABLE``) and the request log all go through it.
``client_network`` is the client as the limits count it.
"""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address):
    """Whether ``address`` (text or an ip_address) is one of our proxies."""
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
    """Whether the socket's peer is one of our proxies."""
    return is_trusted_proxy(request.META.get("REMOTE_ADDR", "") or "")


def client_address(request):
    """The address of the client that sent ``request``.

    X-Forwarded-For is believed only when the socket's peer (REMOTE_ADDR) is
    a trusted proxy: anyone else can write whatever they like into it. The
    header is read from the right, skipping our own proxies, so that a value
    the client put in front of the list is never taken.
    """
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
    """The client as the limits count it: an IPv4 address whole, an IPv6
    address by its /64 network, which a provider gives one household or one
    server, and within which a client may take a new address at will."""
    text = client_address(request)
    address = _address(text)
    if address is None:
        return text
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
