"""Deployment checks (`manage.py check --deploy`) for the caches the page cache,
spreadsheet uploads and signup limits share between workers, and a database check
(`manage.py check --database default`) for figures stored before a rule on them."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"
PROCESS_LOCAL_CACHES = {"django.core.cache.backends.locmem.LocMemCache", DUMMY_CACHE}


def cache_is_shared(alias="default"):
    """Whether every worker process sees the same cache `alias`."""
    return settings.CACHES[alias]["BACKEND"] not in PROCESS_LOCAL_CACHES


def _keeps_nothing(alias):
    return settings.CACHES[alias]["BACKEND"] == DUMMY_CACHE


@checks.register(checks.Tags.caches, deploy=True)
def cache_shared_check(app_configs, **kwargs):
    # What each cache keeps: lost if it keeps nothing, or if each worker has its own.
    kept = {
        "default": (
            "a spreadsheet upload never reaches its confirmation",
            "a spreadsheet uploaded to one worker is not waiting for its "
            "confirmation in another",
        ),
    }
    if settings.PAGE_CACHE_SECONDS > 0:
        kept["pages"] = (
            "no page is cached",
            "an editor's change starts a new content version in one worker only, "
            "and the others serve their copy of the old pages for up to "
            "PAGE_CACHE_SECONDS",
        )
    nothing = [lost for alias, (lost, _) in kept.items() if _keeps_nothing(alias)]
    own = [
        lost
        for alias, (_, lost) in kept.items()
        if not cache_is_shared(alias) and not _keeps_nothing(alias)
    ]
    hint = (
        "Set CACHE_URL (and PAGE_CACHE_URL, if pages have a cache of their own) to "
        "a Redis server (redis://...) that every worker shares"
    )
    warnings = []
    if nothing:
        warnings.append(
            checks.Warning(
                f"The cache keeps nothing (DummyCache): {'; '.join(nothing)}.",
                hint=f"{hint}.",
                id="occupations.W002",
            )
        )
    if own:
        warnings.append(
            checks.Warning(
                f"The cache is in each worker process's own memory: {'; '.join(own)}.",
                hint=f"{hint}, or run a single worker process.",
                id="occupations.W001",
            )
        )
    return warnings


def _servers(alias):
    """The host:port of each server cache `alias` names (a Redis URL's database
    number left out: databases of one server share its memory and its eviction)."""
    location = settings.CACHES[alias].get("LOCATION", "")
    locations = location.split(",") if isinstance(location, str) else location
    return {urlsplit(url.strip()).netloc.rpartition("@")[2] for url in locations}


@checks.register(checks.Tags.caches, deploy=True)
def page_cache_apart_check(app_configs, **kwargs):
    """Pages in the server that keeps the signup limits' counters: each new search
    is a new page, so a flood of made-up searches either pushes the counters out
    (a server that evicts keys) or fills its memory (one that does not)."""
    if settings.PAGE_CACHE_SECONDS <= 0 or not (
        cache_is_shared("default") and cache_is_shared("pages")
    ):
        return []
    if not _servers("default") & _servers("pages"):
        return []
    return [
        checks.Warning(
            "Public pages are cached in the server that keeps the signup limits' "
            "counters and spreadsheet uploads: a flood of made-up searches, each a "
            "page, could push those out or fill the server's memory.",
            hint="Set PAGE_CACHE_URL to a cache server of its own whose memory is "
            "capped and evicts the least recently used keys (Redis: maxmemory, "
            "maxmemory-policy allkeys-lru).",
            id="occupations.W003",
        )
    ]


def _migrated(database):
    """Whether every migration has been applied to `database`. `migrate` runs the
    database checks before it migrates: on a new database, or one a migration is
    about to change, the check's query would fail, and `migrate` with it."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[database])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _stored(figures_model, databases):
    """The figures of `figures_model` (wages, projections) in each of `databases`
    that is migrated, by occupation and release."""
    for database in databases or ():
        if _migrated(database):
            yield from (
                figures_model.objects.using(database)
                .select_related("occupation", "release")
                .order_by("occupation__code", "release")
            )


def _named(figures):
    return f"{figures.occupation.code} ({figures.release})"


@checks.register(checks.Tags.database)
def projection_growth_check(app_configs, databases=None, **kwargs):
    """Projections typed in the admin before growth had to follow from the two
    employment figures: each now stops its occupation from being saved in the
    admin until it is corrected."""
    from .models import EmploymentProjection, growth_contradicted

    contradicted = [
        _named(projection)
        for projection in _stored(EmploymentProjection, databases)
        if growth_contradicted(
            projection.employment_base,
            projection.employment_projected,
            projection.growth_percent,
        )
        is not None
    ]
    if not contradicted:
        return []
    return [
        checks.Warning(
            f"{len(contradicted):,} employment "
            f"{'projection shows' if len(contradicted) == 1 else 'projections show'} "
            f"a growth their employment figures deny: {', '.join(contradicted[:20])}"
            f"{', …' if contradicted[20:] else ''}.",
            hint="Correct each in the admin (Employment projections), or import "
            "the release again; until then its occupation cannot be saved.",
            # W003 is the page cache's.
            id="occupations.W004",
        )
    ]


@checks.register(checks.Tags.database)
def wage_annual_hourly_check(app_configs, databases=None, **kwargs):
    """Wages typed in the admin before an annual wage had to be its hourly one's
    2,080 hours: each now stops its occupation from being saved in the admin until
    it is corrected."""
    from .models import WageEstimate

    contradicted = [
        _named(wage)
        for wage in _stored(WageEstimate, databases)
        if wage.annual_wages_contradicted()
    ]
    if not contradicted:
        return []
    return [
        checks.Warning(
            f"{len(contradicted):,} wage "
            f"{'estimate has' if len(contradicted) == 1 else 'estimates have'} an "
            "annual wage that is not its hourly wage for 2,080 hours: "
            f"{', '.join(contradicted[:20])}{', …' if contradicted[20:] else ''}.",
            hint="Correct each in the admin (Wage estimates), or import the release "
            "again; until then its occupation cannot be saved.",
            id="occupations.W005",
        )
    ]
