"""The shipped catalogue: a compact snapshot of the newest O*NET and BLS releases,
imported on first run, and a public page for every occupation with data."""

import csv
import gzip
import io
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.text import slugify

from .. import page_cache
from ..models import (
    CareerPage,
    DataRelease,
    EmploymentProjection,
    FormerSlug,
    Occupation,
    Task,
    WageEstimate,
)
from .bls import (
    OEWS_COLUMNS,
    OEWS_TOP_CODES,
    is_projection_header,
    oews_year_and_top_code,
    projections_import,
    wages_import,
)
from .onet import (
    FILES,
    files_digest,
    find_files,
    newer_release,
    onet_import,
    release_from_readme,
)
from .readers import DataFileError, read_rows
from .sync import ImportReport
from .values import as_written, text

SNAPSHOT_DIR = Path(__file__).resolve().parent.parent / "catalogue"

# Rows of the big O*NET files the site does not use, left out of the snapshot.
SNAPSHOT_FILTERS = {
    "skills": lambda row: row["Scale ID"] in ("IM", "LV"),
    "education": lambda row: row["Scale ID"] == "RL",
    "education_categories": lambda row: row["Scale ID"] == "RL",
    "content_model": lambda row: str(row["Element ID"]).startswith("2."),
}


def _write_gzip(path, text):
    # mtime=0: rebuilding the same data gives the same bytes (and digest).
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle,
    ):
        handle.write(text.encode("utf-8"))


def snapshot_build(*, onet_dir, wages, projections, out=SNAPSHOT_DIR, write=print):
    """Write the columns and rows the site imports, gzipped, into `out`.

    The `onet/` and `bls/` folders are built beside the old ones and swapped in
    whole once every source has been read: a bad wages file must not leave new
    O*NET files beside old BLS ones, nor a file the new release lacks (or last
    year's wages) beside the new ones."""
    out = Path(out)
    name, reference_date = release_from_readme(onet_dir)
    if not name or not reference_date:
        raise DataFileError(
            onet_dir, "no 'Read Me.txt' naming the O*NET release and its month."
        )
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".building-") as staging:
        staging = Path(staging)
        _snapshot_write(staging, onet_dir, wages, projections, write)
        for folder in ("onet", "bls"):
            if (out / folder).exists():
                os.replace(out / folder, staging / f"{folder}.old")
            os.replace(staging / folder, out / folder)
    write(f"Snapshot written to {out}")


def _snapshot_write(out, onet_dir, wages, projections, write):
    # Before the long read of the O*NET files.
    wages_year, stated_top_code = oews_year_and_top_code(wages)
    _check_top_code_is_known(wages, wages_year, stated_top_code)
    (out / "onet").mkdir(parents=True, exist_ok=True)
    (out / "bls").mkdir(parents=True, exist_ok=True)
    for key, path in find_files(onet_dir).items():
        if key == "task_ratings":
            continue  # not in the shared release copy; kept out for a stable size
        name, required = FILES[key]
        keep = SNAPSHOT_FILTERS.get(key, lambda row: True)
        lines = ["\t".join(required)]
        for line, row in read_rows(path, required):
            if keep(row):
                lines.append("\t".join(_snapshot_cells(path, line, row, required)))
        _write_gzip(out / "onet" / f"{name}.txt.gz", "\n".join(lines) + "\n")
        write(f"{name}: {len(lines) - 1:,} rows")
    shutil.copyfile(Path(onet_dir) / "Read Me.txt", out / "onet" / "Read Me.txt")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OEWS_COLUMNS)
    for _, row in read_rows(wages, OEWS_COLUMNS):
        if row["O_GROUP"] in ("major", "detailed"):
            writer.writerow([as_written(row[column]) for column in OEWS_COLUMNS])
    # Named as load_catalogue looks for it, whatever the file given was called.
    _write_gzip(out / "bls" / f"national_M{wages_year}_dl.csv.gz", buffer.getvalue())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = None
    for _, row in read_rows(
        projections, (), header_match=is_projection_header, sheet="Table 1.2"
    ):
        if header is None:
            header = list(row)
            writer.writerow(header)
        writer.writerow([text(row[column]) for column in header])
    if header is None:
        raise DataFileError(projections, "no BLS employment projections table in it.")
    _write_gzip(out / "bls" / "projections.csv.gz", buffer.getvalue())


def _check_top_code_is_known(wages, year, stated):
    """The snapshot's CSV keeps "#" but not the workbook's Field Descriptions
    sheet, which says what it stands for (`stated`): `load_catalogue` reads that
    from `OEWS_TOP_CODES`, so the year's codes must be there, as stated."""
    if stated is not None and stated != OEWS_TOP_CODES.get(year):
        hourly, annual = stated
        raise DataFileError(
            wages,
            f"its Field Descriptions sheet states May {year}'s top code as "
            f"${hourly} an hour or ${annual:,} a year, which the snapshot's CSV "
            f'cannot carry: add {year}: (Decimal("{hourly}"), '
            f'Decimal("{annual}")) to OEWS_TOP_CODES in '
            "occupations/importers/bls.py, then build again.",
        )


def _snapshot_cells(path, line, row, columns):
    """The row's `columns` as the snapshot's tab-separated text holds them: a tab
    or line break inside a cell would split it, so it is refused; a cell with a
    quote is quoted, as O*NET quotes one."""
    cells = [as_written(row[column]) for column in columns]
    for column, cell in zip(columns, cells, strict=True):
        if any(character in cell for character in "\t\r\n"):
            raise DataFileError(
                path,
                f"the {column} cell holds a tab or line break, which the "
                "snapshot's text files cannot; mend the cell and build again.",
                line,
            )
    # A quote is written as O*NET writes it, for the reader to take back out.
    return [
        '"' + cell.replace('"', '""') + '"' if '"' in cell else cell for cell in cells
    ]


def _bls_files(directory, pattern):
    paths = sorted((Path(directory) / "bls").glob(pattern))
    for path in paths:
        if path.is_dir():
            raise DataFileError(path, "a folder where a BLS data file belongs.")
        if not path.is_file():
            raise DataFileError(path, "no such file (a broken link?).")
    return paths


def _snapshot_sources(directory):
    if not Path(directory).is_dir():
        # Else the first thing missing in it was named ("onet: not a folder").
        raise DataFileError(directory, "not a folder; pass the snapshot's folder.")
    return {
        "onet": Path(directory) / "onet",
        "wages": _bls_files(directory, "national_*"),
        "projections": _bls_files(directory, "projections*"),
    }


def _already_imported(paths):
    digest = files_digest(paths)
    return DataRelease.objects.filter(source_digest=digest).exists()


@transaction.atomic
def catalogue_load(
    *, directory=SNAPSHOT_DIR, force=False, write=None, allow_removals=False
):
    """Import the snapshot's releases not yet imported, then publish the pages.

    One transaction: a bad file or Ctrl-C in a later release leaves none of the
    earlier ones imported, as the command's "Nothing was changed" says."""
    report = ImportReport(write)
    options = {"write": write, "allow_removals": allow_removals}
    sources = _snapshot_sources(directory)
    onet_files = list(find_files(sources["onet"]).values())
    name, reference_date = release_from_readme(sources["onet"])
    newer = reference_date and newer_release(reference_date)
    if newer:
        report.write(f"O*NET: the database holds {newer.name}, newer than {name}.")
    elif force or not _already_imported(onet_files):
        report.add_report(onet_import(directory=sources["onet"], **options))
    else:
        report.write("O*NET: the snapshot's release is already imported.")
    for path in sources["wages"]:
        if force or not _already_imported([path]):
            report.add_report(wages_import(path=path, **options))
        else:
            report.write(f"{path.name}: already imported.")
    for path in sources["projections"]:
        if force or not _already_imported([path]):
            report.add_report(projections_import(path=path, **options))
        else:
            report.write(f"{path.name}: already imported.")
    report.add("Career pages", {"created": career_pages_create()})
    return report


def career_pages_create():
    """A published, data-only page for every occupation with data and no page, nor
    one deleted: a page an editor deleted stays deleted (`make run` loads the
    catalogue each time it starts, and brought such pages back, live). A version
    in the deleted page's history, in the admin, restores it on purpose.

    Titles come from the O*NET title; editorial sections stay empty (the page hides
    them). Existing pages, whoever wrote them, are never changed.
    """
    has_data = (
        Q(Exists(Task.objects.filter(occupation=OuterRef("pk"))))
        | Q(Exists(WageEstimate.objects.filter(occupation=OuterRef("pk"))))
        | Q(Exists(EmploymentProjection.objects.filter(occupation=OuterRef("pk"))))
    )
    deleted_pages = CareerPage.history.filter(
        occupation_id=OuterRef("pk"), history_type="-"
    )
    occupations = list(
        Occupation.objects.filter(has_data)
        .exclude(Exists(CareerPage.objects.filter(occupation=OuterRef("pk"))))
        .exclude(Exists(deleted_pages))
        .only("code", "title")
    )
    if not occupations:
        return 0
    latest_wages = (
        DataRelease.objects.filter(kind=DataRelease.Kind.WAGES)
        .order_by("-reference_date")
        .first()
    )
    year = latest_wages.reference_date.year if latest_wages else date.today().year
    # An address a page left still redirects to it: a catalogue page must not
    # take it over.
    taken = {
        *CareerPage.objects.values_list("slug", flat=True),
        *FormerSlug.objects.values_list("slug", flat=True),
    }
    pages = []
    for occupation in occupations:
        # "Engineers/Architects" -> engineers-architects, not engineersarchitects.
        slug = slugify(occupation.title.replace("/", " "))[:180]
        slug = slug or slugify(occupation.code)
        if slug in taken:
            slug = f"{slug}-{slugify(occupation.code)}"
        taken.add(slug)
        pages.append(
            CareerPage(
                occupation=occupation,
                title=occupation.title,
                slug=slug,
                career_name=occupation.title,
                career_name_plural=occupation.title,
                headline_year=year,
                status=CareerPage.Status.PUBLISHED,
                data_lists=CareerPage.DataLists.ALL,
            )
        )
    with page_cache.bulk_write():
        CareerPage.objects.bulk_create(pages, batch_size=500)
    return len(pages)
