"""A per-address rate limit whose counts live in the shared cache.

Every server process (several gunicorn workers, several machines) sees the
same counts because they are kept in ``django.core.cache.cache`` (the database
cache or Redis in production), never in process memory.

The window is fixed: hits are counted per address in buckets of
``INQUIRY_RATE_WINDOW`` seconds. ``cache.add`` creates the bucket only if it is
missing and ``cache.incr`` is atomic on Redis and close to it on the database
cache, so concurrent requests cannot both see a count of one.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def _parse_ip(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted_networks():
    networks = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _is_trusted(address, networks):
    return address is not None and any(address in net for net in networks)


def client_ip(request):
    """The address of the client that sent ``request``.

    X-Forwarded-For is believed only when the socket's peer (REMOTE_ADDR) is
    one of ``settings.TRUSTED_PROXIES`` (addresses or networks such as
    ``10.0.0.0/8``): anyone else can write whatever they like into it. The
    header is read from the right, skipping our own proxies, so that a value
    the client put in front of the list is never taken.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _trusted_networks()
    peer = _parse_ip(remote)
    if not _is_trusted(peer, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [_parse_ip(hop) for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop is None:
            # A hop that is not an address: stop trusting the rest of the chain.
            break
        if not _is_trusted(hop, networks):
            return str(hop)
    return remote


def allow(request, scope):
    """Count one hit for this client in ``scope``; False when over the limit.

    The limit is ``settings.INQUIRY_RATE_LIMIT`` hits in
    ``settings.INQUIRY_RATE_WINDOW`` seconds; a limit of 0 turns it off.
    """
    limit = settings.INQUIRY_RATE_LIMIT
    if limit <= 0:
        return True
    window = max(int(settings.INQUIRY_RATE_WINDOW), 1)
    now = int(time.time())
    bucket = now // window
    # Hashed: keeps addresses out of the cache and the key short and safe.
    who = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{who}:{bucket}"
    # Live until the end of this bucket, and a little more for clock skew.
    timeout = window - (now % window) + 5
    if cache.add(key, 1, timeout):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            # The key expired between add and incr: this is a fresh bucket.
            cache.add(key, 1, timeout)
            count = 1
    return count <= limit
