"""Pages cost the same number of queries whatever the amount of data behind them."""

import pytest

from tests.factories import (
    CareerPageFactory,
    CareerPageResourceFactory,
    EmploymentProjectionFactory,
    OccupationSkillFactory,
    OccupationTechnologyFactory,
    RelatedOccupationFactory,
    TaskFactory,
    WageEstimateFactory,
    projections_release,
)

pytestmark = pytest.mark.django_db


def career_page_with(size):
    page = CareerPageFactory()
    occupation = page.occupation
    TaskFactory.create_batch(size, occupation=occupation)
    OccupationSkillFactory.create_batch(size, occupation=occupation)
    OccupationTechnologyFactory.create_batch(size, occupation=occupation)
    CareerPageResourceFactory.create_batch(size, page=page)
    WageEstimateFactory(occupation=occupation)
    EmploymentProjectionFactory(occupation=occupation)
    # The page links only the related occupations that have a published page.
    for index in range(1, size + 1):
        RelatedOccupationFactory(
            occupation=occupation,
            related=CareerPageFactory().occupation,
            index=index,
        )
    return page


# The career page links the ten closest related occupations that have a page.
RELATED_SHOWN = 10


# One query for the page with its occupation and O*NET release, then one each for
# tasks, skills, technologies, wages, projections, related occupations (with the
# slug of their page) and the page's resources.
CAREER_PAGE_QUERIES = 8


@pytest.mark.parametrize("size", [1, 25])
def test_career_page_query_count_is_constant(
    no_page_cache, client, django_assert_num_queries, size
):
    page = career_page_with(size)
    with django_assert_num_queries(CAREER_PAGE_QUERIES):
        response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<li>Perform task number") == size
    # The related occupations are shown, their titles fetched with them: each
    # title read from its own query would be one query more per link.
    assert content.count('class="compare-link"') == min(size, RELATED_SHOWN)
    closest = page.occupation.related_occupations.order_by("index")[:RELATED_SHOWN]
    for row in closest:
        assert f">{row.related.title}</a>" in content


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize(
    ("url", "queries", "item", "most_shown"),
    [
        # The pages' ids, the shown rows, and the SOC groups and job zones its
        # filters offer.
        ("/careers/", 4, '<li class="card">', 24),
        # Django's sitemap pages its items: their count, then the page's rows.
        ("/sitemap.xml", 2, "<loc>http://testserver/careers/career-", None),
        ("/careers/feed/", 1, "<entry>", 50),
    ],
)
def test_career_lists_query_count_is_constant(
    no_page_cache,
    client,
    django_assert_num_queries,
    size,
    url,
    queries,
    item,
    most_shown,
):
    CareerPageFactory.create_batch(size)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    shown = min(size, most_shown or size)
    assert response.content.decode().count(item) == shown


@pytest.mark.parametrize("size", [1, 30])
def test_home_page_query_count_is_constant(
    no_page_cache, client, django_assert_num_queries, size
):
    # The editors' guides, the fastest-growing pages (their growth and horizon
    # in the same query), and the occupation groups it links to.
    release = projections_release()
    CareerPageFactory.create_batch(size, introduction="Written by an editor.")
    for _ in range(size):
        page = CareerPageFactory()
        EmploymentProjectionFactory(occupation=page.occupation, release=release)
    with django_assert_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200
    shown = min(size, 12) + min(size, 6)
    assert response.content.decode().count('<li class="card">') == shown


@pytest.mark.parametrize("size", [1, 30])
def test_resource_list_query_count_is_constant(
    no_page_cache, client, django_assert_num_queries, size
):
    links = CareerPageResourceFactory.create_batch(size)
    with django_assert_num_queries(1):
        response = client.get("/resources/")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<li id="resource-') == size
    for link in links:
        assert f'<li id="resource-{link.resource.pk}">' in content
