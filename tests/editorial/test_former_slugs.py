"""A career page's old address, after an editor changes its slug, redirects to it."""

import pytest

from occupations.models import CareerPage
from tests.admin_forms import admin_url, change_form_data
from tests.factories import CareerPageFactory, full_career
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def rename(client, page, slug):
    url = admin_url(CareerPage, "change", page.pk)
    response = client.post(url, change_form_data(client.get(url), slug=slug))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_old_address_redirects_permanently_after_the_slug_changes(admin_client, client):
    page = CareerPageFactory(slug="ml-engineer")
    client.get("/careers/ml-engineer/")  # cached under the old address
    rename(admin_client, page, "machine-learning-engineer")

    response = client.get("/careers/ml-engineer/")
    assert response.status_code == 301
    assert response["Location"] == "/careers/machine-learning-engineer/"
    assert client.get(response["Location"]).status_code == 200
    # The editor sees where visitors are sent from.
    form = admin_client.get(admin_url(CareerPage, "change", page.pk))
    assert "/careers/ml-engineer/" in visible_text(form.content)


def test_renamed_back_and_forth_there_is_no_loop(admin_client, client):
    page = CareerPageFactory(slug="first")
    rename(admin_client, page, "second")
    rename(admin_client, page, "first")
    assert client.get("/careers/first/").status_code == 200
    assert client.get("/careers/second/")["Location"] == "/careers/first/"


def test_a_new_page_may_take_an_address_another_page_left(admin_client, client):
    moved = CareerPageFactory(slug="analyst")
    rename(admin_client, moved, "data-analyst")
    CareerPageFactory(slug="analyst", career_name="Business Analyst")
    response = client.get("/careers/analyst/")
    assert response.status_code == 200
    assert "Business Analyst" in visible_text(response.content)


def test_an_editor_may_take_another_pages_old_address_only_once_it_is_freed(
    admin_client, client
):
    """Taken at once, the redirect went, and renaming back left the address
    redirecting to the page that took it: links to the first page showed another
    career."""
    moved = CareerPageFactory(slug="analyst", title="Data Analyst Career Path")
    rename(admin_client, moved, "data-analyst")
    other = CareerPageFactory(slug="business-analyst")
    url = admin_url(CareerPage, "change", other.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), slug="analyst")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "/careers/analyst/ is the former address of “Data Analyst Career Path” and "
        "redirects there. Choose another address, or first delete it from that "
        "page's former addresses."
    ]
    assert client.get("/careers/analyst/")["Location"] == "/careers/data-analyst/"

    # Freed on the page it redirects to, it may be taken.
    moved_url = admin_url(CareerPage, "change", moved.pk)
    data = change_form_data(admin_client.get(moved_url))
    data["former_slugs-0-DELETE"] = "on"
    assert admin_client.post(moved_url, data).status_code == 302
    rename(admin_client, other, "analyst")
    assert client.get("/careers/analyst/").status_code == 200
    # Back to its own former address: allowed, as any page renamed back.
    rename(admin_client, other, "business-analyst")
    assert client.get("/careers/analyst/")["Location"] == "/careers/business-analyst/"


def test_an_unpublished_pages_old_address_is_not_found(admin_client, client):
    page = CareerPageFactory(slug="old-name")
    rename(admin_client, page, "new-name")
    page.refresh_from_db()
    page.status = CareerPage.Status.DRAFT
    page.save()
    assert client.get("/careers/old-name/").status_code == 404


def test_downloads_and_query_strings_follow_the_page(admin_client, client):
    page = CareerPageFactory(slug="old-name")
    rename(admin_client, page, "new-name")
    assert client.get("/careers/old-name/?utm_source=mail")["Location"] == (
        "/careers/new-name/?utm_source=mail"
    )
    assert client.get("/careers/old-name/data.csv")["Location"] == (
        "/careers/new-name/data.csv"
    )
    assert client.get("/careers/old-name/data.json")["Location"] == (
        "/careers/new-name/data.json"
    )
    assert client.get("/careers/never-was/data.csv").status_code == 404


@pytest.mark.parametrize("download", ["", "data.csv", "data.json"])
def test_a_redirect_from_an_old_address_is_asked_again(admin_client, client, download):
    """The address may be freed and given to another page: a 301 sent without
    Cache-Control (the downloads') is kept by browsers for good."""
    page = CareerPageFactory(slug="old-name")
    rename(admin_client, page, "new-name")
    response = client.get(f"/careers/old-name/{download}")
    assert response.status_code == 301
    assert "no-cache" in response["Cache-Control"]


def test_a_catalogue_page_does_not_take_an_address_a_page_left(admin_client, client):
    from occupations.importers.catalogue import career_pages_create
    from tests.factories import OccupationFactory, TaskFactory

    page = CareerPageFactory(slug="analysts")
    rename(admin_client, page, "data-analysts")
    TaskFactory(occupation=OccupationFactory(code="15-2099.00", title="Analysts"))
    assert career_pages_create() == 1
    assert CareerPage.objects.get(occupation__code="15-2099.00").slug != "analysts"
    assert client.get("/careers/analysts/")["Location"] == "/careers/data-analysts/"


def test_a_compare_address_naming_an_old_address_redirects_to_the_page(
    admin_client, client
):
    first, second = full_career(career_name="Actuary"), full_career()
    old = first.slug
    rename(admin_client, first, "actuaries")

    response = client.get(
        f"/careers/compare/?careers={old},{second.slug}&q=baker&utm_source=mail"
    )
    assert response.status_code == 301
    assert response["Location"] == (
        f"/careers/compare/?careers=actuaries,{second.slug}&q=baker&utm_source=mail"
    )
    text = visible_text(client.get(response["Location"]).content)
    assert f"Actuary and {second.career_name} compared" in text
    assert "listed twice" not in text
    # Named by both addresses, the career is named once.
    response = client.get(f"/careers/compare/?careers={old},actuaries,{second.slug}")
    assert response["Location"] == (
        f"/careers/compare/?careers=actuaries,{second.slug}"
    )
    # An address no page ever had is still explained on the page itself.
    response = client.get(f"/careers/compare/?careers=never-was,{second.slug}")
    assert response.status_code == 200
    assert "We found no published career “never-was”" in visible_text(response.content)


def test_an_address_written_with_capitals_redirects_to_the_page(admin_client, client):
    CareerPageFactory(slug="data-scientist")
    moved = CareerPageFactory(slug="ml-engineer")
    rename(admin_client, moved, "machine-learning-engineer")
    response = client.get("/careers/Data-Scientist/?ref=x")
    assert response.status_code == 301
    assert response["Location"] == "/careers/data-scientist/?ref=x"
    assert client.get("/careers/ML-Engineer/data.csv")["Location"] == (
        "/careers/machine-learning-engineer/data.csv"
    )
    assert client.get("/careers/No-Such-Page/").status_code == 404
