"""Requests no admin page sends (a mangled POST, a hand-typed address) get the
admin's own answer to bad input: a message or the page again, never a 500."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from occupations.models import CareerPage
from resources.models import Resource
from tests.admin_forms import admin_url
from tests.factories import CareerPageFactory, ResourceFactory
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db

UNREADABLE_IDS = ["abc", "1.5", "9" * 25, "\x00"]


@pytest.mark.parametrize("selected", UNREADABLE_IDS)
@pytest.mark.parametrize(
    "model, action", [(CareerPage, "publish_now"), (Resource, "delete_selected")]
)
def test_an_action_on_unreadable_ids_selects_nothing(
    admin_client, model, action, selected
):
    CareerPageFactory()
    ResourceFactory()
    response = admin_client.post(
        admin_url(model, "changelist"),
        {"action": action, "index": "0", "_selected_action": selected},
        follow=True,
    )
    assert response.status_code == 200
    assert "Items must be selected" in response.content.decode()


@pytest.mark.parametrize(
    "model, action", [(CareerPage, "publish_now"), (Resource, "delete_selected")]
)
def test_an_action_on_rows_deleted_meanwhile_says_so(admin_client, model, action):
    """Publishing said "the selected pages were live already"."""
    CareerPageFactory()
    ResourceFactory()
    response = admin_client.post(
        admin_url(model, "changelist"),
        {"action": action, "index": "0", "_selected_action": "999999999"},
        follow=True,
    )
    assert response.status_code == 200
    plural = model._meta.verbose_name_plural
    assert f"None of the selected {plural} is in the list any more" in (
        visible_text(response.content)
    )
    assert "already" not in visible_text(response.content)


@pytest.mark.parametrize(
    "query",
    [
        "updated_at__year=9999",
        "updated_at__year=9999&updated_at__month=12&updated_at__day=31",
        "updated_at__year=0",
    ],
)
def test_a_date_drill_down_past_the_calendar_is_the_unfiltered_list(
    admin_client, query
):
    CareerPageFactory()
    response = admin_client.get(f"{admin_url(CareerPage, 'changelist')}?{query}")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize("value", ["abc", "2024-02-30", "2024-13-01T10:00"])
def test_an_add_form_prefilled_with_an_unreadable_time_opens_without_it(
    admin_client, value
):
    response = admin_client.get(
        f"{admin_url(CareerPage, 'add')}?published_at={value}&career_name=Baker"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Baker"' in html
    # The field shows its default, now, instead.
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html


def test_an_add_form_prefilled_with_a_readable_time_shows_it(admin_client):
    response = admin_client.get(
        f"{admin_url(CareerPage, 'add')}?published_at=2030-01-02T03:04:05"
    )
    assert response.status_code == 200
    assert 'value="2030-01-02"' in response.content.decode()


@pytest.mark.parametrize("permission", ["abc", "9" * 25])
def test_a_many_to_many_choice_past_the_column_range_is_a_form_error(
    admin_client, permission
):
    response = admin_client.post(
        admin_url(Group, "add"), {"name": "Reviewers", "permissions": permission}
    )
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert not Group.objects.filter(name="Reviewers").exists()


def test_view_on_site_with_an_id_no_row_can_have_is_404(admin_client):
    """/admin/r/<type>/<id>/: Django's view answers "abc" with a 404, but a number
    past the column's range was a 500 for a model keyed by a one-to-one field."""
    for content_type in ContentType.objects.all():
        for object_id in UNREADABLE_IDS[:3]:
            url = reverse("admin:view_on_site", args=[content_type.pk, object_id])
            response = admin_client.get(url)
            assert response.status_code == 404, (content_type, object_id)
