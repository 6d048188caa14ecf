"""Career pages and resources as CSV/XLSX: export, and all-or-nothing import."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from occupations.models import CareerPage
from resources.models import Resource
from tests.editorial.conftest import admin_url
from tests.factories import CareerPageFactory, OccupationFactory, ResourceFactory
from tests.html_text import visible_text
from tests.security.test_headers import inline_code

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the order of SpreadsheetMixin.formats


def export(client, model, file_format):
    return client.post(
        admin_url(model, "export"),
        {"format": file_format, "resource": "0"},
    )


def test_export_career_pages_as_csv(admin_client):
    page = CareerPageFactory(duties="Some **duties**.")
    response = export(admin_client, CareerPage, CSV_FORMAT)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["slug"] == page.slug
    assert rows[0]["occupation"] == page.occupation.code
    assert rows[0]["duties"] == "Some **duties**."


def test_export_resources_as_xlsx(admin_client):
    ResourceFactory(name="BLS handbook", url="https://www.bls.gov/ooh/")
    response = export(admin_client, Resource, XLSX_FORMAT)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["name", "url"]
    assert values[1][:2] == ["BLS handbook", "https://www.bls.gov/ooh/"]


def upload(client, model, text, name="pages.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(
        admin_url(model, "import"),
        {"import_file": file, "format": CSV_FORMAT, "resource": "0"},
    )


def pages_csv(occupation, *rows):
    header = "slug,title,career_name,career_name_plural,headline_year,occupation,status"
    lines = [header]
    for slug, year in rows:
        lines.append(
            f"{slug},{slug} Career Path,{slug},{slug}s,{year},{occupation.code},draft"
        )
    return "\n".join(lines) + "\n"


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(admin_url(model, "process_import"), data)


def test_import_career_pages_previews_then_creates_them(admin_client):
    occupation = OccupationFactory()
    preview = upload(admin_client, CareerPage, pages_csv(occupation, ("alpha", 2025)))
    assert preview.status_code == 200
    assert not CareerPage.objects.filter(slug="alpha").exists()  # only a preview
    found = inline_code(preview.content.decode())
    assert found.inline_scripts == [] and found.attributes == []
    response = confirm(admin_client, CareerPage, preview)
    assert response.status_code == 302
    page = CareerPage.objects.get(slug="alpha")
    assert (page.headline_year, page.status) == (2025, CareerPage.Status.DRAFT)
    assert page.history.latest().history_user.username == "admin"


def test_import_with_one_bad_row_shows_it_and_imports_nothing(admin_client):
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("good-one", 2025), ("bad-one", 1066))
    response = upload(admin_client, CareerPage, text)
    assert response.status_code == 200
    content = visible_text(response.content)
    assert "Some rows failed to validate" in content
    assert "2 1 headline_year Ensure this value is greater than or equal to 2000." in (
        content
    )
    assert "Confirm import" not in content
    assert not CareerPage.objects.filter(slug__in=["good-one", "bad-one"]).exists()


def test_import_resource_with_script_link_is_refused(admin_client):
    text = "name,url\nGood,https://example.org/\nEvil,javascript:alert(1)\n"
    response = upload(admin_client, Resource, text, name="resources.csv")
    assert "Enter a valid URL." in visible_text(response.content)
    assert not Resource.objects.exists()


def test_import_and_export_pages_need_no_inline_code(admin_client):
    for url in (
        admin_url(CareerPage, "import"),
        admin_url(CareerPage, "export"),
        admin_url(CareerPage, "changelist"),
        admin_url(Resource, "changelist"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        found = inline_code(response.content.decode())
        assert found.inline_scripts == [] and found.attributes == [], url
