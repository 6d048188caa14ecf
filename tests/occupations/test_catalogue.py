"""The shipped catalogue: a page for every occupation with data, the demo's
editorial pages untouched by a full import."""

import re
import shutil
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from occupations.models import AlternateTitle, CareerPage, Occupation
from tests.admin_forms import admin_url
from tests.html_text import visible_text
from tests.occupations.test_career_page import REFERENCE_URL, reference_lines
from tests.occupations.test_importers import DATA, ONET, release_as

SNAPSHOT = Path(__file__).resolve().parents[2] / "occupations" / "catalogue"


def load_catalogue(directory):
    out = StringIO()
    call_command("load_catalogue", "--directory", directory, stdout=out)
    return out.getvalue()


def section(html, heading_id):
    """The HTML of one <section> of the career page, by its heading id."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.DOTALL
    )
    return match.group(0)


# The reference's figures and their credit lines follow the data (May 2024 and
# 2024–34 here); every other line is editorial or curated and must stay.
FIGURE_LINES = {
    "Annual Median Salary: $85,720",
    "Hourly Median Wage: $41.21",
    "Data sourced from O*NET Online, provided by the BLS Occupational Employment "
    "and Wage Statistics wage estimates.",
    "Projected Job Openings for Machine Learning Engineers by 2031",
    "Projected Growth Rate in Employment by 2031: 23%",
    "Data sourced from CareerOneStop, provided by the U.S. Department of Labor.",
}


def assert_reference_lists(client):
    html = client.get(REFERENCE_URL).content.decode()
    text = visible_text(html.encode())
    lines = [line for line in reference_lines() if line not in FIGURE_LINES]
    assert len(lines) > 60
    assert [line for line in lines if line not in text] == []
    assert section(html, "tasks-heading").count("<li>") == 3
    tech = section(html, "tech-heading")
    assert tech.count("<li>") == 6 + 5  # technologies, then skills
    skills = visible_text(tech.encode())
    assert skills.index("Thinking about the pros and cons of different ways") < (
        skills.index("Using math to solve problems")
    )


def test_reference_page_keeps_its_lists_after_a_full_import(
    client, demo, excerpt_snapshot
):
    load_catalogue(excerpt_snapshot)
    assert Occupation.objects.get(code="15-2031.00").tasks.count() == 17
    assert_reference_lists(client)
    text = visible_text(client.get(REFERENCE_URL).content)
    assert "Annual Median Salary: $91,290" in text


def test_reference_page_keeps_its_lists_when_the_import_came_first(
    client, db, excerpt_snapshot
):
    load_catalogue(excerpt_snapshot)
    call_command("load_demo", verbosity=0)
    assert_reference_lists(client)


def test_load_catalogue_publishes_a_page_for_every_occupation_with_data(
    client, demo, excerpt_snapshot
):
    output = load_catalogue(excerpt_snapshot)
    assert "Career pages: 13 created" in output
    with_data = Occupation.objects.filter(tasks__isnull=False).distinct()
    for occupation in with_data:
        page = occupation.career_pages.get()
        assert client.get(page.get_absolute_url()).status_code == 200
    nurses = CareerPage.objects.get(slug="registered-nurse")  # the demo's, kept
    assert nurses.data_lists == CareerPage.DataLists.CURATED
    assert CareerPage.objects.filter(occupation__code="29-1141.00").count() == 1


def test_load_catalogue_again_skips_imported_releases_and_keeps_edits(
    demo, excerpt_snapshot
):
    load_catalogue(excerpt_snapshot)
    CareerPage.objects.filter(slug="nurse-practitioners").update(summary="Edited.")
    output = load_catalogue(excerpt_snapshot)
    assert "O*NET: the snapshot's release is already imported." in output
    assert "Done: 0 created, 0 updated, 0 removed." in output
    assert CareerPage.objects.get(slug="nurse-practitioners").summary == "Edited."


def test_load_catalogue_leaves_a_page_an_editor_deleted_deleted(
    admin_client, client, demo, excerpt_snapshot
):
    """`make run` loads the catalogue at each start: a page deleted in the admin
    came back, published."""
    load_catalogue(excerpt_snapshot)
    page = CareerPage.objects.get(slug="nurse-practitioners")
    response = admin_client.post(
        admin_url(CareerPage, "delete", page.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    output = load_catalogue(excerpt_snapshot)
    assert "Career pages: 0 created" in output
    assert client.get("/careers/nurse-practitioners/").status_code == 404


def test_load_catalogue_leaves_a_newer_onet_release_in_place(
    db, excerpt_snapshot, tmp_path
):
    newer = tmp_path / "onet"
    shutil.copytree(ONET, newer)
    release_as(newer, "30.0", "May 2026")
    call_command("import_onet", newer, stdout=StringIO())
    output = load_catalogue(excerpt_snapshot)
    assert "O*NET: the database holds O*NET 30.0, newer than O*NET 29.3." in output
    releases = set(Occupation.objects.values_list("release__name", flat=True))
    assert releases == {"O*NET 30.0"}


def test_load_catalogue_with_a_bad_file_imports_none_of_it(
    db, excerpt_snapshot, tmp_path
):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(excerpt_snapshot, snapshot)
    (projections,) = (snapshot / "bls").glob("projections*")
    projections.write_bytes(b"not gzip")  # the last file loaded
    with pytest.raises(CommandError, match="Nothing was changed"):
        load_catalogue(snapshot)
    assert not Occupation.objects.exists()  # the O*NET release before it too


def test_load_catalogue_from_a_folder_that_is_not_there_names_it(db, tmp_path):
    """It said "onet: not a folder", the first thing missing inside it."""
    with pytest.raises(CommandError, match="^no-snapshot: not a folder; pass the"):
        load_catalogue(tmp_path / "no-snapshot")


def test_load_catalogue_with_a_folder_or_broken_link_as_a_bls_file_says_so(
    db, excerpt_snapshot, tmp_path
):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(excerpt_snapshot, snapshot)
    (snapshot / "bls" / "national_M2099_dl.xlsx").mkdir()
    with pytest.raises(CommandError, match="national_M2099_dl.xlsx: a folder where"):
        load_catalogue(snapshot)
    assert not Occupation.objects.exists()
    (snapshot / "bls" / "national_M2099_dl.xlsx").rmdir()
    (snapshot / "bls" / "national_M2099_dl.xlsx").symlink_to(tmp_path / "gone.xlsx")
    with pytest.raises(CommandError, match="no such file \\(a broken link\\?\\)"):
        load_catalogue(snapshot)


def test_load_catalogue_adds_up_what_two_wage_releases_each_wrote(
    db, excerpt_snapshot, tmp_path
):
    """Each import's counts replaced the earlier one's of the same kind of row: the
    second wage release's "0 created" SOC major groups hid the first's."""
    snapshot = tmp_path / "snapshot"
    shutil.copytree(excerpt_snapshot, snapshot)
    (wages,) = (snapshot / "bls").glob("national_M2024*")
    shutil.copy(wages, wages.with_name(wages.name.replace("M2024", "M2023")))
    output = load_catalogue(snapshot)
    created = re.search(r"SOC major groups: (\d+) created", output).group(1)
    assert int(created) > 0
    assert "Wage estimates (May 2023)" in output and "Wage estimates (May 2024)" in (
        output
    )


def test_catalogue_page_shows_all_tasks_important_skills_and_related_links(
    client, db, excerpt_snapshot
):
    load_catalogue(excerpt_snapshot)
    html = client.get("/careers/operations-research-analysts/").content.decode()
    assert section(html, "tasks-heading").count("<li>") == 17
    text = visible_text(html.encode())
    assert "Critical Thinking" in text  # importance 4.00
    assert "Repairing" not in text  # importance 1.00: below the threshold
    assert 'Hot<span class="visually-hidden"> technology</span>' in html
    # The legend's subject is read too: screen readers had heard only "marks a
    # hot technology".
    assert '<span class="tag">Hot</span> marks a hot technology' in html
    related = section(html, "related-heading")
    assert 'href="/careers/data-scientists/"' in related
    compare = "/careers/compare/?careers=operations-research-analysts,data-scientists"
    assert f'href="{compare}"' in related
    assert "Job Description" not in text.replace("Job Description:", "")


def test_shipped_snapshot_has_every_file_the_site_imports():
    names = {path.name for path in (SNAPSHOT / "onet").iterdir()}
    for required in (
        "Occupation Data.txt.gz",
        "Task Statements.txt.gz",
        "Skills.txt.gz",
        "Technology Skills.txt.gz",
        "Alternate Titles.txt.gz",
        "Read Me.txt",
    ):
        assert required in names
    assert (SNAPSHOT / "bls" / "national_M2024_dl.csv.gz").is_file()
    assert (SNAPSHOT / "SOURCES.md").read_text().count("CC BY 4.0") >= 1


def test_load_catalogue_imports_again_when_the_import_rules_change(
    demo, excerpt_snapshot, monkeypatch
):
    load_catalogue(excerpt_snapshot)
    assert "already imported" in load_catalogue(excerpt_snapshot)
    monkeypatch.setattr(
        "occupations.importers.onet.IMPORT_RULES_VERSION", "a new matching rule"
    )
    output = load_catalogue(excerpt_snapshot)
    assert "already imported" not in output
    assert "already imported" in load_catalogue(excerpt_snapshot)


def test_build_catalogue_with_a_bad_file_leaves_the_snapshot_as_it_was(
    excerpt_snapshot, tmp_path
):
    """The O*NET files used to be written before the BLS files were read: a bad
    wages file left a half-rebuilt snapshot."""
    out = tmp_path / "catalogue"
    shutil.copytree(excerpt_snapshot, out)
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    bad_wages = tmp_path / "national_M2024_dl.xlsx"
    bad_wages.write_bytes(b"not a workbook")
    onet = tmp_path / "onet"
    shutil.copytree(DATA / "onet", onet)
    task_file = onet / "Task Statements.txt"
    tasks = task_file.read_text()
    assert "Analyze" in tasks
    task_file.write_text(tasks.replace("Analyze", "Study", 1))
    with pytest.raises(CommandError, match="national_M2024_dl.xlsx"):
        call_command(
            "build_catalogue",
            onet,
            bad_wages,
            DATA / "bls" / "occupation 2024-34.xlsx",
            "--out",
            out,
            stdout=StringIO(),
        )
    after = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert after == before


def test_build_catalogue_leaves_no_file_of_the_previous_snapshot(
    excerpt_snapshot, tmp_path
):
    """A file the new release lacks must not stay beside the new ones, to be
    imported with them."""
    out = tmp_path / "catalogue"
    shutil.copytree(excerpt_snapshot, out)
    assert (out / "onet" / "Related Occupations.txt.gz").exists()
    onet = tmp_path / "onet"
    shutil.copytree(DATA / "onet", onet)
    (onet / "Related Occupations.txt").unlink()
    call_command(
        "build_catalogue",
        onet,
        DATA / "bls" / "national_M2022_dl.xlsx",
        DATA / "bls" / "occupation 2024-34.xlsx",
        "--out",
        out,
        stdout=StringIO(),
    )
    assert not (out / "onet" / "Related Occupations.txt.gz").exists()
    assert sorted(path.name for path in (out / "bls").iterdir()) == [
        "national_M2022_dl.csv.gz",
        "projections.csv.gz",
    ]
    assert not list(out.glob(".building-*"))


def test_build_catalogue_needs_a_read_me_naming_the_release(tmp_path):
    onet = tmp_path / "onet"
    shutil.copytree(DATA / "onet", onet)
    (onet / "Read Me.txt").write_text("hello\n")
    with pytest.raises(CommandError, match="no 'Read Me.txt' naming the O"):
        call_command(
            "build_catalogue",
            onet,
            DATA / "bls" / "national_M2024_dl.xlsx",
            DATA / "bls" / "occupation 2024-34.xlsx",
            "--out",
            tmp_path / "catalogue",
            stdout=StringIO(),
        )


def build(onet, wages, out):
    call_command(
        "build_catalogue",
        onet,
        wages,
        DATA / "bls" / "occupation 2024-34.xlsx",
        "--out",
        out,
        stdout=StringIO(),
    )


def test_build_catalogue_names_the_wages_file_as_load_catalogue_finds_it(db, tmp_path):
    """A wages file not called national_* was stored under its own name, which
    load_catalogue does not look for: it then imported no wages, silently."""
    wages = tmp_path / "oews May 2024.xlsx"
    shutil.copy(DATA / "bls" / "national_M2024_dl.xlsx", wages)
    build(DATA / "onet", wages, tmp_path / "catalogue")
    assert sorted(path.name for path in (tmp_path / "catalogue" / "bls").iterdir()) == [
        "national_M2024_dl.csv.gz",
        "projections.csv.gz",
    ]
    assert "Wage estimates (May 2024)" in load_catalogue(tmp_path / "catalogue")


def test_build_catalogue_refuses_a_line_break_inside_a_cell(tmp_path):
    """The snapshot's files are tab-separated lines: the built snapshot could not
    be loaded (and `make run` loads it)."""
    onet = tmp_path / "onet"
    shutil.copytree(DATA / "onet", onet)
    workbook = openpyxl.load_workbook(onet / "Alternate Titles.xlsx")
    sheet = workbook.active
    sheet["C2"] = f"{sheet['C2'].value}\nsecond line"
    workbook.save(onet / "Alternate Titles.xlsx")
    with pytest.raises(
        CommandError,
        match=r"Alternate Titles.xlsx, line 2: the Alternate Title cell holds a tab "
        "or line break",
    ):
        build(onet, DATA / "bls" / "national_M2024_dl.xlsx", tmp_path / "catalogue")
    assert not (tmp_path / "catalogue" / "onet").exists()


def test_build_catalogue_out_naming_a_file_is_a_message(tmp_path):
    (tmp_path / "catalogue").write_text("a file")
    with pytest.raises(CommandError, match="a file, where the snapshot folder goes"):
        build(
            DATA / "onet",
            DATA / "bls" / "national_M2024_dl.xlsx",
            tmp_path / "catalogue",
        )


def test_build_and_load_catalogue_keep_quotes_in_a_cell(db, tmp_path):
    """The snapshot wrote cells as they were and the reader takes quotes off a
    field in quotes: '"Roadie"' came back as 'Roadie'."""
    onet = tmp_path / "onet"
    shutil.copytree(DATA / "onet", onet)
    workbook = openpyxl.load_workbook(onet / "Alternate Titles.xlsx")
    workbook.active["C2"] = '"Roadie"'
    workbook.save(onet / "Alternate Titles.xlsx")
    build(onet, DATA / "bls" / "national_M2024_dl.xlsx", tmp_path / "catalogue")
    load_catalogue(tmp_path / "catalogue")
    assert AlternateTitle.objects.filter(title='"Roadie"').exists()


def test_build_catalogue_refuses_a_top_code_the_snapshot_cannot_carry(tmp_path):
    """The snapshot's CSV keeps "#" but not the sheet saying what it stands for,
    and load_catalogue read it as 2024's: a release whose top code BLS raised
    would have shown every top-coded wage as the old code "or more"."""
    workbook = openpyxl.load_workbook(DATA / "bls" / "national_M2024_dl.xlsx")
    for row in workbook["Field Descriptions"].iter_rows():
        for cell in row:
            if cell.value and "per hour" in str(cell.value):
                cell.value = str(cell.value).replace("115.00", "125.00")
                cell.value = cell.value.replace("239,200", "260,000")
    wages = tmp_path / "national_M2024_dl.xlsx"
    workbook.save(wages)
    with pytest.raises(
        CommandError,
        match=re.escape(
            "national_M2024_dl.xlsx: its Field Descriptions sheet states May 2024's "
            "top code as $125.00 an hour or $260,000 a year, which the snapshot's "
            'CSV cannot carry: add 2024: (Decimal("125.00"), Decimal("260000")) to '
            "OEWS_TOP_CODES in occupations/importers/bls.py"
        ),
    ):
        build(DATA / "onet", wages, tmp_path / "catalogue")
    assert not any((tmp_path / "catalogue").rglob("*"))


LONG_TITLE = (
    "Grinding, Lapping, Polishing, and Buffing Machine Tool Setters, Operators, "
    "and Tenders, Metal and Plastic"
)


def test_catalogue_page_name_is_its_whole_occupation_title(client, db):
    """O*NET has titles of 105 letters: cut to 100, the page read "… Metal and
    Pl Career Overview"."""
    from occupations.importers.catalogue import career_pages_create
    from tests.factories import TaskFactory

    assert len(LONG_TITLE) == 105
    TaskFactory(occupation__title=LONG_TITLE)
    assert career_pages_create() == 1
    page = CareerPage.objects.get()
    assert page.career_name == page.career_name_plural == LONG_TITLE
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert f"{LONG_TITLE} Career Overview" in text


def test_migration_makes_names_the_catalogue_cut_whole(db):
    from importlib import import_module

    from django.apps import apps

    from tests.factories import CareerPageFactory

    migration = import_module("occupations.migrations.0021_career_names_made_whole")
    cut = CareerPageFactory(
        occupation__title=LONG_TITLE,
        career_name=LONG_TITLE[:100],
        career_name_plural=LONG_TITLE[:100],
    )
    edited = CareerPageFactory(
        occupation__title=LONG_TITLE + " (other)",
        career_name="Metal Polishers",
        career_name_plural=(LONG_TITLE + " (other)")[:100],
    )
    migration.names_cut_by_the_catalogue_made_whole(apps, None)
    cut.refresh_from_db()
    edited.refresh_from_db()
    assert cut.career_name == cut.career_name_plural == LONG_TITLE
    assert edited.career_name == "Metal Polishers"  # an editor's, kept
    assert edited.career_name_plural == LONG_TITLE + " (other)"
