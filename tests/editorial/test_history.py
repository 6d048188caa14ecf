"""Revision history: who changed what and when, with a diff, and revert."""

import pytest

from occupations.models import CareerPage, Task
from tests.editorial.conftest import admin_url, change_form_data
from tests.factories import CareerPageFactory, TaskFactory
from tests.html_text import visible_text
from tests.security.test_headers import inline_code

pytestmark = pytest.mark.django_db


def edit_page(client, page, **changes):
    form = client.get(admin_url(CareerPage, "change", page.pk))
    response = client.post(
        admin_url(CareerPage, "change", page.pk), change_form_data(form, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_history_lists_who_changed_what_with_a_diff(admin_client):
    page = CareerPageFactory(duties="First version.")
    edit_page(admin_client, page, duties="Second version.")
    response = admin_client.get(admin_url(CareerPage, "history", page.pk))
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "Changed" in text and "admin" in text
    assert "Duties: First version. → Second version." in text
    assert "Updated at:" not in text  # timestamps are not listed as changes
    found = inline_code(response.content.decode())
    assert found.inline_scripts == [] and found.attributes == []


def test_history_revert_restores_an_earlier_version(admin_client, client):
    page = CareerPageFactory(duties="Original duties.")
    edit_page(admin_client, page, duties="A regrettable change.")
    first = page.history.earliest()
    revert_url = admin_url(CareerPage, "simple_history", page.pk, first.history_id)
    form = admin_client.get(revert_url)
    assert form.status_code == 200
    response = admin_client.post(revert_url, change_form_data(form))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.duties == "Original duties."
    assert "Original duties." in visible_text(
        client.get(page.get_absolute_url()).content
    )
    assert page.history.count() == 3  # created, changed, reverted


def test_history_records_data_edits_too(admin_client):
    task = TaskFactory(statement="Old statement.")
    response = admin_client.post(
        admin_url(Task, "change", task.pk),
        {
            "occupation": task.occupation_id,
            "onet_task_id": task.onet_task_id,
            "task_type": "core",
            "statement": "New statement.",
            "position": 0,
        },
    )
    assert response.status_code == 302
    latest = task.history.latest()
    assert (latest.statement, latest.history_user.username) == (
        "New statement.",
        "admin",
    )
    text = visible_text(admin_client.get(admin_url(Task, "history", task.pk)).content)
    assert "Statement: Old statement. → New statement." in text
