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


def test_healthz_cache_not_keeping_values_answers_503(client):
    with override_settings(CACHES={"default": DUMMY, "pages": LOCAL}):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
        "page_cache": "ok",
    }
    assert response["Retry-After"] == "30"


@pytest.mark.parametrize("page_cache", [DUMMY, GONE], ids=["keeps nothing", "down"])
def test_healthz_names_a_page_cache_that_does_not_answer_but_stays_200(
    client, page_cache
):
    """Without it pages are slower, not gone: a 503 from every server would take
    them all out of the load balancer's rotation."""
    with override_settings(CACHES={"default": LOCAL, "pages": page_cache}):
        response = client.get("/healthz")
        assert client.get("/careers/").status_code == 200
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "page_cache": "unavailable",
    }


def test_healthz_page_cache_turned_off_is_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHES = {"default": LOCAL, "pages": DUMMY}
    assert client.get("/healthz").json()["page_cache"] == "off"


def test_healthz_head_allowed_post_refused(client, csrf_checked_client):
    assert client.head("/healthz").status_code == 200
    # 405, not the CSRF check's 403: a POST with the cookie is no form sent late.
    assert csrf_checked_client.post("/healthz").status_code == 405
