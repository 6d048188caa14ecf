"""Error pages are styled, say what to do next, and leak nothing about the server."""

import pytest
from django.conf import settings
from django.test import Client

from tests.security.urls import SECRET_DETAIL

pytestmark = pytest.mark.urls("tests.security.urls")

STYLESHEET = "css/site.css"


def assert_leaks_nothing(html):
    assert SECRET_DETAIL not in html
    assert settings.SECRET_KEY not in html
    for clue in ("Traceback", 'File "', "DEBUG", "settings", "site-packages"):
        assert clue not in html


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/test-errors/400/", 400, "We could not understand that request"),
        ("/test-errors/403/", 403, "You cannot open this page"),
        ("/test-errors/404/", 404, "Page not found"),
        ("/no/such/page/", 404, "Page not found"),
    ],
)
def test_error_page_client_error_styled_without_detail(
    db, client, url, status, heading
):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html
    assert STYLESHEET in html
    assert 'href="/careers/"' in html
    assert_leaks_nothing(html)


def test_error_page_server_error_styled_without_detail_or_database():
    # No `db` fixture: any database query while rendering the 500 page would fail.
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/500/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert STYLESHEET in html
    assert_leaks_nothing(html)


def test_error_page_database_error_is_503_with_retry_after():
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/database/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "back in a moment" in html
    assert STYLESHEET in html
    assert_leaks_nothing(html)


def test_error_page_csrf_failure_explains_without_detail(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/{settings.ADMIN_URL}login/", {"username": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Please send the form again</h1>" in html
    assert STYLESHEET in html
    assert_leaks_nothing(html)
    assert "CSRF" not in html


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_error_page_standalone_template_has_no_inline_code(template):
    from django.template import loader

    html = loader.get_template(template).render()
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/newsletter/", 400, "We could not understand that request"),
        ("/admin/login/", 400, "We could not understand that request"),
        ("/no/such/page/", 404, "Page not found"),
    ],
)
@pytest.mark.parametrize("charset", ["utf8", "latin-1"])
def test_error_page_form_in_another_charset_than_utf8(
    db, csrf_checked_client, url, status, heading, charset
):
    """Django refuses a form (urlencoded) declared in another charset than UTF-8,
    each time it is read. Its error views read it again, for their CSRF check, so
    the 400 became a bare 500 from the server, without the site's page."""
    response = csrf_checked_client.post(
        url,
        "email=a%40example.com",
        f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/no/such/page/", 500, "<h1>Something went wrong</h1>"),
        ("/test-errors/500/", 500, "<h1>Something went wrong</h1>"),
        ("/test-errors/database/", 503, "back in a moment"),
    ],
)
def test_error_page_when_the_stylesheet_is_missing_from_the_manifest(
    settings, tmp_path, url, status, words
):
    """A deploy that did not run collectstatic: every page fails on its stylesheet,
    and the 500 page did too, so visitors got the server's bare error instead."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        },
    }
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    response = Client(raise_request_exception=False).get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert words in html
    assert STYLESHEET not in html
    assert_leaks_nothing(html)
