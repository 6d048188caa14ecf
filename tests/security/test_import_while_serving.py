"""A data import while the site serves pages, on PostgreSQL: every visitor sees the
old release or the new one, never a mix, and no request fails."""

import re
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions on PostgreSQL",
    ),
]

BLS = Path(__file__).parent.parent / "occupations" / "data" / "bls"
PAGE = "/careers/machine-learning-engineer/"
OLD = ("$85,720", "$41.21", "May 2022")
NEW = ("$91,290", "$43.89", "May 2024")


def figures(html):
    annual = re.search(r"Annual Median Salary:.*?(\$[\d,]+)", html, re.S).group(1)
    hourly = re.search(r"Hourly Median Wage:.*?(\$[\d.,]+)", html, re.S).group(1)
    # The demo's credit line names its release in brackets, the import's in words.
    release = re.search(r"(?:\(BLS OEWS, |Wage Statistics, )(May \d{4})", html).group(1)
    return annual, hourly, release


def test_import_while_serving_visitors_see_one_release_or_the_other(no_page_cache):
    call_command("load_demo", verbosity=0)
    errors = []

    def run_import():
        try:
            call_command("import_wages", BLS / "national_M2024_dl.xlsx", verbosity=0)
        except Exception as error:  # reported below, the thread must not die silently
            errors.append(error)
        finally:
            connection.close()

    importer = threading.Thread(target=run_import)
    client = Client()
    seen = []
    importer.start()
    while importer.is_alive() or len(seen) < 5:
        response = client.get(PAGE)
        assert response.status_code == 200
        seen.append(figures(response.content.decode()))
    importer.join()

    assert errors == []
    assert set(seen) <= {OLD, NEW}, set(seen) - {OLD, NEW}
    # Reading the workbook takes far longer than a page: the first visit overlaps.
    assert seen[0] == OLD
    assert seen[-1] == NEW
