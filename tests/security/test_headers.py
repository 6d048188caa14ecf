"""Every public page carries the security headers an A+ on Mozilla's HTTP Observatory
asks for, and nothing on a page needs the inline code the policy forbids."""

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.factories import CareerPageFactory, ResourceFactory

pytestmark = pytest.mark.django_db

SIX_MONTHS = 183 * 24 * 3600


@pytest.fixture
def public_urls():
    page = CareerPageFactory()
    ResourceFactory()
    return [
        "/",
        "/careers/",
        "/careers/?page=1",
        page.get_absolute_url(),
        f"/careers/compare/?careers={page.slug}",
        "/resources/",
        "/newsletter/",
        "/no-such-page/",
        f"/{settings.ADMIN_URL}login/",
        "/healthz",
    ]


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part)
    }


def test_headers_public_pages_carry_each_security_header(client, public_urls):
    for url in public_urls:
        response = client.get(url, secure=True)
        assert response.status_code < 500, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url
        assert "geolocation=()" in response["Permissions-Policy"], url
        hsts = response["Strict-Transport-Security"]
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
        assert max_age >= SIX_MONTHS, url
        assert "includeSubDomains" in hsts, url


def test_headers_csp_strict_on_every_public_page(client, public_urls):
    for url in public_urls:
        policy = csp_directives(client.get(url, secure=True))
        assert policy["default-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["base-uri"] == ["'none'"], url
        assert policy["form-action"] == ["'self'"], url
        for directive in ("script-src", "style-src"):
            assert "'unsafe-inline'" not in policy[directive], url
            assert "'unsafe-eval'" not in policy[directive], url
            assert "*" not in policy[directive], url


@pytest.mark.parametrize("path", ["/careers/", "/no-such-page/"])
def test_headers_unknown_host_is_refused_with_the_site_headers(client, db, path):
    response = client.get(path, secure=True, headers={"host": "evil.example"})
    assert response.status_code == 400
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_headers_static_files_carry_csp_and_nosniff(client):
    response = client.get("/static/css/site.css", secure=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


@override_settings(SECURE_SSL_REDIRECT=True)
def test_headers_plain_http_redirects_to_https_except_health_check(client):
    response = client.get("/careers/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/careers/"
    assert client.get("/healthz").status_code == 200


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_headers_https_seen_through_proxy_header_not_redirected(client):
    response = client.get("/careers/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def is_json_ld(attrs):
    return (attrs.get("type") or "").strip().lower() == "application/ld+json"


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, <style> elements'
    text, style="" and on*="" attributes, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline_scripts, self.style_blocks, self.attributes = [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # JSON-LD is data, never executed, and CSP does not govern it.
        if tag == "script" and "src" not in attrs and not is_json_ld(attrs):
            self._in = ("script", [])
        elif tag == "style":
            self._in = ("style", [])
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.attributes.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.attributes.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self._in:
            self._in[1].append(data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            kind, parts = self._in
            (self.inline_scripts if kind == "script" else self.style_blocks).append(
                "".join(parts)
            )
            self._in = None


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser


def style_hash(text):
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def test_headers_public_pages_need_no_inline_code(client, public_urls):
    for url in public_urls:
        found = inline_code(client.get(url).content.decode())
        assert found.inline_scripts == [], url
        assert found.style_blocks == [], url
        assert found.attributes == [], url


def test_headers_admin_pages_inline_code_allowed_by_csp(admin_client, demo):
    admin = f"/{settings.ADMIN_URL}"
    urls = [
        admin,
        f"{admin}occupations/careerpage/",
        f"{admin}occupations/careerpage/add/",
        f"{admin}occupations/occupation/add/",
        f"{admin}auth/user/add/",
    ]
    for url in urls:
        response = admin_client.get(url, secure=True)
        assert response.status_code == 200, url
        allowed_styles = csp_directives(response)["style-src"]
        found = inline_code(response.content.decode())
        assert found.inline_scripts == [], url
        assert found.attributes == [], url
        for block in found.style_blocks:
            assert style_hash(block) in allowed_styles, url


def test_headers_every_admin_changelist_has_no_inline_code(admin_client, demo):
    """Django writes an inline <style> on changelists whose admin turns both action
    bars off; the CSP allows none, so no admin may."""
    from django.contrib import admin

    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info))
        response = admin_client.get(url, secure=True)
        assert response.status_code == 200, url
        found = inline_code(response.content.decode())
        assert (found.style_blocks, found.inline_scripts) == ([], []), url


@pytest.mark.parametrize("cached", [False, True])
def test_head_answer_has_the_get_headers_and_no_body(cached):
    """Django's handler keeps the body of a HEAD answer, which gunicorn drops with a
    warning in the log each time: the site sends none, a cached page included.
    (Through the handler's middleware, not the test client, which drops the body
    itself.)"""
    page = CareerPageFactory()
    handler = WSGIHandler()

    def call(method):
        return handler.get_response(
            RequestFactory().generic(method, page.get_absolute_url())
        )

    if cached:
        call("GET")
    head, get = call("HEAD"), call("GET")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Content-Security-Policy"]
    assert head["X-Cache"] == ("HIT" if cached else "MISS")


def test_head_answer_not_modified_announces_no_length(client):
    """A 304 has no body whose length to announce (RFC 9110, 8.6)."""
    page = CareerPageFactory()
    etag = client.get(page.get_absolute_url())["ETag"]  # also sets the CSRF cookie
    request = RequestFactory().head(
        page.get_absolute_url(),
        HTTP_IF_NONE_MATCH=etag,
        HTTP_COOKIE=client.cookies.output(attrs=[], header="", sep=";").strip(),
    )
    response = WSGIHandler().get_response(request)
    assert response.status_code == 304
    assert "Content-Length" not in response
