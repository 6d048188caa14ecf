"""Roles: Editors edit career content; Newsletter managers handle subscribers."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from newsletter.models import Subscriber, SubscriberExport
from occupations.models import CareerPage
from tests.admin_forms import admin_url, change_form_data
from tests.factories import CareerPageFactory, SubscriberFactory, UserFactory
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
        "admin:newsletter_subscriber_changelist",
    ],
)
def test_editor_cannot_reach_users_groups_or_subscribers(editor_client, url):
    assert editor_client.get(reverse(url)).status_code == 403


def test_editor_edits_a_career_page(editor_client, client):
    page = CareerPageFactory(duties="Before.")
    form = editor_client.get(admin_url(CareerPage, "change", page.pk))
    assert form.status_code == 200
    response = editor_client.post(
        admin_url(CareerPage, "change", page.pk),
        change_form_data(form, duties="Written by an editor."),
    )
    assert response.status_code == 302
    assert (
        "Written by an editor." in client.get(page.get_absolute_url()).content.decode()
    )
    assert page.history.latest().history_user.username == "edna"


def test_editor_admin_index_lists_content_not_people(editor_client):
    content = editor_client.get(reverse("admin:index")).content.decode()
    assert "Career pages" in content and "Resources" in content
    assert "Subscribers" not in content and "Users" not in content


@pytest.fixture
def manager_client(client):
    user = UserFactory(username="nora", is_staff=True)
    user.groups.add(Group.objects.get(name="Newsletter managers"))
    client.force_login(user)
    return client


def test_newsletter_manager_exports_subscribers(manager_client):
    subscriber = SubscriberFactory()
    response = manager_client.post(
        admin_url(Subscriber, "changelist"),
        {"action": "export_confirmed_csv", "_selected_action": [subscriber.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert subscriber.email in response.content.decode()
    # The list of exports says who took the list away, and cannot be edited.
    exports = manager_client.get(admin_url(SubscriberExport, "changelist"))
    assert exports.status_code == 200
    assert "nora" in visible_text(exports.content)
    assert "Add subscriber export" not in visible_text(exports.content)
    (export_record,) = SubscriberExport.objects.all()
    change_url = admin_url(SubscriberExport, "change", export_record.pk)
    assert manager_client.post(change_url, {"subscriber_count": 0}).status_code == 403
    delete_url = admin_url(SubscriberExport, "delete", export_record.pk)
    assert manager_client.post(delete_url, {"post": "yes"}).status_code == 403
    export_record.refresh_from_db()
    assert export_record.subscriber_count == 1


def test_newsletter_manager_adds_an_address_which_its_owner_confirms(
    manager_client, mailoutbox, django_capture_on_commit_callbacks
):
    """The README said addresses may be added in the admin; the role could not."""
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            admin_url(Subscriber, "add"), {"email": "met.at.the.fair@example.org"}
        )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(email="met.at.the.fair@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.source_path == "admin: added by nora"
    assert [message.to for message in mailoutbox] == [["met.at.the.fair@example.org"]]


def test_newsletter_manager_cannot_edit_career_pages(manager_client):
    page = CareerPageFactory()
    assert (
        manager_client.get(admin_url(CareerPage, "change", page.pk)).status_code == 403
    )
    assert manager_client.get(admin_url(CareerPage, "changelist")).status_code == 403


def test_setup_roles_command_restores_the_role_permissions():
    editors = Group.objects.get(name="Editors")
    editors.permissions.clear()
    call_command("setup_roles", stdout=StringIO())
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"change_careerpage", "add_resource", "change_task"} <= codenames
    assert not {c for c in codenames if "subscriber" in c or "user" in c}


def test_setup_roles_command_takes_back_permissions_given_by_hand(editor_client):
    """roles.py promises each group holds exactly its listed permissions after
    setup_roles (run at every deploy): one ticked for the Editors by hand in the
    admin would stay for good if the list were only added to what they hold."""
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="view_user")
    )
    users = reverse("admin:auth_user_changelist")
    assert editor_client.get(users).status_code == 200
    call_command("setup_roles", stdout=StringIO())
    assert editor_client.get(users).status_code == 403
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert "view_user" not in codenames
    assert {"change_careerpage", "add_resource", "change_task"} <= codenames
