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
import time

from django.conf import settings
from django.core.cache import cache

from portal.client_ip import client_address


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
    who = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
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
