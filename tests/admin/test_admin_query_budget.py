"""Admin pages run the same number of queries with a little data and with a lot."""

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

MAX_ADMIN_QUERIES = 20


def occupation_with(size):
    occupation = factories.OccupationFactory()
    factories.TaskFactory.create_batch(size, occupation=occupation)
    factories.OccupationSkillFactory.create_batch(size, occupation=occupation)
    factories.OccupationTechnologyFactory.create_batch(size, occupation=occupation)
    factories.WageEstimateFactory(occupation=occupation)
    factories.EmploymentProjectionFactory(occupation=occupation)
    return occupation


def career_page_with(size):
    page = factories.CareerPageFactory(occupation=occupation_with(size))
    factories.CareerPageResourceFactory.create_batch(size, page=page)
    return page


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def assert_constant(client, django_assert_num_queries, build, url_for):
    small_url = url_for(build(1))
    client.get(small_url)  # warm per-process caches (content types) before counting
    small = count_queries(client, small_url)
    assert small <= MAX_ADMIN_QUERIES
    big_url = url_for(build(40))
    with django_assert_num_queries(small):
        assert client.get(big_url).status_code == 200


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def test_occupation_change_page_is_constant(admin_client, django_assert_num_queries):
    assert_constant(
        admin_client, django_assert_num_queries, occupation_with, change_url
    )


def test_career_page_change_page_is_constant(admin_client, django_assert_num_queries):
    assert_constant(
        admin_client, django_assert_num_queries, career_page_with, change_url
    )


def count_save_queries(client, obj, **changes):
    """The queries of posting `obj`'s change form as opened, with `changes`."""
    url = change_url(obj)
    data = change_form_data(client.get(url), **changes)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    return len(queries)


@pytest.mark.parametrize(
    ("build", "changes"),
    [
        (occupation_with, {"title": "Renamed"}),
        (career_page_with, {"career_name": "Renamed"}),
    ],
    ids=["occupation", "career page"],
)
def test_saving_a_change_page_is_constant(admin_client, build, changes):
    """Saving a record with 40 rows in each inline costs what saving one with a
    row each does: the rows' ids and chosen objects come from one query for all
    rows (Django's fields fetch them a row at a time), and the rows posted back
    unchanged are not checked against the database again (the model's checks
    cost a query per foreign key and check constraint, seven a skill's row)."""
    small, big = build(1), build(40)
    admin_client.get(change_url(small))  # warm per-process caches first
    small_queries = count_save_queries(admin_client, small, **changes)
    assert small_queries <= MAX_ADMIN_QUERIES + 10
    assert count_save_queries(admin_client, big, **changes) == small_queries


class NamedReleaseFactory(factories.DataReleaseFactory):
    name = factory.Sequence(lambda n: f"Release {n}")


class NamedSkillCategoryFactory(factories.SkillCategoryFactory):
    name = factory.Sequence(lambda n: f"Skill category {n}")


class NamedTechnologyCategoryFactory(factories.TechnologyCategoryFactory):
    title = factory.Sequence(lambda n: f"Technology category {n}")


CHANGELISTS = [
    ("occupations", "occupation", factories.OccupationFactory),
    ("occupations", "careerpage", factories.CareerPageFactory),
    ("occupations", "task", factories.TaskFactory),
    ("occupations", "skill", factories.SkillFactory),
    ("occupations", "occupationskill", factories.OccupationSkillFactory),
    ("occupations", "technology", factories.TechnologyFactory),
    ("occupations", "occupationtechnology", factories.OccupationTechnologyFactory),
    ("occupations", "wageestimate", factories.WageEstimateFactory),
    ("occupations", "employmentprojection", factories.EmploymentProjectionFactory),
    ("occupations", "datarelease", NamedReleaseFactory),
    ("occupations", "skillcategory", NamedSkillCategoryFactory),
    ("occupations", "technologycategory", NamedTechnologyCategoryFactory),
    ("occupations", "socmajorgroup", factories.SocMajorGroupFactory),
    ("occupations", "alternatetitle", factories.AlternateTitleFactory),
    ("occupations", "relatedoccupation", factories.RelatedOccupationFactory),
    ("newsletter", "subscriber", factories.SubscriberFactory),
    ("resources", "resource", factories.ResourceFactory),
    ("resources", "careerpageresource", factories.CareerPageResourceFactory),
]


@pytest.mark.parametrize(("app", "model", "factory"), CHANGELISTS, ids=lambda v: str(v))
def test_changelist_is_constant(
    admin_client, django_assert_num_queries, app, model, factory
):
    url = reverse(f"admin:{app}_{model}_changelist")

    def build(size):
        factory.create_batch(size)

    assert_constant(admin_client, django_assert_num_queries, build, lambda _: url)


# Occupations and career pages, the change pages with inlines, have their own tests
# above that grow the rows those inlines list.
CHANGE_PAGES = [
    row for row in CHANGELISTS if row[1] not in {"occupation", "careerpage"}
]


@pytest.mark.parametrize(
    ("app", "model", "factory"), CHANGE_PAGES, ids=lambda v: str(v)
)
def test_change_page_is_constant(
    admin_client, django_assert_num_queries, app, model, factory
):
    """One record's change page, with 1 and then 40 records of its kind around it:
    choice lists and autocomplete widgets must not cost a query per record."""

    def build(size):
        return factory.create_batch(size)[0]

    assert_constant(admin_client, django_assert_num_queries, build, change_url)


def delete_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])


def test_occupation_delete_page_is_constant(admin_client, django_assert_num_queries):
    """The page naming what a delete takes with it: each task and rating named
    without a query of its own, and past 50 of a kind not named at all."""
    assert_constant(
        admin_client, django_assert_num_queries, occupation_with, delete_url
    )


def test_skill_delete_page_is_constant(admin_client, django_assert_num_queries):
    """A skill is kept by its ratings (the page says which stop the delete)."""

    def rated_skill(size):
        skill = factories.SkillFactory()
        factories.OccupationSkillFactory.create_batch(size, skill=skill)
        return skill

    assert_constant(admin_client, django_assert_num_queries, rated_skill, delete_url)


def career_page_edited(times):
    """A page saved `times` times, its resource links changing in between."""
    page = factories.CareerPageFactory()
    for number in range(times):
        factories.CareerPageResourceFactory(page=page)
        page.duties = f"Revision {number}."
        page.save()
    return page


def test_career_page_history_is_constant(admin_client, django_assert_num_queries):
    """Each version's row lists its field and resource link changes."""
    assert_constant(
        admin_client,
        django_assert_num_queries,
        career_page_edited,
        lambda page: reverse("admin:occupations_careerpage_history", args=[page.pk]),
    )
