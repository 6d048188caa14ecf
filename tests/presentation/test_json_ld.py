"""The JSON-LD says exactly what the page shows."""

import re

import pytest

from occupations.models import WageEstimate
from tests.factories import CareerPageFactory, full_career
from tests.html_text import element_texts, json_ld, visible_text

pytestmark = pytest.mark.django_db


def by_type(items, kind):
    (item,) = [item for item in items if item["@type"] == kind]
    return item


def money(value, places=0):
    return f"${value:,.{places}f}"


def test_json_ld_occupation_equals_the_page_property_by_property(client, career):
    content = client.get(career.get_absolute_url()).content.decode()
    text = visible_text(content)
    items = json_ld(content)
    occupation = by_type(items, "Occupation")
    assert occupation["@context"] == "https://schema.org"
    # name: the career's name in the page's headings.
    assert f"{occupation['name']} U.S. Salary in 2024" in text
    # description: the O*NET description the overview lists sentence by sentence.
    for sentence in ("Analyse things.", "May report on them."):
        assert sentence in occupation["description"]
        assert sentence in text
    category = occupation["occupationalCategory"]
    assert category["@type"] == "CategoryCode"
    assert category["inCodeSet"]["name"] == "O*NET-SOC"
    assert f"O*NET-SOC {category['codeValue']}, {category['name']}" in text
    assert occupation["occupationLocation"] == {
        "@type": "Country",
        "name": "United States",
    }
    assert occupation["responsibilities"] == element_texts(content, "tasks")
    shown_skills = re.findall(r"<li>(Doing skilful thing \d+)</li>", content)
    assert occupation["skills"] == shown_skills and shown_skills
    assert occupation["educationRequirements"] == "Bachelor's degree"
    assert (
        "Typical education needed for entry (BLS, 2024–34): Bachelor's degree" in text
    )
    assert text.count("Typical education needed for entry") == 1  # said once
    modified = occupation["mainEntityOfPage"]["dateModified"]
    assert f'Last updated <time datetime="{modified}">' in content
    assert occupation["mainEntityOfPage"]["@id"] == (
        f"http://testserver{career.get_absolute_url()}"
    )

    annual, hourly = occupation["estimatedSalary"]
    assert (annual["duration"], hourly["duration"]) == ("P1Y", "PT1H")
    assert annual["currency"] == hourly["currency"] == "USD"
    assert annual["@type"] == "MonetaryAmountDistribution"
    assert f"Annual Median Salary: {money(annual['median'])}" in text
    assert f"Hourly Median Wage: {money(hourly['median'], 2)}" in text
    labels = {
        "percentile10": "10th percentile",
        "percentile25": "25th percentile",
        "median": "Median",
        "percentile75": "75th percentile",
        "percentile90": "90th percentile",
    }
    for key, label in labels.items():
        assert f"{label} {money(annual[key])} {money(hourly[key], 2)}" in text
    assert "May 2024" in annual["name"] and "(BLS OEWS, May 2024)" in text


def test_json_ld_salary_names_the_bls_group_whose_figures_it_gives(client, db):
    """A specialty's page shows its BLS group's wages and says so; the JSON-LD
    gave them as the specialty's own."""
    page = full_career()
    page.occupation.wage_estimates.update(
        bls_group_code="11-1011", bls_group_title="Chief executives"
    )
    content = client.get(page.get_absolute_url()).content.decode()
    annual, hourly = by_type(json_ld(content), "Occupation")["estimatedSalary"]
    assert annual["name"] == (
        "Annual wages, BLS OEWS, May 2024, for 11-1011 Chief executives"
    )
    assert "11-1011" in hourly["name"] and "11-1011" in visible_text(content)


def test_json_ld_breadcrumbs_match_the_page_breadcrumbs(client, career):
    content = client.get(career.get_absolute_url()).content.decode()
    crumbs = by_type(json_ld(content), "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Careers", career.career_name]
    assert [crumb["position"] for crumb in crumbs] == [1, 2]
    assert crumbs[0]["item"] == "http://testserver/careers/"
    assert f"Careers › {career.career_name}" in visible_text(content)


def test_json_ld_top_coded_percentile_is_left_out_not_invented(client, db):
    page = full_career(annual=("50440", "64060", "85720", "180000", "239200"))
    occupation = by_type(
        json_ld(client.get(page.get_absolute_url()).content.decode()), "Occupation"
    )
    annual = occupation["estimatedSalary"][0]
    assert "percentile90" not in annual
    assert annual["percentile75"] == 180000


def test_json_ld_leaves_out_a_salary_basis_without_figures(client, db):
    """An estimate with no hourly figures (or only top-coded ones) gave an empty
    distribution, an error to structured-data validators."""
    page = full_career(annual=("239200",) * 5)  # every annual figure top-coded
    WageEstimate.objects.update(
        hourly_pct10=None,
        hourly_pct25=None,
        hourly_median=None,
        hourly_pct75=None,
        hourly_pct90=None,
    )
    occupation = by_type(
        json_ld(client.get(page.get_absolute_url()).content.decode()), "Occupation"
    )
    assert "estimatedSalary" not in occupation


def test_json_ld_without_figures_has_no_salary_or_education(client, db):
    page = CareerPageFactory()
    occupation = by_type(
        json_ld(client.get(page.get_absolute_url()).content.decode()), "Occupation"
    )
    assert "estimatedSalary" not in occupation
    assert "educationRequirements" not in occupation


def test_json_ld_script_breaking_text_stays_inside_the_data_block(client, db):
    name = "Tester </script><script>alert(1)</script> & <b>"
    page = full_career(career_name=name)
    content = client.get(page.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in content
    assert by_type(json_ld(content), "Occupation")["name"] == name
