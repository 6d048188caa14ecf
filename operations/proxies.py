"""The visitor's address behind the site's reverse proxies: one rule for the admin's
sign-in lockout (django-axes) and the newsletter's signup limit."""

from django.conf import settings


def client_ip(request):
    """The address the nearest trusted proxy saw.

    With TRUSTED_PROXY_COUNT = N reverse proxies in front of the site, it is the
    N-th entry from the right of X-Forwarded-For: each proxy appends the address it
    saw, and entries further left are whatever the client sent. With none, or a
    request that did not pass through them all, it is REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [entry.strip() for entry in header.split(",")] if header else []
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
