"""The O*NET and BLS importers, on small excerpts of the real release files."""

import csv
import gzip
import io
import os
import re
import shutil
import zipfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import DataError, IntegrityError, OperationalError, connection

from occupations.models import (
    AlternateTitle,
    DataRelease,
    EmploymentProjection,
    Occupation,
    OccupationSkill,
    OccupationTechnology,
    RelatedOccupation,
    Task,
    Technology,
    WageEstimate,
)
from tests.factories import CareerPageFactory
from tests.html_text import visible_text
from tests.workbooks import sheet_xml_changed

pytestmark = pytest.mark.django_db

DATA = Path(__file__).with_name("data")
ONET = DATA / "onet"
WAGES_2022 = DATA / "bls" / "national_M2022_dl.xlsx"
WAGES_2024 = DATA / "bls" / "national_M2024_dl.xlsx"
PROJECTIONS_2021 = DATA / "bls" / "Employment Projections 2021-31.csv"
PROJECTIONS_2024 = DATA / "bls" / "occupation 2024-34.xlsx"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def snapshot():
    """What an import may change, to prove a failed one changed nothing."""
    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (
            Occupation,
            Task,
            OccupationSkill,
            OccupationTechnology,
            AlternateTitle,
            WageEstimate,
            EmploymentProjection,
            DataRelease,
        )
    }


@pytest.fixture
def onet_copy(tmp_path):
    folder = tmp_path / "onet"
    shutil.copytree(ONET, folder)
    return folder


def test_import_onet_excerpt_creates_occupations_and_their_data(db):
    output = run("import_onet", ONET)
    analysts = Occupation.objects.get(code="15-2031.00")
    assert analysts.title == "Operations Research Analysts"
    assert analysts.description.startswith("Formulate and apply mathematical modeling")
    assert analysts.job_zone == 5
    assert analysts.release.name == "O*NET 29.3"
    assert analysts.education_level == "Master's Degree"
    assert analysts.tasks.count() == 17
    assert analysts.occupation_skills.count() == 35
    assert analysts.occupation_technologies.count() == 114
    assert analysts.alternate_titles.filter(kind="alternate").count() == 40
    assert analysts.alternate_titles.filter(kind="reported").count() == 7
    assert RelatedOccupation.objects.filter(occupation=analysts).exists()
    critical = analysts.occupation_skills.get(skill__element_id="2.A.2.a")
    assert (critical.importance, critical.level) == (Decimal("4.00"), Decimal("4.12"))
    assert critical.skill.category.name == "Basic Skills"
    assert "Tasks: 362 created" in output
    assert "No Task Ratings file" in output


def test_import_onet_without_task_ratings_ranks_core_before_supplemental(db):
    run("import_onet", ONET)
    for occupation in Occupation.objects.all():
        types = [t.task_type for t in occupation.tasks.order_by("rank")]
        assert types == sorted(types, key=["core", "supplemental", ""].index)


def test_import_onet_with_task_ratings_ranks_most_important_first(db, onet_copy):
    lines = ["O*NET-SOC Code\tTitle\tTask ID\tScale ID\tCategory\tData Value"]
    for task_id, value in ((7381, "3.10"), (7377, "4.90"), (7380, "4.20")):
        lines.append(
            f"15-2031.00\tOperations Research Analysts\t{task_id}\tIM\t\t{value}"
        )
    (onet_copy / "Task Ratings.txt").write_text("\n".join(lines) + "\n")
    run("import_onet", onet_copy)
    ranked = Task.objects.filter(occupation__code="15-2031.00").order_by("rank")
    assert [task.onet_task_id for task in ranked[:3]] == [7377, 7380, 7381]
    assert ranked[0].importance == Decimal("4.90")


def test_import_onet_reads_text_and_excel_forms_alike(db, onet_copy):
    # Task Statements as Excel, Skills as text: the other form of each file.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Task Statements"
    for line in (ONET / "Task Statements.txt").read_text().splitlines():
        sheet.append(line.split("\t"))
    workbook.save(onet_copy / "Task Statements.xlsx")
    (onet_copy / "Task Statements.txt").unlink()
    skills = openpyxl.load_workbook(onet_copy / "Skills.xlsx", read_only=True)
    rows = [
        "\t".join("" if v is None else str(v) for v in row)
        for row in skills.active.iter_rows(values_only=True)
    ]
    (onet_copy / "Skills.txt").write_text("\n".join(rows) + "\n")
    (onet_copy / "Skills.xlsx").unlink()
    run("import_onet", onet_copy)
    assert Task.objects.count() == 362
    assert OccupationSkill.objects.count() == 14 * 35  # two have no ratings
    critical = OccupationSkill.objects.get(
        occupation__code="15-2031.00", skill__element_id="2.A.2.a"
    )
    assert critical.importance == Decimal("4.00")


def test_import_onet_twice_changes_nothing(db):
    run("import_onet", ONET)
    before = snapshot()
    output = run("import_onet", ONET)
    assert snapshot() == before
    assert "Done: 0 created, 0 updated, 0 removed." in output


def test_import_onet_reports_rows_gone_from_the_release(db, onet_copy):
    run("import_onet", onet_copy)
    path = onet_copy / "Task Statements.txt"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "\t7381\t" not in line))
    output = run("import_onet", onet_copy)
    # The later tasks move up one rank: updated, not created.
    assert re.search(r"Tasks: 0 created, \d+ updated, 1 removed", output)
    assert not Task.objects.filter(onet_task_id=7381).exists()


def test_import_onet_names_the_occupations_the_release_no_longer_lists(db, onet_copy):
    """O*NET retires codes: their occupations stay, with the earlier release's
    data and pages, and the import says which they are (it had said nothing)."""
    run("import_onet", onet_copy)
    retired = Occupation.objects.get(code="15-2031.00")
    tasks = retired.tasks.count()
    for path in onet_copy.glob("*.txt"):
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if "15-2031.00" not in line))
    for path in onet_copy.glob("*.xlsx"):  # optional files, which list it too
        path.unlink()
    release_as(onet_copy, "30.0", "November 2025")
    output = run("import_onet", onet_copy)
    assert (
        "1 occupation in the database is not in O*NET 30.0, kept with the data of "
        "the release that last had it: 15-2031.00." in output
    )
    retired.refresh_from_db()
    assert retired.release.name == "O*NET 29.3"
    assert retired.tasks.count() == tasks


def test_import_onet_passes_over_empty_lines(db, onet_copy):
    """Between rows and at the end: they were refused as "1 fields where the
    header has 8; the file is damaged or truncated"."""
    path = onet_copy / "Task Statements.txt"
    header, first, *rest = path.read_text().splitlines(keepends=True)
    path.write_text("".join([header, first, "\n", "\t\t\n", *rest, "\n"]))
    run("import_onet", onet_copy)
    assert Task.objects.count() == 1 + len(rest)


def _break_header(folder):
    path = folder / "Task Statements.txt"
    path.write_text(path.read_text().replace("Task ID", "Task Number", 1))


def _break_number(folder):
    workbook = openpyxl.load_workbook(folder / "Skills.xlsx")
    workbook.active["G5"] = "four"
    workbook.save(folder / "Skills.xlsx")


def _blank_skill_rating(folder):
    """A rating O*NET never leaves blank: the skill was stored without it."""
    workbook = openpyxl.load_workbook(folder / "Skills.xlsx")
    workbook.active["G5"] = None
    workbook.save(folder / "Skills.xlsx")


def _blank_task_rating(folder):
    _task_ratings(
        folder, [("15-2031.00", 7377, "IM", "4.90"), ("15-2031.00", 7380, "IM", "")]
    )


def _blank_education_share(folder):
    """A share O*NET never leaves blank: the most common level was read without
    it, and could be another."""
    path = folder / "Education, Training, and Experience.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook.active["H3"] = None
    workbook.save(path)


def _truncate(folder):
    path = folder / "Technology Skills.txt"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def _cut_at_a_line_break(folder):
    """What a copy cut short by a full disk or a broken download looks like."""
    path = folder / "Task Statements.txt"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]))


def _header_only(folder):
    path = folder / "Task Statements.txt"
    path.write_text(path.read_text().splitlines(keepends=True)[0])


def _replace(folder, name, old, new):
    path = folder / name
    path.write_text(path.read_text().replace(old, new, 1))


def _nul_byte(folder):
    _replace(folder, "Task Statements.txt", "Direct or coordinate", "Direct\x00 or")


def _control_character(folder):
    """A line break pasted from Word: the feed, which shows occupation
    descriptions, was a 500 for everyone while it was stored."""
    _replace(folder, "Occupation Data.txt", "Determine and", "Determine\x0band")


def _noncharacter(folder):
    _replace(folder, "Task Statements.txt", "Direct or coordinate", "Direct\uffff or")


def _hot_technology_one(folder):
    """A Y/N column written as 1/0, as some exports do: read as "not hot"."""
    _replace(
        folder,
        "Technology Skills.txt",
        "Adobe Acrobat\t43232202\tDocument management software\tY\tN",
        "Adobe Acrobat\t43232202\tDocument management software\t1\tN",
    )


def _in_demand_unknown(folder):
    """Any other letter was read as "no" too. (The message quotes it as the file
    writes it: it said 'X' for "x".)"""
    _replace(
        folder,
        "Technology Skills.txt",
        "Adobe Acrobat\t43232202\tDocument management software\tY\tN",
        "Adobe Acrobat\t43232202\tDocument management software\tY\tx",
    )


def _huge_task_id(folder):
    _replace(folder, "Task Statements.txt", "\t8823\t", "\t99999999999\t")


def _huge_related_index(folder):
    _replace(
        folder, "Related Occupations.txt", "Primary-Long\t10\n", "Primary-Long\t40000\n"
    )


def _long_job_zone_name(folder):
    _replace(
        folder, "Job Zone Reference.txt", "Job Zone One:", "Job Zone One:" + "x" * 100
    )


def _long_sources(folder):
    """Cut at 50 characters, silently, as the next three were at theirs."""
    workbook = openpyxl.load_workbook(folder / "Alternate Titles.xlsx")
    workbook.active["E2"] = ",".join(f"{code:02}" for code in range(1, 20))
    workbook.save(folder / "Alternate Titles.xlsx")


def _long_svp_range(folder):
    _replace(
        folder,
        "Job Zone Reference.txt",
        "(Below 4.0)\n",
        "(Below 4.0)" + "x" * 40 + "\n",
    )


def _long_skill_name(folder):
    _replace(
        folder,
        "Content Model Reference.txt",
        "\tReading Comprehension\t",
        "\tReading Comprehension" + " of written sentences" * 5 + "\t",
    )


def _long_skill_name_in_skills(folder):
    """Without the Content Model Reference, the name Skills gives."""
    (folder / "Content Model Reference.txt").unlink()
    workbook = openpyxl.load_workbook(folder / "Skills.xlsx")
    workbook.active["D2"] = "Reading Comprehension" + " of written sentences" * 5
    workbook.save(folder / "Skills.xlsx")


def _wrong_encoding(folder):
    path = folder / "Occupation Data.txt"
    path.write_bytes(path.read_bytes().replace(b"Analysts", b"Anal\xe9sts", 1))


def _missing_file(folder):
    (folder / "Occupation Data.txt").unlink()


def _truncate_excel(folder):
    path = folder / "Alternate Titles.xlsx"
    path.write_bytes(path.read_bytes()[:5000])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_break_header, "Task Statements.txt, line 1: missing column 'Task ID'"),
        (_break_number, "Skills.xlsx, line 5: Data Value is 'four', which is not a"),
        (
            _blank_skill_rating,
            "Skills.xlsx, line 5: Data Value is empty; every rating has one.",
        ),
        (
            _blank_task_rating,
            "Task Ratings.txt, line 3: Data Value is empty; every rating has one.",
        ),
        (
            _blank_education_share,
            "Education, Training, and Experience.xlsx, line 3: Data Value is empty; "
            "every education share has one.",
        ),
        (
            _truncate,
            "Technology Skills.txt, line 554: the last line has no line ending",
        ),
        (
            _cut_at_a_line_break,
            "Tasks: the files no longer hold 182 of the 362 rows in the database "
            "(50%), as a cut-off or partial file would. Is the file complete?",
        ),
        (_header_only, "Task Statements.txt: no rows under the header"),
        # Each a database error on PostgreSQL (SQLite stored them as they were).
        (_nul_byte, "Task Statements.txt, line 2: a NUL byte"),
        (
            _control_character,
            "Occupation Data.txt, line 2: a control character (U+000B) that no page "
            "can show",
        ),
        (_noncharacter, "Task Statements.txt, line 2: a control character (U+FFFF)"),
        # Read as "no", a flag the file does not give was shown as given.
        (
            _hot_technology_one,
            "Technology Skills.txt, line 2: Hot Technology is '1'; expected Y or N.",
        ),
        (
            _in_demand_unknown,
            "Technology Skills.txt, line 2: In Demand is 'x'; expected Y or N.",
        ),
        (
            _huge_task_id,
            "Task Statements.txt, line 2: Task ID is 99999999999, outside the range",
        ),
        (_huge_related_index, "Related Occupations.txt, line 2: Index is 40000"),
        (_long_job_zone_name, "Job Zone Reference.txt, line 2: Name is longer than"),
        (
            _long_sources,
            "Alternate Titles.xlsx, line 2: Source(s) is longer than 50 characters.",
        ),
        (
            _long_svp_range,
            "Job Zone Reference.txt, line 2: SVP Range is longer than 50 characters.",
        ),
        (
            _long_skill_name,
            "Content Model Reference.txt, line 4: Element Name is longer than 100 "
            "characters.",
        ),
        (
            _long_skill_name_in_skills,
            "Skills.xlsx, line 2: Element Name is longer than 100 characters.",
        ),
        (_wrong_encoding, "Occupation Data.txt, line "),
        (_missing_file, "no 'Occupation Data.txt' or '.xlsx' here"),
        (_truncate_excel, "Alternate Titles.xlsx: not a readable Excel file"),
    ],
)
def test_import_onet_broken_file_is_a_clear_error_and_changes_nothing(
    db, onet_copy, damage, message
):
    run("import_onet", ONET)
    before = snapshot()
    damage(onet_copy)
    with pytest.raises(CommandError) as error:
        run("import_onet", onet_copy)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert snapshot() == before


def test_import_onet_cut_off_file_imports_when_removals_are_allowed(db, onet_copy):
    run("import_onet", ONET)
    _cut_at_a_line_break(onet_copy)
    output = run("import_onet", onet_copy, "--allow-removals")
    assert re.search(r"Tasks: 0 created, \d+ updated, 182 removed", output)
    assert Task.objects.count() == 180


def _without_last_lines(folder, name, count):
    path = folder / name
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) - count]))


@pytest.mark.parametrize(
    ("name", "removed", "model", "label"),
    [
        # 36 of 362 tasks: 9.9%, under the share a cut-off file loses.
        ("Task Statements.txt", 36, Task, "Tasks"),
        # 20 of 49: a large share, but no more rows than a release may drop.
        ("Related Occupations.txt", 20, RelatedOccupation, "Related occupations"),
    ],
)
def test_import_onet_removing_up_to_the_limits_imports(
    db, onet_copy, name, removed, model, label
):
    """A release drops some rows: refusing those imports would make editors pass
    --allow-removals by habit, and it would no longer catch a cut-off file."""
    run("import_onet", ONET)
    stored = model.objects.count()
    _without_last_lines(onet_copy, name, removed)
    output = run("import_onet", onet_copy)
    assert re.search(rf"{label}: 0 created, \d+ updated, {removed} removed", output)
    assert model.objects.count() == stored - removed


@pytest.mark.parametrize(
    ("name", "removed", "message"),
    [
        # 37 of 362 tasks: 10.2%, just over the share.
        (
            "Task Statements.txt",
            37,
            "Tasks: the files no longer hold 37 of the 362 rows in the database (10%)",
        ),
        # One row past those tolerated, in a small table.
        (
            "Related Occupations.txt",
            21,
            "Related occupations: the files no longer hold 21 of the 49 rows in the "
            "database (43%)",
        ),
    ],
)
def test_import_onet_removing_past_both_limits_is_refused(
    db, onet_copy, name, removed, message
):
    """Past both limits a file looks cut off: importing it would delete the rest,
    and the featured flags editors set on those rows would not come back."""
    run("import_onet", ONET)
    before = snapshot()
    related = sorted(map(str, RelatedOccupation.objects.values_list()))
    _without_last_lines(onet_copy, name, removed)
    with pytest.raises(CommandError) as error:
        run("import_onet", onet_copy)
    assert str(error.value).startswith(f"{message}, as a cut-off or partial file")
    assert snapshot() == before
    assert sorted(map(str, RelatedOccupation.objects.values_list())) == related


def test_import_onet_keeps_a_featured_row_the_files_no_longer_hold(db, onet_copy):
    run("import_onet", ONET)
    Task.objects.filter(onet_task_id=7381).update(is_featured=True)
    statement = Task.objects.get(onet_task_id=7381).statement[:80]
    path = onet_copy / "Task Statements.txt"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "\t7381\t" not in line))
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run("import_onet", onet_copy)
    assert (
        "Tasks: the files no longer hold 1 row that editors featured on curated "
        f"career pages (15-2031.00: {statement}). Is the file complete? Nothing was "
        "changed. If the files are right, run again with --allow-removals."
    ) == str(error.value)
    assert snapshot() == before

    run("import_onet", onet_copy, "--allow-removals")
    assert not Task.objects.filter(onet_task_id=7381).exists()


def release_as(folder, number, month):
    """The folder's Read Me.txt naming another release, as O*NET's does."""
    path = folder / "Read Me.txt"
    text = path.read_text().replace("29.3", number).replace("May 2025", month)
    path.write_text(text)
    return folder


def test_import_onet_release_given_another_date_than_its_stored_one_says_so(
    db, onet_copy
):
    """The date given was ignored, and the release was "older than" itself."""
    run("import_onet", ONET)
    (onet_copy / "Read Me.txt").unlink()
    assert_refused(
        (
            "import_onet",
            onet_copy,
            "--release",
            "O*NET 29.3",
            "--release-date",
            "2020-01",
        ),
        "onet: O*NET 29.3 is in the database dated May 2025, not January 2020: "
        "leave --release-date out, or change the release's date in the admin (Data "
        "releases).",
    )
    run("import_onet", onet_copy, "--release", "O*NET 29.3")


def test_import_onet_older_release_is_refused_unless_allowed(db, onet_copy):
    run("import_onet", ONET)
    before = snapshot()
    release_as(onet_copy, "28.0", "August 2023")
    with pytest.raises(CommandError) as error:
        run("import_onet", onet_copy)
    assert str(error.value) == (
        "onet: O*NET 28.0 (August 2023) is older than O*NET 29.3 (May 2025), which "
        "the database holds; importing it would replace the newer release's texts, "
        "tasks and skills. Pass --allow-older to go back to it. Nothing was changed."
    )
    assert snapshot() == before

    run("import_onet", onet_copy, "--allow-older")
    assert Occupation.objects.get(code="15-2031.00").release.name == "O*NET 28.0"


def test_import_onet_reads_utf16_text_as_excel_saves_it(db, onet_copy):
    path = onet_copy / "Occupation Data.txt"
    path.write_bytes(path.read_text().encode("utf-16"))
    run("import_onet", onet_copy)
    assert Occupation.objects.get(code="15-2031.00").title == (
        "Operations Research Analysts"
    )


def test_import_onet_names_the_files_it_did_not_find(db, onet_copy):
    (onet_copy / "Task Statements.txt").unlink()
    output = run("import_onet", onet_copy)
    assert "Not in the folder: Task Statements, Task Ratings." in output


def test_import_interrupted_changes_nothing(db, onet_copy, monkeypatch):
    from occupations.importers import onet

    run("import_onet", ONET)
    before = snapshot()

    def interrupted(self):
        raise KeyboardInterrupt  # Ctrl-C while the tasks are written

    monkeypatch.setattr(onet._OnetImport, "import_tasks", interrupted)
    # A new release: every occupation is rewritten before the tasks.
    with pytest.raises(CommandError, match=r"^Interrupted: nothing was changed\.$"):
        run("import_onet", release_as(onet_copy, "29.4", "August 2025"))
    assert snapshot() == before


@pytest.mark.parametrize(
    "refusal", [DataError("value too long"), IntegrityError("duplicate key")]
)
def test_import_a_value_the_database_refuses_is_a_message(
    db, onet_copy, monkeypatch, refusal
):
    """A value no check caught ends the import with a message, not a traceback;
    a database that is down or locked is no fault of the files and says so."""
    from occupations.importers import onet

    run("import_onet", ONET)
    before = snapshot()

    def refused(self):
        raise refusal

    monkeypatch.setattr(onet._OnetImport, "import_tasks", refused)
    with pytest.raises(
        CommandError, match=rf"could not store: {refusal}\. Nothing was changed"
    ):
        run("import_onet", release_as(onet_copy, "29.4", "August 2025"))
    assert snapshot() == before


def test_import_with_the_database_unavailable_is_not_blamed_on_the_files(
    db, onet_copy, monkeypatch
):
    from occupations.importers import onet

    def locked(self):
        raise OperationalError("database is locked")

    monkeypatch.setattr(onet._OnetImport, "import_tasks", locked)
    with pytest.raises(OperationalError):
        run("import_onet", onet_copy)


def test_import_wages_empty_workbook_says_so(db, tmp_path):
    path = tmp_path / "national_M2024_dl.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match=r"_dl.xlsx: the file is empty"):
        run("import_wages", path)


@pytest.mark.parametrize(
    "name", ["national_M2024_dl.xlsx.gz", "national_M2024_dl.csv.gz"]
)
def test_import_wages_gzip_of_an_empty_file_says_so(db, tmp_path, name):
    """A .gz that unpacks to nothing is as empty as an empty file: it was "not an
    Excel workbook (a CSV, PDF … renamed .xlsx?)" or "missing columns 'OCC_CODE',
    … is this the right file?"."""
    path = tmp_path / name
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(CommandError) as error:
        run("import_wages", path)
    assert str(error.value) == f"{name}: the file is empty. Nothing was changed."


def test_import_onet_wrong_encoding_names_the_line(db, onet_copy):
    _wrong_encoding(onet_copy)
    with pytest.raises(CommandError, match=r"line 6: not UTF-8 text"):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


def test_import_wages_stores_figures_markers_and_flags(db):
    run("import_onet", ONET)
    output = run("import_wages", WAGES_2022)
    wage = WageEstimate.objects.get(occupation__code="15-2031.00")
    assert (wage.annual_median, wage.hourly_median) == (
        Decimal("85720"),
        Decimal("41.21"),
    )
    assert wage.release.name == "May 2022"
    assert wage.release.top_code_annual == Decimal("239200")
    assert wage.release.top_code_hourly == Decimal("115.00")
    # 11-1011.03 is an O*NET specialty of SOC 11-1011: it shares its figures.
    specialty = WageEstimate.objects.get(occupation__code="11-1011.03")
    assert (
        specialty.annual_median
        == WageEstimate.objects.get(occupation__code="11-1011.00").annual_median
    )
    physicians = WageEstimate.objects.get(occupation__code="29-1215.00")
    assert physicians.annual_pct90 == Decimal("239200")
    assert physicians.is_top_coded("annual_pct90")
    teachers = WageEstimate.objects.get(occupation__code="25-2021.00")
    assert teachers.annual_only and teachers.hourly_median is None
    actors = WageEstimate.objects.get(occupation__code="27-2011.00")
    assert actors.hourly_only and actors.annual_median is None
    assert "Wage estimates (May 2022): 16 created" in output


def test_import_wages_knows_the_military_group_oews_leaves_out(db, client):
    """OEWS has no figures for SOC 55-0000, so its file names no such group, and
    the list refused ?group=55-0000: O*NET's military careers (Air Crew
    Officers) could not be browsed to by group."""
    run("import_wages", WAGES_2022)
    page = CareerPageFactory(
        occupation__code="55-1011.00", career_name="Air Crew Officer"
    )
    response = client.get("/careers/", {"group": "55-0000"})
    assert not response.context["form"].errors
    assert [shown.pk for shown in response.context["career_pages"]] == [page.pk]
    assert "Military Specific Occupations" in visible_text(response.content)


def test_import_wages_twice_changes_nothing(db):
    run("import_onet", ONET)
    run("import_wages", WAGES_2022)
    before = snapshot()
    assert "Done: 0 created, 0 updated, 0 removed." in run("import_wages", WAGES_2022)
    assert snapshot() == before


def test_import_of_a_workbook_without_its_sheet_size_reads_every_row(db, tmp_path):
    """A workbook some tools write has no <dimension>: openpyxl then ends each row
    at its last value, and a row with blank cells at its end was a KeyError."""
    path = wages_copy(tmp_path)  # openpyxl writes no blank cells
    _sheet_xml_changed(path, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    assert b"<dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")

    run("import_onet", ONET)
    assert "16 created" in run("import_wages", path)
    assert "Done: 0 created, 0 updated, 0 removed." in run("import_wages", WAGES_2022)


def test_import_of_a_workbook_whose_sheet_size_is_wrong_reads_every_row(db, tmp_path):
    """The size a workbook declares (<dimension>) is a hint some tools write wrong:
    openpyxl stopped at it, and the rows past it were not read (their figures,
    stored by an earlier import, were removed) or checked (a repeated row)."""
    path = wages_copy(tmp_path)
    _sheet_xml_changed(
        path,
        lambda xml: re.sub(
            rb'<dimension ref="A1:([A-Z]+)\d+"', rb'<dimension ref="A1:\g<1>5"', xml
        ),
    )
    assert b'<dimension ref="A1:AF5" />' in zipfile.ZipFile(path).read(
        "xl/worksheets/sheet1.xml"
    )
    run("import_onet", ONET)
    assert "16 created" in run("import_wages", path)


def test_import_wages_of_a_workbook_opening_with_a_cover_sheet(db, tmp_path):
    """The first sheet's first row was taken as the header: "line 1: missing
    columns", naming no sheet."""
    workbook = openpyxl.load_workbook(WAGES_2022)
    cover = workbook.create_sheet("Cover", 0)
    cover.append(["May 2022 National Occupational Employment and Wage Estimates"])
    cover.append(["Prepared for the careers team"])
    path = tmp_path / "national_M2022_dl.xlsx"
    workbook.save(path)
    run("import_onet", ONET)
    assert "16 created" in run("import_wages", path)


def test_import_wages_wrong_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match=r"occupation 2024-34.xlsx, line 1: missing"):
        run("import_wages", PROJECTIONS_2024, "--year", "2024")


def test_import_wages_bad_number_names_file_and_line(db, tmp_path):
    run("import_onet", ONET)
    path = tmp_path / "national_M2022_dl.xlsx"
    workbook = openpyxl.load_workbook(WAGES_2022)
    workbook.active["AB10"] = "85,72O"
    workbook.save(path)
    before = snapshot()
    with pytest.raises(
        CommandError, match=r"national_M2022_dl.xlsx, line 10: A_MEDIAN"
    ):
        run("import_wages", path)
    assert snapshot() == before


def assert_refused(command, message):
    """The import `command` (its arguments) stops with `message` in its error and
    changes nothing in the database."""
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(*command)
    assert message in str(error.value)
    assert snapshot() == before


def wages_copy(folder, name="national_M2022_dl.xlsx", cells=None, sheet=None):
    """The 2022 excerpt saved as `name`, with `cells` ({"AB10": value}) changed."""
    workbook = openpyxl.load_workbook(WAGES_2022)
    for cell, value in (cells or {}).items():
        workbook.active[cell] = value
    if sheet:
        workbook.active.title = sheet
    workbook.save(folder / name)
    return folder / name


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        # Each value the database's constraints refuse, as a message, not a 500.
        (
            {"AB10": -5},
            "line 10: A_MEDIAN is -5.00: Ensure this value is greater than or "
            "equal to 0.",
        ),
        # Too many digits for the field is above the top code first.
        (
            {"AB10": "12345678901"},
            "line 10: A_MEDIAN is 12,345,678,901.00, at or above the top code "
            "(239,200), which BLS writes as #.",
        ),
        (
            {"AA10": 200000},
            "line 10: A_MEDIAN is 103500.00: Must not be lower than the annual "
            "25th percentile ($200,000).",
        ),
        ({"AB10": "1e400"}, "line 10: A_MEDIAN is '1e400', far too large a number."),
        # BLS's annual wage is its hourly one's for 2,080 hours (H_MEDIAN 49.76).
        (
            {"AB10": 93500},
            "line 10: A_MEDIAN is 93500.00: BLS's annual wage is the hourly wage "
            "for 2,080 hours: the hourly median ($49.76) gives $103,500 a year, not "
            "$93,500. Check both.",
        ),
        # Shown as the top code "or more": BLS writes such a figure as "#".
        (
            {"AB10": 250000, "AC10": 260000, "AD10": 270000},
            "line 10: A_MEDIAN is 250,000.00, at or above the top code "
            "(239,200), which BLS writes as #.",
        ),
        # A decimal comma is not a thousands separator: "43,89" is not 4389.
        (
            {"W10": "49,76"},
            "line 10: H_MEDIAN is '49,76': a comma may only separate thousands "
            "(1,234.5); write decimals with a point.",
        ),
        # Read as no figure, or as a number no file means.
        ({"AB10": True}, "line 10: A_MEDIAN is TRUE, which is not a number."),
        ({"AB10": "83_640"}, "line 10: A_MEDIAN is '83_640', which is not a number."),
        ({"AB10": "٨٣٦٤٠"}, "line 10: A_MEDIAN is '٨٣٦٤٠', which is not a number."),
        # Numbers to Decimal, not to a data file: unchecked, "NaN" stopped the
        # import on "a value it could not store", naming no file or line.
        ({"AB10": "NaN"}, "line 10: A_MEDIAN is 'NaN', which is not a number."),
        (
            {"AB10": "Infinity"},
            "line 10: A_MEDIAN is 'Infinity', which is not a number.",
        ),
        # BLS writes "*" where it publishes no wage: an empty cell is a value
        # lost, and had removed the stored median from the page without a word.
        (
            {"AB10": None},
            "line 10: A_MEDIAN is empty, where the file writes * (not available) "
            "or # (top-coded) for a figure it does not have: was the value deleted?",
        ),
        # A row level OEWS does not use would be skipped as "not detailed".
        (
            {"K10": "detialed"},
            "line 10: O_GROUP is 'detialed', not one OEWS uses (total, major, "
            "minor, broad, detailed).",
        ),
        (
            {"I3": "11-1000"},
            "line 3: 11-1000 is a major group, but not an XX-0000 code.",
        ),
        # A column named twice: which one holds the figures?
        (
            {"Y1": "A_MEDIAN"},
            "line 1: the column 'A_MEDIAN' appears twice in the header; is this "
            "the right file?",
        ),
    ],
)
def test_import_wages_value_out_of_bounds_is_a_clear_error(
    db, tmp_path, cells, message
):
    run("import_onet", ONET)
    run("import_wages", WAGES_2022)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run("import_wages", wages_copy(tmp_path, cells=cells))
    assert str(error.value) == f"national_M2022_dl.xlsx, {message} Nothing was changed."
    assert snapshot() == before


def test_import_wages_thousands_commas_are_read(db, tmp_path):
    run("import_onet", ONET)
    run("import_wages", wages_copy(tmp_path, cells={"AB10": "103,500"}))
    wage = WageEstimate.objects.get(occupation__code="15-2051.00")
    assert wage.annual_median == Decimal("103500")


def test_import_wages_same_occupation_twice_names_both_lines(db, tmp_path):
    run("import_onet", ONET)
    workbook = openpyxl.load_workbook(WAGES_2022)
    workbook.active.append([cell.value for cell in workbook.active[10]])
    workbook.save(tmp_path / "national_M2022_dl.xlsx")
    with pytest.raises(CommandError) as error:
        run("import_wages", tmp_path / "national_M2022_dl.xlsx")
    assert "line 23: 15-2051 appears twice, on lines 10 and 23." in str(error.value)
    assert not WageEstimate.objects.exists()


def test_import_wages_year_from_name_sheet_and_option_must_agree(db, tmp_path):
    run("import_onet", ONET)
    # Another year's file renamed: its sheet still says 2022.
    renamed = wages_copy(tmp_path, name="national_M2024_dl.xlsx")
    with pytest.raises(CommandError) as error:
        run("import_wages", renamed)
    assert "the year is unclear (the file name 2024, the sheet name 2022)" in str(
        error.value
    )
    with pytest.raises(CommandError, match=r"--year 2024, the file name 2022"):
        run("import_wages", WAGES_2022, "--year", "2024")
    # A name without a year: the sheet's name says it, and --year may agree.
    plain = wages_copy(tmp_path, name="oews.xlsx")
    run("import_wages", plain, "--year", "2022")
    assert DataRelease.objects.filter(name="May 2022").exists()
    unnamed = wages_copy(tmp_path, name="wages.xlsx", sheet="Sheet1")
    with pytest.raises(CommandError, match="import_wages also takes --year 2024"):
        run("import_wages", unnamed)
    with pytest.raises(CommandError, match="20240 is not a year OEWS has published"):
        run("import_wages", unnamed, "--year", "20240")


def test_import_projections_csv_export_and_xlsx_table(db):
    run("import_onet", ONET)
    run("import_projections", PROJECTIONS_2021)
    run("import_projections", PROJECTIONS_2024)
    old, new = EmploymentProjection.objects.filter(
        occupation__code="15-2031.00"
    ).order_by("release__reference_date")
    assert (old.release.name, old.release.horizon_year) == ("2021–31", 2031)
    assert (old.growth_percent, old.annual_openings) == (
        Decimal("23.2"),
        Decimal("10.3"),
    )
    assert (new.release.name, new.release.horizon_year) == ("2024–34", 2034)
    assert new.growth_percent == Decimal("21.5")
    assert new.typical_education == "Bachelor's degree"
    assert new.release.all_occupations_growth_percent == Decimal("3.1")
    assert new.release.attribution == (
        "Source: U.S. Bureau of Labor Statistics, Employment Projections program, "
        "2024–34."
    )


def test_import_projections_truncated_csv_is_a_clear_error(db, tmp_path):
    run("import_onet", ONET)
    path = tmp_path / "projections.csv"
    content = PROJECTIONS_2021.read_bytes()
    path.write_bytes(content[: len(content) - 40])
    before = snapshot()
    with pytest.raises(CommandError, match=r"projections.csv, line \d+: "):
        run("import_projections", path)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda lines: [lines[0].replace('"35.8"', '"1,500.0"'), *lines[1:]],
            "line 5: Employment Percent Change, 2021-2031 is 1500.0: Ensure this "
            "value is less than or equal to 999.",
        ),
        (
            lambda lines: [lines[0].replace('"13.5"', '"-13.5"'), *lines[1:]],
            "line 5: Occupational Openings, 2021-2031 Annual Average is -13.5: "
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            lambda lines: [*lines, lines[0]],
            "line 16: 15-2051 appears twice, on lines 5 and 16.",
        ),
        # Emptied cells: read as "not available", they removed the stored
        # openings and 2031 employment, and the growth check with them.
        (
            lambda lines: [lines[0].replace('"13.5"', '""'), *lines[1:]],
            "line 5: Occupational Openings, 2021-2031 Annual Average is empty, "
            "where the file writes — or N/A for a figure it does not have: was "
            "the value deleted?",
        ),
        (
            lambda lines: [lines[0].replace('"153.9"', '""'), *lines[1:]],
            "line 5: Employment 2031 is empty, where the file writes — or N/A "
            "for a figure it does not have: was the value deleted?",
        ),
        (
            lambda lines: [lines[0].replace('"35.8"', '"3.8"'), *lines[1:]],
            "line 5: Employment Percent Change, 2021-2031 is 3.8: Employment goes "
            "from 113.3 to 153.9 thousand: +35.8% growth, give or take rounding, "
            "not 3.8%.",
        ),
        (  # the 2031 figure typed over
            lambda lines: [lines[0].replace('"153.9"', '"135.9"'), *lines[1:]],
            "line 5: Employment Percent Change, 2021-2031 is 35.8: Employment goes "
            "from 113.3 to 135.9 thousand: +19.9% growth, give or take rounding, "
            "not 35.8%.",
        ),
    ],
)
def test_import_projections_bad_row_is_a_clear_error(db, tmp_path, change, message):
    run("import_onet", ONET)
    header, *rows = PROJECTIONS_2021.read_text().splitlines(keepends=True)
    data_scientists = next(i for i, row in enumerate(rows) if "15-2051" in row)
    rows = rows[:data_scientists] + change(rows[data_scientists:])
    path = tmp_path / "projections.csv"
    path.write_text(header + "".join(rows))
    with pytest.raises(CommandError) as error:
        run("import_projections", path)
    assert f"projections.csv, {message}" in str(error.value)
    assert not EmploymentProjection.objects.exists()


def test_import_projections_csv_with_carriage_returns_only_is_read(db, tmp_path):
    """Excel for Mac's "CSV (Macintosh)": the file was "truncated", one line long."""
    run("import_onet", ONET)
    path = tmp_path / "projections.csv"
    path.write_bytes(PROJECTIONS_2021.read_bytes().replace(b"\n", b"\r"))
    assert b"\n" not in path.read_bytes()
    run("import_projections", path)
    projection = EmploymentProjection.objects.get(occupation__code="15-2051.00")
    assert projection.growth_percent == Decimal("35.8")


def test_import_projections_utf16_without_byte_order_mark_says_so(db, tmp_path):
    run("import_onet", ONET)
    path = tmp_path / "projections.csv"
    path.write_bytes(PROJECTIONS_2021.read_text().encode("utf-16-le"))
    with pytest.raises(CommandError, match="UTF-16 without a byte-order mark"):
        run("import_projections", path)
    assert not EmploymentProjection.objects.exists()


def test_import_projections_table_is_found_on_a_renamed_sheet(db, tmp_path):
    run("import_onet", ONET)
    workbook = openpyxl.load_workbook(PROJECTIONS_2024)
    workbook["Table 1.2"].title = "Occupations"
    index = workbook.create_sheet("Index", 0)  # BLS's workbook opens with one
    index.append(["Table 1.2 Employment by detailed occupation, 2024 and projected"])
    workbook.save(tmp_path / "occupation.xlsx")
    run("import_projections", tmp_path / "occupation.xlsx")
    assert EmploymentProjection.objects.filter(release__name="2024–34").exists()


def test_import_projections_table_renamed_after_its_name_is_found(db, tmp_path):
    """Renamed "Table 1.2 (revised)", the table came after BLS's "Table 1.1" of
    major groups, which was read instead: "no detailed occupation rows"."""
    run("import_onet", ONET)
    workbook = openpyxl.load_workbook(PROJECTIONS_2024)
    table = workbook["Table 1.2"]
    table.title = "Table 1.2 (revised)"
    groups = workbook.create_sheet("Table 1.1", 0)
    for row in table.iter_rows(max_row=3, values_only=True):
        groups.append(row)  # its title, header and total
    workbook.save(tmp_path / "occupation.xlsx")
    run("import_projections", tmp_path / "occupation.xlsx")
    assert EmploymentProjection.objects.filter(release__name="2024–34").exists()


def test_import_onet_same_occupation_twice_names_both_lines(db, onet_copy):
    path = onet_copy / "Occupation Data.txt"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([*lines, lines[3]]))
    with pytest.raises(CommandError, match=r"appears twice, on lines 4 and 18\."):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


def test_import_onet_most_common_education_level_leaves_out_suppressed_estimates(
    db, onet_copy
):
    """O*NET flags estimates from too few respondents "Recommend Suppress": when
    the top one is, no level is named; a tie names every level sharing the top."""
    (onet_copy / "Education, Training, and Experience.xlsx").unlink()
    header = "O*NET-SOC Code\tElement ID\tScale ID\tCategory\tData Value\t"
    rows = [
        # Data Scientists: Bachelor's and Master's tie.
        ("15-2051.00", 6, "50", "N"),
        ("15-2051.00", 8, "50", "N"),
        ("15-2051.00", 3, "0", "N"),
        ("15-2051.00", 2, "5", "Y"),  # a low-precision share below the top
        # Statisticians: the largest share is a low-precision estimate.
        ("15-2041.00", 3, "10", "N"),
        ("15-2041.00", 8, "62.5", "Y"),
        ("15-2041.00", 6, "37.5", "N"),
        # Operations Research Analysts: every estimate is.
        ("15-2031.00", 8, "70", "Y"),
        ("15-2031.00", 6, "30", "Y"),
    ]
    (onet_copy / "Education, Training, and Experience.txt").write_text(
        header
        + "Recommend Suppress\n"
        + "".join(
            f"{code}\t2.D.1\tRL\t{category}\t{share}\t{suppress}\n"
            for code, category, share, suppress in rows
        )
    )
    run("import_onet", onet_copy)
    levels = {
        code: (level, percent and float(percent))
        for code, level, percent in Occupation.objects.values_list(
            "code", "education_level", "education_level_percent"
        )
    }
    assert levels["15-2051.00"] == ("Bachelor's Degree, tied with Master's Degree", 50)
    assert levels["15-2041.00"] == ("", None)  # not the 37.5% below it
    assert levels["15-2031.00"] == ("", None)


@pytest.mark.parametrize(
    ("file_name", "repeated"),
    [
        ("Task Statements.txt", r"Task ID \d+ of \d\d-\d{4}\.\d\d"),
        ("Technology Skills.txt", r".+ \(\d+\) for \d\d-\d{4}\.\d\d"),
        ("Job Zones.txt", r"\d\d-\d{4}\.\d\d"),
        ("Job Zone Reference.txt", r"Job Zone \d"),
        ("Related Occupations.txt", r".+ related to \d\d-\d{4}\.\d\d"),
    ],
)
def test_import_onet_repeated_row_is_refused(db, onet_copy, file_name, repeated):
    """A row repeated further down (two exports pasted together) would otherwise
    leave whichever came last, and tasks numbered with a gap."""
    path = onet_copy / file_name
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([*lines, lines[2]]))
    with pytest.raises(CommandError) as error:
        run("import_onet", onet_copy)
    message = str(error.value)
    assert re.search(
        rf"{re.escape(file_name)}, line {len(lines) + 1}: {repeated} appears twice, "
        rf"on lines 3 and {len(lines) + 1}\.",
        message,
    ), message
    assert not Occupation.objects.exists()


def test_figures_follow_the_data_and_editorial_text_stays(client, demo):
    run("import_onet", ONET)
    run("import_wages", WAGES_2022)
    run("import_projections", PROJECTIONS_2021)
    text = visible_text(client.get("/careers/machine-learning-engineer/").content)
    assert "Annual Median Salary: $85,720" in text
    assert "Hourly Median Wage: $41.21" in text
    assert "Projected Growth Rate in Employment by 2031: 23%" in text
    run("import_wages", WAGES_2024)
    run("import_projections", PROJECTIONS_2024)
    text = visible_text(client.get("/careers/machine-learning-engineer/").content)
    assert "Annual Median Salary: $91,290" in text
    assert "Hourly Median Wage: $43.89" in text
    assert "Projected Growth Rate in Employment by 2034: 22%" in text
    assert "Occupational Employment and Wage Statistics, May 2024." in text
    assert "Employment Projections program, 2024–34." in text
    assert "(BLS Employment Projections, 2024–34)" not in text  # named once
    assert "Machine Learning Engineer Career Path in 2024" in text


def test_an_import_that_changes_a_page_s_figures_dates_the_page_anew(client, db):
    """New figures are news to readers and search engines: the page's "Last
    updated" and its sitemap date follow them. An import that changes nothing does
    not date it."""
    import datetime

    import time_machine
    from django.utils import dateformat, timezone

    path = "/careers/machine-learning-engineer/"

    def page_dates():
        text = visible_text(client.get(path).content)
        sitemap = client.get("/sitemap.xml").content.decode()
        lastmod = re.search(
            rf"<loc>http://testserver{path}</loc><lastmod>([-\d]+)</lastmod>", sitemap
        )
        return re.search(r"Last updated (\w+ \d+, \d+)", text)[1], lastmod[1]

    with time_machine.travel(datetime.datetime(2025, 1, 2, 9, tzinfo=datetime.UTC)):
        call_command("load_demo", verbosity=0)
        run("import_wages", WAGES_2022)
    assert page_dates() == ("January 2, 2025", "2025-01-02")
    run("import_wages", WAGES_2022)
    assert page_dates() == ("January 2, 2025", "2025-01-02")
    run("import_wages", WAGES_2024)
    today = timezone.localdate()
    assert page_dates() == (dateformat.format(today, "F j, Y"), today.isoformat())


def test_an_import_that_only_removes_a_task_dates_the_page_anew(client, db, onet_copy):
    """A task gone from the release changes the page as much as a new one: its
    "Last updated" follows an import that only removes rows, not only one that
    creates or updates them. (The occupation's last task: no other task moves up
    a rank, which would date the page anyway.)"""
    import datetime

    import time_machine
    from django.utils import dateformat, timezone

    from tests.factories import CareerPageFactory

    with time_machine.travel(datetime.datetime(2025, 6, 2, 9, tzinfo=datetime.UTC)):
        run("import_onet", ONET)
        changed, unchanged = (
            CareerPageFactory(occupation=Occupation.objects.get(code=code))
            for code in ("15-2031.00", "15-2051.00")
        )
    last = changed.occupation.tasks.order_by("rank").last()
    path = onet_copy / "Task Statements.txt"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(
        "".join(line for line in lines if f"\t{last.onet_task_id}\t" not in line)
    )

    output = run("import_onet", onet_copy)

    assert "Done: 0 created, 0 updated, 1 removed." in output
    assert not Task.objects.filter(pk=last.pk).exists()

    def last_updated(page):
        text = visible_text(client.get(page.get_absolute_url()).content)
        return re.search(r"Last updated (\w+ \d+, \d+)", text)[1]

    assert last_updated(changed) == dateformat.format(timezone.localdate(), "F j, Y")
    assert last_updated(unchanged) == "June 2, 2025"


def test_top_coded_wage_shows_as_or_more(client, db):
    run("import_onet", ONET)
    run("import_wages", WAGES_2022)
    from tests.factories import CareerPageFactory

    wage = WageEstimate.objects.get(occupation__code="29-1215.00")
    WageEstimate.objects.filter(pk=wage.pk).update(annual_median=Decimal("239200"))
    page = CareerPageFactory(occupation=wage.occupation)
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Annual Median Salary: $239,200 or more" in text


def _analyses(table):
    """How many times the database has gathered `table`'s planner statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Statistics survive the rollback that ends each test: count runs.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s",
                [table],
            )
            return cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


def test_import_leaves_the_planner_statistics_up_to_date(db):
    table = WageEstimate._meta.db_table
    before = _analyses(table)

    run("import_onet", str(ONET))
    run("import_wages", str(WAGES_2024))

    assert WageEstimate.objects.exists()
    assert _analyses(table) > before


OEWS_HEADER = (
    "OCC_CODE,OCC_TITLE,O_GROUP,A_PCT10,A_PCT25,A_MEDIAN,A_PCT75,A_PCT90,"
    "H_PCT10,H_PCT25,H_MEDIAN,H_PCT75,H_PCT90,ANNUAL,HOURLY"
)
COUNSELORS = "Substance Abuse, Behavioral Disorder, and Mental Health Counselors"


def test_figures_bls_publishes_for_a_group_reach_its_occupations_and_name_it(
    client, db, tmp_path
):
    """SOC 2018's 21-1018 is two O*NET occupations, 21-1011 and 21-1014."""
    from tests.factories import CareerPageFactory, OccupationFactory

    for code in ("21-1011.00", "21-1014.00", "21-1012.00"):
        OccupationFactory(code=code)
    wages = tmp_path / "national_M2024_dl.csv"
    wages.write_text(
        f"{OEWS_HEADER}\n"
        "21-1012,Educational Counselors,detailed,"
        "40000,45000,50000,55000,60000,19.23,21.63,24.04,26.44,28.85,,\n"
        f'21-1018,"{COUNSELORS}",detailed,'
        "39090,47170,59190,76230,98210,18.79,22.68,28.46,36.65,47.22,,\n"
    )
    projections = tmp_path / "projections.csv"
    projections.write_text(
        '"Occupation Title","Occupation Code","Employment 2021","Employment 2031",'
        '"Employment Percent Change, 2021-2031",'
        '"Occupational Openings, 2021-2031 Annual Average"\n'
        f'"{COUNSELORS}    * Counselor","=""21-1018""","351.0","428.5","22.1","43.6"\n'
    )
    run("import_wages", wages)
    run("import_projections", projections)
    for code in ("21-1011.00", "21-1014.00"):
        wage = WageEstimate.objects.get(occupation__code=code)
        assert (wage.annual_median, wage.bls_group_code) == (Decimal(59190), "21-1018")
        assert wage.bls_group_title == COUNSELORS
        projection = EmploymentProjection.objects.get(occupation__code=code)
        assert (projection.growth_percent, projection.bls_group_title) == (
            Decimal("22.1"),
            COUNSELORS,
        )
    assert WageEstimate.objects.get(occupation__code="21-1012.00").bls_group_code == ""

    page = CareerPageFactory(occupation=Occupation.objects.get(code="21-1014.00"))
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Annual Median Salary: $59,190" in text
    note = f"BLS publishes these figures for “{COUNSELORS}” (21-1018), a group"
    assert text.count(note) == 2  # under the salary and under the outlook
    figures = client.get(f"{page.get_absolute_url()}data.json").json()
    assert "for 21-1018 " in str(figures)


def test_figures_of_an_onet_specialty_name_the_bls_occupation_they_are_for(client, db):
    """BLS has no figures for O*NET's specialties (Acute Care Nurses, 29-1141.01):
    they show Registered Nurses' (29-1141), and say so."""
    from tests.factories import CareerPageFactory

    run("import_onet", ONET)
    run("import_wages", WAGES_2024)
    run("import_projections", PROJECTIONS_2024)
    specialty = WageEstimate.objects.get(occupation__code="29-1141.01")
    parent = WageEstimate.objects.get(occupation__code="29-1141.00")
    assert specialty.annual_median == parent.annual_median
    assert (specialty.bls_group_code, specialty.bls_group_title) == (
        "29-1141",
        "Registered Nurses",
    )
    assert parent.bls_group_code == ""
    projection = EmploymentProjection.objects.get(occupation__code="29-1141.01")
    assert projection.bls_group_code == "29-1141"

    page = CareerPageFactory(occupation=Occupation.objects.get(code="29-1141.01"))
    text = visible_text(client.get(page.get_absolute_url()).content)
    # Under the salary and under the outlook (BLS projections write titles in
    # sentence case).
    for title in ("Registered Nurses", "Registered nurses"):
        assert f"BLS publishes these figures for “{title}” (29-1141), a group" in text
    assert "for 29-1141 Registered Nurses" in str(
        client.get(f"{page.get_absolute_url()}data.json").json()
    )


def test_figures_of_a_split_occupation_reach_its_all_other_occupation(db, tmp_path):
    """SOC 2018's 25-9045, Teaching Assistants, Except Postsecondary, is O*NET's
    25-9042, 25-9043 and 25-9049 (All Other); 25-9044 has figures of its own."""
    from tests.factories import OccupationFactory

    for code in ("25-9042.00", "25-9043.00", "25-9044.00", "25-9049.00"):
        OccupationFactory(code=code)
    wages = tmp_path / "national_M2024_dl.csv"
    wages.write_text(
        f"{OEWS_HEADER}\n"
        '25-9044,"Teaching Assistants, Postsecondary",detailed,'
        "30000,35000,40000,45000,50000,*,*,*,*,*,TRUE,\n"
        '25-9045,"Teaching Assistants, Except Postsecondary",detailed,'
        "25000,28000,33000,38000,45000,*,*,*,*,*,TRUE,\n"
    )
    run("import_wages", wages)
    medians = dict(
        WageEstimate.objects.values_list("occupation__code", "annual_median")
    )
    assert medians == {
        "25-9042.00": Decimal(33000),
        "25-9043.00": Decimal(33000),
        "25-9044.00": Decimal(40000),
        "25-9049.00": Decimal(33000),
    }


def _rewrite(path, old, new):
    path.write_text(path.read_text().replace(old, new, 1))


def _sheet_xml_changed(path, change):
    path.write_bytes(sheet_xml_changed(path.read_bytes(), change))


def _damaged_gzip(folder):
    """The file gzipped with its first deflate block's header broken: zlib's
    own error, not the CRC check's OSError."""
    source = folder / "Occupation Data.txt"
    packed = bytearray(gzip.compress(source.read_bytes()))
    packed[10] |= 0b110  # block type 3, which deflate reserves
    (folder / "Occupation Data.txt.gz").write_bytes(bytes(packed))
    source.unlink()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda folder: _rewrite(folder / "Job Zones.txt", "\t5\t", "\t²\t"),
            r"Job Zones.txt, line \d+: Job Zone is '²', which is not a whole number",
        ),
        (
            lambda folder: _sheet_xml_changed(
                folder / "Skills.xlsx", lambda xml: xml[: len(xml) // 2]
            ),
            r"Skills.xlsx: not a readable Excel file",
        ),
        (_damaged_gzip, r"Occupation Data.txt.gz: not a readable gzip file"),
        (
            lambda folder: release_as(folder, "29.3", "May 0000"),
            r"Read Me.txt: it names the release 'May 0000 Release'",
        ),
        (
            lambda folder: release_as(folder, "99.9", "December 2999"),
            r"the release “O\*NET 99.9” it describes: .*date that has passed",
        ),
        (
            lambda folder: _rewrite(
                folder / "Read Me.txt", "O*NET 29.3", "O*NET 29." + "3" * 120
            ),
            r"it describes: name: Ensure this value has at most 100 characters",
        ),
    ],
    ids=[
        "unicode digit",
        "damaged sheet",
        "damaged gzip",
        "year 0",
        "future release",
        "long release name",
    ],
)
def test_import_onet_damaged_or_impossible_files_are_clear_errors(
    db, onet_copy, damage, message
):
    run("import_onet", ONET)
    before = snapshot()
    damage(onet_copy)
    with pytest.raises(CommandError, match=message) as error:
        run("import_onet", onet_copy, "--allow-older")
    assert "Nothing was changed" in str(error.value)
    assert snapshot() == before


def test_import_onet_education_row_of_an_unknown_scale_is_refused(db, onet_copy):
    """Rows not of the RL scale (the level of education) were passed over unread:
    a damaged "rl" row dropped its share from the occupation's education, and
    with it maybe the most common level, silently."""
    run("import_onet", ONET)
    line = _append_row(
        onet_copy / "Education, Training, and Experience.xlsx", 38, {"Scale ID": "rl"}
    )
    assert_refused(
        ("import_onet", onet_copy),
        f"Education, Training, and Experience.xlsx, line {line}: Scale ID is 'rl'; "
        "expected IM, OJ, PT, RL or RW.",
    )


@pytest.mark.parametrize(
    ("name", "copied_line", "what"),
    [
        ("Education, Training, and Experience Categories.txt", 2, "The RL category 1"),
        ("Content Model Reference.txt", 4, "Element ID 2.A.1.a"),
    ],
)
def test_import_onet_name_given_twice_is_refused(
    db, onet_copy, name, copied_line, what
):
    """A second row renamed the level of education, or the skill, silently."""
    run("import_onet", ONET)
    path = onet_copy / name
    lines = path.read_text().splitlines(keepends=True)
    renamed = lines[copied_line - 1].replace("\t", "\tRenamed ", 1)
    path.write_text("".join([*lines, renamed]))
    added = len(lines) + 1
    assert_refused(
        ("import_onet", onet_copy),
        f"{name}, line {added}: {what} appears twice, on lines {copied_line} and "
        f"{added}.",
    )


def test_import_onet_education_share_over_100_is_a_clear_error(db, onet_copy):
    path = onet_copy / "Education, Training, and Experience.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Data Value") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, header.index("Scale ID") + 1).value == "RL":
            sheet.cell(row, column).value = 150
            break
    workbook.save(path)
    with pytest.raises(CommandError, match=r"Data Value \(a percentage\) is 150"):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


@pytest.mark.parametrize(
    "top_code",
    [
        "$1.2.3 per hour or $239,200 per year",
    ],
)
def test_import_wages_impossible_top_code_is_a_clear_error(db, tmp_path, top_code):
    run("import_onet", ONET)
    workbook = openpyxl.load_workbook(WAGES_2024)
    notes = workbook["Field Descriptions"]
    for row in notes.iter_rows():
        for cell in row:
            if cell.value and "per hour" in str(cell.value):
                cell.value = (
                    f"#  = indicates a wage equal to or greater than {top_code}"
                )
    path = tmp_path / "national_M2024_dl.xlsx"
    workbook.save(path)
    before = snapshot()
    with pytest.raises(CommandError, match=r"national_M2024_dl.xlsx(, line \d+)?: "):
        run("import_wages", path)
    assert snapshot() == before


def test_import_projections_without_some_columns_keeps_their_stored_values(
    db, tmp_path
):
    run("import_onet", ONET)
    run("import_projections", PROJECTIONS_2021)
    stored = EmploymentProjection.objects.exclude(annual_openings=None).first()
    openings, education = stored.annual_openings, stored.typical_education
    rows = list(csv.reader(io.StringIO(PROJECTIONS_2021.read_text())))
    dropped = [
        index
        for index, name in enumerate(rows[0])
        if "Openings" in name or name.startswith("Typical Entry")
    ]
    path = tmp_path / "projections.csv"
    with path.open("w", newline="") as file:
        csv.writer(file).writerows(
            [value for index, value in enumerate(row) if index not in dropped]
            for row in rows
        )
    output = run("import_projections", path)
    assert "stored values kept" in output
    stored.refresh_from_db()
    assert (stored.annual_openings, stored.typical_education) == (openings, education)


def test_import_onet_one_commodity_title_for_two_codes_is_refused(db, onet_copy):
    path = onet_copy / "Technology Skills.txt"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace(
        "Data base user interface and query software", "Document management software"
    )
    path.write_text("".join(lines))
    with pytest.raises(
        CommandError,
        match=r"line 3: Commodity Title 'Document management software' is given "
        r"to codes 43232202 and 43232306",
    ):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


def test_import_onet_repeated_skill_rating_is_refused(db, onet_copy):
    path = onet_copy / "Skills.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.append([cell.value for cell in sheet[2]])
    workbook.save(path)
    with pytest.raises(
        CommandError, match=r"The IM rating of 2.A.1.a for 11-1011.00 appears twice"
    ):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


def test_import_onet_occupation_without_a_title_is_refused(db, onet_copy):
    path = onet_copy / "Occupation Data.txt"
    lines = path.read_text().splitlines(keepends=True)
    code, _title, rest = lines[1].split("\t", 2)
    lines[1] = f"{code}\t \t{rest}"
    path.write_text("".join(lines))
    with pytest.raises(CommandError, match=rf"line 2: {code} has no Title"):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


def _append_row(path, number, changes=None, *, cell_inserted_at=None):
    """A copy of the workbook's row `number` added under its last, with `changes`
    ({column: value}) made to it, or an empty cell inserted at the column
    `cell_inserted_at` (a row pasted one cell off); returns the new row's line."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[number]]
    for column, value in (changes or {}).items():
        row[header.index(column)] = value
    if cell_inserted_at:
        row.insert(header.index(cell_inserted_at), None)
    sheet.append(row)
    workbook.save(path)
    return sheet.max_row


def test_import_onet_repeated_education_share_is_refused(db, onet_copy):
    """A second share for one level of education replaced the first: a copy of
    Operations Research Analysts' "less than high school" row saying 99% made
    that their education."""
    run("import_onet", ONET)
    line = _append_row(
        onet_copy / "Education, Training, and Experience.xlsx", 38, {"Data Value": 99}
    )
    assert_refused(
        ("import_onet", onet_copy),
        f"Education, Training, and Experience.xlsx, line {line}: The RL share of "
        f"category 1 for 15-2031.00 appears twice, on lines 38 and {line}.",
    )


def _task_ratings(folder, rows):
    """A Task Ratings.txt of `rows` ((code, task ID, Scale ID, Data Value)), for
    Operations Research Analysts' tasks."""
    lines = ["O*NET-SOC Code\tTitle\tTask ID\tScale ID\tCategory\tData Value"]
    for code, task_id, scale, value in rows:
        lines.append(
            f"{code}\tOperations Research Analysts\t{task_id}\t{scale}\t\t{value}"
        )
    (folder / "Task Ratings.txt").write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("copies", "repeated", "first"),
    [
        # Two exports pasted together.
        ([(2, {})], "Alternate Title 'Aeronautics Commission Director'", 2),
        (
            [(2, {"Source(s)": "02"})],
            "Alternate Title 'Aeronautics Commission Director'",
            2,
        ),
        # One title, two abbreviations: a title keeps one.
        (
            [(3, {"Short Title": "AO"}), (3, {"Short Title": "ACD"})],
            "A Short Title for 'Agency Owner'",
            702,
        ),
    ],
    ids=["identical", "other sources", "two short titles"],
)
def test_import_onet_repeated_alternate_title_is_refused(
    db, onet_copy, copies, repeated, first
):
    """The last of a title's rows won: its Short Title and sources replaced the
    first row's."""
    run("import_onet", ONET)
    for number, changes in copies:
        line = _append_row(onet_copy / "Alternate Titles.xlsx", number, changes)
    assert_refused(
        ("import_onet", onet_copy),
        f"Alternate Titles.xlsx, line {line}: {repeated} of 11-1011.00 appears "
        f"twice, on lines {first} and {line}.",
    )


def test_import_onet_alternate_title_given_again_with_its_short_title_is_one(
    db, onet_copy
):
    """O*NET 29.3 gives 21-1014.00's "Licensed Mental Health Counselor (LMHC)"
    twice: without a Short Title (sources 04), then with "LMHC" (02,04). It is
    one title, keeping the short title and both rows' sources."""
    path = onet_copy / "Alternate Titles.xlsx"
    _append_row(path, 2, {"Short Title": "ACD", "Source(s)": "02"})
    run("import_onet", onet_copy)
    title = AlternateTitle.objects.get(
        occupation__code="11-1011.00", title="Aeronautics Commission Director"
    )
    assert (title.short_title, title.sources) == ("ACD", "02,08")


def test_import_onet_repeated_reported_title_is_refused(db, onet_copy):
    """The last row won: a copy saying N hid a title My Next Move shows."""
    run("import_onet", ONET)
    path = onet_copy / "Sample of Reported Titles.txt"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1].replace("\tY\n", "\tN\n")]))
    assert_refused(
        ("import_onet", onet_copy),
        f"Sample of Reported Titles.txt, line {len(lines) + 1}: Reported Job Title "
        f"'CEO (Chief Executive Officer)' of 11-1011.00 appears twice, on lines 2 "
        f"and {len(lines) + 1}.",
    )


@pytest.mark.parametrize(
    ("file_name", "repeated"),
    [
        ("Task Statements.txt", r"Task ID \d+ of \d\d-\d{4}\.\d\d"),
        ("Technology Skills.txt", r".+ \(\d+\) for \d\d-\d{4}\.\d\d"),
        ("Related Occupations.txt", r".+ related to \d\d-\d{4}\.\d\d"),
    ],
)
def test_import_onet_repeated_row_with_a_space_after_its_code_is_refused(
    db, onet_copy, file_name, repeated
):
    """The code was checked without the space, and compared with it: the copy
    was another row to the duplicate check, and the last won."""
    run("import_onet", ONET)
    before = snapshot()
    path = onet_copy / file_name
    lines = path.read_text().splitlines(keepends=True)
    code, rest = lines[2].split("\t", 1)
    path.write_text("".join([*lines, f"{code} \t{rest}"]))
    with pytest.raises(CommandError) as error:
        run("import_onet", onet_copy)
    assert re.search(
        rf"{re.escape(file_name)}, line {len(lines) + 1}: {repeated} appears twice, "
        rf"on lines 3 and {len(lines) + 1}\.",
        str(error.value),
    ), error.value
    assert snapshot() == before


def test_import_onet_repeated_skill_rating_with_a_space_after_its_code_is_refused(
    db, onet_copy
):
    run("import_onet", ONET)
    line = _append_row(onet_copy / "Skills.xlsx", 2, {"O*NET-SOC Code": "11-1011.00 "})
    assert_refused(
        ("import_onet", onet_copy),
        f"Skills.xlsx, line {line}: The IM rating of 2.A.1.a for 11-1011.00 appears "
        f"twice, on lines 2 and {line}.",
    )


def test_import_onet_task_with_a_space_after_its_code_keeps_its_importance(
    db, onet_copy
):
    """The task's rating was looked up by its code with the space: it had none,
    and fell to the bottom of the occupation's tasks."""
    _task_ratings(
        onet_copy,
        [("15-2031.00", 7381, "IM", "3.10"), ("15-2031.00", 7377, "IM", "4.90")],
    )
    path = onet_copy / "Task Statements.txt"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(
        "".join(
            line.replace("15-2031.00\t", "15-2031.00 \t", 1)
            if "\t7377\t" in line
            else line
            for line in lines
        )
    )
    run("import_onet", onet_copy)
    ranked = Task.objects.filter(occupation__code="15-2031.00").order_by("rank")
    assert [(task.onet_task_id, task.importance) for task in ranked[:2]] == [
        (7377, Decimal("4.90")),
        (7381, Decimal("3.10")),
    ]


@pytest.mark.parametrize(
    ("changes", "inserted_at", "scale"),
    [
        ({"Scale ID": "im"}, None, "'im'"),
        # Element Name, one cell to the right, in Scale ID's column.
        ({}, "Element Name", "'Reading Comprehension'"),
    ],
    ids=["lower case", "shifted row"],
)
def test_import_onet_skill_rating_of_an_unknown_scale_is_refused(
    db, onet_copy, changes, inserted_at, scale
):
    """A row of another Scale ID than IM or LV was skipped before any check: the
    rating it held was silently missing from the page."""
    run("import_onet", ONET)
    line = _append_row(
        onet_copy / "Skills.xlsx", 2, changes, cell_inserted_at=inserted_at
    )
    assert_refused(
        ("import_onet", onet_copy),
        (f"Skills.xlsx, line {line}: Scale ID is {scale}; expected IM or LV."),
    )


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        # A second importance for one task replaced the first, and with it the
        # task's rank.
        (
            [
                ("15-2031.00", 7377, "IM", "4.90"),
                ("15-2031.00", 7380, "IM", "4.20"),
                ("15-2031.00", 7377, "IM", "1.10"),
            ],
            "line 4: The IM rating of Task ID 7377 for 15-2031.00 appears twice, "
            "on lines 2 and 4.",
        ),
        # Task Ratings hold FT (frequency) and RT (relevance) rows beside IM,
        # which the import reads; another Scale ID is a damaged row, whose
        # importance was silently missing.
        (
            [
                ("15-2031.00", 7377, "FT", "12.50"),
                ("15-2031.00", 7377, "RT", "100.00"),
                ("15-2031.00", 7377, "IM", "4.90"),
                ("15-2031.00", 7380, "im", "4.20"),
            ],
            "line 5: Scale ID is 'im'; expected FT, IM or RT.",
        ),
    ],
    ids=["repeated", "unknown-scale"],
)
def test_import_onet_damaged_task_ratings_are_refused(db, onet_copy, ratings, message):
    run("import_onet", ONET)
    _task_ratings(onet_copy, ratings)
    assert_refused(("import_onet", onet_copy), f"Task Ratings.txt, {message}")


def test_import_projections_reads_employment_by_the_years_its_headers_name(
    db, tmp_path
):
    """The first "Employment, YYYY" column was taken as the start: a file with the
    two swapped swapped every occupation's figures, silently."""
    import csv

    run("import_onet", ONET)
    with PROJECTIONS_2021.open(newline="") as source:
        rows = list(csv.reader(source))
    header = rows[0]
    base, projected = header.index("Employment 2021"), header.index("Employment 2031")
    for row in rows:
        row[base], row[projected] = row[projected], row[base]
    path = tmp_path / "projections.csv"
    with path.open("w", newline="") as swapped:
        csv.writer(swapped, quoting=csv.QUOTE_ALL).writerows(rows)
    run("import_projections", path)
    actors = EmploymentProjection.objects.get(occupation__code="27-2011.00")
    assert (actors.employment_base, actors.employment_projected) == (
        Decimal("50.6"),
        Decimal("54.7"),
    )

    path.write_text(path.read_text().replace("Employment 2031", "Employment 2030"))
    with pytest.raises(
        CommandError,
        match=r"line 1: the column 'Employment 2030' is for neither end of the "
        r"period of 'Employment Percent Change, 2021-2031'\. Nothing was changed",
    ):
        run("import_projections", path)


def test_import_wages_without_the_hourly_column_is_refused(db, tmp_path):
    """Read as blank, it turned off "hourly wages only" for actors and the others
    and exited 0."""
    run("import_onet", ONET)
    path = wages_csv(
        tmp_path / "national_M2024_dl.csv", lambda rows: [row[:-1] for row in rows]
    )
    with pytest.raises(CommandError, match=r"HOURLY.*Nothing was changed"):
        run("import_wages", path)


def test_import_projections_of_the_major_groups_table_is_refused(db, tmp_path):
    """Table 1.1 (major groups only) was read when Table 1.2 was missing: no row
    matched an occupation, so it offered to remove every stored projection."""
    run("import_onet", ONET)
    run("import_projections", PROJECTIONS_2024)
    stored = snapshot()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Table 1.1"
    sheet.append(["Table 1.1 Employment by major occupational group, 2024 and 2034"])
    sheet.append(
        [
            "2024 National Employment Matrix title",
            "2024 National Employment Matrix code",
            "Employment, 2024",
            "Employment, 2034",
            "Employment change, percent, 2024–34",
        ]
    )
    sheet.append(["Total, all occupations", "00-0000", 169956.1, 175167.9, 3.1])
    sheet.append(["  Management occupations", "11-0000", 13607.6, 14441, 6.1])
    path = tmp_path / "occupation.xlsx"
    workbook.save(path)
    with pytest.raises(
        CommandError, match=r"no detailed occupation rows, only totals; is this Table"
    ):
        run("import_projections", path)
    assert snapshot() == stored


def test_import_records_each_created_technology_once(db, monkeypatch):
    """Rows were read back for their revisions batch by batch, by name: a name in
    two categories, in two batches, was recorded twice (232 times in O*NET 29.3)."""
    monkeypatch.setattr("occupations.importers.sync.BATCH_SIZE", 2)
    run("import_onet", ONET)
    created = Technology.history.filter(history_type="+")
    assert created.count() == Technology.objects.count()
    assert created.values("id").distinct().count() == created.count()


def test_importing_releases_again_writes_no_revision_of_them(db):
    imports = [
        ("import_onet", ONET),
        ("import_wages", WAGES_2024),
        ("import_projections", PROJECTIONS_2024),
    ]
    for command, path in imports:
        run(command, path)
    revisions = DataRelease.history.count()
    for command, path in imports:
        run(command, path)
    assert DataRelease.history.count() == revisions


def wages_csv(path, change=lambda rows: rows):
    """The 2024 excerpt as a CSV at `path`, its rows (header first) passed through
    `change`."""
    sheet = openpyxl.load_workbook(WAGES_2024, read_only=True).worksheets[0]
    with path.open("w", newline="") as wages:
        csv.writer(wages).writerows(
            change([list(row) for row in sheet.iter_rows(values_only=True)])
        )
    return path


def test_import_wages_hourly_only_flag_other_than_true_or_blank_is_refused(
    db, tmp_path
):
    """ "yes" was read as not hourly only, silently."""
    run("import_onet", ONET)
    header = next(openpyxl.load_workbook(WAGES_2024).worksheets[0].values)
    hourly = list(header).index("HOURLY")

    def say_yes(rows):
        for row in rows[1:]:
            row[hourly] = "yes"
        return rows

    with pytest.raises(CommandError, match=r"line \d+: HOURLY is 'yes', not TRUE"):
        run("import_wages", wages_csv(tmp_path / "national_M2024_dl.csv", say_yes))


def test_import_wages_of_a_workbook_named_csv_says_what_it_is(db, tmp_path):
    path = tmp_path / "national_M2024_dl.csv"
    shutil.copy(WAGES_2024, path)
    with pytest.raises(CommandError, match=r"an Excel workbook, not text"):
        run("import_wages", path)


def test_import_of_another_kind_of_file_named_xlsx_says_so(db, tmp_path):
    """A CSV or PDF renamed .xlsx was "not a readable Excel file (File is not a
    zip file); is it truncated?": it is whole, only not a workbook."""
    path = tmp_path / "occupation.xlsx"
    shutil.copy(PROJECTIONS_2021, path)
    with pytest.raises(CommandError) as error:
        run("import_projections", path)
    assert str(error.value) == (
        "occupation.xlsx: not an Excel workbook: it does not begin as one (a CSV, "
        "PDF or other file renamed .xlsx?). Give the workbook as BLS or O*NET "
        "publishes it, or a CSV under a .csv name. Nothing was changed."
    )


def test_import_of_a_zip_archive_named_xlsx_says_what_it_holds(db, tmp_path):
    """A workbook is a zip archive, but not every zip is a workbook: BLS's own
    download (oesm24nat.zip, which holds the workbook) renamed .xlsx was "not a
    readable Excel file (There is no item named '[Content_Types].xml' …); is it
    truncated?", though it was whole."""
    path = tmp_path / "national_M2024_dl.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(WAGES_2024, "oesm24nat/national_M2024_dl.xlsx")
    with pytest.raises(CommandError) as error:
        run("import_wages", path)
    assert str(error.value) == (
        "national_M2024_dl.xlsx: a zip archive, not an Excel workbook; it holds "
        "oesm24nat/national_M2024_dl.xlsx: unpack it and give the file inside. "
        "Nothing was changed."
    )


def test_import_wages_of_a_password_protected_workbook_says_so(db, tmp_path):
    """Excel writes a protected workbook (as an old .xls) in its older container,
    which was called a truncated zip."""
    path = tmp_path / "national_M2024_dl.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(CommandError, match=r"with a password or in the old .xls"):
        run("import_wages", path)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            8,
            "—",
            "line 7: Employment change, percent, 2024–34 is '—', where the "
            "occupation 15-1252 needs its percent change.",
        ),
        (
            2,
            "Line-item",
            "line 7: Occupation type is 'Line-item', not “Line item” (an "
            "occupation) or “Summary” (a group's total).",
        ),
    ],
)
def test_import_projections_of_an_occupation_it_cannot_read_is_refused(
    db, tmp_path, column, value, message
):
    """Such a row was skipped without a word, and its stored projection removed."""
    run("import_onet", ONET)
    run("import_projections", PROJECTIONS_2024)
    workbook = openpyxl.load_workbook(PROJECTIONS_2024)
    sheet = workbook["Table 1.2"]
    (line,) = [row for row in sheet.iter_rows() if row[1].value == "15-1252"]
    line[column].value = value
    path = tmp_path / "occupation.xlsx"
    workbook.save(path)
    assert_refused(("import_projections", path), f"occupation.xlsx, {message}")


def test_import_projections_reads_occupation_type_in_any_case(db, tmp_path):
    """ "Line Item" was skipped as no occupation, and its stored row removed."""
    run("import_onet", ONET)
    workbook = openpyxl.load_workbook(PROJECTIONS_2024)
    for row in workbook["Table 1.2"].iter_rows():
        if row[2].value == "Line item":
            row[2].value = "Line Item"
    path = tmp_path / "occupation.xlsx"
    workbook.save(path)
    run("import_projections", path)
    assert EmploymentProjection.objects.filter(occupation__code="11-1011.00").exists()


@pytest.mark.parametrize("name", ["national_M2024_dl.csv", "wages"])
def test_import_wages_of_a_folder_says_it_is_one(db, tmp_path, name):
    """A folder whose name gives no year was "cannot tell the reference period"."""
    (tmp_path / name).mkdir()
    with pytest.raises(CommandError, match=rf"{name}: a folder, where a data file"):
        run("import_wages", tmp_path / name)


def test_import_wages_of_a_pipe_says_it_is_no_regular_file(db, tmp_path):
    """It was "no such file", for a path that is there (/dev/null, a pipe)."""
    os.mkfifo(tmp_path / "national_M2024_dl.csv")
    with pytest.raises(
        CommandError, match=r"national_M2024_dl.csv: not a regular file, where a data"
    ):
        run("import_wages", tmp_path / "national_M2024_dl.csv")


@pytest.mark.parametrize("unreadable", ["Task Statements.txt", "Skills.xlsx"])
def test_import_onet_file_without_read_permission_is_a_message(
    db, onet_copy, unreadable
):
    (onet_copy / unreadable).chmod(0)
    if os.access(onet_copy / unreadable, os.R_OK):
        pytest.skip("this user reads any file (root with its capabilities)")
    with pytest.raises(
        CommandError,
        match=rf"^{unreadable}: cannot be read \(Permission denied\); check its "
        "permissions. Nothing was changed",
    ):
        run("import_onet", onet_copy)


def xlsx_changed(source, changed, member, change):
    """A copy of the workbook `source` at `changed`, its part `member` (an XML
    file inside the zip) passed through `change`."""
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for name in original.namelist():
            data = original.read(name)
            copy.writestr(name, change(data) if name == member else data)
    return changed


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="G2" t="n"><v>NaN</v></c>',  # a number cell that holds none
        b'<c r="G2" t="s"><v>99999999</v></c>',  # past the shared strings
    ],
)
def test_import_onet_cell_excel_cannot_hold_is_a_message(db, onet_copy, cell):
    skills = onet_copy / "Skills.xlsx"
    xlsx_changed(
        ONET / "Skills.xlsx",
        skills,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<c r="G2" t="n"><v>4.12</v></c>', cell),
    )
    with pytest.raises(
        CommandError,
        match=r"^Skills.xlsx, line 2: a cell that cannot be read \(.+\)\. Is the "
        r"file damaged\?",
    ):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


def test_import_wages_with_a_damaged_field_descriptions_sheet_says_so(db, tmp_path):
    """The sheet that states the top codes: read as absent, the import would go on
    with the default ones."""
    run("import_onet", ONET)
    wages = xlsx_changed(
        WAGES_2024,
        tmp_path / WAGES_2024.name,
        "xl/worksheets/sheet2.xml",
        lambda xml: xml[: len(xml) // 2],
    )
    with pytest.raises(
        CommandError,
        match=r"^national_M2024_dl.xlsx: its Field Descriptions sheet cannot be "
        r"read \(.+\)\. Nothing was changed",
    ):
        run("import_wages", wages)
    assert not WageEstimate.objects.exists()


def first_row_changed(path, **cells):
    """Set `cells` ({column: text}) in the first data row of the tab-separated
    file `path`; returns that row as it is now."""
    lines = path.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split("\t")
    row = dict(zip(header, lines[1].rstrip("\n").split("\t"), strict=True))
    row.update(cells)
    lines[1] = "\t".join(row.values()) + "\n"
    path.write_text("".join(lines))
    return row


def test_import_onet_technology_without_a_name_is_refused(db, onet_copy):
    """It was stored, and listed as an empty item among the page's technologies."""
    first_row_changed(onet_copy / "Technology Skills.txt", Example="")
    with pytest.raises(
        CommandError, match=r"line 2: a technology of .+ has no Example"
    ):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


@pytest.mark.parametrize(
    "written, statement",
    [
        (
            '"Conduct ""head counts"" before votes."',
            'Conduct "head counts" before votes.',
        ),
        ('"Excel" and "Word"', '"Excel" and "Word"'),
    ],
)
def test_import_onet_reads_a_quoted_statement_as_written(
    db, onet_copy, written, statement
):
    """O*NET's text files quote a field that holds a quote, as spreadsheets do:
    six tasks were shown as '"Conduct ""head counts"" to…"'. A field that only
    starts and ends with a quote is no quoted one."""
    first = first_row_changed(onet_copy / "Task Statements.txt", Task=written)
    run("import_onet", onet_copy)
    assert Task.objects.get(onet_task_id=int(first["Task ID"])).statement == statement


def test_import_onet_empty_task_statement_is_refused(db, onet_copy):
    """It was stored, and shown as an empty item among the page's tasks."""
    first_row_changed(onet_copy / "Task Statements.txt", Task=" ")
    with pytest.raises(CommandError, match=r"line 2: Task \d+ of .+ is empty\."):
        run("import_onet", onet_copy)
    assert not Occupation.objects.exists()


def test_import_projections_period_starting_in_year_0_is_a_clear_error(db, tmp_path):
    run("import_onet", ONET)
    path = tmp_path / "projections.csv"
    path.write_text(PROJECTIONS_2021.read_text().replace("2021-2031", "0000-0031"))
    with pytest.raises(
        CommandError, match=r"projections.csv: the column .* names no real period"
    ):
        run("import_projections", path)
    assert not EmploymentProjection.objects.exists()


def test_import_projections_total_growth_past_the_range_is_a_clear_error(db, tmp_path):
    """The "Total, all occupations" row's growth is the release's; it was stored
    as it came (or refused by the database in a traceback)."""
    run("import_onet", ONET)
    header, *rows = PROJECTIONS_2021.read_text().splitlines(keepends=True)
    cells = rows[0].split('","')
    growth = header.split('","').index("Employment Percent Change, 2021-2031")
    cells[0], cells[1], cells[growth] = (
        '"Total, all occupations',
        '=""00-0000""',
        "5000.0",
    )
    path = tmp_path / "projections.csv"
    path.write_text(header + '","'.join(cells) + "".join(rows))
    with pytest.raises(
        CommandError,
        match=r"the release “2021–31” it describes: growth of all occupations "
        r"\(%\): Ensure this value is less than or equal to 999",
    ):
        run("import_projections", path)
    assert not EmploymentProjection.objects.exists()


@pytest.mark.parametrize("group", ["major", "detailed"])
def test_import_wages_title_too_long_to_store_is_refused(db, tmp_path, group):
    """It was cut to 200 characters and stored so, without a word."""
    run("import_onet", ONET)
    stored = snapshot()
    header = next(openpyxl.load_workbook(WAGES_2024).worksheets[0].values)
    title, o_group = header.index("OCC_TITLE"), header.index("O_GROUP")
    lines = []

    def lengthen_first_title(rows):
        number, row = next(
            (number, row)
            for number, row in enumerate(rows[1:], start=2)
            if row[o_group] == group
        )
        row[title] = "Long " * 41  # 205 characters, 204 once trimmed
        lines.append(number)
        return rows

    path = wages_csv(tmp_path / "national_M2024_dl.csv", lengthen_first_title)
    with pytest.raises(
        CommandError,
        match=rf"line {lines[0]}: OCC_TITLE is longer than 200 characters",
    ):
        run("import_wages", path)
    assert snapshot() == stored


def test_import_projections_title_too_long_to_store_is_refused(db, tmp_path):
    run("import_onet", ONET)
    stored = snapshot()
    workbook = openpyxl.load_workbook(PROJECTIONS_2024)
    sheet = workbook["Table 1.2"]
    row = next(
        row
        for row in sheet.iter_rows()
        if isinstance(row[1].value, str)
        and re.fullmatch(r"\d\d-\d{3}[1-9]", row[1].value)
    )
    row[0].value = "Long " * 41
    workbook.save(tmp_path / "occupation.xlsx")
    with pytest.raises(
        CommandError, match=rf"line {row[0].row}: .+ is longer than 200 characters"
    ):
        run("import_projections", tmp_path / "occupation.xlsx")
    assert snapshot() == stored


def test_import_wages_csv_of_a_year_whose_top_code_is_not_known(db, tmp_path):
    """A CSV does not state what "#" stands for: it was read as 2024's top code
    whatever the year, and May 2019's $208,000 would have shown as $239,200."""
    run("import_onet", ONET)
    path = wages_csv(tmp_path / "national_M2019_dl.csv")
    before = snapshot()
    with pytest.raises(
        CommandError,
        match=r"national_M2019_dl.csv, line \d+: A_\w+ is #, a wage at or above "
        r"the top code, which this file does not state and May 2019's is not known "
        r"here: import BLS's workbook \(national_M2019_dl.xlsx\)",
    ):
        run("import_wages", path)
    assert snapshot() == before

    def no_top_coded_wages(rows):
        return [["*" if cell == "#" else cell for cell in row] for row in rows]

    run("import_wages", wages_csv(path, no_top_coded_wages))
    release = DataRelease.objects.get(name="May 2019")
    assert (release.top_code_hourly, release.top_code_annual) == (None, None)
    assert WageEstimate.objects.filter(release=release).exists()
