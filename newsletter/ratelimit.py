"""A fixed-window rate limit on signups, kept in Django's cache.

`cache.add` starts a window's counter only if it is not there yet and `cache.incr`
is atomic on Redis and memcached (and under the local-memory cache's lock), so
concurrent requests are all counted. Values are hashed: the cache never holds an
address in clear text.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from operations.proxies import client_ip


def _hit(scope, value, limit):
    """Count one attempt; True when this one is over the limit."""
    window = settings.NEWSLETTER_RATE_LIMIT_WINDOW
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"newsletter:rate:{scope}:{digest}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: this is its first hit
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def signup_limited(request, *, email=None):
    """Count a signup attempt by client address and, when known, by address."""
    over = _hit("ip", client_ip(request), settings.NEWSLETTER_RATE_LIMIT_PER_IP)
    if email is not None:
        over |= _hit("email", email, settings.NEWSLETTER_RATE_LIMIT_PER_EMAIL)
    return over


def retry_after():
    """Seconds until the current window ends."""
    window = settings.NEWSLETTER_RATE_LIMIT_WINDOW
    return window - int(time.time()) % window
