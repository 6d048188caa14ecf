"""The home page: the guides editors wrote, then the fastest-growing careers."""

from decimal import Decimal

import pytest

from occupations.models import CareerPage
from tests.factories import (
    CareerPageFactory,
    EmploymentProjectionFactory,
    projections_release,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def section_text(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    return visible_text(html[start : html.index("</section>", start)].encode())


def test_home_shows_the_editors_guides_then_the_fastest_growing_careers(client):
    """After the guides editors wrote came the catalogue's first pages by name
    (Accountants, Actors, Actuaries…), which said nothing to a visitor."""
    CareerPageFactory(career_name="Machine Learning Engineer", introduction="Text.")
    older, newer = projections_release(name="2021–31"), projections_release()
    older.reference_date = older.reference_date.replace(year=2021)
    older.save()
    growth = {
        "Accountant": "4.9",
        "Wind Turbine Technician": "49.9",
        "Nurse Practitioner": "40.1",
        "Data Scientist": "33.5",
    }
    for name, percent in growth.items():
        page = CareerPageFactory(career_name=name)
        EmploymentProjectionFactory(
            occupation=page.occupation, release=newer, growth_percent=Decimal(percent)
        )
        # An older projection of faster growth: the latest counts.
        EmploymentProjectionFactory(
            occupation=page.occupation, release=older, growth_percent=Decimal("90")
        )
    CareerPageFactory(career_name="Actor")  # no projection: not ranked
    CareerPageFactory(
        career_name="Draft Career", status=CareerPage.Status.DRAFT
    ).occupation.projections.create(release=newer, growth_percent=Decimal("99"))

    html = client.get("/").content.decode()
    guides = section_text(html, "featured-heading")
    assert "Machine Learning Engineer" in guides
    assert "Accountant" not in guides and "Actor" not in guides
    growing = section_text(html, "growing-heading")
    names = ["Wind Turbine Technician", "Nurse Practitioner", "Data Scientist"]
    positions = [growing.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Projected growth: 50% by 2034" in growing
    assert "Actor" not in growing and "Draft Career" not in growing


def test_home_shows_one_fastest_growing_career_per_bls_occupation(client):
    """O*NET's specialties share their SOC occupation's projection: three of the
    six cards were 15-2051's 34%, one of them a guide shown above already."""
    release = projections_release()

    def career(name, code, growth, **fields):
        page = CareerPageFactory(
            career_name=name, occupation__code=code, occupation__title=name, **fields
        )
        EmploymentProjectionFactory(
            occupation=page.occupation, release=release, growth_percent=Decimal(growth)
        )

    career("Business Intelligence Analysts", "15-2051.01", "33.5")
    career("Clinical Data Managers", "15-2051.02", "33.5")
    career("Data Scientists", "15-2051.00", "33.5")
    career("Statistician", "15-2041.00", "8.0", introduction="A guide.")
    career("Biostatisticians", "15-2041.01", "8.0")
    career("Actuaries", "15-2011.00", "21.8")
    growing = section_text(client.get("/").content.decode(), "growing-heading")
    # The SOC occupation's own page stands for its specialties; none of the
    # guide's.
    assert "Data Scientists" in growing and "Actuaries" in growing
    assert "Business Intelligence" not in growing and "Clinical" not in growing
    assert "Biostatisticians" not in growing and "Statistician" not in growing


def test_home_without_any_page_says_so(client):
    text = visible_text(client.get("/").content)
    assert "No career guides are published yet." in text
    assert "Fastest-growing careers" not in text
