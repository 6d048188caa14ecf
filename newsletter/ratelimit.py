"""Fixed-window rate limits on signups, kept in Django's cache.

Per client (`client_network`: an IPv6 one by its /64), an hour's window: a
visitor retrying is soon let in again. Per inbox (an email address without its
"+tag"), a day's: each attempt may send that address an email, and no one should
be able to fill an inbox with confirmations, from however many clients or tags.

`cache.add` starts a window's counter only if it is not there yet and `cache.incr`
is atomic on Redis and memcached (and under the local-memory cache's lock), so
concurrent requests are all counted. Values are in the keys as keyed digests: the
cache never holds an address, nor a plain hash that a list of addresses would
match.
"""

import datetime
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from operations.proxies import client_network


def _hit(scope, value, limit, window):
    """Count one attempt in the current `window` (seconds); over `limit`, the
    seconds until that window ends, else 0."""
    digest = salted_hmac("newsletter.ratelimit", value).hexdigest()[:32]
    now = int(time.time())
    key = f"newsletter:rate:{scope}:{digest}:{now // window}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: this is its first hit
        cache.set(key, 1, timeout=window)
        count = 1
    return window - now % window if count > limit else 0


# Mailboxes that ignore dots in an address's local part: v.i.c.t.i.m@gmail.com is
# victim@gmail.com.
DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def _inbox(email):
    """The inbox `email` reaches, as counted: without a "+tag" (reader+1@ and
    reader+2@ are one inbox at most providers), nor a Gmail address's dots."""
    local, _, domain = email.rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain.lower() in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local.lower()}@{domain.lower()}"


def signup_limited(request, *, email=None):
    """Count a signup attempt by client address and, when known, by the inbox the
    email address reaches: the seconds until this visitor may try again, or 0 if
    they are within limits."""
    wait = _hit(
        "ip",
        client_network(request),
        settings.NEWSLETTER_RATE_LIMIT_PER_IP,
        settings.NEWSLETTER_RATE_LIMIT_WINDOW,
    )
    if email is not None:
        wait_for_address = _hit(
            "email",
            _inbox(email),
            settings.NEWSLETTER_RATE_LIMIT_PER_EMAIL,
            settings.NEWSLETTER_RATE_LIMIT_EMAIL_WINDOW,
        )
        wait = max(wait, wait_for_address)
    return wait


def retry_time(wait):
    """When a visitor refused for `wait` seconds may try again, as the page says
    it: in whole minutes, rounded up (`timeuntil` rounds down, and 70 s said "in 1
    minute" to a visitor refused again a minute later), never "in 0 minutes". The
    half minute keeps the render's later "now" from taking one off."""
    minutes = max(math.ceil(wait / 60), 1)
    return timezone.now() + datetime.timedelta(minutes=minutes, seconds=30)
