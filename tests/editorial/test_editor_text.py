"""Editor text is sacred: a data re-import never overwrites what an editor wrote,
and the admin shows the editor's text next to the imported one."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from occupations.models import Occupation, Task
from tests.admin_forms import admin_url, change_form_data
from tests.factories import CareerPageFactory
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db

ONET = Path(__file__).parent.parent / "occupations" / "data" / "onet"
CODE = "11-1011.00"  # Chief Executives


def import_onet(folder):
    call_command("import_onet", folder, stdout=StringIO())


def rewrite(folder, filename, old, new):
    path = folder / filename
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture
def onet_copy(tmp_path):
    folder = tmp_path / "onet"
    shutil.copytree(ONET, folder)
    return folder


def test_reimport_keeps_editor_text_and_updates_the_rest(admin_client, onet_copy):
    import_onet(onet_copy)
    occupation = Occupation.objects.get(code=CODE)
    edited, untouched = occupation.tasks.order_by("onet_task_id")[:2]
    form = admin_client.get(admin_url(Task, "change", edited.pk))
    response = admin_client.post(
        admin_url(Task, "change", edited.pk),
        change_form_data(form, statement="Set the company's direction (editor)."),
    )
    assert response.status_code == 302
    form = admin_client.get(admin_url(Occupation, "change", occupation.pk))
    response = admin_client.post(
        admin_url(Occupation, "change", occupation.pk),
        change_form_data(form, description="Lead the whole organisation (editor)."),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    # The next release rewords both tasks and the description.
    rewrite(onet_copy, "Task Statements.txt", edited.statement, "Reworded A.")
    rewrite(onet_copy, "Task Statements.txt", untouched.statement, "Reworded B.")
    rewrite(
        onet_copy,
        "Occupation Data.txt",
        occupation.description,
        "Reworded description.",
    )
    import_onet(onet_copy)

    edited.refresh_from_db()
    untouched.refresh_from_db()
    occupation.refresh_from_db()
    assert (edited.statement, edited.onet_statement) == (
        "Set the company's direction (editor).",
        "Reworded A.",
    )
    assert (untouched.statement, untouched.onet_statement) == (
        "Reworded B.",
        "Reworded B.",
    )
    assert occupation.description == "Lead the whole organisation (editor)."
    assert occupation.onet_description == "Reworded description."
    assert occupation.title == occupation.onet_title == "Chief Executives"


def test_page_shows_editor_text_and_admin_shows_both(admin_client, client):
    import_onet(ONET)
    occupation = Occupation.objects.get(code=CODE)
    task = occupation.tasks.order_by("onet_task_id").first()
    imported = task.statement
    Task.objects.filter(pk=task.pk).update(statement="Editor's wording.")
    page = CareerPageFactory(occupation=occupation)

    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Editor's wording." in text
    assert imported not in text

    admin_text = visible_text(
        admin_client.get(admin_url(Task, "change", task.pk)).content
    )
    assert "Editor's wording." in admin_text
    assert f"O*NET statement: {imported}" in admin_text
    changelist = admin_client.get(admin_url(Task, "changelist"), {"q": "Editor"})
    assert 'alt="True"' in changelist.content.decode()  # the "text edited" mark


def test_editor_setting_text_back_to_imported_follows_data_again(onet_copy):
    import_onet(onet_copy)
    task = Task.objects.filter(occupation__code=CODE).order_by("onet_task_id").first()
    imported = task.statement
    Task.objects.filter(pk=task.pk).update(statement="A passing edit.")
    Task.objects.filter(pk=task.pk).update(statement=imported)  # undone by hand
    rewrite(onet_copy, "Task Statements.txt", imported, "Reworded again.")
    import_onet(onet_copy)
    task.refresh_from_db()
    assert task.statement == task.onet_statement == "Reworded again."


def test_first_import_keeps_what_editors_changed_in_the_demo(demo):
    """The demo's rows held no imported text, so the first import took every
    editor's change to them for O*NET's own text and overwrote it."""
    occupation = Occupation.objects.get(code="15-2051.00")
    task = occupation.tasks.get(onet_task_id=21823)
    Task.objects.filter(pk=task.pk).update(statement="Editor's wording.")
    Occupation.objects.filter(pk=occupation.pk).update(description="Editor's own.")
    import_onet(ONET)
    task.refresh_from_db()
    occupation.refresh_from_db()
    assert task.statement == "Editor's wording." != task.onet_statement
    assert occupation.description == "Editor's own." != occupation.onet_description
    assert occupation.title == occupation.onet_title  # untouched: follows O*NET
