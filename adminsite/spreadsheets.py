"""CSV/XLSX import and export in the admin (django-import-export): the admin
mixin, the base of every sheet, and cells read as the admin's forms read fields.
Also what keeps a cell the site writes from running as a formula."""

import codecs
import csv
import datetime
import hashlib
import io
import re
import zipfile
from itertools import zip_longest

import tablib
from diff_match_patch import diff_match_patch
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_permission_codename
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.forms.utils import from_current_timezone
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from import_export import fields as ie_fields
from import_export import resources as ie_resources
from import_export import results as ie_results
from import_export import widgets as ie_widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm
from import_export.tmp_storages import CacheStorage

from occupations import page_cache
from operations.spreadsheet_cells import FORMULA_START, formula_safe, formula_unsafe

from .options import BAD_LOOKUP_ERRORS, savepoint, validate_no_control_characters

# Rows are numbered in messages as spreadsheets number them: the header is row 1.
FIRST_RECORD_ROW = 2


def text_as_utf8(data):
    """A CSV file's bytes as UTF-8. Excel writes "CSV UTF-8" (with a byte-order
    mark, read as is) and its plain "CSV" in the Windows code page (cp1252); some
    tools write UTF-16 with a byte-order mark."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode()
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding).encode()
        except UnicodeDecodeError:
            continue
    return data  # neither (cp1252 leaves five bytes undefined): reading says so


class LayoutError(ValueError):
    """A file that is no one table: a CSV whose first row is empty, or with a row
    of another number of cells than the first; a workbook with values on
    more than one sheet."""


# Rows read at most, far above what an import takes (SheetResource.MOST_ROWS),
# empty ones included: past it a file is refused before it is read whole.
MOST_FILE_ROWS = 20_000


class CheckedCSV(CSV):
    """CSV whose rows must each have as many cells as the first. The library
    refuses a longer row, but fills a shorter one (a file cut off mid-line, cells
    deleted by hand) with blanks, and an import then emptied those fields."""

    def create_dataset(self, in_stream, **kwargs):
        text = (
            in_stream.decode(self.encoding or "utf-8")
            if isinstance(in_stream, bytes)
            else in_stream
        )
        # newline="": the csv module splits lines itself, "\r" ones too (Excel
        # for Mac), and keeps a line break inside a quoted cell.
        lines = csv.reader(io.StringIO(text, newline=""))
        header = next(lines, [])
        if not "".join(header).strip():
            raise LayoutError("The first row is empty: it must name the columns.")
        # Numbered as a spreadsheet shows the file: the header is row 1. (A quoted
        # cell may span lines: the rows are not the file's lines.)
        for number, row in enumerate(lines, start=2):
            if number > MOST_FILE_ROWS + 1:
                raise LayoutError(
                    f"The file has more than {MOST_FILE_ROWS:,} rows, empty ones "
                    "included. Split it into smaller files."
                )
            if "".join(row).strip() and len(row) != len(header):
                raise LayoutError(
                    f"Row {number} has {len(row)} cells and the first row "
                    f"{len(header)}: every row of a CSV needs one cell per column, "
                    "empty or not. Was the file cut off, or a cell deleted?"
                )
        return super().create_dataset(in_stream, **kwargs)


def _texts(dataset):
    return (value for row in dataset for value in row if isinstance(value, str))


def _escaped_formula(text):
    """`text` is a formula's text with `formula_safe`'s apostrophe in front (not an
    apostrophe's: "''quoted" stays as it is, so that it reads back so)."""
    return text.startswith("'") and text[1:].startswith(FORMULA_START)


class CheckedXLSX(XLSX):
    """A workbook whose values are on one sheet, read whichever sheet that is.
    The library reads the sheet that was open when the workbook was saved: rows
    on the others were ignored without a word, and a workbook saved with an
    empty sheet open "could not be read".

    A workbook is zipped XML: 100 KB unpacked to a million rows, which took 20 s
    and 250 MB of a worker to read before the import's row limit was checked. So
    its unpacked size and each sheet's rows and cells (formatted empty ones too)
    are bounded first, far above any real import (3,000 rows of ~30 columns)."""

    MOST_UNPACKED_BYTES = 200 * 2**20
    MOST_SHEET_CELLS = 1_000_000
    # openpyxl reads the workbook's shared-strings table whole before any row, so
    # the sheets' limits never applied to it: 56 KB zipped held a million strings,
    # 25 s of a worker. At most one a text cell of the largest import.
    MOST_SHARED_STRINGS = 100_000
    # Its style table too, whose every font, fill, border and format it builds an
    # object for: 0.5 MB zipped held 3 million, and held a worker past its timeout.
    # Excel itself stops at 64,000 cell formats; workbooks people edit hold tens.
    MOST_STYLE_RECORDS = 20_000

    def create_dataset(self, in_stream):
        import openpyxl

        self._check_archive(in_stream)
        workbook = openpyxl.load_workbook(
            io.BytesIO(in_stream), read_only=True, data_only=True
        )
        try:
            sheets = {sheet.title: self._rows(sheet) for sheet in workbook.worksheets}
        finally:
            workbook.close()
        used = [title for title, rows in sheets.items() if _holds(rows)]
        if len(used) > 1:
            raise LayoutError(
                f"The workbook has values on {len(used)} sheets ({_listed(used)}); "
                "an import reads one. Move the rows onto one sheet, or save each "
                "sheet as a workbook of its own."
            )
        if not used:
            raise LayoutError(
                "The workbook is empty: its first row must name the columns."
            )
        rows = sheets[used[0]]
        # A sheet's rows end at their last value, not at the sheet's last column.
        width = max(map(len, rows))
        dataset = tablib.Dataset()
        dataset.headers = [*rows[0], *[None] * (width - len(rows[0]))]
        for row in rows[1:]:
            dataset.append([*row, *[None] * (width - len(row))])
        return dataset

    def export_data(self, dataset, **kwargs):
        """The workbook, text a spreadsheet would run as a formula written as text
        with Excel's quote prefix: shown as typed, and kept as text when a cell is
        edited. Exported values carry `formula_safe`'s apostrophe, which a CSV
        needs, but a workbook showed it ("'- a Markdown list item")."""
        workbook = super().export_data(dataset, **kwargs)
        if not any(map(_escaped_formula, _texts(dataset))):
            return workbook
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(workbook))
        for row in book.active.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and _escaped_formula(cell.value):
                    cell.value = cell.value[1:]
                    cell.data_type = "s"  # not "f", which "=…" made it
                    cell.quotePrefix = True
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()

    def _check_archive(self, in_stream):
        try:
            with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
                members = archive.infolist()
                unpacked = sum(member.file_size for member in members)
                if unpacked > self.MOST_UNPACKED_BYTES:
                    raise LayoutError(
                        f"The workbook unpacks to {unpacked / 2**20:,.1f} MB; an "
                        "import reads at most "
                        f"{self.MOST_UNPACKED_BYTES / 2**20:,.1f} MB. Split it into "
                        "smaller files."
                    )
                # Every part, not the ones named sharedStrings.xml and styles.xml:
                # the workbook's manifest may give the tables any name.
                strings, styles = 0, 0
                for member in members:
                    counts = _tags_counted(archive, member)
                    strings += counts[SHARED_STRING]
                    styles += counts[STYLE_RECORD]
        except zipfile.BadZipFile:
            return  # openpyxl says what it makes of the file
        if strings > self.MOST_SHARED_STRINGS:
            raise LayoutError(
                f"The workbook holds {strings:,} different texts; an import reads "
                f"at most {self.MOST_SHARED_STRINGS:,}. Split it into smaller files."
            )
        if styles > self.MOST_STYLE_RECORDS:
            raise LayoutError(
                f"The workbook defines {styles:,} styles (fonts, fills, borders and "
                f"cell formats); an import reads at most {self.MOST_STYLE_RECORDS:,}. "
                "Paste its rows as values only into a new workbook."
            )

    def _rows(self, sheet):
        # Rows as written: not padded to the size <dimension> claims (a few bytes
        # can claim 16,384 columns by a million rows).
        sheet.reset_dimensions()
        rows, cells = [], 0
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)
            cells += len(row)
            if len(rows) > MOST_FILE_ROWS or cells > self.MOST_SHEET_CELLS:
                raise LayoutError(
                    f"The sheet “{sheet.title}” has more than "
                    f"{MOST_FILE_ROWS:,} rows or {self.MOST_SHEET_CELLS:,} "
                    "cells, empty ones with formatting included. Delete the rows "
                    "and columns beside your data, or split the file."
                )
        return rows


# A shared string's element (<si>, <x:si/>): the table's entries, however the
# workbook names its namespace; a style table's records likewise; and the longest
# such tag's start.
SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?si[\s/>]")
STYLE_RECORD = re.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,31}:)?(?:xf|font|fill|border|numFmt|dxf|cellStyle)[\s/>]"
)
COUNTED_TAG_LENGTH = 45


def _tags_counted(archive, member):
    """How many shared strings and style records `member` of the zip `archive`
    holds, by pattern, read in pieces of a megabyte: a tag cut between two pieces
    is counted in the second."""
    counts, carry = dict.fromkeys((SHARED_STRING, STYLE_RECORD), 0), b""
    with archive.open(member) as stream:
        while piece := stream.read(2**20):
            text = carry + piece
            kept = max(len(text) - COUNTED_TAG_LENGTH, 0)
            for pattern in counts:
                counts[pattern] += sum(
                    1 for tag in pattern.finditer(text) if tag.start() < kept
                )
            carry = text[kept:]
    for pattern in counts:
        counts[pattern] += len(pattern.findall(carry))
    return counts


def _holds(rows):
    """Whether a worksheet's rows have a value in any cell."""
    return any(
        value is not None and str(value).strip() for row in rows for value in row
    )


# How the cache storage names an upload (uuid4().hex).
UPLOAD_NAME = re.compile(r"[0-9a-f]{32}")


def _beside_upload(name, what):
    """The cache key of what the preview of the uploaded file `name` left for its
    confirmation: its "format", the "records" its rows matched."""
    return f"spreadsheet-upload-{what}:{name}"


def _upload_name(form):
    """The uploaded file's name in the cache, from the import form (the preview)
    or the confirmation form."""
    uploaded = form.cleaned_data.get("import_file")
    return form.cleaned_data.get("import_file_name") or getattr(
        uploaded, "tmp_storage_name", None
    )


# The largest file an import takes, as the reverse proxy's documented body limit
# (nginx's client_max_body_size 10m): 3,000 rows of long texts fit.
MOST_UPLOAD_BYTES = 10 * 2**20


class SpreadsheetImportForm(ImportForm):
    """The import page's form, refusing a file too large before it is read."""

    def clean_import_file(self):
        uploaded = self.cleaned_data["import_file"]
        if uploaded.size > MOST_UPLOAD_BYTES:
            raise ValidationError(
                f"The file is {uploaded.size / 2**20:,.1f} MB; an import takes at "
                f"most {MOST_UPLOAD_BYTES / 2**20:,.0f} MB. Split it into smaller "
                "files."
            )
        return uploaded


class SpreadsheetMixin(ImportExportMixin):
    """CSV/XLSX import and export for offline editing.

    An import is previewed row by row (errors per row and field) and only then
    confirmed; it runs in one transaction and stores nothing if any row is invalid.
    """

    formats = (CheckedCSV, CheckedXLSX)
    import_template_name = "admin/import_export/spreadsheet_import.html"
    # The field-picking export form needs inline event handlers, which the site's
    # Content-Security-Policy blocks; the plain form exports every listed field.
    export_form_class = ExportForm
    import_form_class = SpreadsheetImportForm

    def write_to_tmp_storage(self, import_file, input_format):
        if not input_format.is_binary():
            import_file = ContentFile(text_as_utf8(b"".join(import_file.chunks())))
        storage = super().write_to_tmp_storage(import_file, input_format)
        # The confirmation names the format again: another than the preview's
        # read the file wrongly (a CSV as a workbook: a 500).
        cache.set(
            _beside_upload(storage.name, "format"),
            type(input_format).__name__,
            timeout=storage.CACHE_LIFETIME,
        )
        return storage

    def get_import_data_kwargs(self, **kwargs):
        upload_name = _upload_name(kwargs["form"])
        return {**super().get_import_data_kwargs(**kwargs), "upload_name": upload_name}

    def add_data_read_fail_error_to_form(self, form, e):
        # The library names the Python exception ("'BadZipFile' encountered…").
        if isinstance(e, LayoutError):
            message = str(e)
        elif isinstance(e, UnicodeDecodeError):
            message = (
                "The file is not text this import can read: in Excel, save it as "
                "“CSV UTF-8 (Comma delimited)”."
            )
        else:
            message = (
                "The file could not be read in the format chosen. Check the format: "
                "an .xlsx workbook or a .csv file."
            )
        form.add_error("import_file", message)

    def process_import(self, request, **kwargs):
        """Confirm an import. The confirmation names the uploaded file waiting in
        the cache, its format and its kind of rows; a file no longer there (a day
        later, the cache cleared) or a choice not offered is a message and the
        import page again, not a 500."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if (
            request.method == "POST"
            and form.is_valid()
            and not self._confirmable(request, form)
        ):
            self.message_user(
                request,
                "The uploaded file is no longer waiting for confirmation: choose "
                "it again, check the preview and confirm.",
                messages.ERROR,
            )
            return HttpResponseRedirect(self._admin_url("import"))
        return super().process_import(request, **kwargs)

    def _confirmable(self, request, confirm_form):
        try:
            chosen_format = int(confirm_form.cleaned_data["format"])
        except ValueError:
            return False
        chosen_resource = self.get_resource_index(confirm_form)
        if not (
            0 <= chosen_format < len(self.get_import_formats())
            and 0 <= chosen_resource < len(self.get_import_resource_classes(request))
        ):
            return False
        name = confirm_form.cleaned_data["import_file_name"]
        if not UPLOAD_NAME.fullmatch(name):
            return False
        previewed_format = cache.get(_beside_upload(name, "format"))
        if self.get_import_formats()[chosen_format].__name__ != previewed_format:
            return False
        # Evicted alone, the records the rows matched read as every row changed.
        if cache.get(_beside_upload(name, "records")) is None:
            return False
        storage = self.get_tmp_storage_class()(
            name=name, **self.get_tmp_storage_class_kwargs()
        )
        return storage.read() is not None

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # The library writes numbers, dates and yes/no as such only for its own
        # workbook class (`type(file_format) in BINARY_FORMATS`), not for
        # CheckedXLSX: every cell of an export had been text, a year one Excel
        # flags and a publish time it would not sort or filter as a date.
        return super().get_export_data(
            file_format,
            request,
            queryset,
            native_cells=file_format.is_binary(),
            **kwargs,
        )

    def get_data_for_export(self, request, queryset, *, native_cells=False, **kwargs):
        kwargs["force_native_type"] = kwargs.get("force_native_type") or native_cells
        return super().get_data_for_export(request, queryset, **kwargs)

    def export_action(self, request):
        # The export takes the list's filters from its address, as the list does,
        # but runs its query later, past where the list answers filters it cannot
        # read (?name__regex=( ) with the unfiltered list: they are tried first,
        # by those who may export (the query would run for anyone).
        if not self.has_export_permission(request):
            raise PermissionDenied
        if request.GET and not self._export_filters_readable(request):
            self.message_user(
                request,
                "The filters in the address could not be read: this exports every row.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self._admin_url("export"))
        return super().export_action(request)

    def _export_filters_readable(self, request):
        try:
            with savepoint():
                self.get_export_queryset(request).exists()
        except (IncorrectLookupParameters, *BAD_LOOKUP_ERRORS):
            return False
        return True

    def _admin_url(self, view):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}")

    def process_result(self, result, request):
        """After the confirmation: the file may no longer validate (a row's
        occupation deleted since the preview), and then nothing was stored. The
        library said "Import finished: 0 new, 0 updated…" in green all the same."""
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        problems = [str(error.error) for error in result.base_errors]
        problems += [
            f"row {number}: {error.error}"
            for number, errors in result.row_errors()
            for error in errors
        ]
        problems += [
            f"row {row.number}: {message}"
            for row in result.invalid_rows
            for messages_ in row.error_dict.values()
            for message in messages_
        ]
        shown = "; ".join(problems[:3]) + ("; …" if len(problems) > 3 else "")
        self.message_user(
            request,
            "Nothing was imported: the file no longer passes the checks it passed in "
            f"the preview, as the data changed meanwhile ({shown}). Choose it again "
            "to see every row.",
            messages.ERROR,
        )
        return HttpResponseRedirect(self._admin_url("import"))

    def process_dataset(self, dataset, form, request, **kwargs):
        # The confirm step re-reads the file; refuse it whole if it no longer
        # validates rather than skip the rows that fail.
        kwargs["rollback_on_validation_errors"] = True
        return super().process_dataset(dataset, form, request, **kwargs)


class CspSafeDiff(ie_resources.Diff):
    """The import preview's per-field diff as plain <ins>/<del>: the library's
    colours are inline style attributes, which the Content-Security-Policy blocks.
    Of the columns the preview shows (`SheetResource.get_diff_fields`)."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.left = self._shown_values(resource, instance)

    def compare_with(self, resource, instance):
        self.right = self._shown_values(resource, instance)

    @staticmethod
    def _shown_values(resource, instance):
        return [field.export(instance) for field in resource.get_diff_fields()]

    def as_html(self):
        dmp = diff_match_patch()
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            if old != new and self.new:
                old = ""
            diff = dmp.diff_main(force_str(old), force_str(new))
            dmp.diff_cleanupSemantic(diff)
            cells.append(
                format_html_join(
                    "",
                    "<{0}>{1}</{0}>",
                    ((DIFF_TAGS[op], text) for op, text in diff),
                )
            )
        return cells


DIFF_TAGS = {diff_match_patch.DIFF_INSERT: "ins", diff_match_patch.DIFF_DELETE: "del"}
DIFF_TAGS[diff_match_patch.DIFF_EQUAL] = "span"


def refuse_null(text):
    """`text`, unless it holds a null character, refused as the admin's forms
    refuse it: PostgreSQL can neither store nor look up such text (its own error
    reached the preview), and on SQLite the record's form would refuse it ever
    after."""
    if isinstance(text, str) and "\x00" in text:
        raise ValueError("Null characters are not allowed: remove them.")
    return text


def refuse_control_characters(text):
    """`text`, unless it holds a control character, refused as the admin's
    forms refuse it (`validate_no_control_characters`)."""
    try:
        validate_no_control_characters(text)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    return text


class TextCell(ie_widgets.CharWidget):
    """A text cell, read as the admin's form reads text: surrounding spaces
    trimmed (a title of spaces is an empty, refused title), and an empty cell,
    which a spreadsheet gives as no value, an empty text rather than NULL.

    Exported `formula_safe`; the apostrophe comes off again on import, so an
    exported file imports unchanged."""

    def clean(self, value, row=None, **kwargs):
        text = refuse_null(super().clean(value, row, **kwargs))
        return formula_unsafe(refuse_control_characters(text).strip())

    def render(self, value, obj=None, **kwargs):
        rendered = super().render(value, obj, **kwargs)
        return formula_safe(rendered) if isinstance(rendered, str) else rendered


class ChoiceCell(TextCell):
    """A cell of a field with choices: the value ("published") or its label
    ("Published"), in any case. The model's own check said only "Value 'Published'
    is not a valid choice." without naming the choices."""

    def __init__(self, choices=(), **kwargs):
        super().__init__(**kwargs)
        self.choices = [(str(value), str(label)) for value, label in choices]

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        for choice, label in self.choices:
            if text.lower() in (choice.lower(), label.lower()):
                return choice
        named = ", ".join(choice for choice, _ in self.choices)
        raise ValueError(f"“{text}” is not one of: {named}.")


class UrlCell(TextCell):
    """A link; one written without its scheme ("www.coursera.org") is read as
    https, as the admin's form reads it."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text and "://" not in text and not text.startswith("mailto:"):
            return f"https://{text}"
        return text


class DateTimeCell(ie_widgets.DateTimeWidget):
    """A date and time in the admin's time zone, to the nearest second (as
    publication times are kept). A date alone is the start of its day, as a
    spreadsheet's date cell reads. One the library cannot read says how to
    write it; one the clocks skip or repeat is refused, as the admin's form
    refuses it, unless its UTC offset says which moment it is. The export
    writes that offset for a time the clocks repeat, so that an unchanged
    export reads back as it was."""

    OFFSET_FORMATS = ["%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%z"]

    def __init__(self, format=None, coerce_to_string=True):
        super().__init__(format, coerce_to_string)
        # Besides Django's formats: ISO 8601's "T", and a date alone.
        self.formats = [
            *self.formats,
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d",
            *self.OFFSET_FORMATS,
        ]

    def clean(self, value, row=None, **kwargs):
        # Parsed as written, not through super().clean(): that attaches the time
        # zone without asking whether the time exists in it.
        if isinstance(value, str):
            value = value.strip()
        try:
            moment = self._parse_value(value, datetime.datetime)
        except ValueError:
            raise ValueError(
                f"“{value}” is not a date and time: write it as 2026-11-26 09:00 "
                "(year-month-day, 24-hour clock, the admin's time zone)."
            ) from None
        if moment is None:
            return None
        # Excel keeps a time as a fraction of a day: one read back may be a hair
        # either side of its second (08:59:59.9996 for 09:00).
        try:
            moment += datetime.timedelta(microseconds=500_000)
        except OverflowError:  # the calendar's last second: the form refuses it
            pass
        moment = moment.replace(microsecond=0)
        if timezone.is_aware(moment):
            return moment
        try:
            return from_current_timezone(moment)
        except ValidationError as error:
            message = error.messages[0]
        local_time = moment.replace(tzinfo=timezone.get_current_timezone())
        if is_repeated(local_time):
            earlier, later = (
                local_time.replace(fold=fold).isoformat(sep=" ") for fold in (0, 1)
            )
            message += f" Write {earlier} for the first, {later} for the second."
        raise ValueError(message)

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, datetime.datetime) and is_repeated(
            local_time := timezone.localtime(value)
        ):
            return local_time.isoformat(sep=" ")
        return super().render(value, obj, **kwargs)


def is_repeated(local_time):
    """Whether the clocks show `local_time` twice, as when they go back: its two
    readings are two moments, and each shows that time. (A time the clocks skip
    has two readings too, but neither shows it.)"""
    readings = [local_time.replace(fold=fold) for fold in (0, 1)]
    return readings[0].utcoffset() != readings[1].utcoffset() and all(
        reading.astimezone(datetime.UTC).astimezone(local_time.tzinfo).time()
        == local_time.time()
        for reading in readings
    )


class YesNoCell(ie_widgets.BooleanWidget):
    """A yes/no cell. A word it does not know is an error: the library's own
    widget reads "yes" or "x" as False without a word."""

    WORDS = {
        "1": True,
        "true": True,
        "yes": True,
        "0": False,
        "false": False,
        "no": False,
    }

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        word = "" if value is None else str(value).strip().lower()
        if word in ("", "none", "null"):
            return None
        if word not in self.WORDS:
            raise ValueError(f"“{value}” is not a yes/no value: write yes or no.")
        return self.WORDS[word]

    def render(self, value, obj=None, **kwargs):
        # In a CSV, the words a refused cell asks for, not the library's 1 and 0.
        if kwargs.get("force_native_type") or not isinstance(value, bool):
            return super().render(value, obj, **kwargs)
        return "yes" if value else "no"


class NumberCellMixin:
    """The library reports "abc" in a number column as "[<class
    'decimal.ConversionSyntax'>]"; this says what is wrong."""

    expected = "a number"

    def clean(self, value, row=None, **kwargs):
        try:
            number = super().clean(value, row, **kwargs)
        except ArithmeticError:  # decimal.InvalidOperation
            raise ValueError(f"“{value}” is not {self.expected}.") from None
        # "NaN", "Infinity" and "sNaN" are Decimals too, but no figure.
        if number is not None and not number.is_finite():
            raise ValueError(f"“{value}” is not {self.expected}.")
        return number


class NumberCell(NumberCellMixin, ie_widgets.DecimalWidget):
    pass


class WholeNumberCell(NumberCell):
    """Read as a number, then refused unless whole: the library's integer widget
    truncates, so "2024.5" (or 2024.5 from a spreadsheet) was stored as 2024."""

    expected = "a whole number"

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        try:
            fraction = number % 1
        except ArithmeticError:  # too large to divide: "1e400"
            fraction = None
        if fraction != 0:
            raise ValueError(f"“{value}” is not {self.expected}.")
        return int(number)


class SheetResult(ie_results.Result):
    """An import's result, its rows numbered as a spreadsheet numbers them: the
    library counted the records from 1, under a header that is row 1 in Excel, so
    an error named the row above the one at fault."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the preview says above its "Confirm import", besides the rows.
        self.notices = []

    def append_error_row(self, number, row, errors):
        super().append_error_row(number - 1 + FIRST_RECORD_ROW, row, errors)

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number - 1 + FIRST_RECORD_ROW, row, validation_error)


# The column of each exported row's version of its record (`record_version`).
VERSION_COLUMN = "Version (do not edit)"
# A version as the export writes it. The letter in front keeps a spreadsheet from
# reading the cell as a number: a digest of hex digits such as "1e52…" or "0072…"
# came back as 1E+52 or 72. Nor does a formula start with it.
VERSION = re.compile(r"v[0-9a-f]{20}")


def record_version(instance, fields):
    """The version of `instance` that an export writes beside it: a digest of what
    its `fields` hold as stored.

    A digest of the values rather than the record's `updated_at`: resources have
    no such date, and a career page's moves with changes the sheet does not hold
    (its resource links), which would refuse rows for no change. And only
    the fields the sheet's columns hold: a change to another (the dates Django
    sets itself) cannot be undone by importing the row, so it is no reason to
    refuse it."""
    values = sorted((field.name, field.value_to_string(instance)) for field in fields)
    return "v" + hashlib.sha256(repr(values).encode()).hexdigest()[:20]


def _saved_since(instance, exported, fields, most=50):
    """The revisions of `instance` saved since its version was `exported`, newest
    first; None if its revision history does not reach back to that version (a
    change made outside the admin, or over `most` saves ago)."""
    history = getattr(instance, "history", None)
    if history is None:
        return None
    since = []
    for revision in history.select_related("history_user")[:most]:
        if record_version(revision.instance, fields) == exported:
            return since
        since.append(revision)
    return None


def _by_whom_and_when(revisions):
    """Who saved `revisions` (newest first) and when the newest was saved, in the
    admin's time zone: " by edna at 2026-11-27 14:05"."""
    if not revisions:
        return ""
    names = list(
        dict.fromkeys(
            revision.history_user.get_username()
            for revision in revisions
            if revision.history_user is not None
        )
    )
    by = f" by {' and '.join(names)}" if names else ""
    when = timezone.localtime(revisions[0].history_date).strftime("%Y-%m-%d %H:%M")
    return f"{by} at {when}" if len(revisions) == 1 else f"{by}, last at {when}"


class SheetResource(ie_resources.ModelResource):
    # Each row's version of its record as exported (`record_version`), so that an
    # import can refuse a row whose record was saved since: the row holds the
    # record as it was, and importing it undid that save without a word (one
    # "Update" among a thousand "Skipped"). Every sheet lists it in its
    # Meta.fields, after the column it matches records on.
    version = ie_fields.Field(column_name=VERSION_COLUMN, readonly=True)

    def dehydrate_version(self, instance):
        return formula_safe(record_version(instance, self.versioned_fields()))

    def versioned_fields(self):
        """The record's stored fields that the sheet's columns hold: those an
        import may overwrite."""
        stored = {field.name: field for field in self._meta.model._meta.concrete_fields}
        return [
            stored[field.attribute]
            for field in self.get_import_fields()
            if field.attribute in stored
        ]

    def get_diff_fields(self):
        """The columns the preview shows: not the version, which the library
        shows empty (it reads no attribute of the record)."""
        return [
            field
            for field in self.get_import_fields()
            if field.column_name != VERSION_COLUMN
        ]

    def get_diff_headers(self):
        return [force_str(field.column_name) for field in self.get_diff_fields()]

    def get_diff_class(self):
        return CspSafeDiff

    def get_result_class(self):
        return SheetResult

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """A blank cell in a column whose field cannot be empty (a position, a
        yes/no, a status) leaves the field as it is: the record's value, or the
        default for a new one. It was stored as the default, so a blank position
        moved an existing resource to the top of the list. (A blank text cell is
        an empty text, as in the admin's forms.)"""
        if _is_blank(row.get(field.column_name)) and _cannot_be_empty(
            instance, field.attribute
        ):
            return
        if _only_line_endings_differ(field, instance, row):
            # Browsers send a text box's line breaks as CRLF; a sheet saved by a
            # tool that writes LF read as a change to every multi-line text.
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    # Rows a file may hold: the preview takes ~4 s a thousand, and on SQLite holds
    # the database's write lock meanwhile (other editors' saves wait). The whole
    # catalogue, ~1,000 pages, fits.
    MOST_ROWS = 3000

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        # Whether this is the preview, for `after_import`: the library passes
        # `dry_run` on to it only in the keywords its row loop sets, and a file
        # refused in `before_import` has no rows left to loop over. Read as a
        # confirmation, the refusal was followed by "the preview is no longer on
        # record".
        self.previewing = dry_run
        if not dry_run:
            return super().import_data(dataset, dry_run, *args, **kwargs)
        # The preview saves each row in a transaction always rolled back: as the
        # career page's preview, it must not retire every cached page (each
        # upload of a changed file had had the whole site rendered again).
        with page_cache.invalidation_suspended():
            return super().import_data(dataset, dry_run, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.matched_records = []
        if dataset.headers:
            dataset.headers = self._known_headers(dataset.headers)
        self.has_versions = VERSION_COLUMN in (dataset.headers or ())
        if refusal := self._refusal(dataset):
            # The library goes on to read every row after a refusal here: none is
            # left to read (3,000 rows took it ~15 s, for nothing).
            del dataset[:]
            raise ValueError(refusal)
        # A sheet's formatted but empty rows at its end are no records: they were
        # counted as skipped ones ("51 skipped career pages" of 48). Blank rows
        # between records stay, so that each row keeps its number.
        while len(dataset) and all(_is_blank(cell) for cell in dataset[-1]):
            dataset.rpop()
        if not len(dataset):
            # Else an empty preview, offering to confirm an import of nothing.
            raise ValueError(
                "The file has no rows below its column names: nothing to import."
            )

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        self.matched_records.append(None if new else _record_digest(instance))
        return instance, new

    def after_init_instance(self, instance, new, row, **kwargs):
        """A row that adds a record needs the permission to add one, as the
        admin's add page does: importing takes only the change permission, and a
        file's new rows were created (a published page among them) by someone
        the add page refuses."""
        super().after_init_instance(instance, new, row, **kwargs)
        opts = instance._meta
        user = kwargs.get("user")
        if (
            new
            and user
            and not user.has_perm(
                f"{opts.app_label}.{get_permission_codename('add', opts)}"
            )
        ):
            raise ValidationError(
                f"This row adds a {opts.verbose_name}, and your account may not add "
                f"{opts.verbose_name_plural}: leave the row out, or ask someone who "
                "may."
            )
        self._check_version(instance, new, row)
        if self.stale_row_refusal is not None and self.for_delete(row, instance):
            raise self.stale_row_refusal

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        # A row of a record saved since the export is refused only if it would
        # change it: one that matches the record as saved (the same file imported
        # again, or the same change made meanwhile) undoes nothing.
        if self.stale_row_refusal is not None and not unchanged:
            raise self.stale_row_refusal
        return unchanged

    def _check_version(self, instance, new, row):
        """Refuse a row whose record has changed since the file was exported, or
        that was exported from a record no longer there. A file without the
        version column imports as it did before there was one (the preview says
        so); a new row needs no version. A row whose record has changed is
        refused by `skip_row`, if it changes the record, as `stale_row_refusal`."""
        self.stale_row_refusal = None
        if VERSION_COLUMN not in row:
            return
        cell = row[VERSION_COLUMN]
        exported = "" if _is_blank(cell) else formula_unsafe(str(cell).strip())
        opts = self._meta.model._meta
        columns = [
            self.fields[name].column_name for name in self.get_import_id_fields()
        ]
        key = " ".join(
            "" if row[column] is None else str(row[column]).strip()
            for column in columns
        )
        record = f"{opts.verbose_name} “{key}”"
        if new:
            if exported:
                raise ValidationError(
                    {
                        VERSION_COLUMN: f"This row was exported from the {record}, "
                        "which is no longer there: it was deleted, or its "
                        f"{', '.join(columns)} changed, after the export. Export "
                        f"again; or, to add it as a new {opts.verbose_name}, empty "
                        "its version cell."
                    }
                )
            return
        if not exported:
            raise ValidationError(
                {
                    VERSION_COLUMN: f"This row is for the {record}, which exists, but "
                    "has no version to tell whether it was saved since the file "
                    "was made. Copy the row from a new export; or, to overwrite "
                    "whatever is stored, delete the whole version column."
                }
            )
        if not VERSION.fullmatch(exported):
            raise ValidationError(
                {
                    VERSION_COLUMN: f"“{exported}” is not a version an export "
                    "writes: the cell was edited. Export again and redo your "
                    "changes in the new file."
                }
            )
        fields = self.versioned_fields()
        if exported != record_version(instance, fields):
            saved = _by_whom_and_when(_saved_since(instance, exported, fields))
            self.stale_row_refusal = ValidationError(
                {
                    VERSION_COLUMN: f"Since this file was exported, the {record} "
                    f"was saved again{saved}: importing this row would undo that "
                    "change. Export again and redo your changes in the new file."
                }
            )

    def after_import(self, dataset, result, **kwargs):
        """The preview keeps what each row's record was; the confirmation imports
        nothing if one has changed since, or a new row's record now exists.
        Confirmed, the file overwrote another editor's save made meanwhile
        without a word, a change the preview had not shown."""
        super().after_import(dataset, result, **kwargs)
        if not self.has_versions and any(self.matched_records):
            result.notices.append(
                f"This file has no “{VERSION_COLUMN}” column (it was made by hand, "
                "or exported before the site wrote one): its rows overwrite "
                "whatever was saved after it was made. To have such rows refused "
                "instead, make your changes in a new export."
            )
        if not (upload_name := kwargs.get("upload_name")):
            return
        key = _beside_upload(upload_name, "records")
        if self.previewing:
            cache.set(key, self.matched_records, timeout=CacheStorage.CACHE_LIFETIME)
            return
        if (previewed := cache.get(key)) is None:
            raise ValueError(
                "the preview is no longer on record: choose the file again, check "
                "the preview and confirm"
            )
        changed = [
            number
            for number, (before, now) in enumerate(
                zip_longest(previewed, self.matched_records),
                start=FIRST_RECORD_ROW,
            )
            if before != now
        ]
        if changed:
            rows = ", ".join(map(str, changed[:5])) + (", …" if changed[5:] else "")
            records = "the records of rows" if changed[1:] else "the record of row"
            raise ValueError(
                f"{records} {rows} changed since the preview (saved by someone, or "
                "added)"
            )

    def _known_headers(self, headers):
        """The first line's names, a known column's as the import names it: "Name"
        or "name " (a spreadsheet's capital, a stray space) is the "name" column.
        They were refused as "no “name” column", the file looking right."""
        known = {
            field.column_name.casefold(): field.column_name
            for field in self.get_import_fields()
        }
        return [
            known.get(str(header).strip().casefold(), header)
            if header is not None
            else header
            for header in headers
        ]

    def _refusal(self, dataset):
        """Why this import cannot read the file as meant, or None: too many rows, a
        column without a name that holds values, a column named twice, a column
        it does not know (a misspelt "titel" was ignored and its changes silently
        lost), no column to match records on, or two rows for one record (both
        would be applied, the last silently winning)."""
        # A sheet's formatted but empty rows are no records.
        rows = sum(1 for row in dataset if any(not _is_blank(cell) for cell in row))
        if rows > self.MOST_ROWS:
            return (
                f"The file has {rows:,} rows; an import takes at most "
                f"{self.MOST_ROWS:,}. Split it into smaller files."
            )
        all_headers = [
            "" if header is None else str(header) for header in dataset.headers or ()
        ]
        if unnamed := _unnamed_column_in_use(dataset, all_headers):
            column, row = unnamed
            return (
                f"Column {column} has no name in the first row, but row {row} has "
                "a value in it: name the column, or delete it."
            )
        headers = [header for header in all_headers if header.strip()]
        if twice := sorted({header for header in headers if headers.count(header) > 1}):
            return (
                f"The file names {_listed(twice)} twice in its first row: one "
                "column each, please (the last would silently win)."
            )
        columns = [
            self.fields[name].column_name for name in self.get_import_id_fields()
        ]
        if missing := [column for column in columns if column not in headers]:
            return (
                f"The file has no {_listed(missing)} column: each row is matched "
                "to its record by it. (Saved from a spreadsheet with semicolons "
                "between values? Save it as “CSV UTF-8 (comma delimited)”.)"
            )
        known = [field.column_name for field in self.get_import_fields()]
        if unknown := [header for header in headers if header not in known]:
            noun = "columns" if len(unknown) > 1 else "column"
            return (
                f"Unknown {noun} {_listed(unknown)}. The columns this import "
                f"reads: {', '.join(known)}."
            )
        first_row = {}
        for number, row in enumerate(dataset.dict, start=FIRST_RECORD_ROW):
            key = tuple(str(row[column] or "").strip() for column in columns)
            if not any(key):
                continue  # a new record, or one the library will report
            if key in first_row:
                return (
                    f"Row {number} is for the same {', '.join(columns)} "
                    f"“{' '.join(key)}” as row {first_row[key]}: one row per "
                    "record, please."
                )
            first_row[key] = number
        return None

    @classmethod
    def widget_from_django_field(cls, f, default=ie_widgets.Widget):
        if isinstance(f, models.BooleanField):
            return YesNoCell
        if f.choices:
            return ChoiceCell
        if isinstance(f, models.URLField):
            return UrlCell
        if isinstance(f, models.DateTimeField):
            return DateTimeCell
        if isinstance(f, models.CharField | models.TextField):
            return TextCell
        if isinstance(f, models.IntegerField) and not f.primary_key:
            return WholeNumberCell
        if isinstance(f, models.DecimalField):
            return NumberCell
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if django_field.choices:
            kwargs["choices"] = django_field.choices
        return kwargs


def _unnamed_column_in_use(dataset, headers):
    """(column, row), numbered as a spreadsheet numbers them, of the first value in
    a column without a name, or None. A sheet's empty columns have no name either,
    and are no mistake; one holding something was silently ignored."""
    for index, header in enumerate(headers):
        if header.strip():
            continue
        for number, row in enumerate(dataset, start=FIRST_RECORD_ROW):
            if not _is_blank(row[index]):
                return index + 1, number
    return None


def _listed(names):
    return ", ".join(f"“{name}”" for name in names)


def _only_line_endings_differ(field, instance, row):
    """The text cell holds the field's text, with other line endings."""
    if not isinstance(field.widget, TextCell) or field.column_name not in row:
        return False
    current = getattr(instance, field.attribute or "", None)
    try:
        incoming = field.clean(row)
    except ValueError:
        return False  # the import reports it
    if not isinstance(incoming, str) or not isinstance(current, str):
        return False
    return incoming != current and _lf(incoming) == _lf(current)


def _lf(text):
    return text.replace("\r\n", "\n")


def _record_digest(instance):
    """What `instance` holds, every stored field, in 20 characters (a preview's
    3,000 rows keep 60 KB in the cache)."""
    fields = instance._meta.concrete_fields
    values = [field.value_to_string(instance) for field in fields]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:20]


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _cannot_be_empty(instance, attribute):
    try:
        field = instance._meta.get_field(attribute)
    except (FieldDoesNotExist, TypeError):
        return False
    if field.null:
        return False
    if isinstance(field, models.CharField | models.TextField):
        # A text may be emptied; a choice the form requires (a status) may not:
        # read as its default, a blank status cell took a live page down.
        return bool(field.choices) and not field.blank
    return True
