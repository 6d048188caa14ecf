"""Reading public data files as distributed: tab-delimited text, CSV and Excel.

Every reader yields `(line_number, {column: value})` after checking the header, so
an importer can name the file and line of anything it cannot use. A `.gz` suffix
(the shipped catalogue snapshot) is read transparently.
"""

import codecs
import csv
import gzip
import io
import re
import zipfile
import zlib
from itertools import zip_longest
from pathlib import Path
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from operations.text import CONTROL_CHARACTER

# What reading a damaged Excel file raises: a zip cut short or corrupt, a part
# missing from it, XML cut short or damaged inside it.
UNREADABLE_XLSX = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    OSError,
    EOFError,
    ParseError,
)
# What openpyxl raises on a cell it cannot read: a number or date that is none
# ("NaN" as a number cell), a shared-string index past the strings.
UNREADABLE_CELL = (ValueError, IndexError, TypeError)


# A field in quotes, each quote inside it doubled.
QUOTED_FIELD = re.compile(r'"((?:[^"]|"")*)"')
# How an .xlsx file (a zip) and an old or password-protected Excel file begin.
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


class DataFileError(Exception):
    """A data file that cannot be imported; the message names the file and line."""

    def __init__(self, path, message, line=None):
        where = f"{Path(path).name}, line {line}" if line else Path(path).name
        super().__init__(f"{where}: {message}")


def file_bytes(path):
    """The file's bytes as stored; one that cannot be read is a DataFileError."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from error


def _unreadable(path, error):
    return DataFileError(
        path, f"cannot be read ({error.strerror or error}); check its permissions."
    )


def _read_bytes(path):
    """The file's bytes, a .gz file's unpacked."""
    raw = file_bytes(path)
    if Path(path).suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise DataFileError(path, f"not a readable gzip file ({error}).") from error
        if not raw:
            # As an empty file is (`read_rows` checks its size): a workbook that
            # unpacks to nothing was called a renamed CSV or PDF, a CSV one
            # short of every column.
            raise DataFileError(path, "the file is empty.")
    return raw


def _decoded_lines(path):
    """The file's lines as text; a byte that is not UTF-8 names its line. UTF-16
    with a byte-order mark (what Excel's "Unicode Text" writes) is read too."""
    raw = _read_bytes(path)
    if raw.startswith(WORKBOOK_SIGNATURES):
        raise DataFileError(
            path,
            "an Excel workbook, not text: give the .xlsx file as it is, or save "
            "the sheet as CSV (UTF-8).",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            raw = raw.decode("utf-16").encode()
        except UnicodeDecodeError as error:
            raise DataFileError(
                path, f"not valid UTF-16 text ({error}); save the file as UTF-8."
            ) from None
    if (nul := raw.find(b"\x00")) >= 0:
        # No text has one; PostgreSQL would refuse it in the middle of the import.
        # (Before the line endings: UTF-16's are "\n\x00", no line of it ends.)
        raise DataFileError(
            path,
            "a NUL byte: the file is damaged, or not text (UTF-16 without a "
            "byte-order mark? Save it as UTF-8).",
            raw.count(b"\n", 0, nul) + 1,
        )
    if b"\n" not in raw:
        # Excel for Mac's "CSV (Macintosh)" ends its lines with a carriage return.
        raw = raw.replace(b"\r", b"\n")
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        # Every distributed file ends with a newline: a missing one is a cut-off copy.
        raise DataFileError(
            path,
            "the last line has no line ending: the file looks truncated.",
            len(lines),
        )
    for number, line in enumerate(lines, start=1):
        try:
            text = line.rstrip(b"\r").decode("utf-8")
        except UnicodeDecodeError as error:
            raise DataFileError(
                path,
                f"not UTF-8 text (byte {line[error.start]:#x} at column "
                f"{error.start + 1}); save the file as UTF-8.",
                number,
            ) from error
        # (A workbook cannot hold one: its XML does not allow them.)
        if found := CONTROL_CHARACTER.search(text):
            raise DataFileError(
                path,
                f"a control character (U+{ord(found.group()):04X}) that no page can "
                "show, and the site's feed and workbooks cannot hold: the file is "
                "damaged, or its text was pasted from a program that adds them. "
                "Remove it.",
                number,
            )
        yield number, text


def _check_header(path, header, required, line=1):
    header = [str(name or "").strip() for name in header]
    # A column named twice: which one holds the figures is anyone's guess.
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise DataFileError(
            path,
            f"the column{'s' if len(repeated) > 1 else ''} "
            f"{', '.join(repr(name) for name in repeated)} "
            f"appear{'' if len(repeated) > 1 else 's'} twice in the header; "
            "is this the right file?",
            line,
        )
    missing = [name for name in required if name not in header]
    if missing:
        raise DataFileError(
            path,
            f"missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(name) for name in missing)}; is this the right file?",
            line,
        )
    return header


def _tab_rows(path, required):
    lines = _decoded_lines(path)
    try:
        _, first = next(lines)
    except StopIteration:
        raise DataFileError(path, "the file is empty.") from None
    header = _check_header(path, first.split("\t"), required)
    for number, line in lines:
        if not line.strip():
            # An empty line (an editor's extra line break, or one left at the
            # end) holds nothing to import, as an empty CSV or sheet row: it was
            # refused as "1 fields where the header has 8 … damaged or truncated".
            continue
        fields = [_unquoted(field) for field in line.split("\t")]
        yield number, _row(path, header, fields, number)


def _unquoted(field):
    """A field as written, out of the quotes a spreadsheet program puts around one
    that holds a quote: O*NET writes "Conduct ""head counts"" to…" so. A field
    that merely starts and ends with a quote ("Excel" and "Word") is as written."""
    quoted = QUOTED_FIELD.fullmatch(field)
    return quoted.group(1).replace('""', '"') if quoted else field


def _row(path, header, fields, number):
    """A text file's data line as {column: value}: exactly one value per column."""
    if len(fields) != len(header):
        raise DataFileError(
            path,
            f"{len(fields)} fields where the header has {len(header)}; "
            "the file is damaged or truncated.",
            number,
        )
    return dict(zip(header, fields, strict=True))


def _csv_rows(path, required, header_match):
    text = "\n".join(line for _, line in _decoded_lines(path)) + "\n"
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = None
    try:
        for row in reader:
            number = reader.line_num
            if header is None:
                if header_match(row):
                    header = _check_header(path, row, required, number)
                elif number > 5:
                    break
                continue
            if not any(row):
                continue
            yield number, _row(path, header, row, number)
    except csv.Error as error:
        raise DataFileError(
            path, f"not valid CSV ({error}).", reader.line_num
        ) from None
    if header is None:
        _check_header(path, [], required)


def _xlsx_table(workbook, sheet, header_match):
    """(line, header, the rows after it as (line, row)) of the first sheet with a
    header in its first rows: the sheet named `sheet` first, then one whose name
    starts so ("Table 1.2 (revised)", not the "Table 1.1" before it), then the
    others in order, so a renamed sheet is still found. (None, None, ()) if none
    has one."""

    def preference(name):
        return (name != sheet, not (sheet and name.startswith(sheet)))

    for name in sorted(workbook.sheetnames, key=preference):
        worksheet = workbook[name]
        # The size the sheet declares (<dimension>) is a hint some tools write
        # wrong: openpyxl stops at it, and rows past it were never read (their
        # stored figures were removed), or pads to it (A1:XFD1048576: hours of
        # empty cells). Read as written, each row ends at its last value.
        worksheet.reset_dimensions()
        rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
        for number, row in rows:
            if header_match(row):
                return number, row, rows
            if number > 5:
                break
    return None, None, ()


def _xlsx_rows(path, required, header_match, sheet):
    try:
        if Path(path).suffix == ".gz":
            workbook = load_workbook(io.BytesIO(_read_bytes(path)), read_only=True)
        else:
            workbook = load_workbook(path, read_only=True)
    except PermissionError as error:
        raise _unreadable(path, error) from error
    except UNREADABLE_XLSX as error:
        raise _damaged_workbook(path, error) from error
    line = None  # the last line read
    try:
        if header_match:
            line, header, rows = _xlsx_table(workbook, sheet, header_match)
        else:
            # A workbook may open with a cover sheet, or field descriptions: the
            # header is the first row naming the columns, on whichever sheet; if
            # none does, the first sheet's first row, whose check says which
            # columns it lacks.
            line, header, rows = _xlsx_table(workbook, sheet, _names_columns(required))
            if header is None:
                line, header, rows = _xlsx_table(workbook, sheet, _first_row)
        if header is None:
            _check_header(path, [], required)
            return
        header = _check_header(path, header, required, line)
        for line, row in rows:
            if all(value is None or value == "" for value in row):
                continue
            # Without the sheet's size (<dimension>), openpyxl ends a row at its
            # last value: the header's names past it are blank cells.
            yield line, dict(zip_longest(header, row[: len(header)]))
    except UNREADABLE_XLSX as error:
        raise _damaged_workbook(path, error) from error
    except UNREADABLE_CELL as error:
        raise DataFileError(
            path,
            f"a cell that cannot be read ({error}). Is the file damaged? Saving it "
            "again from Excel may mend it.",
            line + 1 if line else None,
        ) from error
    finally:
        workbook.close()


def _damaged_workbook(path, error):
    raw = _read_bytes(path)
    if raw.startswith(WORKBOOK_SIGNATURES[1]):
        return DataFileError(
            path,
            "an Excel file with a password or in the old .xls format: save it as "
            ".xlsx without a password.",
        )
    if not raw.startswith(WORKBOOK_SIGNATURES[0]):
        # Not cut short: another kind of file under an .xlsx name. "Is it
        # truncated?" sent one looking for the wrong fault.
        return DataFileError(
            path,
            "not an Excel workbook: it does not begin as one (a CSV, PDF or "
            "other file renamed .xlsx?). Give the workbook as BLS or O*NET "
            "publishes it, or a CSV under a .csv name.",
        )
    if archived := _zip_members(raw):
        # Whole, but no workbook: BLS's download (oesm24nat.zip), which holds
        # one, renamed .xlsx was "is it truncated?" too.
        more = f" and {len(archived) - 3:,} more" if len(archived) > 3 else ""
        return DataFileError(
            path,
            "a zip archive, not an Excel workbook; it holds "
            f"{', '.join(archived[:3])}{more}: unpack it and give the file inside.",
        )
    return DataFileError(path, f"not a readable Excel file ({error}); is it truncated?")


def _zip_members(raw):
    """The files of the whole zip archive `raw` that is no workbook (it lacks the
    part every workbook has), else []."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return []  # cut short, or otherwise damaged
    if "[Content_Types].xml" in names:
        return []
    return [name for name in names if not name.endswith("/")]


def check_is_a_file(path):
    """Refuse `path` unless it is a file with something in it: a folder, a missing
    file or a device named as a data file is said to be one."""
    if path.is_dir():
        raise DataFileError(path, "a folder, where a data file was expected.")
    if not path.exists():
        raise DataFileError(path, "no such file.")
    if not path.is_file():  # a device such as /dev/null, a pipe, a socket
        raise DataFileError(path, "not a regular file, where a data file was expected.")
    if path.stat().st_size == 0:
        raise DataFileError(path, "the file is empty.")


def _first_row(row):
    return True


def _names_columns(required):
    def names_them(row):
        names = {str(value or "").strip() for value in row}
        return all(name in names for name in required)

    return names_them


def read_rows(path, required, *, header_match=None, sheet=None):
    """Yield `(line, row)` from a .txt (tab), .csv or .xlsx file, optionally .gz.

    `required` columns must be in the header; `header_match(row)` finds a header
    that is not on the first line (BLS tables open with a title row).
    """
    path = Path(path)
    suffixes = [suffix.lower() for suffix in path.suffixes]
    kind = suffixes[-2] if suffixes[-1:] == [".gz"] and len(suffixes) > 1 else None
    kind = kind or (suffixes[-1] if suffixes else "")
    check_is_a_file(path)
    if kind == ".xlsx":
        return _xlsx_rows(path, required, header_match, sheet)
    if kind == ".csv":
        return _csv_rows(path, required, header_match or _first_row)
    if kind == ".txt":
        return _tab_rows(path, required)
    raise DataFileError(path, "expected a .txt, .csv or .xlsx file.")
