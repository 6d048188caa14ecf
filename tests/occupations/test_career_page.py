import re
from pathlib import Path

import pytest
from django.urls import reverse

from occupations.models import CareerPage
from tests.admin_forms import admin_url, change_form_data
from tests.html_text import visible_text

REFERENCE_PAGE = Path(__file__).with_name("reference_career_page.txt")
REFERENCE_URL = "/careers/machine-learning-engineer/"


# Lines the site words differently on purpose: the reference calls BLS's projected
# change in employment a growth rate "in Job Openings"; openings are another figure.
# Its newsletter offers "online education" and "special offers", which the consent
# a reader gives here does not cover.
REWORDED = {
    "Projected Growth Rate in Job Openings by 2031: 23%": (
        "Projected Growth Rate in Employment by 2031: 23%"
    ),
    "Join our newsletter to receive the latest updates and insights in online "
    "education. Get exclusive access to in-depth articles, expert advice, and "
    "special offers tailored for your educational journey.": (
        "Join our newsletter to receive new career guides, the latest salary and "
        "job outlook updates, and study resources for your career journey, about "
        "once a month."
    ),
}


def reference_lines():
    """The reference page's lines, as this site shows them."""
    for line in REFERENCE_PAGE.read_text(encoding="utf-8").splitlines():
        line = " ".join(line.replace("•", "").split())
        if line:
            yield REWORDED.get(line, line)


@pytest.fixture
def reference_page_text(client, demo):
    response = client.get(REFERENCE_URL)
    assert response.status_code == 200
    return visible_text(response.content)


def test_reference_page_after_load_demo_shows_every_line_of_the_reference(
    reference_page_text,
):
    missing = [line for line in reference_lines() if line not in reference_page_text]
    assert missing == []


def test_reference_page_sections_appear_in_the_reference_order(reference_page_text):
    headings = [
        "Machine Learning Engineer Career Path in 2024",
        "Machine Learning Engineer Career Overview",
        "Machine Learning Engineer Job Description",
        "What Does a Machine Learning Engineer Do?",
        "Skills and Qualifications",
        "Career Path and Salary Expectations",
        "Why Consider a Career as a Machine Learning Engineer?",
        "Machine Learning Engineer U.S. Salary in 2024",
        "Machine Learning Engineer Job Outlook",
        "Projected Job Openings for Machine Learning Engineers by 2031",
        "Typical Tasks for Machine Learning Engineers",
        "Technologies and Skills Used by Machine Learning Engineers",
        "Machine Learning Engineer Career Resources",
        "Sign up for our newsletter",
    ]
    positions = [reference_page_text.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_reference_page_shows_the_job_outlook_once(reference_page_text):
    assert reference_page_text.count("Growing Demand in Multiple Industries") == 1


def test_reference_page_figures_are_formatted_like_the_reference(reference_page_text):
    assert "Annual Median Salary: $85,720" in reference_page_text
    assert "Hourly Median Wage: $41.21" in reference_page_text
    # The reference says "in Job Openings", but the figure is employment's change.
    assert "Projected Growth Rate in Employment by 2031: 23%" in reference_page_text


def test_reference_page_figures_name_their_source_and_release(reference_page_text):
    assert "Occupational Employment and Wage Statistics wage estimates." in (
        reference_page_text
    )
    assert "(BLS OEWS, May 2022)" in reference_page_text
    assert "(BLS Employment Projections, 2021–31)" in reference_page_text
    assert "O*NET 29.3 Database by the U.S. Department of Labor" in reference_page_text
    assert "CC BY 4.0" in reference_page_text


def test_reference_page_says_which_occupation_its_figures_are_from(reference_page_text):
    assert "O*NET-SOC 15-2031.00, Operations Research Analysts" in reference_page_text


def test_demo_careers_from_real_data_are_published(client, demo):
    for slug, median in (
        ("data-scientist", "$103,500"),
        ("registered-nurse", "$81,220"),
    ):
        response = client.get(reverse("occupations:detail", args=[slug]))
        assert response.status_code == 200
        assert f"Annual Median Salary: {median}" in visible_text(response.content)


def test_career_page_unknown_slug_is_a_styled_404(client, db):
    response = client.get("/careers/no-such-career/")
    assert response.status_code == 404
    text = visible_text(response.content)
    assert "Page not found" in text
    assert "Browse all careers" in text


def test_career_page_draft_is_not_public(client, demo):
    CareerPage.objects.filter(slug="data-scientist").update(
        status=CareerPage.Status.DRAFT
    )
    assert client.get("/careers/data-scientist/").status_code == 404
    assert "Data Scientist" not in visible_text(client.get("/careers/").content)


def test_career_list_and_home_link_to_published_pages(client, demo):
    for url in ("/", "/careers/"):
        response = client.get(url)
        assert response.status_code == 200
        assert REFERENCE_URL.encode() in response.content
        assert b"/careers/registered-nurse/" in response.content


def test_resources_page_lists_the_directory(client, demo):
    response = client.get("/resources/")
    text = visible_text(response.content)
    assert "Kaggle" in text
    assert "Stack Overflow" in text


def test_career_page_without_figures_says_they_are_not_published(client, db):
    from tests.factories import CareerPageFactory

    page = CareerPageFactory()
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Wage estimates for this occupation are not published." in text
    assert "Employment projections for this occupation are not published." in text


def test_career_page_without_onet_lists_says_they_are_not_published(client, db):
    """O*NET gives most "All Other" occupations no task, technology or skill: the
    page left both sections out without a word, where it says so of wages."""
    from tests.factories import CareerPageFactory

    page = CareerPageFactory(career_name_plural="Computer Workers, All Other")
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert (
        "Typical Tasks for Computer Workers, All Other "
        "O*NET publishes no tasks for this occupation."
    ) in text
    assert (
        "Technologies and Skills Used by Computer Workers, All Other "
        "O*NET publishes no technologies or skills for this occupation."
    ) in text


def test_curated_page_featuring_no_rows_does_not_blame_onet(client, db):
    """A curated page lists the rows its editor featured: none featured says
    nothing about what O*NET publishes."""
    from tests.factories import (
        CareerPageFactory,
        OccupationSkillFactory,
        OccupationTechnologyFactory,
        TaskFactory,
    )

    page = CareerPageFactory(data_lists=CareerPage.DataLists.CURATED)
    TaskFactory(occupation=page.occupation, statement="Unfeatured task.")
    OccupationTechnologyFactory(occupation=page.occupation)
    OccupationSkillFactory(occupation=page.occupation)
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Unfeatured task." not in text
    assert "O*NET publishes no" not in text


@pytest.fixture
def shared_occupation(db):
    """One occupation with featured and other rows, shown by a curated page and by
    an all-data page."""
    from tests.factories import (
        CareerPageFactory,
        OccupationFactory,
        OccupationSkillFactory,
        OccupationTechnologyFactory,
        TaskFactory,
    )

    occupation = OccupationFactory()
    for featured in (True, False):
        kind = "Featured" if featured else "Other"
        TaskFactory(
            occupation=occupation, statement=f"{kind} task.", is_featured=featured
        )
        OccupationTechnologyFactory(
            occupation=occupation,
            technology__name=f"{kind} tool",
            is_featured=featured,
        )
        OccupationSkillFactory(
            occupation=occupation, skill__summary=f"{kind} skill", is_featured=featured
        )
    curated = CareerPageFactory(
        occupation=occupation, slug="curated", data_lists=CareerPage.DataLists.CURATED
    )
    everything = CareerPageFactory(
        occupation=occupation, slug="everything", data_lists=CareerPage.DataLists.ALL
    )
    return curated, everything


@pytest.mark.parametrize(
    ("slug", "shown", "left_out"),
    [("curated", ["Featured"], ["Other"]), ("everything", ["Featured", "Other"], [])],
)
def test_career_page_lists_featured_rows_or_all_rows_as_the_page_says(
    client, shared_occupation, slug, shown, left_out
):
    text = visible_text(client.get(f"/careers/{slug}/").content)
    for kind in shown:
        for row in (f"{kind} task.", f"{kind} tool", f"{kind} skill"):
            assert row in text
    for kind in left_out:
        for row in (f"{kind} task.", f"{kind} tool", f"{kind} skill"):
            assert row not in text


def test_compare_curated_and_all_data_pages_of_one_occupation_each_list_their_rows(
    client, shared_occupation
):
    response = client.get("/careers/compare/?careers=curated,everything")
    columns = response.context["columns"]
    assert [technology.name for technology in columns[0]["technologies"]] == [
        "Featured tool"
    ]
    assert sorted(technology.name for technology in columns[1]["technologies"]) == [
        "Featured tool",
        "Other tool",
    ]


def test_a_long_technology_list_shows_its_hot_ones_and_keeps_the_rest_for_more(
    client, db
):
    from tests.factories import (
        CareerPageFactory,
        OccupationFactory,
        OccupationTechnologyFactory,
    )

    occupation = OccupationFactory()
    lists = {"Long with hot": (12, 2), "Long": (9, 0), "Short": (8, 1)}
    for category, (count, hot) in lists.items():
        for number in range(count):
            OccupationTechnologyFactory(
                occupation=occupation,
                technology__name=f"{category} {number:02}",
                technology__category__title=category,
                technology__is_hot_technology=number >= count - hot,
            )
    page = CareerPageFactory(occupation=occupation, data_lists=CareerPage.DataLists.ALL)
    html = client.get(page.get_absolute_url()).content.decode()

    def shown_and_more(category):
        block = html.split(f"<h3>{category}</h3>", 1)[1].split("</div>", 1)[0]
        shown, _, more = block.partition("<details")
        return re.findall(rf"<li>({category} \d+)", shown), more

    # The hot ones; with none hot, the first five; a short list whole.
    shown, more = shown_and_more("Long with hot")
    assert shown == ["Long with hot 10", "Long with hot 11"]
    assert "<summary>10 more<" in more and "Long with hot 00" in more
    shown, more = shown_and_more("Long")
    assert shown == [f"Long {number:02}" for number in range(5)]
    assert "<summary>4 more<" in more and "Long 08" in more
    shown, more = shown_and_more("Short")
    assert len(shown) == 8 and more == ""


def test_career_cards_name_the_onet_title_only_when_the_page_goes_by_another(
    client, db
):
    from tests.factories import CareerPageFactory

    CareerPageFactory(
        career_name="Machine Learning Engineer",
        occupation__title="Operations Research Analysts",
        occupation__code="15-2031.00",
    )
    CareerPageFactory(
        career_name="Nurse Midwives",
        occupation__title="Nurse Midwives",
        occupation__code="29-1161.00",
    )
    text = visible_text(client.get("/careers/").content)
    assert "O*NET-SOC 15-2031.00 · Operations Research Analysts" in text
    assert "O*NET-SOC 29-1161.00" in text
    assert "O*NET-SOC 29-1161.00 · Nurse Midwives" not in text


def test_sources_credit_each_release_as_its_editor_wrote_it(admin_client, client, demo):
    release = (
        CareerPage.objects.get(slug="machine-learning-engineer")
        .occupation.wage_estimates.get()
        .release
    )
    change_url = admin_url(type(release), "change", release.pk)
    data = change_form_data(
        admin_client.get(change_url), attribution="Wages credit, as rewritten."
    )
    assert admin_client.post(change_url, data).status_code == 302

    response = client.get(REFERENCE_URL)
    sources = visible_text(response.content).split("Sources", 1)[1]
    assert f"Wages credit, as rewritten. ({release.short_label}) www.bls.gov/oes" in (
        sources
    )
    assert "Employment Projections" in sources and "O*NET" in sources
    assert b'<a href="https://www.bls.gov/oes/">www.bls.gov/oes</a>' in response.content
