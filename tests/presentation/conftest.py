import datetime
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from occupations.models import DataRelease
from tests.factories import (
    CareerPageFactory,
    DataReleaseFactory,
    EmploymentProjectionFactory,
    OccupationSkillFactory,
    OccupationTechnologyFactory,
    TaskFactory,
    WageEstimateFactory,
)

ANNUAL = ("50440", "64060", "85720", "113980", "149640")
HOURLY = ("24.25", "30.80", "41.21", "54.80", "71.94")


def projections_release(**fields):
    return DataReleaseFactory(
        kind=DataRelease.Kind.PROJECTIONS,
        name=fields.pop("name", "2024–34"),
        reference_date=datetime.date(2024, 9, 1),
        horizon_year=2034,
        all_occupations_growth_percent=Decimal("3.1"),
        attribution="BLS Employment Projections credit.",
        **fields,
    )


def wages_release(**fields):
    return DataReleaseFactory(
        kind=DataRelease.Kind.WAGES,
        name="May 2024",
        reference_date=datetime.date(2024, 5, 1),
        top_code_annual=Decimal("239200"),
        top_code_hourly=Decimal("115.00"),
        attribution="BLS OEWS credit.",
        **fields,
    )


def full_career(*, size=3, growth="23.2", openings="10.3", annual=ANNUAL, **page):
    """A published page with wages (both bases), a projection and its lists."""
    page = CareerPageFactory(**page)
    occupation = page.occupation
    TaskFactory.create_batch(size, occupation=occupation)
    OccupationSkillFactory.create_batch(size, occupation=occupation)
    OccupationTechnologyFactory.create_batch(size, occupation=occupation)
    percentiles = ("pct10", "pct25", "median", "pct75", "pct90")
    WageEstimateFactory(
        occupation=occupation,
        release=wages_release(),
        **{f"annual_{p}": Decimal(v) for p, v in zip(percentiles, annual, strict=True)},
        **{f"hourly_{p}": Decimal(v) for p, v in zip(percentiles, HOURLY, strict=True)},
    )
    EmploymentProjectionFactory(
        occupation=occupation,
        release=projections_release(),
        growth_percent=Decimal(growth),
        annual_openings=None if openings is None else Decimal(openings),
        typical_education="Bachelor's degree",
    )
    return page


@pytest.fixture
def career(db):
    return full_career()


class _JsonLd(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self._in = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self._in = []

    def handle_data(self, data):
        if self._in is not None:
            self._in.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in is not None:
            self.blocks.append("".join(self._in))
            self._in = None


def json_ld(html):
    """Every JSON-LD object on the page, parsed."""
    parser = _JsonLd()
    parser.feed(html)
    items = []
    for block in parser.blocks:
        data = json.loads(block)
        items += data if isinstance(data, list) else [data]
    return items


def element_texts(html, selector_class):
    """Texts of <li> elements inside the element with class `selector_class`."""
    match = re.search(rf'class="{selector_class}".*?</ul>', html, re.S)
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    ]
