"""/healthz: checks the database and the cache, cheaply, and is never cached."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_all_up_answers_ok(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "page_cache": "ok",
    }
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    # No session or CSRF cookie: a probe every few seconds writes nothing.
    assert not response.cookies


LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
DUMMY = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
GONE = {  # a Redis no one listens to
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
}


@pytest.mark.parametrize(
    "caches, failed, status",
    [
        ({"default": DUMMY, "pages": LOCAL}, "cache", 503),
        ({"default": LOCAL, "pages": DUMMY}, "page_cache", 200),
        ({"default": LOCAL, "pages": GONE}, "page_cache", 200),
    ],
    ids=["cache keeps nothing", "page cache keeps nothing", "page cache down"],
)
def test_healthz_names_a_cache_that_does_not_answer(client, caches, failed, status):
    """The pages' cache makes no 503: without it pages are slower, not gone, and
    a 503 from every server would take them all out of the load balancer's
    rotation."""
    with override_settings(CACHES=caches):
        response = client.get("/healthz")
        assert client.get("/careers/").status_code == 200  # pages still up
    assert response.status_code == status
    assert response.json() == {
        "status": "ok" if status == 200 else "unavailable",
        "database": "ok",
        "cache": "ok",
        "page_cache": "ok",
        failed: "unavailable",
    }
    assert (response.get("Retry-After") == "30") == (status == 503)


def test_healthz_page_cache_turned_off_is_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHES = {"default": LOCAL, "pages": DUMMY}
    assert client.get("/healthz").json()["page_cache"] == "off"


def test_healthz_head_allowed_post_refused(client, csrf_checked_client):
    assert client.head("/healthz").status_code == 200
    # 405, not the CSRF check's 403: a POST with the cookie is no form sent late.
    assert csrf_checked_client.post("/healthz").status_code == 405
