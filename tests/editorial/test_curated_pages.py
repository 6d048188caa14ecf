"""A curated career page lists only its occupation's featured rows: saved with
none of a kind, the editor is told which sections the page leaves out."""

import pytest

from occupations.models import CareerPage
from tests.admin_forms import admin_url, change_form_data
from tests.factories import (
    CareerPageFactory,
    OccupationSkillFactory,
    OccupationTechnologyFactory,
    TaskFactory,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def save_as(client, page, data_lists):
    url = admin_url(CareerPage, "change", page.pk)
    data = change_form_data(client.get(url), data_lists=data_lists)
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return [str(message) for message in response.context["messages"]]


def test_switching_to_curated_without_featured_rows_warns(admin_client, client):
    page = CareerPageFactory(occupation__title="Actors")
    TaskFactory(occupation=page.occupation, is_featured=True)
    OccupationSkillFactory(occupation=page.occupation, is_featured=False)
    OccupationTechnologyFactory(occupation=page.occupation, is_featured=False)

    messages = save_as(admin_client, page, CareerPage.DataLists.CURATED)
    warning = next(message for message in messages if "featured" in message)
    assert visible_text(warning) == (
        f"This page lists only featured rows, and “{page.occupation}” has no "
        "featured skills or technologies: the page leaves those sections out. "
        "Tick featured on the rows to show in the occupation’s form, or list all "
        "data."
    )
    assert f'href="/admin/occupations/occupation/{page.occupation_id}/change/"' in (
        warning
    )

    # All data, or featured rows of each kind: no warning.
    assert not [m for m in save_as(admin_client, page, "all") if "featured" in m]
    OccupationSkillFactory(occupation=page.occupation, is_featured=True)
    OccupationTechnologyFactory(occupation=page.occupation, is_featured=True)
    messages = save_as(admin_client, page, CareerPage.DataLists.CURATED)
    assert not [message for message in messages if "featured" in message]
