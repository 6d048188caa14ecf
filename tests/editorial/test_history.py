"""Revision history: who changed what and when, with a diff, and revert."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db.models import F
from django.utils import timezone

from occupations.models import (
    CareerPage,
    DataRelease,
    EmploymentProjection,
    Occupation,
    OccupationSkill,
    OccupationTechnology,
    Task,
    Technology,
    WageEstimate,
)
from resources.models import CareerPageResource
from tests.admin_forms import admin_url, change_form_data
from tests.factories import (
    CareerPageFactory,
    CareerPageResourceFactory,
    DataReleaseFactory,
    EmploymentProjectionFactory,
    OccupationFactory,
    OccupationSkillFactory,
    OccupationTechnologyFactory,
    ResourceFactory,
    TaskFactory,
    TechnologyFactory,
    UserFactory,
    WageEstimateFactory,
)
from tests.html_text import visible_text
from tests.security.test_headers import inline_code

pytestmark = pytest.mark.django_db


def edit_page(client, page, **changes):
    form = client.get(admin_url(CareerPage, "change", page.pk))
    response = client.post(
        admin_url(CareerPage, "change", page.pk), change_form_data(form, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


def editor_with(client, *codenames):
    """A staff member with just these permissions, signed in on `client`."""
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(editor)
    return editor


def test_history_lists_who_changed_what_with_a_diff(admin_client):
    page = CareerPageFactory(duties="First version.")
    edit_page(admin_client, page, duties="Second version.")
    response = admin_client.get(admin_url(CareerPage, "history", page.pk))
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "Changed" in text and "admin" in text
    assert "Duties: First version. → Second version." in text
    assert "Updated at:" not in text  # timestamps are not listed as changes
    assert "Publish at:" not in text  # nor a publish time the form rounded
    found = inline_code(response.content.decode())
    assert found.inline_scripts == [] and found.attributes == []


def test_history_revert_restores_an_earlier_version(admin_client, client):
    page = CareerPageFactory(duties="Original duties.")
    edit_page(admin_client, page, duties="A regrettable change.")
    first = page.history.earliest()
    revert_url = admin_url(CareerPage, "simple_history", page.pk, first.history_id)
    form = admin_client.get(revert_url)
    assert form.status_code == 200
    response = admin_client.post(revert_url, change_form_data(form), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    # It linked to the revert form of the old version; and no resource link
    # changed, which went without a "(0 changes)" message.
    assert messages == [
        f'The career page “<a href="{admin_url(CareerPage, "change", page.pk)}">'
        f"{page}</a>” was reverted."
    ]
    page.refresh_from_db()
    assert page.duties == "Original duties."
    assert "Original duties." in visible_text(
        client.get(page.get_absolute_url()).content
    )
    assert page.history.count() == 3  # created, changed, reverted


@pytest.mark.parametrize("now_live", [False, True], ids=["unpublished", "published"])
def test_revert_keeps_whether_the_page_is_live(admin_client, client, now_live):
    """Undoing a text change took an unpublished page live again (the version was
    live), or a live page down (the version was a draft)."""
    then = CareerPage.Status.DRAFT if now_live else CareerPage.Status.PUBLISHED
    page = CareerPageFactory(status=then, duties="Good text.")
    edit_page(admin_client, page, duties="Bad text.")
    now = CareerPage.Status.PUBLISHED if now_live else CareerPage.Status.DRAFT
    edit_page(admin_client, page, status=now)
    first = page.history.earliest()
    revert_url = admin_url(CareerPage, "simple_history", page.pk, first.history_id)
    form = admin_client.get(revert_url)
    assert "status and publish time stay as they are now" in visible_text(form.content)
    assert admin_client.post(revert_url, change_form_data(form)).status_code == 302
    page.refresh_from_db()
    assert (page.duties, page.status) == ("Good text.", now)
    expected = 200 if now_live else 404
    assert client.get(page.get_absolute_url()).status_code == expected


def test_revert_keeps_what_only_imports_write(admin_client, client):
    """Reverting an occupation to the version an editor created put back that
    version's empty O*NET title and description, which imports then read as the
    editor's rewrite; the version's own title comes back."""
    occupation = OccupationFactory(title="Analysts", onet_title="")
    # An import writes the O*NET texts in bulk, without a revision.
    Occupation.objects.filter(pk=occupation.pk).update(
        onet_title="Analysts", onet_description="As O*NET describes them."
    )
    occupation.refresh_from_db()
    occupation.title = "Data Analysts"
    occupation.save()
    first = occupation.history.earliest()
    revert_url = admin_url(
        Occupation, "simple_history", occupation.pk, first.history_id
    )
    response = admin_client.post(
        revert_url, change_form_data(admin_client.get(revert_url))
    )
    assert response.status_code == 302
    occupation.refresh_from_db()
    assert occupation.title == "Analysts"
    assert (occupation.onet_title, occupation.onet_description) == (
        "Analysts",
        "As O*NET describes them.",
    )


def links_of(page):
    return [
        (link.resource.name, link.description)
        for link in page.page_resources.order_by("position", "id")
    ]


def test_revert_puts_back_the_resource_links_of_that_version(admin_client, client):
    page = CareerPageFactory(duties="Original duties.")
    kept = CareerPageResourceFactory(
        page=page, resource__name="Kept", description="As first written.", position=1
    )
    dropped = CareerPageResourceFactory(
        page=page, resource__name="Dropped", description="Gone later.", position=2
    )
    gone = CareerPageResourceFactory(page=page, resource__name="Deleted later")
    edit_page(admin_client, page, duties="Second duties.")
    # After that revision the links change: edited, removed, one added, and one
    # resource deleted altogether.
    kept.description = "Rewritten."
    kept.save()
    dropped.delete()
    gone.delete()
    gone.resource.delete()
    CareerPageResourceFactory(page=page, resource__name="Added later")

    first = page.history.earliest()
    revert_url = admin_url(CareerPage, "simple_history", page.pk, first.history_id)
    form = admin_client.get(revert_url)
    text = visible_text(form.content)
    assert "resource links back as they were in this version" in text
    assert "Kept: As first written." in text and "Dropped: Gone later." in text
    assert "a resource deleted since (not restored)" in text
    assert "Added later" not in text

    response = admin_client.post(revert_url, change_form_data(form), follow=True)
    assert "Resource links restored as they were in that version (3 changes)." in (
        visible_text(response.content)
    )
    page.refresh_from_db()
    assert page.duties == "Original duties."
    assert links_of(page) == [("Kept", "As first written."), ("Dropped", "Gone later.")]
    public = visible_text(client.get(page.get_absolute_url()).content)
    assert "Dropped" in public and "Added later" not in public
    # The restored links are revisions of their own: the revert can be undone.
    second = page.history.order_by("history_date")[1]
    undo_url = admin_url(CareerPage, "simple_history", page.pk, second.history_id)
    undo = admin_client.get(undo_url)
    assert admin_client.post(undo_url, change_form_data(undo)).status_code == 302
    page.refresh_from_db()
    assert page.duties == "Second duties."
    assert links_of(page) == [("Added later", ""), ("Kept", "Rewritten.")]


@pytest.mark.parametrize("deleted_after", [0, 300], ids=["at once", "later"])
def test_restoring_a_deleted_page_puts_back_its_resource_links(
    admin_client, deleted_after
):
    """Deleting the page deleted its links first: "as of the deletion" found none,
    the form said it had none, and the restored page had lost them."""
    page = CareerPageFactory(duties="Original duties.")
    CareerPageResourceFactory(page=page, resource__name="First", position=1)
    CareerPageResourceFactory(page=page, resource__name="Second", position=2)
    edit_page(admin_client, page, duties="Last duties.")
    pk = page.pk
    later = timezone.now() + datetime.timedelta(seconds=deleted_after)
    with time_machine.travel(later):
        page.delete()

    last = CareerPage.history.filter(id=pk, history_type="~").latest()
    restore_url = admin_url(CareerPage, "simple_history", pk, last.history_id)
    form = admin_client.get(restore_url)
    text = visible_text(form.content)
    assert "resource links back as they were in this version" in text
    assert "First" in text and "Second" in text
    response = admin_client.post(restore_url, change_form_data(form), follow=True)
    assert "Resource links restored as they were in that version (2 changes)." in (
        visible_text(response.content)
    )
    restored = CareerPage.objects.get(pk=pk)
    assert restored.duties == "Last duties."
    assert links_of(restored) == [("First", ""), ("Second", "")]


def restore_from_the_newest_row(client, history_url):
    """Open the newest version in a deleted page's history (the row of its
    deletion) and press Revert, as the message after the delete suggests."""
    history = client.get(history_url).content.decode()
    newest = re.search(rf'href="({re.escape(history_url)}\d+/)"', history)[1]
    form = client.get(newest)
    response = client.post(newest, change_form_data(form), follow=True)
    assert response.status_code == 200
    return form, response


def test_restoring_a_deleted_page_from_its_deletions_row_puts_back_its_links(
    admin_client, client
):
    """The deletion's row, at the top of the history, had no next revision to
    take the links from: the page came back with none, its Resources section an
    intro and a conclusion with nothing between."""
    page = CareerPageFactory(slug="restored-with-links", duties="Original duties.")
    CareerPageResourceFactory(
        page=page, resource__name="Wrangling Handbook", position=1
    )
    CareerPageResourceFactory(page=page, resource__name="Modelling Primer", position=2)
    edit_page(admin_client, page, duties="Last duties.")
    deleted = admin_client.post(
        admin_url(CareerPage, "delete", page.pk), {"post": "yes"}, follow=True
    )
    history_url = admin_url(CareerPage, "history", page.pk)
    assert f'open a version in <a href="{history_url}">' in deleted.content.decode()

    deletion = CareerPage.history.filter(id=page.pk).latest()
    assert deletion.history_type == "-"
    form, response = restore_from_the_newest_row(admin_client, history_url)
    assert form.request["PATH_INFO"].endswith(f"/{deletion.history_id}/")
    text = visible_text(form.content)
    assert "resource links back as they were in this version" in text
    assert "Wrangling Handbook" in text and "Modelling Primer" in text
    assert "Resource links restored as they were in that version (2 changes)." in (
        visible_text(response.content)
    )
    restored = CareerPage.objects.get(pk=page.pk)
    assert restored.duties == "Last duties."
    assert links_of(restored) == [("Wrangling Handbook", ""), ("Modelling Primer", "")]
    public = visible_text(client.get(restored.get_absolute_url()).content)
    assert "Wrangling Handbook" in public and "Modelling Primer" in public


def test_a_catalogue_page_deleted_unedited_comes_back_with_its_links(
    admin_client, excerpt_snapshot
):
    """A page the catalogue wrote has no revision before its deletion's: the
    links deleted with it are all it had."""
    from django.core.management import call_command

    call_command("load_catalogue", "--directory", excerpt_snapshot, verbosity=0)
    page = CareerPage.objects.order_by("pk").first()
    CareerPageResourceFactory(page=page, resource__name="Curated", position=1)
    assert (
        admin_client.post(
            admin_url(CareerPage, "delete", page.pk), {"post": "yes"}
        ).status_code
        == 302
    )
    assert list(page.history.values_list("history_type", flat=True)) == ["-"]

    restore_from_the_newest_row(admin_client, admin_url(CareerPage, "history", page.pk))
    assert links_of(CareerPage.objects.get(pk=page.pk)) == [("Curated", "")]


def history_rows(client, obj):
    """The rows of `obj`'s history list, newest first, each {column: its text}."""
    html = client.get(admin_url(type(obj), "history", obj.pk)).content.decode()
    table = re.search(r'<table id="change-history".*?</table>', html, re.S)[0]
    head, body = table.split("<tbody>")
    columns = [visible_text(th) for th in re.findall(r"<th[ >].*?</th>", head, re.S)]
    return [
        dict(
            zip(
                columns,
                map(visible_text, re.findall(r"<td.*?</td>", row, re.S)),
                strict=True,
            )
        )
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.parametrize(
    "factory",
    [
        CareerPageFactory,
        ResourceFactory,
        TaskFactory,
        DataReleaseFactory,
        WageEstimateFactory,
    ],
    ids=lambda factory: factory._meta.model.__name__,
)
def test_a_restored_records_history_says_restored_not_created(admin_client, factory):
    """Restoring saves the deleted record as new: its row read "Created", as if
    someone had made it anew."""
    record = factory()
    model = type(record)
    deleted = admin_client.post(admin_url(model, "delete", record.pk), {"post": "yes"})
    assert deleted.status_code == 302 and not model.objects.filter(pk=record.pk)
    restore_from_the_newest_row(admin_client, admin_url(model, "history", record.pk))
    assert model.objects.filter(pk=record.pk).exists()
    comments = [row["Comment"] for row in history_rows(admin_client, record)]
    assert comments == ["Restored", "Deleted", "Created"]


def restore_url_of(pk):
    """The restore form's address of the deleted page `pk`: its last version
    before the delete."""
    last = CareerPage.history.filter(id=pk).exclude(history_type="-").latest()
    return admin_url(CareerPage, "simple_history", pk, last.history_id)


def restore_deleted(client, pk):
    """Restore the deleted page `pk` from its last version before the delete."""
    restore_url = restore_url_of(pk)
    form = client.get(restore_url)
    assert client.post(restore_url, change_form_data(form)).status_code == 302
    return CareerPage.objects.get(pk=pk)


def test_restoring_a_deleted_page_redirects_its_former_addresses_again(
    admin_client, client
):
    """Deleted, the page took its former addresses along: restored, they were
    404s, where links and search results still pointed."""
    page = CareerPageFactory(slug="first-address")
    edit_page(admin_client, page, slug="second-address")
    edit_page(admin_client, page, slug="third-address")
    CareerPageFactory(slug="second-address")  # another page took it since
    pk = page.pk
    page.delete()
    restored = restore_deleted(admin_client, pk)
    assert restored.slug == "third-address"
    response = client.get("/careers/first-address/")
    assert response.status_code == 301
    assert response["Location"] == "/careers/third-address/"
    assert client.get("/careers/second-address/").status_code == 200  # the other's


def test_restoring_a_deleted_page_lets_the_editor_choose_its_status(
    admin_client, client
):
    """A deleted page has no status "now" to keep: its restore form kept the
    version's, and put a page live the editor meant to check first."""
    page = CareerPageFactory(slug="was-live")
    pk = page.pk
    page.delete()
    restore_url = restore_url_of(pk)
    form = admin_client.get(restore_url)
    assert "status" in form.context["adminform"].form.fields
    assert "stay as they are now" not in visible_text(form.content)
    data = change_form_data(form, status=CareerPage.Status.DRAFT, slug="checked-first")
    assert admin_client.post(restore_url, data).status_code == 302
    restored = CareerPage.objects.get(pk=pk)
    assert restored.status == CareerPage.Status.DRAFT
    assert client.get("/careers/checked-first/").status_code == 404  # a draft
    # The address it had when deleted is a former one of the address it has now.
    assert restored.former_slugs.filter(slug="was-live").exists()


def test_a_slow_delete_and_a_second_one_are_restored_with_their_links(admin_client):
    """Links deleted with their page used to be told from the page's by time: the
    revisions within 1 s before the page's. A delete of many pages at once takes
    longer than that between a page's links and the page itself."""
    start = timezone.now()

    def minutes_later(minutes):
        return time_machine.travel(start + datetime.timedelta(minutes=minutes))

    page = CareerPageFactory()
    CareerPageResourceFactory(page=page, resource__name="First", position=1)
    CareerPageResourceFactory(page=page, resource__name="Second", position=2)
    edit_page(admin_client, page, duties="Last duties.")
    pk = page.pk
    with minutes_later(5):
        deleted = admin_client.post(
            admin_url(CareerPage, "changelist"),
            {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
        )
    assert deleted.status_code == 302 and not CareerPage.objects.filter(pk=pk)
    # The links' deletions as a slow delete records them: 5 s before the page's.
    CareerPageResource.history.filter(page_id=pk, history_type="-").update(
        history_date=F("history_date") - datetime.timedelta(seconds=5)
    )
    with minutes_later(10):
        restored = restore_deleted(admin_client, pk)
    assert links_of(restored) == [("First", ""), ("Second", "")]

    # An editor removes a link, and the page is deleted again: the link deleted
    # with the page the first time (its row is gone, the restore made a new one)
    # does not come back.
    with minutes_later(15):
        restored.page_resources.get(resource__name="Second").delete()
        edit_page(admin_client, restored, duties="Later duties.")
        restored.delete()
    with minutes_later(20):
        restored = restore_deleted(admin_client, pk)
    assert links_of(restored) == [("First", "")]


@pytest.mark.django_db(transaction=True)
def test_pages_deleted_before_links_were_marked_are_restored_with_them(admin_client):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    page = CareerPageFactory()
    CareerPageResourceFactory(page=page, resource__name="First")
    edit_page(admin_client, page, duties="Last duties.")
    pk = page.pk
    page.delete()
    # As the delete recorded it before links deleted with their page were marked.
    CareerPageResource.history.filter(page_id=pk).update(history_change_reason=None)
    executor = MigrationExecutor(connection)
    executor.migrate([("resources", "0002_editorial_history")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("resources"))
    assert links_of(restore_deleted(admin_client, pk)) == [("First", "")]


def test_revert_to_the_latest_version_leaves_the_links_alone(admin_client):
    page = CareerPageFactory()
    edit_page(admin_client, page, duties="Latest duties.")
    CareerPageResourceFactory(page=page, resource__name="Added after")
    latest = page.history.latest()
    revert_url = admin_url(CareerPage, "simple_history", page.pk, latest.history_id)
    form = admin_client.get(revert_url)
    assert "resource links" not in visible_text(form.content)
    assert admin_client.post(revert_url, change_form_data(form)).status_code == 302
    assert links_of(page) == [("Added after", "")]


def test_who_may_only_view_a_page_cannot_revert_it(client):
    page = CareerPageFactory(duties="Original duties.")
    page.duties = "Current duties."
    page.save()
    editor_with(client, "view_careerpage")
    first = page.history.earliest()
    revert_url = admin_url(CareerPage, "simple_history", page.pk, first.history_id)
    form = client.get(revert_url)
    assert form.status_code == 200  # the old version may be looked at
    assert client.post(revert_url, change_form_data(form)).status_code == 403
    page.refresh_from_db()
    assert page.duties == "Current duties."


@pytest.mark.parametrize("model", [CareerPage, Task])
def test_a_history_address_that_names_nothing_is_not_an_error(admin_client, model):
    obj = CareerPageFactory() if model is CareerPage else TaskFactory()
    version = obj.history.latest().history_id
    huge = "9" * 23
    for args in (
        (obj.pk, "x"),
        ("x", version),
        (obj.pk, version + 1000),
        (obj.pk, huge),
    ):
        url = admin_url(model, "simple_history", *args)
        assert admin_client.get(url).status_code == 404, url
    # An id past the column's range is answered as the change form answers it.
    for object_id in ("x", huge):
        response = admin_client.get(admin_url(model, "history", object_id), follow=True)
        assert "doesn’t exist. Perhaps it was deleted?" in visible_text(
            response.content
        )


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


def test_a_technologys_hot_flag_and_a_release_date_have_history_and_revert(
    admin_client,
):
    """Both change what every page shows; they had no history to undo from."""
    technology = TechnologyFactory(is_hot_technology=True)
    url = admin_url(Technology, "change", technology.pk)
    form = admin_client.get(url)
    data = change_form_data(form)
    data.pop("is_hot_technology")  # unticked
    assert admin_client.post(url, data).status_code == 302
    technology.refresh_from_db()
    assert not technology.is_hot_technology

    history = visible_text(
        admin_client.get(admin_url(Technology, "history", technology.pk)).content
    )
    assert "Hot technology: True → False" in history
    first = technology.history.earliest()
    revert_url = admin_url(
        Technology, "simple_history", technology.pk, first.history_id
    )
    admin_client.post(revert_url, change_form_data(admin_client.get(revert_url)))
    technology.refresh_from_db()
    assert technology.is_hot_technology

    release = DataReleaseFactory()
    url = admin_url(DataRelease, "history", release.pk)
    assert admin_client.get(url).status_code == 200


def test_an_import_is_its_own_revision_so_the_editors_next_shows_only_theirs(
    admin_client,
):
    """An import wrote the O*NET texts without a revision: the editor's next save
    listed them as the editor's changes."""
    from django.core.management import call_command

    from tests.occupations.test_importers import ONET

    occupation = OccupationFactory(code="15-2031.00", title="Operations Analysts")
    call_command("import_onet", ONET, verbosity=0)
    url = admin_url(Occupation, "change", occupation.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), title="Decision Scientists")
    )
    assert response.status_code == 302

    editors, imports = occupation.history.all()[:2]
    assert imports.history_change_reason == "Import of O*NET 29.3"
    assert imports.history_user is None and imports.onet_title
    changed = editors.diff_against(imports, excluded_fields=("updated_at",))
    assert changed.changed_fields == ["title"]
    history = visible_text(
        admin_client.get(admin_url(Occupation, "history", occupation.pk)).content
    )
    assert "Import of O*NET 29.3" in history


def test_changed_by_names_the_editor_or_the_import_never_none(admin_client):
    """Revisions no one signed in wrote read "Changed by: None", as if "None"
    were someone's name."""
    from django.core.management import call_command

    from tests.occupations.test_importers import ONET

    occupation = OccupationFactory(code="15-2031.00", title="Operations Analysts")
    call_command("import_onet", ONET, verbosity=0)
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(admin_client.get(url), title="Decision Scientists")
    assert admin_client.post(url, data).status_code == 302

    rows = history_rows(admin_client, occupation)
    assert [(row["Changed by"], row["Change reason"]) for row in rows] == [
        ("admin", ""),
        ("Import", "Import of O*NET 29.3"),
        ("—", ""),  # created by a command (here the test's factory)
    ]


def test_rows_an_import_removes_are_credited_to_it(admin_client):
    """A task a new O*NET release no longer lists, or a wage row a BLS file no
    longer holds, is deleted by the import; the deletion's revision read "Changed
    by: —", as if someone unknown had deleted it."""
    from django.core.management import call_command

    from tests.occupations.test_importers import ONET, WAGES_2024

    call_command("import_onet", ONET, verbosity=0)
    call_command("import_wages", WAGES_2024, verbosity=0)
    chief_executives = Occupation.objects.get(code="11-1011.00")
    dropped_task = TaskFactory(occupation=chief_executives)
    dropped_wage = WageEstimateFactory(
        occupation=OccupationFactory(),
        release=DataRelease.objects.get(kind="wages", name="May 2024"),
    )
    call_command("import_onet", ONET, "--force", verbosity=0)
    call_command("import_wages", WAGES_2024, verbosity=0)

    assert not Task.objects.filter(pk=dropped_task.pk).exists()
    assert not WageEstimate.objects.filter(pk=dropped_wage.pk).exists()
    for dropped, reason in (
        (dropped_task, "Import of O*NET 29.3"),
        (dropped_wage, "Import of BLS OEWS, May 2024"),
    ):
        deletion, *_ = history_rows(admin_client, dropped)
        assert (deletion["Changed by"], deletion["Change reason"]) == (
            "Import",
            reason,
        )


def test_the_version_before_a_first_change_is_credited_to_no_one(
    admin_client, excerpt_snapshot
):
    from django.core.management import call_command

    call_command("load_catalogue", "--directory", excerpt_snapshot, verbosity=0)
    page = CareerPage.objects.order_by("pk").first()
    edit_page(admin_client, page, title="A Mistaken Title")
    rows = history_rows(admin_client, page)
    assert [(row["Changed by"], row["Change reason"]) for row in rows] == [
        ("admin", ""),
        ("—", "As it was before its first recorded change"),
    ]


def test_revert_across_an_import_keeps_the_imports_figures(admin_client):
    """An editor's first version predates the import: reverting to it undoes the
    editor's later rename, not what the import wrote (its title, Job Zone and
    education)."""
    from django.core.management import call_command

    from tests.occupations.test_importers import ONET

    occupation = OccupationFactory(
        code="15-2031.00", title="Analysts", job_zone=None, education_level=""
    )
    first = occupation.history.earliest()
    call_command("import_onet", ONET, verbosity=0)
    url = admin_url(Occupation, "change", occupation.pk)
    admin_client.post(url, change_form_data(admin_client.get(url), title="Renamed"))
    occupation.refresh_from_db()
    imported = (occupation.job_zone, occupation.education_level)
    assert occupation.title == "Renamed" and all(imported)
    onet_title = occupation.onet_title

    revert_url = admin_url(
        Occupation, "simple_history", occupation.pk, first.history_id
    )
    response = admin_client.post(
        revert_url, change_form_data(admin_client.get(revert_url))
    )
    assert response.status_code == 302
    occupation.refresh_from_db()
    assert occupation.title == onet_title == "Operations Research Analysts"
    assert (occupation.job_zone, occupation.education_level) == imported


def test_an_import_records_the_technologies_it_creates_or_changes(db):
    from django.core.management import call_command

    from tests.occupations.test_importers import ONET

    call_command("import_onet", ONET, verbosity=0)
    technology = Technology.objects.filter(is_hot_technology=True).first()
    assert technology.history.get().history_change_reason == "Import of O*NET 29.3"
    Technology.objects.filter(pk=technology.pk).update(is_hot_technology=False)
    call_command("import_onet", ONET, "--force", verbosity=0)
    flipped = technology.history.first()
    assert (flipped.history_type, flipped.is_hot_technology) == ("~", True)


def test_the_history_of_rows_whose_occupation_was_deleted_still_opens(admin_client):
    """A wage, projection, skill or technology row goes with its occupation; the
    revisions stay, and their titles named the occupation: a 500."""
    occupation = OccupationFactory(code="15-2051.00")
    rows = {
        WageEstimate: WageEstimateFactory(occupation=occupation),
        EmploymentProjection: EmploymentProjectionFactory(occupation=occupation),
        OccupationSkill: OccupationSkillFactory(occupation=occupation),
        OccupationTechnology: OccupationTechnologyFactory(occupation=occupation),
    }
    for row in rows.values():
        row.save()  # a revision besides the factory's
    occupation.delete()
    for model, row in rows.items():
        history = admin_client.get(admin_url(model, "history", row.pk))
        assert history.status_code == 200, model
        assert "a deleted occupation" in visible_text(history.content)
        revision = model.history.filter(id=row.pk).earliest()
        url = f"{admin_url(model, 'history', row.pk)}{revision.history_id}/"
        assert admin_client.get(url).status_code == 200, model


def test_a_deleted_release_can_be_restored_from_its_history(admin_client):
    release = DataReleaseFactory(name="OEWS May 2001")
    pk = release.pk
    release.delete()
    revision = DataRelease.history.filter(id=pk).earliest()
    url = f"{admin_url(DataRelease, 'history', pk)}{revision.history_id}/"
    response = admin_client.post(url, change_form_data(admin_client.get(url)))
    assert response.status_code == 302
    assert DataRelease.objects.get(pk=pk).name == "OEWS May 2001"


def test_history_lists_the_resource_link_changes_saved_with_each_version(
    admin_client,
):
    """Links are edited in the page's form and a revert puts them back, but the
    history listed the page's own fields only: a removed link left no trace."""
    page = CareerPageFactory(duties="Duties.")
    CareerPageResourceFactory(
        page=page, resource__name="Kept", description="First words.", position=1
    )
    CareerPageResourceFactory(page=page, resource__name="Dropped", position=2)
    added = ResourceFactory(name="Added")
    edit_page(admin_client, page, duties="Duties, first edit.")

    form = admin_client.get(admin_url(CareerPage, "change", page.pk))
    data = change_form_data(form)
    data["page_resources-0-description"] = "Second words."
    data["page_resources-1-DELETE"] = "on"
    data["page_resources-2-resource"] = added.pk
    data["page_resources-2-position"] = 3
    data["page_resources-TOTAL_FORMS"] = 3
    response = admin_client.post(admin_url(CareerPage, "change", page.pk), data)
    assert response.status_code == 302

    history = admin_client.get(admin_url(CareerPage, "history", page.pk))
    table = history.content.decode().split('id="change-history"')[1]
    table = table.split("</table>")[0]
    rows = [visible_text(row) for row in table.split("<tr")[2:]]  # after the heading
    newest, first_edit, created = rows
    assert "Resource link “Kept”, description: First words. → Second words." in newest
    assert "Resource link: Dropped → —" in newest
    assert "Resource link: — → Added" in newest
    assert "Resource link" not in first_edit
    assert "Duties: Duties. → Duties, first edit." in first_edit
    # Made after the page's first version, before its first edit.
    assert "Resource link: — → Kept" in created
    assert "Resource link: — → Dropped" in created


def test_restoring_a_deleted_page_needs_the_add_permission(client):
    """Those who may change pages but not add them could add a deleted one back
    through its history."""
    page = CareerPageFactory(duties="Deleted duties.")
    pk = page.pk
    page.delete()
    editor_with(client, "view_careerpage", "change_careerpage")
    restore_url = restore_url_of(pk)
    form = client.get(restore_url)
    assert form.status_code == 200  # the old version may be looked at
    assert "Revert" not in visible_text(form.content)
    assert client.post(restore_url, change_form_data(form)).status_code == 403
    assert not CareerPage.objects.filter(pk=pk).exists()

    editor_with(client, "view_careerpage", "change_careerpage", "add_careerpage")
    assert restore_deleted(client, pk).duties == "Deleted duties."


def test_a_revert_by_an_editor_who_may_not_edit_links_leaves_them(client):
    """The page's form gives the links only to those who may add, change and
    delete them; a revert put them back for anyone who may change the page."""
    page = CareerPageFactory(duties="Original duties.")
    CareerPageResourceFactory(page=page, resource__name="Then")
    page.save()
    page.page_resources.all().delete()
    CareerPageResourceFactory(page=page, resource__name="Now")
    editor_with(client, "view_careerpage", "change_careerpage")
    first = page.history.earliest()
    revert_url = admin_url(CareerPage, "simple_history", page.pk, first.history_id)
    form = client.get(revert_url)
    text = visible_text(form.content)
    assert "The page's resource links stay as they are now" in text
    assert "Then" not in text
    assert client.post(revert_url, change_form_data(form)).status_code == 302
    assert links_of(page) == [("Now", "")]


def test_the_first_edit_of_a_page_the_catalogue_created_can_be_reverted(
    admin_client, client, excerpt_snapshot
):
    """The catalogue writes its pages in bulk, without a revision: an editor's
    first change had no earlier version to compare with or go back to."""
    from django.core.management import call_command

    call_command("load_catalogue", "--directory", excerpt_snapshot, verbosity=0)
    page = CareerPage.objects.order_by("pk").first()
    title = page.title
    assert not page.history.exists()
    edit_page(admin_client, page, title="A Mistaken Title")
    text = visible_text(
        admin_client.get(admin_url(CareerPage, "history", page.pk)).content
    )
    assert f"Title: {title} → A Mistaken Title" in text
    assert "As it was before its first recorded change" in text
    first = page.history.earliest()
    revert_url = admin_url(CareerPage, "simple_history", page.pk, first.history_id)
    form = admin_client.get(revert_url)
    assert admin_client.post(revert_url, change_form_data(form)).status_code == 302
    assert f"<h1>{title}</h1>" in client.get(page.get_absolute_url()).content.decode()
    edit_page(admin_client, page, title="A Second Title")
    assert page.history.count() == 4  # as stored, changed, reverted, changed


def test_a_mistyped_figure_an_import_wrote_can_be_seen_and_reverted(
    admin_client, client
):
    """Wages and projections are imported in bulk, without revisions: a wrong
    median typed over an imported one could not be seen or undone."""
    from django.core.management import call_command

    from tests.occupations.test_importers import ONET, WAGES_2024

    call_command("load_demo", verbosity=0)
    call_command("import_onet", ONET, verbosity=0)
    call_command("import_wages", WAGES_2024, verbosity=0)
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    wage = page.occupation.wage_estimates.get(release__name="May 2024")
    url = admin_url(WageEstimate, "change", wage.pk)
    data = change_form_data(
        admin_client.get(url), annual_median="92,345", hourly_median="44.40"
    )
    assert admin_client.post(url, data).status_code == 302
    assert "$92,345" in visible_text(client.get(page.get_absolute_url()).content)
    history = admin_client.get(admin_url(WageEstimate, "history", wage.pk))
    assert "Annual median: 91290.00 → 92345.00" in visible_text(history.content)
    first = wage.history.earliest()
    revert_url = admin_url(WageEstimate, "simple_history", wage.pk, first.history_id)
    form = admin_client.get(revert_url)
    assert admin_client.post(revert_url, change_form_data(form)).status_code == 302
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Annual Median Salary: $91,290" in text


def test_a_catalogue_page_unpublished_by_the_action_keeps_the_version_before(
    admin_client, excerpt_snapshot
):
    from django.core.management import call_command

    call_command("load_catalogue", "--directory", excerpt_snapshot, verbosity=0)
    page = CareerPage.objects.order_by("pk").first()
    response = admin_client.post(
        admin_url(CareerPage, "changelist"),
        {"action": "unpublish", "_selected_action": [page.pk]},
    )
    assert response.status_code == 302
    before, after = page.history.order_by("history_date", "history_id")
    assert (before.status, after.status) == ("published", "draft")
    assert before.history_change_reason == "As it was before its first recorded change"
    # Written by the catalogue, not by the editor whose change came next.
    assert (before.history_user, after.history_user.username) == (None, "admin")


def test_deleting_a_page_says_where_to_restore_it_from(admin_client, client):
    """A deleted page's history stays, but no admin page linked to it: the only
    way back was an address typed by hand."""
    page = CareerPageFactory(slug="deleted-then-restored", duties="Kept duties.")
    response = admin_client.post(
        admin_url(CareerPage, "delete", page.pk), {"post": "yes"}, follow=True
    )
    history_url = admin_url(CareerPage, "history", page.pk)
    assert f'To restore it, open a version in <a href="{history_url}">' in (
        response.content.decode()
    )
    history = admin_client.get(history_url).content.decode()
    version = CareerPage.history.filter(id=page.pk).exclude(history_type="-").latest()
    restore_url = admin_url(CareerPage, "simple_history", page.pk, version.history_id)
    assert f'href="{restore_url}"' in history
    form = admin_client.get(restore_url)
    assert admin_client.post(restore_url, change_form_data(form)).status_code == 302
    assert "Kept duties." in visible_text(client.get(page.get_absolute_url()).content)


def test_a_form_saved_as_it_was_opened_changes_nothing(admin_client):
    """Saved anyway, the page got an empty revision and a new "Last updated", a
    new sitemap date and the top of the feed. A changed row of it (a resource
    link) is a change to what it shows: the page is saved then."""
    then = timezone.now() - datetime.timedelta(days=10)
    with time_machine.travel(then, tick=False):
        page = CareerPageFactory()
        CareerPageResourceFactory(page=page)
    url = admin_url(CareerPage, "change", page.pk)
    versions = page.history.count()

    assert (
        admin_client.post(url, change_form_data(admin_client.get(url))).status_code
        == 302
    )
    page.refresh_from_db()
    assert page.updated_at == then
    assert page.history.count() == versions

    data = change_form_data(admin_client.get(url))
    position = next(key for key in data if key.endswith("-0-position"))
    assert admin_client.post(url, {**data, position: 9}).status_code == 302
    page.refresh_from_db()
    assert page.updated_at > then
    assert page.history.count() == versions + 1


def test_an_occupations_revert_form_says_its_rows_stay(admin_client):
    """It said "reverted", and the wage an editor had changed in the same form
    stayed: nothing said a revert leaves the rows."""
    occupation = OccupationFactory(title="First title")
    occupation.title = "Second title"
    occupation.save()
    version = occupation.history.earliest()
    form = admin_client.get(
        admin_url(Occupation, "simple_history", occupation.pk, version.history_id)
    )
    assert (
        "Its tasks, skills, technologies, wages and outlook stay as they are now"
    ) in visible_text(form.content)


def test_a_change_to_rows_with_their_own_history_dates_no_revision_of_the_record(
    admin_client,
):
    """A page's former address deleted, or an occupation's task edited, saved the
    page or the occupation too: a revision of no change, and a page re-dated
    though nothing it shows had changed."""
    then = timezone.now() - datetime.timedelta(days=10)
    with time_machine.travel(then, tick=False):
        page = CareerPageFactory(slug="old-address")
        page.slug = "new-address"
        page.save()
        TaskFactory(occupation=page.occupation, statement="Before.")
    versions = page.history.count(), page.occupation.history.count()

    url = admin_url(CareerPage, "change", page.pk)
    data = change_form_data(admin_client.get(url))
    data["former_slugs-0-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    url = admin_url(Occupation, "change", page.occupation_id)
    data = change_form_data(admin_client.get(url))
    statement = next(key for key in data if key.endswith("-0-statement"))
    assert admin_client.post(url, {**data, statement: "After."}).status_code == 302

    page.refresh_from_db()
    assert not page.former_slugs.exists()
    assert page.updated_at == then
    assert (page.history.count(), page.occupation.history.count()) == versions
    assert Task.objects.get(occupation=page.occupation).statement == "After."
