"""Editors' search titles: names visitors search for that O*NET does not give an
occupation ("ML engineer"), added in the admin, found by search at once and kept
by imports."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from occupations.models import AlternateTitle, Occupation
from tests.admin_forms import admin_url, change_form_data
from tests.editorial.test_edit_conflict import opened_form
from tests.factories import CareerPageFactory, OccupationFactory
from tests.html_text import visible_text
from tests.occupations.test_search import result_links

ONET = Path(__file__).with_name("data") / "onet"


@pytest.fixture
def editor(superuser):
    """An editor in the admin, in a browser of their own: the visitor's `client`
    has no session, and is served the page cache."""
    browser = Client()
    browser.force_login(superuser)
    return browser


def career_page(title, slug):
    """A published page of an imported occupation (its O*NET title `title`),
    named as editors name it."""
    return CareerPageFactory(
        career_name=slug.replace("-", " ").title(),
        slug=slug,
        occupation=OccupationFactory(title=title, onet_title=title),
    )


def add_search_title(editor, occupation, title, **changes):
    """Post the admin's add form as it opens, with the occupation and title."""
    url = admin_url(AlternateTitle, "add")
    data = change_form_data(
        editor.get(url), occupation=occupation.pk, title=title, **changes
    )
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return AlternateTitle.objects.get(occupation=occupation, title=title)


def change_search_title(editor, alternate_title, **changes):
    url = admin_url(AlternateTitle, "change", alternate_title.pk)
    response = editor.post(url, change_form_data(editor.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_search_title_added_in_the_admin_is_found_at_once(client, editor):
    page = career_page("Operations Research Analysts", "machine-learning-engineer")
    career_page("Data Scientists", "data-scientist")
    assert result_links(client, {"q": "ml"}) == []

    added = add_search_title(editor, page.occupation, "ML Engineer")

    # The add form offers an editor's own kind first, and says what it does.
    assert added.kind == AlternateTitle.Kind.EDITORIAL
    form = visible_text(editor.get(admin_url(AlternateTitle, "add")).content)
    assert "search finds it as soon as it is saved, and imports keep it" in form
    assert result_links(client, {"q": "ml"}) == ["machine-learning-engineer"]
    assert result_links(client, {"q": "ml engineer"}) == ["machine-learning-engineer"]
    assert result_links(client, {"q": "ML Engineers"}) == ["machine-learning-engineer"]


def test_a_search_title_changed_in_the_admin_is_found_by_its_new_text(client, editor):
    page = career_page("Operations Research Analysts", "machine-learning-engineer")
    title = add_search_title(editor, page.occupation, "ML Engineer")

    change_search_title(editor, title, title="AI Engineer")

    assert result_links(client, {"q": "ai engineer"}) == ["machine-learning-engineer"]
    assert result_links(client, {"q": "ml"}) == []
    assert result_links(client, {"q": "ml engineer"}) == []


def test_a_search_title_moved_to_another_occupation_leaves_the_first(client, editor):
    page = career_page("Operations Research Analysts", "machine-learning-engineer")
    other = career_page("Data Scientists", "data-scientist")
    title = add_search_title(editor, page.occupation, "ML Engineer")

    change_search_title(editor, title, occupation=other.occupation.pk)

    assert result_links(client, {"q": "ml"}) == ["data-scientist"]


def test_a_search_title_deleted_in_the_admin_is_no_longer_found(client, editor):
    page = career_page("Operations Research Analysts", "machine-learning-engineer")
    title = add_search_title(editor, page.occupation, "ML Engineer")
    assert result_links(client, {"q": "ml"}) == ["machine-learning-engineer"]

    editor.post(admin_url(AlternateTitle, "delete", title.pk), {"post": "yes"})

    assert not AlternateTitle.objects.exists()
    assert result_links(client, {"q": "ml"}) == []


def delete_selected(editor, titles):
    """The admin list's "Delete selected" action, confirmed."""
    with CaptureQueriesContext(connection) as queries:
        response = editor.post(
            admin_url(AlternateTitle, "changelist"),
            {
                "action": "delete_selected",
                "post": "yes",
                "_selected_action": [title.pk for title in titles],
            },
        )
    assert response.status_code == 302
    return len(queries)


def test_search_titles_deleted_together_in_the_admin_are_no_longer_found(
    client, editor
):
    """And in the queries deleting one costs: the documents are rebuilt once for
    all the titles, not once per title."""
    pages = [
        career_page("Operations Research Analysts", "machine-learning-engineer"),
        career_page("Data Scientists", "data-scientist"),
        career_page("Statisticians", "statisticians"),
    ]
    one = add_search_title(editor, pages[2].occupation, "ML Statistician")
    titles = [
        add_search_title(editor, page.occupation, name)
        for page in pages[:2]
        for name in ("ML Engineer", "ML Scientist", "AI Engineer")
    ]
    assert sorted(result_links(client, {"q": "ml"})) == [
        "data-scientist",
        "machine-learning-engineer",
        "statisticians",
    ]
    delete_selected(editor, [one])  # warms per-process caches (content types)
    one = add_search_title(editor, pages[2].occupation, "ML Statistician")

    assert delete_selected(editor, titles) == delete_selected(editor, [one])

    assert not AlternateTitle.objects.exists()
    assert result_links(client, {"q": "ml"}) == []
    assert result_links(client, {"q": "ai"}) == []


def test_a_renamed_occupation_is_found_by_its_o_net_title_not_its_old_name(
    client, editor
):
    """The search document holds the O*NET title, as the import writes it. Built
    with the title an editor gave, it kept that name after the next rename, and
    "pharos" found a page of no pharos wardens."""
    page = career_page("Lighthouse Keepers", "harbour-lights")
    occupation = page.occupation
    url = admin_url(Occupation, "change", occupation.pk)

    def rename(title):
        response = editor.post(url, change_form_data(editor.get(url), title=title))
        assert response.status_code == 302, response.context["errors"]

    rename("Pharos Wardens")
    add_search_title(editor, occupation, "Beacon Tender")
    rename("Stone Carvers")

    assert result_links(client, {"q": "stone carvers"}) == ["harbour-lights"]
    assert result_links(client, {"q": "beacon tender"}) == ["harbour-lights"]
    assert result_links(client, {"q": "lighthouse keeper"}) == ["harbour-lights"]
    assert result_links(client, {"q": "pharos"}) == []


def test_an_occupation_open_in_the_admin_saves_after_a_search_title_is_added(
    client, editor
):
    """Its search document changed meanwhile, which its form does not show: no
    edit conflict."""
    page = career_page("Lighthouse Keepers", "harbour-lights")
    url = admin_url(Occupation, "change", page.occupation.pk)
    opened = opened_form(editor, url)
    add_search_title(editor, page.occupation, "Beacon Tender")

    response = editor.post(url, {**opened, "title": "Stone Carvers"})

    assert response.status_code == 302, response.context["errors"]
    assert result_links(client, {"q": "stone carvers"}) == ["harbour-lights"]
    assert result_links(client, {"q": "beacon tender"}) == ["harbour-lights"]


def test_an_onet_import_keeps_search_titles_and_their_searches(client, editor):
    call_command("import_onet", ONET, stdout=StringIO())
    analysts = Occupation.objects.get(code="15-2031.00")
    CareerPageFactory(
        career_name="Machine Learning Engineer",
        slug="machine-learning-engineer",
        occupation=analysts,
    )
    add_search_title(editor, analysts, "ML Engineer")
    # An O*NET kind of title the files do not hold: the import removes it.
    add_search_title(editor, analysts, "Quant Wizard", kind="alternate")
    assert result_links(client, {"q": "quant wizard"}) == ["machine-learning-engineer"]

    call_command("import_onet", ONET, stdout=StringIO())

    assert analysts.alternate_titles.filter(title="ML Engineer").exists()
    assert result_links(client, {"q": "ml"}) == ["machine-learning-engineer"]
    assert result_links(client, {"q": "ml engineer"}) == ["machine-learning-engineer"]
    assert result_links(client, {"q": "quant wizard"}) == []
    # And the files' titles are found still.
    assert result_links(client, {"q": "ops research analyst"}) == [
        "machine-learning-engineer"
    ]


@pytest.mark.parametrize(
    ("query", "within"),
    [
        ("ml", 1),
        ("ml engineer", 1),
        # O*NET gives "AI Engineer" to 15-1221, Computer and Information Research
        # Scientists, which says it twice (with its short title).
        ("ai engineer", 2),
    ],
)
def test_the_demo_finds_the_machine_learning_engineer_by_what_visitors_type(
    client, demo, excerpt_snapshot, query, within
):
    """As `make run` loads it: the demo, then the catalogue's O*NET import."""
    assert result_links(client, {"q": query})[:1] == ["machine-learning-engineer"]
    call_command("load_catalogue", "--directory", excerpt_snapshot, stdout=StringIO())
    assert "machine-learning-engineer" in result_links(client, {"q": query})[:within]


def test_a_cached_search_is_not_served_after_an_editor_adds_a_title(client, editor):
    page = career_page("Operations Research Analysts", "machine-learning-engineer")
    assert result_links(client, {"q": "ml"}) == []
    assert client.get("/careers/", {"q": "ml"})["X-Cache"] == "HIT"

    add_search_title(editor, page.occupation, "ML Engineer")

    response = client.get("/careers/", {"q": "ml"})
    assert response["X-Cache"] == "MISS"
    assert result_links(client, {"q": "ml"}) == ["machine-learning-engineer"]


@pytest.mark.django_db(transaction=True)
def test_a_title_its_document_missed_is_found_after_the_deploy_migrates(client):
    """Alternate titles saved before saves rebuilt their occupation's document
    waited for the next O*NET import: migration 0025 rebuilds every document,
    and the deploy's migrate empties the page cache."""
    page = career_page("Lighthouse Keepers", "harbour-lights")
    AlternateTitle.objects.create(
        occupation=page.occupation,
        kind=AlternateTitle.Kind.EDITORIAL,
        title="Beacon Tender",
    )
    # The document as such a save left it: without the title.
    Occupation.objects.filter(pk=page.occupation.pk).update(search_document="")
    Occupation.objects.refresh_search_vectors()
    assert result_links(client, {"q": "beacon tender"}) == []

    call_command("migrate", "occupations", "0024", verbosity=0)
    call_command("migrate", verbosity=0)

    assert result_links(client, {"q": "beacon tender"}) == ["harbour-lights"]
    assert Occupation.objects.get().search_document == (
        "|beacon tender|lighthouse keepers|"
    )
