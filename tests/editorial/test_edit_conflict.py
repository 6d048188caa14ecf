"""Two editors, or two tabs, with one record open: the later save is refused with
a message instead of silently undoing the earlier one."""

import re

import pytest
from django.contrib import admin

from occupations.models import (
    AlternateTitle,
    CareerPage,
    JobZone,
    Occupation,
    RelatedOccupation,
    SkillCategory,
    SocMajorGroup,
    Task,
    TechnologyCategory,
)
from resources.models import Resource
from tests.admin_forms import admin_url, change_form_data
from tests.factories import (
    CareerPageFactory,
    CareerPageResourceFactory,
    OccupationFactory,
    RelatedOccupationFactory,
    ResourceFactory,
    TaskFactory,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def opened_form(client, url):
    """The change form as a browser would post it, with the version it shows."""
    return opened_form_from(client.get(url))


def opened_form_from(response):
    opened_at = re.search(
        r'name="form_state" value="([^"]+)"', response.content.decode()
    ).group(1)
    return {**change_form_data(response), "form_state": opened_at}


def test_a_save_after_someone_elses_is_refused_and_keeps_what_was_typed(
    admin_client, client
):
    page = CareerPageFactory(duties="Original duties.", qualifications="Original.")
    url = admin_url(CareerPage, "change", page.pk)
    first_tab, second_tab = (
        opened_form(admin_client, url),
        opened_form(admin_client, url),
    )

    first = admin_client.post(url, {**first_tab, "qualifications": "First editor's."})
    assert first.status_code == 302
    second = admin_client.post(url, {**second_tab, "duties": "Second editor now."})

    assert second.status_code == 200
    text = visible_text(second.content)
    assert "This career page was changed after you opened it" in text
    assert "Second editor now." in second.content.decode()  # still in the form
    # Saving the returned form again is refused again: it still holds the first
    # editor's field as it was before their save.
    again = admin_client.post(url, opened_form_from(second))
    assert "was changed after you opened it" in visible_text(again.content)
    page.refresh_from_db()
    assert (page.qualifications, page.duties) == ("First editor's.", "Original duties.")


def test_rows_deleted_in_another_tab_are_a_clear_message(admin_client):
    """A row the first tab deleted made the second tab's save fail with "Please
    correct the error below" and no error shown."""
    page = CareerPageFactory()
    link = CareerPageResourceFactory(page=page)
    CareerPageResourceFactory(page=page)
    url = admin_url(CareerPage, "change", page.pk)
    first_tab, second_tab = (
        opened_form(admin_client, url),
        opened_form(admin_client, url),
    )
    row_id = next(k for k, v in first_tab.items() if k.endswith("-id") and v == link.pk)
    prefix = row_id.removesuffix("-id")
    assert (
        admin_client.post(url, {**first_tab, f"{prefix}-DELETE": "on"}).status_code
        == 302
    )
    assert not page.page_resources.filter(pk=link.pk).exists()

    second = admin_client.post(url, {**second_tab, "duties": "Second editor now."})
    assert "was changed after you opened it" in visible_text(second.content)


def test_an_occupation_is_checked_too_and_a_fresh_form_saves(admin_client):
    page = CareerPageFactory()
    occupation = page.occupation
    url = admin_url(Occupation, "change", occupation.pk)
    stale = opened_form(admin_client, url)
    assert admin_client.post(url, {**stale, "title": "Renamed"}).status_code == 302
    refused = admin_client.post(url, {**stale, "title": "Renamed again"})
    assert "was changed after you opened it" in visible_text(refused.content)
    fresh = opened_form(admin_client, url)
    assert (
        admin_client.post(url, {**fresh, "title": "Renamed again"}).status_code == 302
    )
    occupation.refresh_from_db()
    assert occupation.title == "Renamed again"


def test_a_row_edited_through_its_own_admin_is_a_change_too(admin_client):
    """The occupation's form shows its tasks: a task changed through the task
    admin would have been put back by a save from a form opened before."""
    task = TaskFactory(statement="Original statement.")
    url = admin_url(Occupation, "change", task.occupation.pk)
    stale = opened_form(admin_client, url)
    task_url = admin_url(Task, "change", task.pk)
    edited = change_form_data(admin_client.get(task_url), statement="Newer statement.")
    assert admin_client.post(task_url, edited).status_code == 302

    refused = admin_client.post(url, {**stale, "title": "Renamed"})
    assert "was changed after you opened it" in visible_text(refused.content)
    task.refresh_from_db()
    assert task.statement == "Newer statement."


def test_an_import_since_the_form_was_opened_is_a_change_too(admin_client):
    from django.core.management import call_command

    from tests.occupations.test_importers import ONET

    occupation = OccupationFactory(code="15-2031.00", job_zone=None)
    url = admin_url(Occupation, "change", occupation.pk)
    stale = opened_form(admin_client, url)
    call_command("import_onet", ONET, verbosity=0)
    refused = admin_client.post(url, {**stale, "title": "Renamed"})
    assert "was changed after you opened it" in visible_text(refused.content)
    occupation.refresh_from_db()
    assert occupation.job_zone is not None  # the import's, not the stale form's


def stale_save_is_refused(client, model, obj, field):
    url = admin_url(model, "change", obj.pk)
    first_tab, second_tab = opened_form(client, url), opened_form(client, url)
    assert client.post(url, {**first_tab, field: "Second."}).status_code == 302
    refused = client.post(url, {**second_tab, field: "Third."})
    assert "was changed after you opened it" in visible_text(refused.content)
    obj.refresh_from_db()
    assert getattr(obj, field) == "Second."


def test_admins_with_history_refuse_a_stale_save(admin_client):
    """The last save no longer silently wins: a task and a resource here, as two
    of the admins sharing the check (`EditConflictMixin`); that every change form
    carries what it showed is `test_every_change_form_carries_what_it_showed`."""
    task = TaskFactory(statement="First.")
    stale_save_is_refused(admin_client, Task, task, "statement")
    resource = ResourceFactory(description="First.")
    stale_save_is_refused(admin_client, Resource, resource, "description")


@pytest.mark.parametrize(
    "model, field",
    [
        (SkillCategory, "name"),
        (TechnologyCategory, "title"),
        (JobZone, "name"),
        (SocMajorGroup, "title"),
        (AlternateTitle, "title"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_admins_without_a_history_refuse_a_stale_save_too(
    admin_client, demo, model, field
):
    """No revisions to restore from there, so a silent overwrite was lost for
    good."""
    stale_save_is_refused(admin_client, model, model.objects.first(), field)


# Subscribers are left out: an address's record is read-only once signed up.
EDITABLE_MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"occupations", "resources"}
    ),
    key=lambda model: model._meta.label,
)


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=lambda model: model._meta.label)
def test_every_change_form_carries_what_it_showed(admin_client, demo, model):
    obj = model.objects.first()
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert 'name="form_state"' in response.content.decode()


def list_form_data(response, **changes):
    """A changelist's in-place edit form as a browser would POST it untouched, plus
    `changes` ({field name: value})."""
    formset = response.context["cl"].formset
    data = {
        formset.management_form.add_prefix(name): field.value()
        for name, field in (
            (name, formset.management_form[name])
            for name in formset.management_form.fields
        )
    }
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[form.add_prefix(name)] = value
    return {**data, **changes, "_save": "Save"}


def test_list_saved_after_another_editors_change_is_refused(admin_client):
    """Editable columns (a resource's position): a list opened before another
    editor's save, and saved untouched, put the old values back."""
    first, second = ResourceFactory(position=1), ResourceFactory(position=2)
    url = admin_url(Resource, "changelist")
    opened = admin_client.get(url)
    Resource.objects.filter(pk=first.pk).update(position=77)  # someone else

    response = admin_client.post(url, list_form_data(opened))
    assert response.status_code == 200
    assert "changed after you opened it" in visible_text(response.content)
    first.refresh_from_db()
    assert first.position == 77

    # A list opened afresh saves.
    fresh = admin_client.get(url)
    edited = list_form_data(fresh)
    position = next(
        key for key, value in edited.items() if key.endswith("-position") and value == 2
    )
    response = admin_client.post(url, {**edited, position: 5})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.position == 5


def test_list_save_naming_a_row_no_id_can_name_is_refused(admin_client):
    ResourceFactory(position=1)
    url = admin_url(Resource, "changelist")
    data = list_form_data(admin_client.get(url))
    row_id = next(key for key in data if key.endswith("-id"))
    response = admin_client.post(url, {**data, row_id: "9" * 23})
    assert response.status_code == 400
    assert Resource.objects.get().position == 1


def test_a_save_of_a_record_deleted_since_shows_what_was_typed(admin_client):
    """Django sent the editor to the admin's home page ("Perhaps it was
    deleted?"), and what they had typed was lost."""
    page = CareerPageFactory(career_name="Data Wrangler", duties="Old duties.")
    CareerPageResourceFactory(page=page, resource=ResourceFactory(name="R Handbook"))
    url = admin_url(CareerPage, "change", page.pk)
    opened = opened_form(admin_client, url)
    page_pk = page.pk
    page.delete()

    response = admin_client.post(
        url,
        {**opened, "duties": "Clean data.\nThen model it.", "status": "draft"},
    )

    assert response.status_code == 409
    text = visible_text(response.content)
    assert "This career page was deleted after you opened it" in text
    assert "nothing was saved" in text
    assert "Clean data. Then model it." in text  # the new text
    assert "Data Wrangler" in text  # as the form held it
    assert "Status Draft" in text  # a choice by its name
    assert "Career page resource 1: Resource R Handbook" in text
    assert not CareerPage.objects.exists()
    # Where it comes back from, with what it held before the delete.
    history_url = admin_url(CareerPage, "history", page_pk)
    assert f'<a href="{history_url}">restore it from its history</a>' in (
        response.content.decode()
    )
    # Its newest version, the deletion's, brings it back with its links.
    history = admin_client.get(history_url).content.decode()
    newest = re.search(rf'href="({re.escape(history_url)}\d+/)"', history)[1]
    restore = admin_client.post(newest, change_form_data(admin_client.get(newest)))
    assert restore.status_code == 302
    restored = CareerPage.objects.get(pk=page_pk)
    assert restored.duties == "Old duties."
    assert [link.resource.name for link in restored.page_resources.all()] == [
        "R Handbook"
    ]


@pytest.mark.parametrize("occupation", ["abc", "99999999999999999999", "-1"])
def test_a_record_deleted_since_shows_a_choice_no_row_has_as_sent(
    admin_client, occupation
):
    page = CareerPageFactory()
    url = admin_url(CareerPage, "change", page.pk)
    opened = opened_form(admin_client, url)
    page.delete()
    response = admin_client.post(url, {**opened, "occupation": occupation})
    assert response.status_code == 409
    assert f"Occupation {occupation}" in visible_text(response.content)


def test_a_record_deleted_since_is_not_shown_to_one_who_may_not_change_it(
    client, django_user_model
):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_careerpage"))
    client.force_login(viewer)
    page = CareerPageFactory()
    url = admin_url(CareerPage, "change", page.pk)
    page.delete()
    assert client.post(url, {"duties": "Typed."}).status_code == 403


def test_a_row_posted_with_another_records_row_id_is_refused(admin_client):
    """Django skipped such a row without a word: "changed successfully", and the
    edit in it saved nowhere."""
    task = TaskFactory(statement="Own task.")
    other = TaskFactory(statement="Another occupation's task.")
    url = admin_url(Occupation, "change", task.occupation.pk)
    data = change_form_data(admin_client.get(url))
    row = next(
        key for key, value in data.items() if key.endswith("-id") and value == task.pk
    )
    prefix = row.removesuffix("-id")
    response = admin_client.post(
        url, {**data, row: other.pk, f"{prefix}-statement": "Edited statement."}
    )
    assert response.status_code == 200
    assert (
        "Row 1 of the tasks belongs to another occupation or no longer exists"
        in visible_text(response.content)
    )
    assert "Edited statement." in response.content.decode()  # still in the form
    assert set(Task.objects.values_list("statement", flat=True)) == {
        "Own task.",
        "Another occupation's task.",
    }


def test_a_user_deleted_since_shows_the_change_forms_fields(
    admin_client, django_user_model
):
    """The add form of a user has other fields than its change form: the name and
    email typed were left out."""
    user = django_user_model.objects.create_user("bob")
    url = f"/admin/auth/user/{user.pk}/change/"
    data = {"username": "bob", "first_name": "Robert", "email": "rob@example.com"}
    user.delete()
    response = admin_client.post(url, {**data, "odd\nkey": "x"})
    assert response.status_code == 409
    text = visible_text(response.content)
    assert "First name Robert" in text
    assert "Email address rob@example.com" in text


def test_a_record_deleted_since_leaves_out_rows_marked_to_delete(admin_client):
    page = CareerPageFactory()
    kept = CareerPageResourceFactory(page=page, resource=ResourceFactory(name="Kept"))
    gone = CareerPageResourceFactory(page=page, resource=ResourceFactory(name="Gone"))
    url = admin_url(CareerPage, "change", page.pk)
    opened = opened_form(admin_client, url)
    row_id = next(k for k, v in opened.items() if k.endswith("-id") and v == gone.pk)
    prefix = row_id.removesuffix("-id")
    page.delete()
    response = admin_client.post(url, {**opened, f"{prefix}-DELETE": "on"})
    text = visible_text(response.content)
    assert f"Resource {kept.resource.name}" in text
    assert "Resource Gone" not in text


def test_a_save_to_an_id_no_record_can_have_gets_djangos_answer(admin_client):
    response = admin_client.post("/admin/occupations/careerpage/abc/change/", {})
    assert response.status_code == 302


def test_a_change_the_form_does_not_show_is_no_conflict(admin_client):
    """Editing a related occupation in its own admin dates the occupation (its
    page's "Last updated"), but the occupation's form does not show related
    occupations: its save was refused though nothing it showed had changed."""
    related = RelatedOccupationFactory()
    occupation = related.occupation
    url = admin_url(Occupation, "change", occupation.pk)
    opened = opened_form(admin_client, url)
    related_url = admin_url(RelatedOccupation, "change", related.pk)
    edited = change_form_data(admin_client.get(related_url), index=related.index + 1)
    assert admin_client.post(related_url, edited).status_code == 302
    dated = Occupation.objects.get(pk=occupation.pk).updated_at
    assert dated > occupation.updated_at  # the page's date follows the edit

    saved = admin_client.post(url, {**opened, "title": "Renamed"})
    assert saved.status_code == 302
    occupation.refresh_from_db()
    assert occupation.title == "Renamed"
