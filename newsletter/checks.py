"""Deployment checks (`manage.py check --deploy`) for sending the newsletter."""

from email.utils import parseaddr

from django.conf import settings
from django.core import checks

from occupations.checks import cache_is_shared


@checks.register(checks.Tags.caches, deploy=True)
def rate_limit_shared_check(app_configs, **kwargs):
    if cache_is_shared():
        return []
    return [
        checks.Warning(
            "Signup rate limits are counted in each worker process's own memory (or "
            "not at all with the dummy cache): with N workers an address can be sent "
            "N times the limit of confirmation emails.",
            hint="Set CACHE_URL to a Redis server (redis://...) that every worker "
            "shares.",
            id="newsletter.W001",
        )
    ]


@checks.register(deploy=True)
def sender_address_check(app_configs, **kwargs):
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2].lower()
    if domain and domain != "localhost" and "." in domain:
        return []
    return [
        checks.Warning(
            f"Emails would be sent from {settings.DEFAULT_FROM_EMAIL!r}: receiving "
            "servers reject or junk mail from a domain that is not yours (SPF, DMARC).",
            hint="Set DEFAULT_FROM_EMAIL to an address at the site's own domain, "
            'e.g. "Careerguide <news@careerguide.example>".',
            id="newsletter.W002",
        )
    ]


@checks.register(deploy=True)
def site_url_https_check(app_configs, **kwargs):
    if settings.SITE_URL.lower().startswith("https://"):
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL!r}: the confirm and unsubscribe links "
            "in emails (and the canonical links, sitemap and feed) would not use "
            "HTTPS, so a link's token could be read on the way.",
            hint="Set SITE_URL to the site's https:// address, e.g. "
            '"https://careerguide.example".',
            id="newsletter.W003",
        )
    ]


# Backends that keep mail on the server: it is printed, stored or dropped.
UNSENT_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "printed to the log",
    "django.core.mail.backends.filebased.EmailBackend": "written to files",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory",
    "django.core.mail.backends.dummy.EmailBackend": "dropped",
}


@checks.register(deploy=True)
def email_sent_check(app_configs, **kwargs):
    fate = UNSENT_MAIL_BACKENDS.get(settings.EMAIL_BACKEND)
    if fate is None:
        return []
    return [
        checks.Warning(
            f"Emails are {fate}, not sent ({settings.EMAIL_BACKEND}): nobody could "
            "confirm a signup, and printed emails put addresses and their "
            "confirm/unsubscribe links in the log.",
            hint="Set EMAIL_URL to the mail server, e.g. "
            '"smtp+tls://user:password@smtp.example.com:587".',
            id="newsletter.W004",
        )
    ]


@checks.register(deploy=True)
def proxy_count_check(app_configs, **kwargs):
    behind_a_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not behind_a_proxy or settings.TRUSTED_PROXY_COUNT:
        return []
    return [
        checks.Warning(
            "USE_X_FORWARDED_PROTO says a proxy is in front of the site, but "
            "TRUSTED_PROXY_COUNT is 0: every visitor would be seen at the proxy's "
            "address, so the signup limits would count the whole site as one "
            "visitor and one wrong password could lock every editor out.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the "
            "site (1 for one nginx).",
            id="newsletter.W005",
        )
    ]
