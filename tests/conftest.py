import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches: cached pages, rate-limit counters."""
    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture
def no_page_cache(settings):
    """Query budgets measure a full render, not a page-cache hit."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def csrf_checked_client():
    """A visitor's browser after a page of the site: it holds a CSRF cookie, and
    its POSTs are checked for the token as real ones are (the test client skips
    the check unless asked)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    return client


@pytest.fixture
def demo(db):
    """The demo content, loaded the way `make run` loads it."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(scope="session")
def excerpt_snapshot(tmp_path_factory):
    """A catalogue snapshot built from the O*NET/BLS test excerpts with
    `build_catalogue`, the way the shipped one was built from the full files."""
    from io import StringIO
    from pathlib import Path

    data = Path(__file__).parent / "occupations" / "data"
    out = tmp_path_factory.mktemp("catalogue")
    call_command(
        "build_catalogue",
        data / "onet",
        data / "bls" / "national_M2024_dl.xlsx",
        data / "bls" / "occupation 2024-34.xlsx",
        "--out",
        out,
        stdout=StringIO(),
    )
    return out
