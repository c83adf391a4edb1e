"""Per-client rate limits whose counts live in the shared cache, so that
every server process sees the same counts.

A client is ``portal.client_ip.client_network``: an IPv4 address, or an IPv6
/64 network. The public views count what is done (an inquiry saved, a status
look-up) against ``INQUIRY_RATE_LIMIT``, and posts the form refuses against
the more generous ``INQUIRY_INVALID_RATE_LIMIT``: a student's typos do not
lock them out, a robot's refused posts are cut off all the same.

The window is fixed: hits are counted in buckets of ``window`` seconds.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from portal.client_ip import client_network


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window: int


def saved(scope):
    """The limit on what is done: inquiries saved, status look-ups made."""
    return Limit(scope, settings.INQUIRY_RATE_LIMIT, settings.INQUIRY_RATE_WINDOW)


def refused(scope):
    """The limit on posts the form refuses."""
    return Limit(
        f"{scope}-invalid",
        settings.INQUIRY_INVALID_RATE_LIMIT,
        settings.INQUIRY_INVALID_RATE_WINDOW,
    )


def _key(request, rule, now):
    window = max(int(rule.window), 1)
    bucket = now // window
    # Hashed: keeps addresses out of the cache and the key short and safe.
    who = hashlib.sha256(client_network(request).encode()).hexdigest()[:32]
    # Live until the end of this bucket, and a little more for clock skew.
    timeout = window - (now % window) + 5
    return f"ratelimit:{rule.scope}:{who}:{bucket}", timeout


def exceeded(request, rule):
    """Whether this client has used up ``rule`` already (counts nothing)."""
    if rule.limit <= 0:
        return False
    key, _timeout = _key(request, rule, int(time.time()))
    return (cache.get(key) or 0) >= rule.limit


def allow(request, scope_or_rule):
    """Count one hit for this client; False when that goes over the limit.

    ``scope_or_rule`` is a ``Limit``, or a scope name for ``saved(scope)``.
    A limit of 0 turns it off.
    """
    rule = scope_or_rule
    if isinstance(rule, str):
        rule = saved(rule)
    if rule.limit <= 0:
        return True
    key, timeout = _key(request, rule, int(time.time()))
    # add creates the bucket only if it is missing and incr is atomic (on
    # Redis; close to it on the database cache): two concurrent requests
    # cannot both see a count of one.
    if cache.add(key, 1, timeout):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            # The key expired between add and incr: this is a fresh bucket.
            cache.add(key, 1, timeout)
            count = 1
    return count <= rule.limit
