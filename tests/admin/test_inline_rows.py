"""Editing an occupation's and a career page's rows in the admin: big occupations
save, and values swapped between two rows or an autocomplete posted with an id no
row can have are a form error, never a 500."""

import pytest

from occupations.admin import SharedChoicesFormSet
from occupations.models import (
    CareerPage,
    Occupation,
    OccupationTechnology,
    Task,
    Technology,
)
from tests.admin_forms import admin_url, change_form_data, post_first_row
from tests.editorial.test_edit_conflict import list_form_data
from tests.factories import (
    CareerPageFactory,
    EmploymentProjectionFactory,
    OccupationFactory,
    OccupationTechnologyFactory,
    ResourceFactory,
    TaskFactory,
    TechnologyCategoryFactory,
    TechnologyFactory,
    WageEstimateFactory,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db

SWAP_ERROR = "Another row still has this"


def test_an_occupation_with_as_many_technologies_as_software_developers_saves(
    admin_client,
):
    """O*NET lists ~430 technologies for software developers: their rows post
    more fields than Django's default limit (1,000), and more rows than an inline
    takes new ones (100); either would refuse the save. (The rows are inserted
    in two queries: one by one through the factories, they took a third of the
    test's time.)"""
    occupation = OccupationFactory()
    technologies = Technology.objects.bulk_create(
        TechnologyFactory.build_batch(430, category=TechnologyCategoryFactory())
    )
    OccupationTechnology.objects.bulk_create(
        OccupationTechnology(occupation=occupation, technology=technology)
        for technology in technologies
    )
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(admin_client.get(url), title="Software Developers")
    assert len(data) > 1000  # Django's default limit of posted fields
    response = admin_client.post(url, data)
    assert response.status_code == 302
    occupation.refresh_from_db()
    assert occupation.title == "Software Developers"


def test_swapping_two_tasks_ids_is_a_form_error(admin_client):
    occupation = OccupationFactory()
    first, second = (
        TaskFactory(occupation=occupation, onet_task_id=number) for number in (1, 2)
    )
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(admin_client.get(url))
    rows = {data[f"tasks-{n}-id"]: n for n in range(2)}
    data[f"tasks-{rows[first.pk]}-onet_task_id"] = 2
    data[f"tasks-{rows[second.pk]}-onet_task_id"] = 1
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert SWAP_ERROR + " O*NET task ID when this row is saved" in (
        response.content.decode()
    )
    first.refresh_from_db()
    assert first.onet_task_id == 1


def test_swapping_two_resources_of_a_page_is_a_form_error(admin_client):
    page = CareerPageFactory()
    one, two = ResourceFactory(), ResourceFactory()
    page.page_resources.create(resource=one, position=1)
    page.page_resources.create(resource=two, position=2)
    url = admin_url(CareerPage, "change", page.pk)
    data = change_form_data(admin_client.get(url))
    prefix = next(
        key.removesuffix("-TOTAL_FORMS")
        for key in data
        if key.endswith("-TOTAL_FORMS") and "resource" in key
    )
    data[f"{prefix}-0-resource"], data[f"{prefix}-1-resource"] = (
        data[f"{prefix}-1-resource"],
        data[f"{prefix}-0-resource"],
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert SWAP_ERROR in response.content.decode()


def task_rows(client, occupation):
    """The occupation's change form as posted, and each task's row number."""
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(client.get(url))
    rows = {data[f"tasks-{n}-id"]: n for n in range(int(data["tasks-TOTAL_FORMS"]))}
    return url, data, rows


def test_a_row_may_take_the_value_of_a_row_deleted_above_it(admin_client):
    occupation = OccupationFactory()
    first, second = (
        TaskFactory(occupation=occupation, onet_task_id=number) for number in (1, 2)
    )
    url, data, rows = task_rows(admin_client, occupation)
    above, below = sorted([first.pk, second.pk], key=rows.get)
    data[f"tasks-{rows[above]}-DELETE"] = "on"
    kept_id = 1 if above == first.pk else 2
    data[f"tasks-{rows[below]}-onet_task_id"] = kept_id
    assert admin_client.post(url, data).status_code == 302
    assert list(occupation.tasks.values_list("pk", "onet_task_id")) == [
        (below, kept_id)
    ]


def test_a_row_may_take_a_value_a_row_above_it_gives_up(admin_client):
    occupation = OccupationFactory()
    tasks = [TaskFactory(occupation=occupation, onet_task_id=n) for n in (1, 2)]
    url, data, rows = task_rows(admin_client, occupation)
    above, below = sorted(tasks, key=lambda task: rows[task.pk])
    data[f"tasks-{rows[above.pk]}-onet_task_id"] = 3  # saved first, freeing its ID
    data[f"tasks-{rows[below.pk]}-onet_task_id"] = above.onet_task_id
    assert admin_client.post(url, data).status_code == 302


UNREADABLE_IDS = ["abc", "9" * 25, "1.5"]


@pytest.mark.parametrize("posted", UNREADABLE_IDS)
def test_an_autocomplete_posted_with_an_unreadable_id_is_a_form_error(
    admin_client, posted
):
    """No browser sends it, but a tampered or mangled POST is bad input like any
    other: the form again with Django's message, not a 500 from looking up the
    selected label."""
    task = TaskFactory()
    url = admin_url(Task, "change", task.pk)
    data = change_form_data(admin_client.get(url), occupation=posted)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    task.refresh_from_db()
    assert task.occupation_id is not None


@pytest.mark.parametrize("posted", UNREADABLE_IDS)
def test_an_inline_autocomplete_posted_with_an_unreadable_id_is_a_form_error(
    admin_client, posted
):
    page = CareerPageFactory()
    resource = ResourceFactory()
    page.page_resources.create(resource=resource, position=1)
    response = post_first_row(admin_client, page, "resource", posted)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert list(page.page_resources.values_list("resource", flat=True)) == [resource.pk]


@pytest.mark.parametrize(
    "prefix", ["wage_estimates", "projections", "occupation_technologies"]
)
def test_rows_posted_again_as_new_rows_are_a_form_error(admin_client, prefix):
    """A form posted with fewer rows than it showed (a mangled management form)
    sends the stored rows back as new ones; each clashes with itself in the
    database, which was a 500."""
    occupation = OccupationFactory()
    WageEstimateFactory(occupation=occupation)
    EmploymentProjectionFactory(occupation=occupation)
    OccupationTechnologyFactory(occupation=occupation)
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(admin_client.get(url), **{f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Another row already has this" in response.content.decode()
    assert getattr(occupation, prefix).count() == 1


def test_a_pages_resources_posted_again_as_new_rows_are_a_form_error(admin_client):
    page = CareerPageFactory()
    page.page_resources.create(resource=ResourceFactory(), position=1)
    url = admin_url(CareerPage, "change", page.pk)
    data = change_form_data(admin_client.get(url))
    prefix = next(
        key.removesuffix("-INITIAL_FORMS")
        for key in data
        if key.endswith("-INITIAL_FORMS") and "resource" in key
    )
    response = admin_client.post(url, {**data, f"{prefix}-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "Another row already has this" in response.content.decode()
    assert page.page_resources.count() == 1


def test_a_new_task_without_an_onet_id_clashes_with_no_stored_task(admin_client):
    """Tasks without an O*NET ID share no value: their constraint leaves them out."""
    occupation = OccupationFactory()
    TaskFactory(occupation=occupation, onet_task_id=None, statement="Stored.")
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(admin_client.get(url), **{"tasks-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 302


def test_an_occupation_form_posted_with_thousands_of_new_rows_is_refused(
    admin_client,
):
    """Django takes up to 2,000 forms a formset: every inline of the occupation
    form posted at 2,000 held a worker for over a minute. (One inline here, at
    the real limit; the next test posts every inline.)"""
    occupation = OccupationFactory(title="Actuaries")
    TaskFactory.create_batch(3, occupation=occupation)
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(admin_client.get(url), title="Changed")
    response = admin_client.post(url, {**data, "tasks-TOTAL_FORMS": 2000})
    assert response.status_code == 200
    assert "At most 100 new rows at a time: save these first." in (
        response.content.decode()
    )
    tasks = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "tasks"
    )
    assert len(tasks.forms) == 3 + 100  # the rows it has, and 100 new ones
    occupation.refresh_from_db()
    assert occupation.title == "Actuaries"


def test_every_inline_of_the_occupation_form_takes_only_so_many_new_rows(
    admin_client, monkeypatch
):
    """Each inline is its own formset, with Django's cap of 2,000 forms unless it
    sets its own: an inline without one held a worker as long as before. (The
    limit is made small: 100 new rows in each of five inlines took seconds to
    render.)"""
    monkeypatch.setattr(SharedChoicesFormSet, "MOST_NEW_ROWS", 2)
    occupation = OccupationFactory(title="Actuaries")
    TaskFactory.create_batch(3, occupation=occupation)
    OccupationTechnologyFactory(occupation=occupation)
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(admin_client.get(url), title="Changed")
    totals = [key for key in data if key.endswith("-TOTAL_FORMS")]
    assert len(totals) == 5
    response = admin_client.post(url, {**data, **dict.fromkeys(totals, 2000)})
    assert response.status_code == 200
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        assert len(formset.forms) == formset.get_queryset().count() + 2, formset.prefix
        assert "At most 2 new rows at a time: save these first." in str(
            formset.non_form_errors()
        ), formset.prefix
    occupation.refresh_from_db()
    assert occupation.title == "Actuaries"


def test_a_resource_link_added_below_a_pages_links_comes_after_them(
    admin_client, client
):
    """Lower comes first, and a new row's position was 0: the link an editor
    added at the bottom of the list showed at the top of the page."""
    from resources.models import CareerPageResource
    from tests.factories import CareerPageResourceFactory

    page = CareerPageFactory()
    for position, name in enumerate(["First Guide", "Second Guide"], start=1):
        CareerPageResourceFactory(
            page=page, resource=ResourceFactory(name=name), position=position
        )
    url = admin_url(CareerPage, "change", page.pk)
    form = admin_client.get(url)
    (links,) = [
        inline.formset
        for inline in form.context["inline_admin_formsets"]
        if inline.formset.model is CareerPageResource
    ]
    new_row = links.empty_form
    assert new_row["position"].value() == 3
    data = change_form_data(form)
    prefix = new_row.prefix.replace("__prefix__", "2")
    data.update(
        {
            f"{prefix}-resource": ResourceFactory(name="Added Guide").pk,
            f"{prefix}-position": new_row["position"].value(),
            f"{links.prefix}-TOTAL_FORMS": 3,
        }
    )
    assert admin_client.post(url, data).status_code == 302
    names = [link.resource.name for link in page.page_resources.order_by("position")]
    assert names == ["First Guide", "Second Guide", "Added Guide"]


def test_one_of_many_technologies_is_featured_from_their_list(admin_client, client):
    """Featuring one of Software Developers' 400 technologies meant scrolling a
    form of 400 rows: their list finds it by occupation and name, and ticks it."""
    page = CareerPageFactory(data_lists=CareerPage.DataLists.CURATED)
    occupation = page.occupation
    category = TechnologyCategoryFactory()
    rows = [
        OccupationTechnologyFactory(
            occupation=occupation, technology__name=name, technology__category=category
        )
        for name in ("Python", "Perl", "PyTorch")
    ]
    # Another occupation's PyTorch.
    OccupationTechnologyFactory(technology=rows[2].technology)
    url = admin_url(OccupationTechnology, "changelist")
    found = admin_client.get(url, {"q": f"{occupation.code} pytorch"})
    rows = found.context["cl"].result_list
    assert [(row.occupation, row.technology.name) for row in rows] == [
        (occupation, "PyTorch")
    ]
    data = list_form_data(found, **{"form-0-is_featured": "on"})
    saved = admin_client.post(f"{url}?q={occupation.code}+pytorch", data)
    assert saved.status_code == 302
    featured = OccupationTechnology.objects.filter(is_featured=True)
    assert [row.technology.name for row in featured] == ["PyTorch"]
    assert "PyTorch" in visible_text(client.get(page.get_absolute_url()).content)
