"""Deployment checks (`manage.py check --deploy`) for the cache the page cache and
spreadsheet uploads share between workers."""

from django.conf import settings
from django.core import checks

DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"
PROCESS_LOCAL_CACHES = {"django.core.cache.backends.locmem.LocMemCache", DUMMY_CACHE}


def default_cache_is_shared():
    """Whether every worker process sees the same default cache."""
    return settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES


@checks.register(checks.Tags.caches, deploy=True)
def cache_shared_check(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] == DUMMY_CACHE:
        return [
            checks.Warning(
                "The cache keeps nothing (DummyCache): no page is cached and a "
                "spreadsheet upload never reaches its confirmation.",
                hint="Set CACHE_URL to a Redis server (redis://...) that every "
                "worker shares.",
                id="occupations.W002",
            )
        ]
    if default_cache_is_shared():
        return []
    page_cache = (
        "an editor's change starts a new content version in one worker only, and "
        "the others serve their copy of the old pages for up to PAGE_CACHE_SECONDS; "
        if settings.PAGE_CACHE_SECONDS > 0
        else ""
    )
    return [
        checks.Warning(
            "The cache is in each worker process's own memory: "
            f"{page_cache}a spreadsheet uploaded to one worker is not waiting for "
            "its confirmation in another.",
            hint="Set CACHE_URL to a Redis server (redis://...) that every worker "
            "shares, or run a single worker process.",
            id="occupations.W001",
        )
    ]
