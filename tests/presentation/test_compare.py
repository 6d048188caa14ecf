"""/careers/compare/: two or three careers side by side."""

import re
from decimal import Decimal

import pytest

from occupations.models import CareerPage
from tests.factories import (
    OccupationSkillFactory,
    OccupationTechnologyFactory,
    full_career,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def compare(client, query):
    response = client.get(f"/careers/compare/{query}")
    assert response.status_code == 200
    return visible_text(response.content)


def test_compare_two_careers_side_by_side(client, db):
    first = full_career(career_name="Actuary", growth="22.0")
    second = full_career(career_name="Baker", growth="1.0", openings="1.0")
    text = compare(client, f"?careers={first.slug},{second.slug}")
    assert "Actuary and Baker compared" in text
    assert "Annual median $85,720 $85,720" in text
    assert "Projected growth 22% by 2034 (much faster than average)" in text
    assert "1% by 2034 (slower than average)" in text
    assert "Typical education needed for entry (BLS) Bachelor's degree" in text
    assert "Bright Outlook (O*NET criteria) Bright Outlook No" in text
    assert "Top skills" in text and "Technologies" in text
    assert "BLS OEWS credit." in text


def test_compare_top_skills_are_those_the_career_page_lists_in_its_words(client, db):
    """An all-data page lists the skills O*NET rates important (3 of 5 or more);
    the compare column had ranked every rated skill, naming "Speaking" (2.88)
    beside a page that leaves it out, and by O*NET's names where the page shows
    the one it lists by its summary."""
    first = full_career(size=0)
    occupation = first.occupation
    for name, summary, importance in (
        ("Critical Thinking", "Weighing the options", "3.00"),
        ("Speaking", "", "2.88"),
        ("Monitoring", "", "2.62"),
    ):
        OccupationSkillFactory(
            occupation=occupation,
            skill__name=name,
            skill__summary=summary,
            importance=Decimal(importance),
        )
    second = full_career()
    page_text = visible_text(client.get(first.get_absolute_url()).content)
    assert "Basic Skills Weighing the options" in page_text
    assert "Speaking" not in page_text

    response = client.get(f"/careers/compare/?careers={first.slug},{second.slug}")
    first_column = response.context["columns"][0]
    assert first_column["skills"] == ["Weighing the options"]
    text = visible_text(response.content)
    assert "Top skills Weighing the options Doing skilful thing" in text
    assert "Speaking" not in text and "Critical Thinking" not in text


HOT_LEGEND = "Hot marks a hot technology"


def test_hot_legend_only_where_a_technology_is_marked_hot(client, db):
    """The legend had explained a mark shown nowhere: 19 of the catalogue's pages
    list no hot technology (Commercial Divers)."""
    plain, other_plain = full_career(), full_career()  # factory tools: none hot
    page_text = visible_text(client.get(plain.get_absolute_url()).content)
    assert "Tool" in page_text and HOT_LEGEND not in page_text
    assert HOT_LEGEND not in compare(
        client, f"?careers={plain.slug},{other_plain.slug}"
    )

    OccupationTechnologyFactory(
        occupation=other_plain.occupation,
        technology__name="Spreadsheets",
        technology__is_hot_technology=True,
    )
    page_text = visible_text(client.get(other_plain.get_absolute_url()).content)
    assert "Spreadsheets Hot technology" in page_text and HOT_LEGEND in page_text
    text = compare(client, f"?careers={plain.slug},{other_plain.slug}")
    assert "Spreadsheets Hot technology" in text and HOT_LEGEND in text


def test_compare_repeated_parameters_work_like_a_list(client, db):
    first, second, third = (full_career() for _ in range(3))
    text = compare(
        client, f"?careers={first.slug}&careers={second.slug}&careers={third.slug}"
    )
    assert (
        f"{first.career_name}, {second.career_name} and {third.career_name} "
        "compared" in text
    )


def test_compare_unknown_duplicate_invalid_and_extra_slugs_explained(client, db):
    pages = [full_career() for _ in range(4)]
    slugs = [page.slug for page in pages]
    query = f"?careers={slugs[0]},no-such-career,{slugs[0]},<b>,{slugs[1]},{slugs[2]}"
    text = compare(client, query + f",{slugs[3]}")
    assert "We found no published career “no-such-career”" in text
    assert f"“{slugs[0]}” was listed twice; it is shown once." in text
    assert "“<b>” is not the address of a career" in text
    assert f"You can compare up to 3 careers; “{slugs[3]}” was left out." in text


def test_compare_an_unknown_career_does_not_take_a_place(client, db):
    slugs = [full_career().slug for _ in range(4)]
    text = compare(client, f"?careers=nope,{','.join(slugs)}")
    assert "We found no published career “nope”" in text
    first, second, third = (
        CareerPage.objects.get(slug=slug).career_name for slug in slugs[:3]
    )
    assert f"{first}, {second} and {third} compared" in text
    assert f"You can compare up to 3 careers; “{slugs[3]}” was left out." in text


def test_compare_career_without_projections_says_not_published(client, db):
    first = full_career(career_name="Actuary", growth="22.0")
    second = full_career(career_name="Baker")
    second.occupation.projections.all().delete()
    text = compare(client, f"?careers={first.slug},{second.slug}")
    assert "Bright Outlook (O*NET criteria) Bright Outlook Not published" in text


def test_compare_draft_career_is_not_shown(client, db):
    first, second = full_career(), full_career()
    CareerPage.objects.filter(pk=second.pk).update(status=CareerPage.Status.DRAFT)
    text = compare(client, f"?careers={first.slug},{second.slug}")
    assert f"We found no published career “{second.slug}”" in text
    assert "Comparing needs at least two careers" in text


def test_compare_search_offers_careers_to_add(client, db):
    first = full_career(career_name="Actuary")
    full_career(career_name="Baker")
    response = client.get(f"/careers/compare/?careers={first.slug}&q=baker")
    content = response.content.decode()
    assert "Add Baker" in visible_text(content)
    assert f"?careers={first.slug},career-" in content


def test_compare_empty_and_hostile_input_never_fails(client, db):
    for query in ("", "?careers=", "?careers=,,,", "?q=%00", "?careers=%00&q=x" * 3):
        assert client.get(f"/careers/compare/{query}").status_code == 200
    assert "Pick two or three careers" in compare(client, "")


@pytest.mark.parametrize("size", [1, 25])
@pytest.mark.parametrize("count", [2, 3])
def test_compare_query_count_is_constant(
    no_page_cache, client, django_assert_num_queries, size, count
):
    slugs = ",".join(full_career(size=size).slug for _ in range(count))
    # The pages with their O*NET release and job zone, then one query each for
    # skills, technologies, wages and projections.
    with django_assert_num_queries(5):
        assert client.get(f"/careers/compare/?careers={slugs}").status_code == 200


def test_compare_names_the_bls_group_whose_figures_a_career_shows(client, db):
    first, second = full_career(career_name="Actuary"), full_career()
    group = {"bls_group_code": "21-1018", "bls_group_title": "Counselors Group"}
    second.occupation.wage_estimates.update(**group)
    second.occupation.projections.update(**group)
    text = compare(client, f"?careers={first.slug},{second.slug}")
    assert "Wage data from BLS OEWS, May 2024 BLS OEWS, May 2024, for 21-1018" in text
    assert "BLS Employment Projections, 2024–34, for 21-1018 Counselors Group" in text


def test_compare_a_long_address_gets_a_short_list_of_messages(client, db):
    slugs = [full_career().slug for _ in range(4)]
    junk = [f"nope-{number}" for number in range(700)]
    text = compare(client, f"?careers={','.join(slugs + junk)}")
    # The first ten names are looked up: four careers and six unknown addresses.
    assert text.count("We found no published career") == 5
    assert "… and 1 more like this." in text
    assert (
        f"You can compare up to 3 careers; “{slugs[3]}”, “nope-6” and 693 more were "
        "left out." in text
    )


def test_compare_one_message_for_a_name_listed_again_and_again(client, db):
    page = full_career()
    text = compare(client, f"?careers={','.join([page.slug] * 8)},BAD!,BAD!,BAD!")
    assert text.count("was listed") == 1
    assert f"“{page.slug}” was listed 8 times; it is shown once." in text
    assert text.count("“bad!” is not the address of a career") == 1


def test_compare_careers_named_after_unknown_ones_are_left_out_saying_why(client, db):
    """Ten unknown addresses fill the places looked up: the message says that,
    not that three careers are the most one can compare."""
    slugs = [full_career().slug for _ in range(2)]
    junk = [f"nope-{number}" for number in range(10)]
    text = compare(client, f"?careers={','.join(junk + slugs)}")
    assert (
        f"Only the first 10 careers named are looked up; “{slugs[0]}” and "
        f"“{slugs[1]}” were left out." in text
    )
    assert "You can compare up to" not in text
    assert "… and 5 more like these." in text


def test_compare_control_characters_of_an_address_are_not_shown(client, db):
    response = client.get("/careers/compare/?careers=%00x%07,nope")
    assert response.status_code == 200
    assert "“x” is not the address of a career" in response.content.decode()
    assert "\x00" not in response.content.decode()
    nothing_printable = client.get("/careers/compare/?careers=%07%1b,nope")
    assert "An address of unprintable characters is not the address of a career" in (
        nothing_printable.content.decode()
    )


def test_each_remove_link_compares_the_other_careers(client, db):
    pages = [full_career(career_name=name) for name in ("Actuary", "Baker", "Cook")]
    response = client.get(
        f"/careers/compare/?careers={','.join(p.slug for p in pages)}"
    )
    removes = re.findall(
        r'<a href="([^"]+)" aria-label="Remove ([^"]+) from the comparison"',
        response.content.decode(),
    )
    assert [name for _, name in removes] == ["Actuary", "Baker", "Cook"]
    for (url, name), page in zip(removes, pages, strict=True):
        others = [other.slug for other in pages if other != page]
        assert url == f"/careers/compare/?careers={','.join(others)}", name
        assert client.get(url).status_code == 200
