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
    "caches, failed",
    [
        ({"default": DUMMY, "pages": LOCAL}, "cache"),
        ({"default": LOCAL, "pages": DUMMY}, "page_cache"),
        ({"default": LOCAL, "pages": GONE}, "page_cache"),
    ],
    ids=["cache keeps nothing", "page cache keeps nothing", "page cache down"],
)
def test_healthz_a_cache_not_keeping_values_answers_503(client, caches, failed):
    """The page cache may be a server of its own: down, every page was a 500 and
    the health check said "ok"."""
    with override_settings(CACHES=caches):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "ok",
        "page_cache": "ok",
        failed: "unavailable",
    }
    assert response["Retry-After"] == "30"


def test_healthz_head_allowed_post_refused(client, csrf_checked_client):
    assert client.head("/healthz").status_code == 200
    # 405, not the CSRF check's 403: a POST with the cookie is no form sent late.
    assert csrf_checked_client.post("/healthz").status_code == 405
