"""Turning data-file cells into model values, or a DataFileError naming the line."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from .readers import DataFileError

ONET_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
SOC_CODE = re.compile(r"^\d{2}-\d{4}$")
# "91,290" and "1,234.5": commas between groups of three digits only. "21,5" is a
# decimal comma, and reading it as 215 would be a silent error.
THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")


def as_written(value):
    """A cell as text, spaces kept: a spreadsheet's whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def text(value):
    return as_written(value).strip()


def decimal(value, *, path, line, column, places="0.01", blank=None, empty=None):
    """A cell as a Decimal; `blank` values (e.g. "", "*", "—") become None.

    `empty`: how the file marks a figure it does not publish ("*"), for a file
    that never leaves such a cell empty: an empty one is refused as a value lost
    (deleted in a spreadsheet program), not read as no figure, which removed the
    stored one from the page without a word."""
    if isinstance(value, bool):  # a TRUE/FALSE cell
        raise DataFileError(
            path, f"{column} is {str(value).upper()}, which is not a number.", line
        )
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        raw = text(value)
        if raw == "" and empty:
            raise DataFileError(
                path,
                f"{column} is empty, where the file writes {empty} for a figure "
                "it does not have: was the value deleted?",
                line,
            )
        if raw == "" or (blank and raw in blank):
            return None
        if "," in raw and not THOUSANDS.match(raw):
            raise DataFileError(
                path,
                f"{column} is {raw!r}: a comma may only separate thousands "
                "(1,234.5); write decimals with a point.",
                line,
            )
        plain = raw.replace(",", "")
        try:
            # ASCII digits only: Decimal() also reads "83_640" and other scripts'
            # digits, which no data file means.
            if not plain.isascii() or "_" in plain:
                raise InvalidOperation
            number = Decimal(plain)
        except InvalidOperation:
            raise DataFileError(
                path, f"{column} is {raw!r}, which is not a number.", line
            ) from None
    if not number.is_finite():
        raise DataFileError(
            path, f"{column} is {value!r}, which is not a number.", line
        )
    try:
        return number.quantize(Decimal(places))
    except InvalidOperation:  # "1e400": more digits than a Decimal holds
        raise DataFileError(
            path, f"{column} is {value!r}, far too large a number.", line
        ) from None


# The largest value of an integer column on PostgreSQL (SQLite would store more).
INTEGER_MAX = 2_147_483_647


def integer(value, *, path, line, column, maximum=INTEGER_MAX):
    raw = text(value)
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (raw.isascii() and raw.isdigit()):
        raise DataFileError(
            path, f"{column} is {raw!r}, which is not a whole number.", line
        )
    return bounded(int(raw), 0, maximum, path=path, line=line, column=column)


def flag(value, *, path, line, column, yes=("Y", "TRUE"), no=("N", "FALSE", "")):
    if value is True or value is False:
        return value
    raw = text(value)
    if raw.upper() in yes:
        return True
    if raw.upper() in no:
        return False
    # As the file writes it: "yes", not "YES".
    raise DataFileError(path, f"{column} is {raw!r}; expected Y or N.", line)


def onet_code(value, *, path, line, column="O*NET-SOC Code"):
    raw = text(value)
    if not ONET_CODE.match(raw):
        raise DataFileError(
            path, f"{column} is {raw!r}, not an O*NET-SOC code like 15-2031.00.", line
        )
    return raw


def bounded(value, low, high, *, path, line, column):
    if value is not None and not low <= value <= high:
        raise DataFileError(
            path, f"{column} is {value}, outside the range {low} to {high}.", line
        )
    return value


def checked(model, values, *, path, line, columns):
    """`values` ({field: value}) as `model` accepts them: each field's validators
    (range, digits) and the model's `clean()` (wage percentiles in order). A value
    the database's constraints refuse would otherwise end the whole import in a
    traceback; this names the file, line and column. `columns`: {field: column}."""

    def refuse(name, messages):
        column = columns.get(name, name)
        message = f"{column} is {values[name]}: {' '.join(messages)}"
        return DataFileError(path, message, line)

    for name, value in values.items():
        if value is not None:
            try:
                model._meta.get_field(name).run_validators(value)
            except ValidationError as error:
                raise refuse(name, error.messages) from None
    try:
        model(**values).clean()
    except ValidationError as error:
        raise refuse(*next(iter(error.message_dict.items()))) from None
    return values


def once(key, line, seen, *, path):
    """Note that `key` is on `line` ({key: line} in `seen`); a second row for it is
    refused, naming both lines: otherwise the last would silently win."""
    if key in seen:
        raise DataFileError(
            path, f"{key} appears twice, on lines {seen[key]} and {line}.", line
        )
    seen[key] = line


def limited(value, max_length, *, path, line, column):
    if len(value) > max_length:
        raise DataFileError(
            path, f"{column} is longer than {max_length} characters.", line
        )
    return value


def release_saved(release, path):
    """`release`, checked (`release_checked`) and saved if it is new or the import
    changed one of its fields: importing a release again writes no revision of it."""
    release_checked(release, path)
    stored = type(release).objects.filter(pk=release.pk).first() if release.pk else None
    fields = release._meta.concrete_fields
    if stored is None or any(
        getattr(stored, field.attname) != getattr(release, field.attname)
        for field in fields
    ):
        release.save()
    return release


def release_checked(release, path):
    """`release` as the admin would accept it: its fields' sizes and ranges and
    its `clean()` (a reference date that has passed, a horizon after its base
    year). A file giving "December 2999" or a top code past the column's digits
    would otherwise be stored, or refused by the database in a traceback."""
    try:
        release.full_clean()
    except ValidationError as error:
        problems = " ".join(
            f"{release._meta.get_field(name).verbose_name}: {' '.join(messages)}"
            if name != "__all__"
            else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
        raise DataFileError(
            path, f"the release “{release.name}” it describes: {problems}"
        ) from None
    return release
