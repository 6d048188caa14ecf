"""Import BLS OEWS national wage estimates and BLS employment projections."""

import re
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook

from adminsite.history import IMPORT_REVISION_PREFIX

from .. import page_cache
from ..models import (
    WAGE_FIELDS,
    WAGE_PERCENTILES,
    DataRelease,
    EmploymentProjection,
    Occupation,
    SocMajorGroup,
    WageEstimate,
)
from .onet import files_digest
from .readers import (
    UNREADABLE_CELL,
    UNREADABLE_XLSX,
    DataFileError,
    check_is_a_file,
    read_rows,
)
from .sync import ImportReport, sync_rows
from .values import (
    SOC_CODE,
    checked,
    decimal,
    limited,
    once,
    release_saved,
    text,
)

# OEWS: BLS's column for each of our wage fields ("annual_pct10": "A_PCT10").
WAGE_COLUMNS = {
    f"{basis}_{percentile}": f"{basis[0].upper()}_{percentile.upper()}"
    for basis in ("annual", "hourly")
    for percentile in WAGE_PERCENTILES
}
# ANNUAL and HOURLY: "TRUE" where BLS publishes only that basis (actors: hourly).
OEWS_COLUMNS = (
    "OCC_CODE",
    "OCC_TITLE",
    "O_GROUP",
    *WAGE_COLUMNS.values(),
    "ANNUAL",
    "HOURLY",
)
# What OEWS files call their rows' levels; only "detailed" rows are occupations.
OEWS_GROUPS = ("total", "major", "minor", "broad", "detailed")
OEWS_PERIOD = re.compile(r"M(\d{4})", re.IGNORECASE)
FIRST_OEWS_YEAR = 1997  # the first national estimates in today's form
# The national files' Field Descriptions sheet; the same in 2022, 2023 and 2024.
TOP_CODE = re.compile(r"\$([\d,.]+) per hour or \$([\d,]+) per year")
# What "#" stands for each May, (hourly, annual), as that year's workbook states
# it: for a file without the sheet that does (a CSV, the catalogue snapshot's
# copy). BLS raises it every few years; a year not here is added from its
# workbook, as `build_catalogue` asks.
OEWS_TOP_CODES = {
    year: (Decimal("115.00"), Decimal("239200")) for year in (2022, 2023, 2024)
}
NOT_AVAILABLE = {"*", "**", "~", "—", "N/A", "n/a"}

PERCENT_CHANGE = re.compile(
    r"employment (?:percent change|change, percent),? (\d{4})\s*[–-]\s*(\d{2,4})",
    re.IGNORECASE,
)


# SOC 2018 occupations that the O*NET-SOC 2019 taxonomy splits into occupations
# with other codes; BLS publishes one set of figures for each (from the SOC 2018
# structure and O*NET's taxonomy: 21-1018 replaced 21-1011 and 21-1014, …).
SOC_2018_SPLIT_BY_ONET = {
    "21-1018": ("21-1011", "21-1014"),
    "25-2052": ("25-2055", "25-2056"),
    # "Except Postsecondary": every O*NET teaching assistant but 25-9044's.
    "25-9045": ("25-9042", "25-9043", "25-9049"),
    "51-2028": ("51-2022", "51-2023"),
    "53-1047": ("53-1042", "53-1043", "53-1044", "53-1049"),
}


def _soc_index():
    """{SOC code: [(occupation id, O*NET code), …]}: O*NET specialties share their
    parent SOC code."""
    index = defaultdict(list)
    for pk, code in Occupation.objects.values_list("pk", "code"):
        index[code[:7]].append((pk, code))
    return index


# A BLS title is stored as a SOC group's title or a figure's BLS group title.
TITLE_LENGTH = min(
    SocMajorGroup._meta.get_field("title").max_length,
    WageEstimate._meta.get_field("bls_group_title").max_length,
)


def _title(value, path, line, column="OCC_TITLE"):
    """A BLS title, refused when too long to store whole (it used to be cut)."""
    return limited(text(value), TITLE_LENGTH, path=path, line=line, column=column)


def _group(code, title):
    return {"bls_group_code": code, "bls_group_title": title}


NO_GROUP = _group("", "")


def _match(rows, index):
    """{occupation id: values} from `rows`, [(SOC code, BLS title, values), …]:
    exact SOC matches first; then, for the O*NET occupations with no figures of
    their own, BLS's figures for a group including them (aggregates, …0 codes
    such as 13-1020, and SOC 2018 occupations O*NET splits), which name the group.

    An O*NET specialty (codes ending .01 and up: Allergists and Immunologists,
    29-1229.01) has no figures of its own either: BLS publishes them for the whole
    SOC occupation (29-1229 Physicians, All Other), and they name it too.
    """
    matched, groups, unmatched = {}, [], 0
    for code, title, values in rows:
        if index.get(code):
            for occupation_id, onet_code in index[code]:
                specialty = not onet_code.endswith(".00")
                matched[occupation_id] = {
                    **values,
                    **(_group(code, title) if specialty else NO_GROUP),
                }
        elif code.endswith("0") or code in SOC_2018_SPLIT_BY_ONET:
            groups.append((code, title, values))
        else:
            unmatched += 1
    for code, title, values in groups:
        members = SOC_2018_SPLIT_BY_ONET.get(code)
        targets = [
            pk
            for soc, occupations in index.items()
            if (soc in members if members else soc[:6] == code[:6])
            for pk, _ in occupations
            if pk not in matched
        ]
        for occupation_id in targets:
            matched[occupation_id] = {**values, **_group(code, title)}
        unmatched += not targets
    return matched, unmatched


def _sync_release_figures(model, release, rows, *, value_fields, report, label):
    """Make `release`'s rows of `model` (wage estimates, projections) those of
    `rows`, [(SOC code, BLS title, values), …], matched to O*NET occupations."""
    report.revision_reason = f"{IMPORT_REVISION_PREFIX}{release.short_label}"
    matched, unmatched = _match(rows, _soc_index())
    sync_rows(
        model,
        key_fields=("occupation_id", "release_id"),
        value_fields=(*value_fields, "bls_group_code", "bls_group_title"),
        incoming={
            (occupation_id, release.pk): values
            for occupation_id, values in matched.items()
        },
        existing=model.objects.filter(release=release),
        report=report,
        label=label,
    )
    if unmatched:
        report.note(f"{unmatched} BLS codes have no O*NET occupation here.")


# SOC 2018 major groups OEWS publishes no figures for, so its files do not name
# them; O*NET has occupations in them (Air Crew Officers), whose career pages the
# list could not browse to by group.
SOC_GROUPS_OEWS_LEAVES_OUT = {("55-0000",): {"title": "Military Specific Occupations"}}


def _release(kind, name, defaults, report):
    """The stored release `name`, or a new one (saved once it is checked)."""
    release = DataRelease.objects.filter(kind=kind, name=name).first()
    if release is None:
        release = DataRelease(kind=kind, name=name, **defaults)
        report.note(f"New release {name}.")
    return release


def _oews_period(*names):
    """The year the first of `names` (a file's, its sheets') gives: M2024 → 2024."""
    for candidate in names:
        found = OEWS_PERIOD.search(candidate)
        if found:
            return int(found.group(1))
    return None


def _field_descriptions(path, workbook):
    """The rows of the workbook's Field Descriptions sheet, where it states the
    top codes; a damaged sheet is refused, not read as a sheet without them."""
    try:
        yield from workbook["Field Descriptions"].iter_rows(values_only=True)
    except (*UNREADABLE_XLSX, *UNREADABLE_CELL) as error:
        raise DataFileError(
            path, f"its Field Descriptions sheet cannot be read ({error})."
        ) from error


def _oews_workbook_facts(path):
    """(top codes, year) an xlsx states: the thresholds in its Field Descriptions
    sheet, and the year its sheet names give ("national_M2024_dl"); each None if
    the file states none."""
    if Path(path).suffix != ".xlsx":
        return None, None
    try:
        workbook = load_workbook(path, read_only=True)
    except UNREADABLE_XLSX:
        return None, None  # the data sheet's reader reports the damage
    try:
        year = _oews_period(*workbook.sheetnames)
        if "Field Descriptions" in workbook.sheetnames:
            for row in _field_descriptions(path, workbook):
                for value in row:
                    found = TOP_CODE.search(text(value))
                    if found:
                        try:
                            top_code = tuple(
                                Decimal(group.replace(",", ""))
                                for group in found.groups()
                            )
                        except InvalidOperation:
                            raise DataFileError(
                                path,
                                "its Field Descriptions sheet gives the top code "
                                f"as {found.group(0)!r}, which is not two numbers.",
                            ) from None
                        return top_code, year
    finally:
        workbook.close()
    return None, year


def oews_year_and_top_code(path):
    """The year of the OEWS file `path`, as its name and its sheets' names say,
    and the top codes it states, (hourly, annual), or None: one read of it."""
    top_code, sheet_year = _oews_workbook_facts(path)
    return _oews_year(path, None, sheet_year), top_code


def _oews_year(path, year, sheet_year):
    """The reference year: `year` (--year), the file's name and its sheets' names
    must agree where they say one. A renamed copy of another year's file would
    otherwise replace that year's figures."""
    stated = {
        "--year": year,
        "the file name": _oews_period(Path(path).name),
        "the sheet name": sheet_year,
    }
    years = {value for value in stated.values() if value is not None}
    if len(years) > 1:
        said = ", ".join(f"{where} {value}" for where, value in stated.items() if value)
        raise DataFileError(path, f"the year is unclear ({said}).")
    if not years:
        raise DataFileError(
            path,
            "cannot tell the reference period: name the file as BLS does "
            "(national_M2024_dl.xlsx); import_wages also takes --year 2024.",
        )
    year = years.pop()
    if not FIRST_OEWS_YEAR <= year <= date.today().year:
        raise DataFileError(path, f"{year} is not a year OEWS has published.")
    return year


def _only(row, column, *, path, line):
    """ANNUAL or HOURLY: "TRUE" where BLS publishes only that basis, else blank."""
    value = text(row[column]).upper()
    if value not in ("TRUE", "FALSE", ""):
        raise DataFileError(
            path, f"{column} is {text(row[column])!r}, not TRUE or blank.", line
        )
    return value == "TRUE"


def _wage(value, top_code, *, path, line, column, year):
    if text(value) == "#":
        if top_code is None:
            raise DataFileError(
                path,
                f"{column} is #, a wage at or above the top code, which this file "
                f"does not state and May {year}'s is not known here: import BLS's "
                f"workbook (national_M{year}_dl.xlsx), whose Field Descriptions "
                "sheet states it.",
                line,
            )
        return top_code
    return decimal(
        value,
        path=path,
        line=line,
        column=column,
        blank=NOT_AVAILABLE,
        empty="* (not available) or # (top-coded)",
    )


def _check_under_top_codes(row, values, top_codes, *, path, line):
    """A figure at or above its top code, which BLS writes as "#" (and the site
    would show as the top code "or more"), is refused."""
    for field, column in WAGE_COLUMNS.items():
        top_code = top_codes[field.split("_", 1)[0]]
        wage = values[field]
        if text(row[column]) == "#" or None in (wage, top_code) or wage < top_code:
            continue
        raise DataFileError(
            path,
            f"{column} is {wage:,}, at or above the top code ({top_code:,}), "
            "which BLS writes as #.",
            line,
        )


def wages_import(*, path, year=None, write=None, allow_removals=False):
    """Import an OEWS national file (xlsx or csv) in one transaction."""
    path = Path(path)
    # Before the year, which a folder's name would leave "unclear".
    check_is_a_file(path)
    stated_top_code, sheet_year = _oews_workbook_facts(path)
    year = _oews_year(path, year, sheet_year)
    hourly_top, annual_top = stated_top_code or OEWS_TOP_CODES.get(year, (None, None))
    name = f"May {year}"
    report = ImportReport(write, allow_removals=allow_removals)
    report.write(f"Importing OEWS {name} from {path.name}")
    rows, groups, seen = [], {}, {}
    count, started = 0, time.perf_counter()
    for line, row in read_rows(path, OEWS_COLUMNS):
        count += 1
        code = text(row["OCC_CODE"])
        if not SOC_CODE.match(code):
            raise DataFileError(path, f"OCC_CODE is {code!r}, not a SOC code.", line)
        group = text(row["O_GROUP"]).lower()
        if group not in OEWS_GROUPS:
            raise DataFileError(
                path,
                f"O_GROUP is {row['O_GROUP']!r}, not one OEWS uses "
                f"({', '.join(OEWS_GROUPS)}).",
                line,
            )
        if group == "major":
            if not code.endswith("-0000"):
                raise DataFileError(
                    path, f"{code} is a major group, but not an XX-0000 code.", line
                )
            groups[(code,)] = {"title": _title(row["OCC_TITLE"], path, line)}
        if group != "detailed":
            continue
        values = {
            field: _wage(
                row[column],
                annual_top if field.startswith("annual") else hourly_top,
                path=path,
                line=line,
                column=column,
                year=year,
            )
            for field, column in WAGE_COLUMNS.items()
        }
        values["annual_only"] = _only(row, "ANNUAL", path=path, line=line)
        values["hourly_only"] = _only(row, "HOURLY", path=path, line=line)
        # The top codes first: a figure above one breaks the model's checks too
        # (its annual wage no longer its hourly one's), less plainly.
        _check_under_top_codes(
            row,
            values,
            {"annual": annual_top, "hourly": hourly_top},
            path=path,
            line=line,
        )
        checked(WageEstimate, values, path=path, line=line, columns=WAGE_COLUMNS)
        once(code, line, seen, path=path)
        rows.append((code, _title(row["OCC_TITLE"], path, line), values))
    report.timed(f"read {path.name}", count, time.perf_counter() - started)
    report.write(f"  {path.name}: {count:,} rows read, {len(rows):,} detailed")
    if not rows:
        raise DataFileError(path, "no detailed occupation rows (O_GROUP 'detailed').")
    with page_cache.bulk_write():
        release = _release(
            DataRelease.Kind.WAGES,
            name,
            {
                "reference_date": date(year, 5, 1),
                "attribution": "Source: U.S. Bureau of Labor Statistics, Occupational "
                f"Employment and Wage Statistics, {name}.",
                "url": "https://www.bls.gov/oes/",
            },
            report,
        )
        release.top_code_annual = annual_top
        release.top_code_hourly = hourly_top
        release.source_digest = files_digest([path])
        release_saved(release, path)
        sync_rows(
            SocMajorGroup,
            key_fields=("code",),
            value_fields=("title",),
            incoming={**SOC_GROUPS_OEWS_LEAVES_OUT, **groups},
            existing=SocMajorGroup.objects.all(),
            report=report,
            label="SOC major groups",
            remove=False,
        )
        _sync_release_figures(
            WageEstimate,
            release,
            rows,
            value_fields=(*WAGE_FIELDS, "annual_only", "hourly_only"),
            report=report,
            label=f"Wage estimates ({name})",
        )
    return report


# Our field for each key of `_projection_columns`' {key: column}.
PROJECTION_COLUMN_KEYS = {
    "employment_base": "base",
    "employment_projected": "projected",
    "growth_percent": "growth",
    "annual_openings": "openings",
    "typical_education": "education",
}


def _projection_period(path, growth_column):
    """The first and last years of the growth column's period: 2024, 2034."""
    first, last = PERCENT_CHANGE.search(growth_column).groups()
    first, last = int(first), int(last[-2:]) + int(first) // 100 * 100
    if first < 1:
        raise DataFileError(path, f"the column {growth_column!r} names no real period.")
    return first, last


def _projection_columns(path, header, line):
    columns, employment = {}, {}
    for name in header:
        lowered = name.lower()
        if "code" in lowered and ("matrix" in lowered or "occupation" in lowered):
            columns.setdefault("code", name)
        elif PERCENT_CHANGE.search(name):
            columns["growth"] = name
        elif "openings" in lowered:
            columns["openings"] = name
        elif "typical" in lowered and "education" in lowered:
            columns["education"] = name
        elif lowered == "occupation type":
            columns["type"] = name
        elif "title" in lowered:
            columns.setdefault("title", name)
        elif year := re.fullmatch(r"employment,? (\d{4})", lowered):
            employment[int(year.group(1))] = name
    missing = [key for key in ("code", "growth") if key not in columns]
    if missing:
        raise DataFileError(
            path,
            "no occupation code and employment percent change columns; is this a "
            "BLS employment projections table?",
            line,
        )
    # Employment at the period's start and end, matched by the years the headers
    # name, wherever the columns stand.
    first, last = _projection_period(path, columns["growth"])
    for year, name in employment.items():
        if year not in (first, last):
            raise DataFileError(
                path,
                f"the column {name!r} is for neither end of the period of "
                f"{columns['growth']!r}.",
                line,
            )
    if first in employment:
        columns["base"] = employment[first]
    if last in employment:
        columns["projected"] = employment[last]
    return columns


def _number(row, columns, key, *, path, line):
    if key not in columns:
        return None
    return decimal(
        row[columns[key]],
        path=path,
        line=line,
        column=columns[key],
        places="0.1",
        blank=NOT_AVAILABLE,
        # Table 1.2 marks a figure BLS does not publish with an em dash; the CSV
        # export has none to mark.
        empty="— or N/A",
    )


def is_projection_header(row):
    return any("code" in text(value).lower() for value in row) and any(
        PERCENT_CHANGE.search(text(value)) for value in row
    )


def projections_import(*, path, write=None, allow_removals=False):
    """Import BLS occupational projections (Table 1.2 xlsx or the CSV export)."""
    path = Path(path)
    report = ImportReport(write, allow_removals=allow_removals)
    report.write(f"Importing employment projections from {path.name}")
    reader = read_rows(path, (), header_match=is_projection_header, sheet="Table 1.2")
    rows, columns, total_growth, count, seen = [], None, None, 0, {}
    started = time.perf_counter()
    for line, row in reader:
        count += 1
        if columns is None:
            columns = _projection_columns(path, list(row), line - 1)
        code = text(row[columns["code"]]).removeprefix('="').removesuffix('"')
        if not code and not text(row[columns["growth"]]):
            continue  # footnotes under the table
        if not SOC_CODE.match(code):
            raise DataFileError(path, f"the code is {code!r}, not a SOC code.", line)

        growth = _number(row, columns, "growth", path=path, line=line)
        if code == "00-0000":
            total_growth = growth
            continue
        if code.endswith("-0000"):
            continue  # a major group's total (Table 1.1 holds nothing else)
        if "type" in columns:
            kind = text(row[columns["type"]])
            if kind.lower() == "summary":
                continue  # a broad group's total
            if kind.lower() != "line item":
                raise DataFileError(
                    path,
                    f"{columns['type']} is {kind!r}, not “Line item” (an "
                    "occupation) or “Summary” (a group's total).",
                    line,
                )
        if growth is None:
            # Skipped, its stored projection would be removed: no detailed
            # occupation of a BLS release lacks its percent change.
            raise DataFileError(
                path,
                f"{columns['growth']} is {text(row[columns['growth']])!r}, where "
                f"the occupation {code} needs its percent change.",
                line,
            )
        education = text(row[columns["education"]]) if "education" in columns else ""
        # Indented in the table; followed by "* sample titles" in the CSV export.
        title = (
            _title(
                text(row[columns["title"]]).split("*")[0],
                path,
                line,
                column=columns["title"],
            )
            if "title" in columns
            else ""
        )
        values = {
            "employment_base": _number(row, columns, "base", path=path, line=line),
            "employment_projected": _number(
                row, columns, "projected", path=path, line=line
            ),
            "growth_percent": growth,
            "annual_openings": _number(row, columns, "openings", path=path, line=line),
            "typical_education": "" if education in NOT_AVAILABLE else education,
        }
        checked(
            EmploymentProjection,
            values,
            path=path,
            line=line,
            columns={
                field: columns.get(key, field)
                for field, key in PROJECTION_COLUMN_KEYS.items()
            },
        )
        once(code, line, seen, path=path)
        rows.append((code, title, values))
    if columns is None:
        raise DataFileError(
            path,
            "no occupation rows under a header with an occupation code and an "
            "employment percent change; is this a complete BLS employment "
            "projections table?",
        )
    report.timed(f"read {path.name}", count, time.perf_counter() - started)
    report.write(f"  {path.name}: {count:,} rows read, {len(rows):,} occupations")
    if not rows:
        raise DataFileError(
            path,
            "no detailed occupation rows, only totals; is this Table 1.2 of BLS's "
            "occupation.xlsx (or its CSV export)?",
        )
    first, last = _projection_period(path, columns["growth"])
    name = f"{first}–{last % 100:02d}"
    with page_cache.bulk_write():
        release = _release(
            DataRelease.Kind.PROJECTIONS,
            name,
            {
                "reference_date": date(first, 7, 1),
                "horizon_year": last,
                "attribution": "Source: U.S. Bureau of Labor Statistics, Employment "
                f"Projections program, {name}.",
                "url": "https://www.bls.gov/emp/",
            },
            report,
        )
        release.all_occupations_growth_percent = total_growth
        release.horizon_year = release.horizon_year or last
        release.source_digest = files_digest([path])
        release_saved(release, path)
        # A figure whose column the file lacks keeps its stored value: a table
        # cut down to a few columns must not blank the openings of every row.
        value_fields = tuple(
            field for field, key in PROJECTION_COLUMN_KEYS.items() if key in columns
        )
        if lacking := [
            field.replace("_", " ")
            for field, key in PROJECTION_COLUMN_KEYS.items()
            if key not in columns
        ]:
            report.note(f"No column for {', '.join(lacking)}: stored values kept.")
        _sync_release_figures(
            EmploymentProjection,
            release,
            rows,
            value_fields=value_fields,
            report=report,
            label=f"Projections ({name})",
        )
    return report
