"""Every model is editable in the admin, and edits reach the public pages."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import models

from newsletter.models import Subscriber, SubscriberExport
from occupations.models import (
    CareerPage,
    DataRelease,
    EmploymentProjection,
    Occupation,
    Skill,
    Task,
    WageEstimate,
)
from tests.admin_forms import admin_url, change_form_data, post_first_row
from tests.factories import (
    CareerPageFactory,
    EmploymentProjectionFactory,
    OccupationFactory,
    OccupationSkillFactory,
    ResourceFactory,
    SkillFactory,
    SubscriberFactory,
    TaskFactory,
    WageEstimateFactory,
    projections_release,
    wages_release,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db

REGISTERED_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label != "auth"),
    key=lambda model: model._meta.label,
)


# Records the site writes itself, shown read-only: no one adds or deletes them.
READ_ONLY_MODELS = {SubscriberExport}


@pytest.fixture
def newsletter_reader(admin_client):
    """load_demo invents no personal data; a site with a newsletter has a reader,
    and the list of them was exported once."""
    reader = SubscriberFactory(email="demo.reader@example.com")
    admin_client.post(
        admin_url(Subscriber, "changelist"),
        {"action": "export_confirmed_csv", "_selected_action": [reader.pk]},
    )
    return reader


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda m: m._meta.label)
def test_admin_add_changelist_change_and_delete_pages_open(
    admin_client, demo, newsletter_reader, model
):
    opens = 403 if model in READ_ONLY_MODELS else 200
    assert admin_client.get(admin_url(model, "add")).status_code == opens
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    assert obj is not None, f"the demo content has no {model._meta.verbose_name}"
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    # What a delete would take with it, or what stops it (nothing is deleted).
    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == opens


SEARCHABLE_MODELS = [
    model for model in REGISTERED_MODELS if admin.site._registry[model].search_fields
]


@pytest.mark.parametrize("model", SEARCHABLE_MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_search_finds_a_row_by_what_it_searches(
    admin_client, demo, newsletter_reader, model
):
    obj = model.objects.first()
    # The first searched field's text, followed across relations.
    value = obj
    first_field = admin.site._registry[model].search_fields[0].lstrip("^=@")
    for name in first_field.split("__"):
        value = getattr(value, name)
    url = admin_url(model, "changelist")
    found = admin_client.get(url, {"q": str(value)}).context["cl"]
    assert found.queryset.filter(pk=obj.pk).exists()
    assert admin_client.get(url, {"q": "qzxv nothing"}).context["cl"].result_count == 0


def test_admin_career_page_help_texts_read_whole(admin_client, demo):
    """The admin writes help texts as HTML: a placeholder in angle brackets was
    read as a tag and vanished ("What Does a Do?")."""
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    text = visible_text(
        admin_client.get(admin_url(CareerPage, "change", page.pk)).content
    )
    assert '"What Does a [Career] Do?" section.' in text
    assert '"[Career] Job Outlook": the narrative' in text
    assert (
        "Tables, ~~strikethrough~~ and images are not shown as such; HTML shows as "
        "typed, but <!-- notes --> not at all." in text
    )


def test_admin_career_page_edit_appears_on_public_page(admin_client, client, demo):
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    change_url = admin_url(CareerPage, "change", page.pk)
    form = admin_client.get(change_url).context["adminform"].form
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data["published_at_0"], data["published_at_1"] = (
        page.published_at.strftime("%Y-%m-%d"),
        page.published_at.strftime("%H:%M:%S"),
    )
    data["duties"] = "Editors now write **this** sentence."
    data.update(inline_management_data(admin_client.get(change_url)))
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Editors now write this sentence." in text


def test_admin_wage_edit_appears_on_public_page(admin_client, client, demo):
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    wage = page.occupation.wage_estimates.get()
    response = admin_client.post(
        admin_url(WageEstimate, "change", wage.pk),
        {
            "occupation": wage.occupation_id,
            "release": wage.release_id,
            "annual_median": "90000",
            "hourly_median": "43.27",
        },
    )
    assert response.status_code == 302
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Annual Median Salary: $90,000" in text
    assert "Hourly Median Wage: $43.27" in text


@pytest.mark.parametrize(
    "typed, saved",
    [("295,000", "295000"), ("$295,000.50", "295000.50"), (" $1,095,000 ", "1095000")],
)
def test_admin_figures_may_be_typed_as_people_write_them(
    admin_client, demo, typed, saved
):
    wage = WageEstimate.objects.first()
    url = admin_url(WageEstimate, "change", wage.pk)
    response = admin_client.post(
        url,
        # Without the hourly figure, which 2,080 hours would have to give it.
        change_form_data(admin_client.get(url), annual_pct90=typed, hourly_pct90=""),
    )
    assert response.status_code == 302
    wage.refresh_from_db()
    assert wage.annual_pct90 == Decimal(saved)


def test_admin_refuses_an_annual_wage_its_hourly_wage_does_not_give(admin_client, demo):
    """BLS's annual wage is its hourly wage for 2,080 hours: an annual median of
    $99,999 beside $43.89 an hour ($91,290 a year) was saved without a word."""
    wage = WageEstimate.objects.first()
    url = admin_url(WageEstimate, "change", wage.pk)
    data = change_form_data(
        admin_client.get(url), annual_median="99,999", hourly_median="43.89"
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert (
        "BLS's annual wage is the hourly wage for 2,080 hours: the hourly median "
        "($43.89) gives $91,290 a year, not $99,999. Check both."
    ) in visible_text(response.content)
    # BLS rounds the annual wage to $10 and the hourly to the cent.
    data.update(annual_median="91,290")
    assert admin_client.post(url, data).status_code == 302
    wage.refresh_from_db()
    assert (wage.annual_median, wage.hourly_median) == (
        Decimal(91290),
        Decimal("43.89"),
    )


@pytest.mark.parametrize(
    ("annual", "hourly", "refused"),
    [
        # At its top code a figure reads "or more": the other must give as much.
        ("239,200", "100.00", "the hourly 75th percentile ($100.00) gives $208,000"),
        ("220,000", "115.00", "the hourly 75th percentile ($115.00) gives $239,200"),
        ("239,200", "115.00", None),
        ("239,190", "115.00", None),  # BLS's rounding
    ],
)
def test_admin_wage_beside_a_top_coded_one_gives_at_least_as_much(
    admin_client, annual, hourly, refused
):
    wage = WageEstimateFactory(release=wages_release())
    url = admin_url(WageEstimate, "change", wage.pk)
    data = change_form_data(
        admin_client.get(url), annual_pct75=annual, hourly_pct75=hourly
    )
    response = admin_client.post(url, data)
    if refused is None:
        assert response.status_code == 302
    else:
        assert refused in visible_text(response.content)


def test_admin_figures_in_an_occupations_rows_may_have_thousands_commas(
    admin_client, demo
):
    occupation = CareerPage.objects.get(slug="machine-learning-engineer").occupation
    response = post_first_row(admin_client, occupation, "annual_openings", "1,234.5")
    assert response.status_code == 302
    assert occupation.projections.get().annual_openings == Decimal("1234.5")


@pytest.mark.parametrize("typed", ["95,00", "9,5000", "95.000,50", "$-5", "95k"])
def test_admin_figures_with_misplaced_commas_are_refused(admin_client, demo, typed):
    """A comma not grouping thousands is a typo or another country's decimal
    comma: refused, not guessed at."""
    wage = WageEstimate.objects.first()
    url = admin_url(WageEstimate, "change", wage.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), annual_pct90=typed)
    )
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()
    assert WageEstimate.objects.get(pk=wage.pk).annual_pct90 == wage.annual_pct90


@pytest.mark.parametrize("typed", ["sNaN", "NaN", "Infinity", "-inf"])
def test_admin_figures_that_are_no_number_are_refused_in_an_occupations_rows(
    admin_client, demo, typed
):
    """Decimal reads them, but they are no figure; comparing a signalling NaN with
    the saved value, to see whether the row changed, raised: a 500."""
    occupation = CareerPage.objects.get(slug="machine-learning-engineer").occupation
    response = post_first_row(admin_client, occupation, "annual_pct90", typed)
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()


def test_admin_task_edit_appears_on_public_page(admin_client, client, demo):
    page = CareerPage.objects.get(slug="machine-learning-engineer")
    task = page.occupation.tasks.first()
    response = admin_client.post(
        admin_url(Task, "change", task.pk),
        {
            "occupation": task.occupation_id,
            "statement": "Explain models to the people who use them.",
            "task_type": "core",
            "position": 1,
            "is_featured": "on",
            "onet_task_id": task.onet_task_id,
        },
    )
    assert response.status_code == 302
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Explain models to the people who use them." in text


def test_admin_rejects_percentiles_out_of_order(admin_client, demo):
    wage = WageEstimate.objects.first()
    response = admin_client.post(
        admin_url(WageEstimate, "change", wage.pk),
        {
            "occupation": wage.occupation_id,
            "release": wage.release_id,
            "annual_pct25": "90000",
            "annual_median": "80000",
        },
    )
    assert response.status_code == 200
    assert (
        "Must not be lower than the annual 25th percentile" in response.content.decode()
    )
    wage.refresh_from_db()
    assert wage.annual_median == Decimal("85720")


def inline_management_data(response):
    """The management form values of every inline formset on an admin page."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = len(formset.forms)
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for index, form in enumerate(formset.forms):
            for name in form.fields:
                value = form[name].value()
                if value is None or value is False:
                    continue
                data[f"{prefix}-{index}-{name}"] = value
    return data


@pytest.mark.parametrize("repeat", ["an existing task's", "another new row's"])
def test_admin_repeated_onet_task_id_in_task_rows_is_a_form_error(
    admin_client, demo, repeat
):
    occupation = CareerPage.objects.get(slug="machine-learning-engineer").occupation
    taken = occupation.tasks.exclude(onet_task_id=None).first().onet_task_id
    url = admin_url(Occupation, "change", occupation.pk)
    data = change_form_data(admin_client.get(url))
    shown = int(data["tasks-TOTAL_FORMS"])
    new_rows = [99999, 99999] if repeat == "another new row's" else [taken]
    for n, task_id in enumerate(new_rows, start=shown):
        data |= {
            f"tasks-{n}-statement": f"A new task {n}.",
            f"tasks-{n}-position": "9",
            f"tasks-{n}-onet_task_id": task_id,
        }
    data["tasks-TOTAL_FORMS"] = shown + len(new_rows)
    count = occupation.tasks.count()
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Another task of this occupation has this O*NET task ID." in (
        visible_text(response.content)
    )
    assert occupation.tasks.count() == count


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"top_code_annual": "0"}, "top_code_annual", "greater than or equal to 1"),
        ({"reference_date": "9999-01-01"}, "reference_date", "a date that has passed"),
        ({"kind": "onet"}, "kind", "its kind stays “BLS OEWS wage estimates”"),
        ({"horizon_year": "2021"}, "horizon_year", "ends after its base year"),
    ],
)
def test_admin_data_release_refuses_figures_that_would_mislead_every_page(
    admin_client, demo, changes, field, message
):
    release = WageEstimate.objects.first().release
    url = admin_url(DataRelease, "change", release.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), **changes)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert DataRelease.objects.get(pk=release.pk).kind == "wages"


def test_admin_projections_release_needs_its_horizon_year(admin_client, demo):
    """Pages name it: "Projected Job Openings … by None" without one."""
    release = EmploymentProjection.objects.first().release
    url = admin_url(DataRelease, "change", release.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), horizon_year="")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["horizon_year"]
    assert errors == ["A projections release needs its horizon year."]
    assert DataRelease.objects.get(pk=release.pk).horizon_year == release.horizon_year


@pytest.mark.parametrize(
    "highest_wage, top_code, refused",
    [
        ("239200", "200000", "an annual wage at or above $200,000 in this release"),
        ("239200", "260000", "an annual wage at or above $239,200 in this release"),
        ("239200", "", "an annual wage at or above $239,200 in this release"),
        ("239200", "239200", None),
        ("170000", "180000", None),
        ("170000", "", None),
    ],
    ids=[
        "lowered past a wage",
        "raised",
        "cleared",
        "kept",
        "lowered",
        "cleared, no wage at it",
    ],
)
def test_admin_data_release_top_code_moves_past_no_stored_wage(
    admin_client, highest_wage, top_code, refused
):
    """A wage at the top code reads "$239,200 or more": raised or cleared, the
    top code would turn it into exactly $239,200; lowered past a wage, that
    wage would read "or more", or stand above the top code."""
    release = wages_release()
    WageEstimateFactory(
        release=release,
        annual_median=Decimal("150000"),
        annual_pct90=Decimal(highest_wage),
    )
    url = admin_url(DataRelease, "change", release.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), top_code_annual=top_code)
    )
    release.refresh_from_db()
    if refused is None:
        assert response.status_code == 302
        assert release.top_code_annual == (Decimal(top_code) if top_code else None)
    else:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["top_code_annual"]
        assert " ".join(errors).startswith(f"1 wage estimate has {refused}")
        assert release.top_code_annual == Decimal("239200")


@pytest.mark.parametrize(
    "growth, refused",
    [
        (
            "500",
            "309.4 to 322.7 thousand: +4.3% growth, give or take rounding, not 500%.",
        ),
        ("4.3", None),
    ],
)
def test_admin_projection_growth_must_follow_from_its_employment(
    admin_client, growth, refused
):
    """As the import refuses it: 309.4 to 322.7 thousand is 4.3 %, and the page
    showed whatever growth was typed beside them."""
    projection = EmploymentProjectionFactory(
        release=projections_release(),
        employment_base=Decimal("309.4"),
        employment_projected=Decimal("322.7"),
        growth_percent=Decimal("4.3"),
    )
    url = admin_url(EmploymentProjection, "change", projection.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), growth_percent=growth)
    )
    if refused is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["growth_percent"]
        assert refused in " ".join(errors)
        projection.refresh_from_db()
        assert projection.growth_percent == Decimal("4.3")


@pytest.mark.parametrize(
    "model, stored, typed, refused",
    [
        (
            EmploymentProjection,
            {"employment_base": "309.4", "employment_projected": "322.7"},
            {
                "employment_base": "3OO",
                "employment_projected": "400",
                "growth_percent": "33.3",
            },
            "employment_base",
        ),
        (
            EmploymentProjection,
            {"employment_base": "309.4", "employment_projected": "322.7"},
            {"employment_projected": "400", "growth_percent": "29.3O"},
            "growth_percent",
        ),
        (
            WageEstimate,
            {"annual_median": "150000"},
            {"annual_median": "1OOOOO", "annual_pct75": "140000"},
            "annual_median",
        ),
    ],
    ids=["growth", "growth refused", "percentiles"],
)
def test_admin_figure_refused_is_not_compared_as_stored(
    admin_client, model, stored, typed, refused
):
    """A figure the form refuses ("3OO", a letter O) kept its stored value, and
    the figures typed beside it were compared with that: a second error, about
    a figure no one typed."""
    factory = {
        EmploymentProjection: lambda: EmploymentProjectionFactory(
            release=projections_release(), growth_percent=Decimal("4.3")
        ),
        WageEstimate: lambda: WageEstimateFactory(release=wages_release()),
    }[model]
    record = factory()
    model.objects.filter(pk=record.pk).update(**stored)
    url = admin_url(model, "change", record.pk)
    response = admin_client.post(url, change_form_data(admin_client.get(url), **typed))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {refused: ["Enter a number."]}


@pytest.mark.parametrize("character", ["\x0b", "\x1b", "\x07", "\uffff"])
def test_admin_text_with_a_control_character_is_refused(admin_client, character):
    """No page shows one and a workbook cannot hold one: stored, it made every
    XLSX export of its kind fail (U+FFFF: the export failed to import again, and
    the feed was not XML). A line break pasted from Word is U+000B."""
    from resources.models import Resource

    resource = ResourceFactory(description="Kept.")
    url = admin_url(Resource, "change", resource.pk)
    response = admin_client.post(
        url,
        change_form_data(admin_client.get(url), description=f"One{character}two"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["description"]
    assert f"control character (U+{ord(character):04X})" in " ".join(errors)
    resource.refresh_from_db()
    assert resource.description == "Kept."


@pytest.mark.parametrize(
    "model, field, value",
    [(Task, "importance", "9"), (Occupation, "education_level_percent", "150")],
)
def test_admin_refuses_figures_outside_their_scale(
    admin_client, demo, model, field, value
):
    obj = model.objects.exclude(**{field: None}).first() or model.objects.first()
    url = admin_url(model, "change", obj.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), **{field: value})
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]


def _bad_lookups(model):
    """Lookups only the SQL compiler or the database refuses."""
    for field in model._meta.get_fields():
        if isinstance(field, models.DateField):
            yield f"{field.name}__year", "99999"
        elif isinstance(field, models.CharField) and not field.choices:
            yield f"{field.name}__regex", "("


@pytest.mark.parametrize(
    "model",
    sorted(admin.site._registry, key=lambda model: model._meta.label),
    ids=lambda m: m._meta.label,
)
def test_admin_changelist_with_a_bad_lookup_in_the_address_is_not_an_error(
    admin_client, demo, model
):
    SubscriberFactory()
    """The site's admins and the libraries' (auth, axes) alike."""
    for name, value in _bad_lookups(model):
        url = admin_url(model, "changelist") + f"?{name}={value}"
        response = admin_client.get(url)
        # 200 when no row made the regular expression run; 400 for a lookup the
        # admin refuses outright (auth's on passwords).
        assert response.status_code in (200, 302, 400), url
        if response.status_code == 302:
            assert response["Location"].endswith("?e=1")
        if name.endswith("__year"):
            assert response.status_code == 302, url


@pytest.mark.parametrize(
    "model",
    sorted(admin.site._registry, key=lambda model: model._meta.label),
    ids=lambda m: m._meta.label,
)
def test_admin_changelist_reads_no_regular_expression_nor_range_from_the_address(
    admin_client, model
):
    r"""On SQLite a regular expression runs in Python's `re`, without a time limit:
    ?description__regex=^(\w+\s?)*$ held a worker for good. A range was read from
    its text's characters: ?id__range=12 as 1 to 2, ?id__range=1 a 500."""
    pk = model._meta.pk.name
    for query in (
        f"{pk}__regex=1",
        f"{pk}__iregex=1",
        f"{pk}__range=1",
    ):
        response = admin_client.get(admin_url(model, "changelist") + f"?{query}")
        assert response.status_code == 302, query
        assert response["Location"].endswith("?e=1"), query


@pytest.mark.parametrize(
    "term",
    ["\x00", "nurse\x00", "a" * 50_000, "a " * 1_000],
    ids=["nul", "nurse nul", "50,000 letters", "1,000 words"],
)
def test_admin_autocomplete_with_an_odd_term_is_not_an_error(admin_client, demo, term):
    """A NUL, nor a search the database cannot run: on SQLite 50,000 letters are
    "LIKE pattern too complex" and 1,000 words an expression tree too large."""
    response = admin_client.get(
        f"/{settings.ADMIN_URL}autocomplete/",
        {
            "term": term,
            "app_label": "occupations",
            "model_name": "careerpage",
            "field_name": "occupation",
        },
    )
    assert response.status_code == 200
    assert "results" in response.json()


def test_admin_deletes_at_most_a_hundred_rows_at_a_time(admin_client):
    """Selecting every occupation took 35 s to list what would go with them, past
    the app server's timeout: a selection of more than 100 is refused at once."""
    from resources.models import Resource

    Resource.objects.bulk_create(
        Resource(name=f"Resource {n}", url=f"https://example.com/{n}")
        for n in range(101)
    )
    changelist = admin_url(Resource, "changelist")
    every_row = {"action": "delete_selected", "select_across": "1", "index": "0"}
    first = Resource.objects.first().pk
    response = admin_client.post(
        changelist, {**every_row, "_selected_action": [first]}, follow=True
    )
    assert (
        "101 resources are selected: delete at most 100 at a time. Nothing was "
        "deleted." in visible_text(response.content)
    )
    assert Resource.objects.count() == 101

    Resource.objects.filter(pk=first).delete()
    rows = list(Resource.objects.values_list("pk", flat=True))
    confirm = admin_client.post(changelist, {**every_row, "_selected_action": rows})
    assert "Are you sure you want to delete the selected resources?" in (
        visible_text(confirm.content)
    )
    # What the confirmation page posts: each row it lists.
    deleted = admin_client.post(
        changelist,
        {"action": "delete_selected", "post": "yes", "_selected_action": rows},
        follow=True,
    )
    assert "Successfully deleted 100 resources." in visible_text(deleted.content)
    assert not Resource.objects.exists()


def test_delete_confirmation_names_fifty_rows_of_a_kind_then_counts(admin_client):
    """Django's page named every row a delete takes with it, with a query or two
    each: the 35 skills' page named their 30,765 ratings in 53 s, past the app
    server's timeout. It names every row selected and 50 of each other kind."""
    occupation = OccupationFactory()
    TaskFactory.create_batch(60, occupation=occupation)
    url = admin_url(Occupation, "delete", occupation.pk)

    text = visible_text(admin_client.get(url).content)
    assert "Tasks: 60" in text  # Django's summary counts them all
    assert text.count("Task: Perform task number") == 50
    assert "… and 10 more tasks (not listed)" in text

    admin_client.post(url, {"post": "yes"})
    assert not Occupation.objects.filter(pk=occupation.pk).exists()
    assert not Task.objects.exists()


def test_delete_selected_names_every_row_selected(admin_client):
    occupations = OccupationFactory.create_batch(60)
    TaskFactory(occupation=occupations[0])
    response = admin_client.post(
        admin_url(Occupation, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [occupation.pk for occupation in occupations],
        },
    )
    text = visible_text(response.content)
    assert all(f"Occupation: {occupation}" in text for occupation in occupations)
    assert "Task: Perform task number" in text
    assert "(not listed)" not in text


def test_protected_rows_are_named_fifty_of_a_kind_then_counted(admin_client):
    skill = SkillFactory(name="Active Listening")
    OccupationSkillFactory.create_batch(55, skill=skill)
    text = visible_text(admin_client.get(admin_url(Skill, "delete", skill.pk)).content)
    assert "Cannot delete skill" in text
    assert text.count("Occupation skill: Active Listening for ") == 50
    assert "… and 5 more occupation skills (not listed)" in text
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_delete_page_names_the_kinds_one_may_not_delete(client, django_user_model):
    """Rows left out of the list are still checked: one who may delete
    occupations but not tasks is told, and nothing is deleted."""
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_occupation", "delete_occupation"])
    )
    client.force_login(editor)
    occupation = OccupationFactory()
    TaskFactory.create_batch(60, occupation=occupation)
    url = admin_url(Occupation, "delete", occupation.pk)

    text = visible_text(client.get(url).content)
    assert "permission to delete the following types of objects: task" in text
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Task.objects.count() == 60


def test_admin_refuses_a_wage_above_its_releases_top_code(admin_client):
    """Shown as the top code "or more": $250,000 read as "$239,200 or more"."""
    wage = WageEstimateFactory(release=wages_release())
    top_code = wage.release.top_code_annual
    response = admin_client.post(
        admin_url(WageEstimate, "change", wage.pk),
        {
            "occupation": wage.occupation_id,
            "release": wage.release_id,
            "annual_pct90": str(top_code + 10_000),
        },
    )
    assert response.status_code == 200
    assert top_code == 239_200
    assert (
        "BLS publishes no wage above its top code, $239,200: enter $239,200 for a "
        "wage at or above it (shown as “$239,200 or more”)."
    ) in visible_text(response.content)
    wage.refresh_from_db()
    assert wage.annual_pct90 != top_code + 10_000


@pytest.mark.parametrize(
    ("typed", "bound"),
    [("-1", "greater than or equal to 2000"), ("2101", "less than or equal to 2100")],
)
def test_a_figure_out_of_range_names_the_models_bounds(admin_client, typed, bound):
    """A positive field's form refused -1 as "greater than or equal to 0", for a
    headline year the model wants from 2000."""
    page = CareerPageFactory(headline_year=2024)
    url = admin_url(CareerPage, "change", page.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), headline_year=typed)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["headline_year"] == [
        f"Ensure this value is {bound}."
    ]


def test_a_title_moved_to_a_new_year_needs_the_headings_year_too(admin_client, client):
    """An editor who made the title "…Career Path in 2025" and left the headline
    year published "U.S. Salary in 2024" under it."""
    page = CareerPageFactory(career_name="Actuary", headline_year=2024)
    url = admin_url(CareerPage, "change", page.pk)
    form = admin_client.get(url)
    response = admin_client.post(
        url, change_form_data(form, title="Actuary Career Path in 2025")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["headline_year"] == [
        "The title says 2025, the headings 2024 (“U.S. Salary in 2024”). "
        "Give them the same year."
    ]
    page.refresh_from_db()
    assert page.title == "Actuary Career Path in 2024"
    # A year the form refuses is not compared: the stored one was, in its place.
    response = admin_client.post(
        url,
        change_form_data(
            form, title="Actuary Career Path in 2025", headline_year="20255"
        ),
    )
    assert response.context["adminform"].form.errors["headline_year"] == [
        "Ensure this value is less than or equal to 2100."
    ]

    # Another year besides the headings' is the editor's to name.
    title = "Actuary Career Path in 2025: Outlook to 2034"
    response = admin_client.post(
        url, change_form_data(form, title=title, headline_year="2025")
    )
    assert response.status_code == 302
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert title in text and "Actuary U.S. Salary in 2025" in text
