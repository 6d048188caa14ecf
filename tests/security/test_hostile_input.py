"""Random and hostile input at every public URL, query parameter and the admin sign-in
form: every answer is a 2xx, 3xx or 4xx, never a 500, and nothing is stored.

(The newsletter form and links have theirs in tests/newsletter/test_hostile_input.py.)
"""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from occupations.models import CareerPage
from tests.factories import CareerPageFactory, ResourceFactory

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

HOSTILE = st.sampled_from(
    [
        "",
        "\x00",
        "a\x00b",
        "' OR 1=1 --",
        "'; DROP TABLE occupations_occupation; --",
        '"><script>alert(1)</script>',
        "<img src=x onerror=alert(1)>",
        "{{ settings.SECRET_KEY }}",
        "{% debug %}",
        "../../../../etc/passwd",
        "%00",
        "%2e%2e%2f",
        "-1",
        "0",
        "99999999999999999999999999",
        "1e309",
        "NaN",
        "last",
        "\u202egnp.exe",
        "\ufeff",
        "𝕏🙂👩‍💻",
        "Ω" * 5000,
        "x" * 100_000,
    ]
)
# Any text the HTTP layer can carry: no lone surrogates (not encodable as UTF-8).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
VALUE = HOSTILE | TEXT
PUBLIC_URLS = ("/", "/careers/", "/resources/", "/newsletter/")
WRONG_METHODS = ("post", "put", "patch", "delete", "trace")
READ_ONLY_URLS = (
    "/",
    "/careers/",
    "/careers/actuary/",
    "/resources/",
    "/careers/compare/?careers=actuary",
    "/careers/feed/",
    "/sitemap.xml",
    "/robots.txt",
    "/careers/actuary/data.csv",
    "/careers/actuary/data.json",
)


@pytest.fixture
def site():
    ResourceFactory()
    return CareerPageFactory(slug="actuary")


def assert_handled(response, what):
    assert response.status_code < 500, what


@FUZZ
@given(page=VALUE, q=VALUE)
def test_hostile_input_career_list_page_and_search_never_500(site, page, q):
    response = Client().get("/careers/", {"page": page, "q": q})
    assert_handled(response, (page, q))


@FUZZ
@given(
    url=st.sampled_from(PUBLIC_URLS), params=st.dictionaries(VALUE, VALUE, max_size=4)
)
def test_hostile_input_any_query_parameters_never_500(site, url, params):
    assert_handled(Client().get(url, params), (url, params))


@FUZZ
@given(slug=VALUE)
def test_hostile_input_career_slug_never_500(site, slug):
    response = Client().get(f"/careers/{quote(slug, safe='')}/")
    assert_handled(response, slug)
    if response.status_code == 200:
        assert CareerPage.objects.filter(slug=slug).exists()


@FUZZ
@given(path=VALUE)
def test_hostile_input_arbitrary_path_never_500(site, path):
    response = Client().get("/" + quote(path, safe="/?&=%"))
    assert_handled(response, path)


@FUZZ
@given(
    method=st.sampled_from(WRONG_METHODS),
    url=st.sampled_from(READ_ONLY_URLS),
    body=st.dictionaries(TEXT, VALUE, max_size=3),
)
def test_hostile_input_wrong_methods_refused_not_500(site, method, url, body):
    """405, not the CSRF "form expired" page a browser got for a POST."""
    client = Client(enforce_csrf_checks=True)
    if method == "trace":  # no body
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, body)
    assert response.status_code == 405, (method, url)


@FUZZ
@given(method=st.sampled_from(("put", "patch", "delete")))
def test_hostile_input_newsletter_wrong_methods_never_500(method):
    assert_handled(getattr(Client(), method)("/newsletter/"), method)


@FUZZ
@given(username=VALUE, password=VALUE, address=st.ip_addresses(v=4).map(str))
def test_hostile_input_admin_login_never_500_never_signs_in(
    superuser, username, password, address
):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        f"/{settings.ADMIN_URL}login/",
        {"username": username, "password": password, "next": password},
    )
    assert response.status_code in (200, 429), (username, password)
    assert "_auth_user_id" not in client.session
    assert list(get_user_model().objects.values_list("username", flat=True)) == [
        "admin"
    ]


HEADER_NAMES = st.sampled_from(
    (
        "host",
        "referer",
        "user-agent",
        "accept-language",
        "cookie",
        "x-forwarded-for",
        "x-forwarded-proto",
    )
)
# As a WSGI server hands them over: the raw bytes, decoded as Latin-1 (PEP 3333).
HEADER_VALUES = VALUE.filter(lambda value: "\n" not in value and "\r" not in value).map(
    lambda value: value.encode("utf-8").decode("latin-1")
)


@FUZZ
@given(headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=4))
def test_hostile_input_request_headers_never_500(site, headers):
    response = Client().get("/careers/actuary/", headers=headers)
    assert_handled(response, headers)


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "hex"])
@pytest.mark.parametrize(
    "url", ["/newsletter/", "/newsletter/unsubscribe/abc/one-click/", "/careers/"]
)
def test_hostile_input_body_in_a_charset_that_is_no_text_one_is_400(url, charset):
    """Django takes any codec as a body's charset, and reading a multipart form in
    one raised LookupError: a 500, for anyone, on the one-click address."""
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        b"One-Click\r\n--xyz--\r\n"
    )
    response = Client(enforce_csrf_checks=True).generic(
        "POST",
        url,
        body,
        content_type=f"multipart/form-data; boundary=xyz; charset={charset}",
    )
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
