"""Public pages come from the page cache, and never go stale."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from newsletter.models import Subscriber
from occupations.models import CareerPage, WageEstimate
from resources.models import Resource
from tests.admin_forms import admin_url, change_form_data
from tests.editorial.test_spreadsheets import CSV_FORMAT, confirm, export, upload
from tests.factories import CareerPageFactory, UserFactory
from tests.html_text import visible_text
from tests.newsletter.conftest import links as newsletter_links

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE_URL = "/careers/machine-learning-engineer/"
CACHED_URLS = ["/", "/careers/", "/careers/?q=engineer", REFERENCE_URL, "/resources/"]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("url", CACHED_URLS)
def test_public_page_second_visit_is_a_hit_without_queries(
    client, demo, django_assert_num_queries, url
):
    first = client.get(url)
    assert first.status_code == 200
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Cache"] == "HIT"
    assert visible_text(second.content) == visible_text(first.content)


def test_other_query_parameters_are_served_the_cached_page(client, demo):
    """A campaign's ?utm_source= gets the cached page; a search's ?q= does not get
    another search's page."""
    assert client.get(REFERENCE_URL)["X-Cache"] == "MISS"
    tagged = client.get(REFERENCE_URL, {"utm_source": "newsletter"})
    assert tagged["X-Cache"] == "HIT"
    assert client.get("/careers/", {"q": "nurse"})["X-Cache"] == "MISS"
    assert client.get("/careers/", {"q": "nurse", "utm_source": "x"})["X-Cache"] == (
        "HIT"
    )
    assert client.get("/careers/", {"q": "data"})["X-Cache"] == "MISS"
    # One page whatever the order of its parameters.
    assert client.get("/careers/?q=data&page=1")["X-Cache"] == "MISS"
    assert client.get("/careers/?page=1&q=data")["X-Cache"] == "HIT"


@pytest.mark.parametrize(
    "first, then",
    [
        ("/careers/?q=nurse&q=data", "/careers/?q=data&q=nurse"),
        (
            "/careers/compare/?careers=data-scientist&careers=registered-nurse",
            "/careers/compare/?careers=registered-nurse&careers=data-scientist",
        ),
    ],
    ids=["the last search", "the careers in order"],
)
def test_a_repeated_parameter_in_another_order_is_another_page(
    client, demo, first, then
):
    """The page reads a repeated parameter's values in order (the last ?q=, the
    careers as listed): sorted into one key, the second order was served the
    first's page."""
    assert client.get(first)["X-Cache"] == "MISS"
    other_order = client.get(then)
    assert other_order["X-Cache"] == "MISS"
    client.cookies["sessionid"] = "fresh-render"  # the cache serves no session
    assert visible_text(other_order.content) == visible_text(client.get(then).content)


def test_text_a_visitor_typed_never_becomes_the_csrf_token(client, demo):
    """A cached page held the form's token as a placeholder, and each hit put the
    visitor's token wherever that placeholder's text stood: a search for it put
    the token into the search box."""
    typed = {"q": 'name="csrfmiddlewaretoken" value="\x00csrf-token\x00"'}
    miss = client.get("/careers/", typed)
    hit = client.get("/careers/", typed)
    assert hit["X-Cache"] == "HIT"
    assert b"csrf-token" in miss.content.split(b'name="q"')[1]  # echoed
    assert hit.content == miss.content


def test_made_up_query_parameters_never_fill_the_cache(client, demo):
    for number in range(3):
        response = client.get(REFERENCE_URL, {"x": number})
        assert response.status_code == 200
        assert "X-Cache" not in response  # rendered, not stored
    assert client.get(REFERENCE_URL)["X-Cache"] == "MISS"
    # Pagination links keep the query string: a page rendered with made-up
    # parameters is never what another visitor gets.
    CareerPageFactory.create_batch(25)  # more than a list page: links to page 2
    echoed = client.get("/careers/", {"page": 1, "junk": "<b>"}).content.decode()
    assert "junk=" in echoed  # the next-page link keeps it
    assert "junk" not in client.get("/careers/", {"page": 1}).content.decode()


def test_cached_career_page_form_has_a_working_csrf_token(demo):
    from django.test import Client

    warmer = Client(enforce_csrf_checks=True)
    warmer.get(REFERENCE_URL)  # fills the cache with someone else's token
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(REFERENCE_URL)
    assert response["X-Cache"] == "HIT"
    token = re.search(
        rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content
    ).group(1)
    signup = visitor.post(
        reverse("newsletter:signup"),
        {
            "email": "cached@example.com",
            "consent": "yes",
            "source_page": "machine-learning-engineer",
            "csrfmiddlewaretoken": token.decode(),
        },
    )
    assert signup.status_code == 302


def test_cached_page_keeps_every_security_header_of_a_fresh_render(client, demo):
    first = client.get(REFERENCE_URL)
    second = client.get(REFERENCE_URL)
    assert second["X-Cache"] == "HIT"
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert second[header] == first[header]


def test_migrate_starts_a_new_content_version(client, demo):
    """A deploy's `migrate` retires pages stored by the previous release's code."""
    assert client.get(REFERENCE_URL)["X-Cache"] == "MISS"
    assert client.get(REFERENCE_URL)["X-Cache"] == "HIT"
    call_command("migrate", verbosity=0)
    assert client.get(REFERENCE_URL)["X-Cache"] == "MISS"


@pytest.mark.parametrize("form", ["{}", "W/{}", '"other", {}', "*"])
def test_conditional_get_with_matching_etag_is_304(client, demo, form):
    """Weak comparison: a proxy that compresses the page marks its ETag weak."""
    etag = client.get(REFERENCE_URL)["ETag"]
    response = client.get(REFERENCE_URL, HTTP_IF_NONE_MATCH=form.format(etag))
    assert response.status_code == 304
    assert response.content == b""


def signup_with_token_from(client, response):
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    return client.post(
        reverse("newsletter:signup"),
        {
            "email": "etag@example.com",
            "consent": "yes",
            "csrfmiddlewaretoken": token.group(1).decode(),
        },
    )


def rotate_csrf_secret(client):
    client.cookies["csrftoken"] = get_random_string(32)  # a valid, different secret


@pytest.mark.parametrize("warm", [False, True], ids=["miss", "hit"])
def test_a_304_never_leaves_a_browser_with_a_dead_csrf_token(demo, warm):
    """A page with the signup form matches a browser's copy only while the
    browser's CSRF cookie is the one that copy's token was made for."""
    from django.test import Client

    if warm:
        Client().get(REFERENCE_URL)
    browser = Client(enforce_csrf_checks=True)
    first = browser.get(REFERENCE_URL)
    assert first["X-Cache"] == ("HIT" if warm else "MISS")
    etag = first["ETag"]
    assert browser.get(REFERENCE_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Signing in or out rotates the secret; clearing cookies drops it.
    for rotate in (rotate_csrf_secret, lambda client: client.cookies.clear()):
        rotate(browser)
        again = browser.get(REFERENCE_URL, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 200
        assert again["ETag"] != etag
        assert signup_with_token_from(browser, again).status_code == 302
        etag = again["ETag"]
    # Another visitor's copy is not this visitor's either.
    stranger = Client()
    assert stranger.get(REFERENCE_URL, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_page_without_a_form_has_one_etag_for_everyone(demo):
    from django.test import Client

    etag = Client().get("/resources/")["ETag"]
    assert Client().get("/resources/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_career_page_save_invalidates_the_page(client, demo):
    client.get(REFERENCE_URL)
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    page.title = "Machine Learning Engineer Career Path in 2025"
    page.save()
    response = client.get(REFERENCE_URL)
    assert response["X-Cache"] == "MISS"
    assert "Career Path in 2025" in visible_text(response.content)


def test_figure_change_invalidates_the_page(client, demo):
    client.get(REFERENCE_URL)
    WageEstimate.objects.filter(occupation__code="15-2031.00").first().delete()
    text = visible_text(client.get(REFERENCE_URL).content)
    assert "Wage estimates for this occupation are not published." in text


def test_resource_edit_in_the_admin_invalidates_the_page(admin_client, demo):
    """Resources are career content too: a link renamed by an editor showed on
    the cached resources page, the old name, until the cache's time ran out."""
    visitor = Client()  # pytest-django's admin_client is the `client` signed in
    assert visitor.get("/resources/")["X-Cache"] == "MISS"
    resource = Resource.objects.in_directory().first()
    url = admin_url(Resource, "change", resource.pk)
    data = change_form_data(admin_client.get(url), name="Renamed Handbook")
    assert admin_client.post(url, data).status_code == 302
    response = visitor.get("/resources/")
    assert response["X-Cache"] == "MISS"
    assert "Renamed Handbook" in visible_text(response.content)


def test_import_invalidates_cached_pages(client, demo):
    from pathlib import Path

    client.get(REFERENCE_URL)
    data = Path(__file__).parent.parent / "occupations" / "data" / "bls"
    call_command("import_wages", data / "national_M2024_dl.xlsx", verbosity=0)
    text = visible_text(client.get(REFERENCE_URL).content)
    assert "Annual Median Salary: $91,290" in text


def test_a_spreadsheet_import_preview_leaves_cached_pages_cached(admin_client, demo):
    """The preview saves the file's rows in a transaction always rolled back:
    visitors never see them, so (as with a career page's preview) it must not
    retire every cached page. Confirmed, the import does."""
    visitor = Client()
    assert visitor.get("/resources/")["X-Cache"] == "MISS"
    exported = export(admin_client, Resource, CSV_FORMAT).content.decode()
    resource = Resource.objects.first()
    changed = exported.replace(resource.url, f"{resource.url}guides/")
    preview = upload(admin_client, Resource, changed, "resources.csv")
    assert preview.context["result"].totals["update"] == 1
    assert visitor.get("/resources/")["X-Cache"] == "HIT"

    confirm(admin_client, Resource, preview)
    response = visitor.get("/resources/")
    assert response["X-Cache"] == "MISS"
    assert f"{resource.url}guides/" in response.content.decode()


def test_a_page_cached_before_the_save_commits_is_not_served_after(client, demo):
    """The save starts a new content version at once, but until its transaction
    commits, other workers' visitors still read the page as it was and cache it
    under that version: it was served, stale, for a day or until the next change.
    (Here the visit in between is on the editor's own connection, so what it
    cached is told by X-Cache, not by the text.)"""
    assert client.get(REFERENCE_URL)["X-Cache"] == "MISS"
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    with transaction.atomic():
        page.title = "Machine Learning Engineer Career Path in 2025"
        page.save()
        assert client.get(REFERENCE_URL)["X-Cache"] == "MISS"  # stored meanwhile
        assert client.get(REFERENCE_URL)["X-Cache"] == "HIT"
    response = client.get(REFERENCE_URL)
    assert response["X-Cache"] == "MISS"
    assert "Career Path in 2025" in visible_text(response.content)


def test_signups_and_staff_sign_ins_leave_cached_pages_cached(client, demo):
    """Only career content changes the pages. A subscriber's confirmation or
    unsubscription, an editor's sign-in (a session, a last-login time) are saves
    too: had they started a new content version, every signup would have emptied
    the cache for every visitor."""
    UserFactory(username="editor", is_staff=True)
    assert client.get(REFERENCE_URL)["X-Cache"] == "MISS"

    reader = Client()
    signup = reader.post(
        reverse("newsletter:signup"),
        {"email": "reader@example.com", "consent": "yes", "website": ""},
    )
    assert signup.status_code == 302
    links = newsletter_links(mail.outbox[-1])
    reader.post(links["confirm"])
    assert Subscriber.objects.get().status == "confirmed"
    assert client.get(REFERENCE_URL)["X-Cache"] == "HIT"
    reader.post(links["unsubscribe"])
    assert Subscriber.objects.get().status == "unsubscribed"
    assert client.get(REFERENCE_URL)["X-Cache"] == "HIT"

    signed_in = Client().post(
        f"/{settings.ADMIN_URL}login/",
        {"username": "editor", "password": "correct horse battery staple"},
    )
    assert signed_in.status_code == 302 and "sessionid" in signed_in.cookies
    assert client.get(REFERENCE_URL)["X-Cache"] == "HIT"


def test_signed_in_staff_always_get_a_fresh_page(admin_client, demo):
    admin_client.get(REFERENCE_URL)
    assert "X-Cache" not in admin_client.get(REFERENCE_URL)


@pytest.mark.parametrize(
    "visit",
    [
        pytest.param(lambda client: client.get("/careers/feed/"), id="signed-in"),
        pytest.param(
            lambda client: Client().get("/careers/feed/", {"utm_source": "x"}),
            id="campaign-link",
        ),
    ],
)
def test_a_public_page_the_cache_does_not_keep_is_still_revalidated(
    admin_client, demo, visit
):
    """Every answer of a public page tells browsers to ask before reusing it, not
    only those the page cache stores: with no Cache-Control, the feed's
    Last-Modified let a browser reuse its copy unasked (for a tenth of its age)
    after an editor had published a page."""
    response = visit(admin_client)
    assert response.status_code == 200 and "X-Cache" not in response
    assert "Last-Modified" in response
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= directives


def test_unknown_page_is_not_cached(client, db):
    assert client.get("/careers/nope/").status_code == 404
    assert "X-Cache" not in client.get("/careers/nope/")


def test_unpublish_action_in_admin_takes_the_cached_page_down(client, demo):
    from django.test import Client

    from tests.factories import UserFactory

    assert client.get(REFERENCE_URL).status_code == 200
    editor = Client()
    editor.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    response = editor.post(
        reverse("admin:occupations_careerpage_changelist"),
        {"action": "unpublish", "_selected_action": [page.pk]},
    )
    assert response.status_code == 302
    assert client.get(REFERENCE_URL).status_code == 404
    editor.post(
        reverse("admin:occupations_careerpage_changelist"),
        {"action": "publish_now", "_selected_action": [page.pk]},
    )
    assert client.get(REFERENCE_URL).status_code == 200


def test_a_page_cache_that_does_not_answer_costs_speed_not_pages(
    admin_client, demo, caplog
):
    """Its server down, every public page was a 500, and so was every editor's
    save (which starts a new content version in it)."""
    from django.test import Client, override_settings

    from tests.admin_forms import admin_url, change_form_data
    from tests.security.test_healthz import GONE, LOCAL

    client = Client()  # a visitor: admin_client is signed in, never cached
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    with override_settings(CACHES={"default": LOCAL, "pages": GONE}):
        response = client.get(REFERENCE_URL)
        assert response.status_code == 200
        assert "X-Cache" not in response
        url = admin_url(CareerPage, "change", page.pk)
        saved = admin_client.post(
            url, change_form_data(admin_client.get(url), summary="Saved meanwhile.")
        )
        assert saved.status_code == 302
        assert "Saved meanwhile." in client.get(REFERENCE_URL).content.decode()
    assert "Page cache: the cache did not answer" in caplog.text
    assert "the new content version was not stored" in caplog.text


def test_a_visit_slow_to_check_the_content_version_never_brings_it_back(db):
    """A visit read the content version, then stored it back once its query was
    done: an editor's change in between was undone, and the page as it was before
    (cached meanwhile by another visit) was served again for a day."""
    page = CareerPageFactory(title="Visible page")
    url = page.get_absolute_url()
    page.save()  # an edit: a new content version, not yet checked
    slow_visitor, other_visitor = Client(), Client()
    check = type(CareerPage.objects).next_publication_time
    calls = []

    def slow_check(manager):
        calls.append(manager)
        if len(calls) == 1:  # while the slow visit waits on its query:
            assert other_visitor.get(url)["X-Cache"] == "MISS"  # cached as is
            page.status = CareerPage.Status.DRAFT
            page.save()  # the editor takes the page down
            assert other_visitor.get(url).status_code == 404
        return check(manager)

    with mock.patch.object(
        type(CareerPage.objects), "next_publication_time", slow_check
    ):
        slow_visitor.get(url)  # began before the change: either answer is fair
        assert other_visitor.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [{"group": "99-0000"}, {"zone": "9"}, {"zone": "x"}, {"q": "nurse" * 21}],
    ids=["no such group", "no such zone", "not a zone", "search too long"],
)
def test_a_list_asked_with_values_the_form_does_not_offer_is_not_stored(
    client, demo, query
):
    """Each made-up value would be a page of its own, filling the cache; the
    visitor still gets the list with the error."""
    for _ in range(2):
        response = client.get("/careers/", query)
        assert response.status_code == 200
        assert "X-Cache" not in response  # rendered, not stored
        assert "no-store" in response["Cache-Control"]
        assert response.context["form"].errors
    group = response.context["form"].fields["group"].choices[1][0]
    assert client.get("/careers/", {"group": group})["X-Cache"] == "MISS"
    assert client.get("/careers/", {"group": group})["X-Cache"] == "HIT"


@pytest.mark.parametrize(
    "careers",
    ["no-such-career", "machine-learning-engineer,no-such-career", "a b", "x,x"],
    ids=["unknown", "one unknown", "not an address", "repeated"],
)
def test_a_comparison_naming_careers_it_cannot_show_is_not_stored(
    client, demo, careers
):
    for _ in range(2):
        response = client.get("/careers/compare/", {"careers": careers})
        assert response.status_code == 200
        assert "X-Cache" not in response
        assert response.context["notices"]
    url = "/careers/compare/?careers=machine-learning-engineer"
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"
