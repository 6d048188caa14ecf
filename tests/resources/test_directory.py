"""The site-wide resources page, /resources/."""

import pytest

from resources.models import Resource
from tests.admin_forms import admin_url, change_form_data
from tests.factories import (
    CareerPageFactory,
    CareerPageResourceFactory,
    ResourceFactory,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def test_resources_page_lists_the_directory_in_the_editors_order(client):
    # The editor's order is neither the names' nor the order they were added in.
    ResourceFactory(name="Alpha Guide", position=2)
    ResourceFactory(name="Zeta Handbook", position=1)
    ResourceFactory(name="Hidden", position=0, show_in_directory=False)
    text = visible_text(client.get("/resources/").content)
    assert "Hidden" not in text
    assert text.index("Zeta Handbook") < text.index("Alpha Guide")


def test_a_resource_kept_off_the_directory_still_shows_on_its_career_page(client):
    hidden = ResourceFactory(name="Hidden Handbook", show_in_directory=False)
    page = CareerPageFactory()
    CareerPageResourceFactory(page=page, resource=hidden)
    assert "Hidden Handbook" not in visible_text(client.get("/resources/").content)
    assert "Hidden Handbook" in visible_text(
        client.get(page.get_absolute_url()).content
    )


def test_a_link_typed_without_a_scheme_in_the_admin_is_https(admin_client):
    url = admin_url(Resource, "add")
    data = change_form_data(
        admin_client.get(url), name="BLS Handbook", url="www.bls.gov/ooh/", position=1
    )
    assert admin_client.post(url, data).status_code == 302
    assert Resource.objects.get(name="BLS Handbook").url == "https://www.bls.gov/ooh/"


def test_a_career_pages_resources_text_without_links_shows_without_an_empty_list(
    client,
):
    page = CareerPageFactory(
        resources_introduction="",
        resources_conclusion="The [BLS handbook](https://www.bls.gov/ooh/) is a start.",
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert f"{page.career_name} Career Resources" in visible_text(html)
    assert "The BLS handbook is a start." in visible_text(html)
    assert 'class="resources"' not in html


def test_a_career_page_without_resources_has_no_resources_section(client):
    page = CareerPageFactory(resources_introduction="", resources_conclusion="")
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Career Resources" not in text
