"""Deleted career pages, resources and occupations are listed, each linked to its
history, where a version restores it: the message after the delete had been the
only way back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from occupations.models import CareerPage, Task
from tests.admin_forms import admin_url, change_form_data
from tests.editorial.test_history import (
    editor_with,
    restore_deleted,
    restore_url_of,
)
from tests.factories import (
    CareerPageFactory,
    OccupationFactory,
    ResourceFactory,
    TaskFactory,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db

DELETED_URL = "/admin/occupations/careerpage/deleted/"


def test_a_deleted_page_is_listed_until_it_is_restored(admin_client):
    kept = CareerPageFactory(title="Kept Career Path")
    gone = CareerPageFactory(title="Deleted Career Path")
    admin_client.post(admin_url(CareerPage, "delete", gone.pk), {"post": "yes"})

    changelist = admin_client.get(admin_url(CareerPage, "changelist"))
    assert f'<a href="{DELETED_URL}">Deleted career pages</a>' in (
        changelist.content.decode()
    )
    listed = admin_client.get(DELETED_URL)
    html = listed.content.decode()
    history_url = admin_url(CareerPage, "history", gone.pk)
    assert f'<a href="{history_url}">Deleted Career Path</a>' in html
    assert "admin" in visible_text(listed.content)  # who deleted it
    assert kept.title not in html

    restore_deleted(admin_client, gone.pk)
    assert admin_client.get(DELETED_URL).context["records"] == []


def test_a_page_deleted_twice_is_listed_once(admin_client):
    page = CareerPageFactory(title="Twice Deleted")
    pk = page.pk
    page.delete()
    restore_deleted(admin_client, pk).delete()
    records = admin_client.get(DELETED_URL).context["records"]
    assert [label for label, _, _ in records] == ["Twice Deleted"]


@pytest.mark.parametrize(
    ("factory", "url"),
    [
        (CareerPageFactory, DELETED_URL),
        (OccupationFactory, "/admin/occupations/occupation/deleted/"),
        (ResourceFactory, "/admin/resources/resource/deleted/"),
    ],
    ids=["career pages", "occupations", "resources"],
)
def test_the_deleted_lists_run_the_same_queries_however_many(
    admin_client, factory, url
):
    """An occupation's name cost a query: its history leaves fields out, which
    the library fetched to make each record's instance."""

    def queries_listing(deleted):
        for record in factory.create_batch(deleted):
            record.delete()
        admin_client.get(url)  # per-process caches first
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url)
        return len(response.context["records"]), len(queries)

    listed, one = queries_listing(1)
    assert listed == 1
    listed, more = queries_listing(20)
    assert listed == 21
    assert more == one


def test_resources_list_their_deleted_ones_too(admin_client):
    resource = ResourceFactory(name="Gone Resource")
    resource.delete()
    html = admin_client.get("/admin/resources/resource/deleted/").content.decode()
    assert "Gone Resource" in html


def test_those_who_may_not_see_pages_may_not_see_deleted_ones(client):
    CareerPageFactory().delete()
    editor_with(client, "view_subscriber")
    assert client.get(DELETED_URL).status_code == 403
    editor_with(client, "view_careerpage")
    response = client.get(DELETED_URL)
    assert response.status_code == 200
    assert "Each one's history shows what it held." in visible_text(response.content)


def test_rows_of_occupations_have_no_deleted_list(admin_client):
    """Imports remove them by the thousand."""
    TaskFactory().delete()
    with pytest.raises(NoReverseMatch):
        reverse("admin:occupations_task_deleted")
    changelist = admin_client.get(admin_url(Task, "changelist")).content.decode()
    assert "Deleted tasks" not in changelist


def test_restoring_a_deleted_page_says_restored_not_reverted(admin_client):
    page = CareerPageFactory(title="Brought Back")
    pk = page.pk
    page.delete()
    restore_url = restore_url_of(pk)
    form = admin_client.get(restore_url)
    response = admin_client.post(restore_url, change_form_data(form), follow=True)
    text = visible_text(response.content)
    assert "The career page “Brought Back” was restored." in text
    assert "reverted" not in text
