"""Make a table hold exactly the imported rows, in a handful of bulk queries."""

import time
from collections import Counter
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.db.models import F
from django.utils import timezone

from ..models import OCCUPATION_DATA_MODELS, Occupation

BATCH_SIZE = 1000
# A new release changes a small share of a table's rows. Losing more than this share
# (and more than a handful of rows) in one import is what a cut-off file looks like.
REMOVALS_SHARE_LIMIT = 0.10
REMOVALS_TOLERATED = 20


class RemovalsRefused(Exception):
    """The import would remove what a cut-off or partial file would: many rows, or
    rows editors featured. Refused unless the import allows removals."""


class ImportReport:
    """Created/updated/removed counts per kind of row, and progress output.

    `allow_removals`: remove rows the files no longer hold even when
    `removals_check` would refuse.

    `revision_reason`: what revision histories call the import ("Import of O*NET
    29.3"), set by the importer once it knows its release; the revisions of rows it
    removes carry it."""

    def __init__(self, write=None, *, allow_removals=False):
        self.counts = {}
        self.allow_removals = allow_removals
        self.revision_reason = ""
        self.write = write or (lambda message: None)
        self.timings = []  # (what, rows, seconds): files read, tables written

    def timed(self, what, rows, seconds):
        self.timings.append((what, rows, seconds))

    def add(self, label, counter):
        self.counts.setdefault(label, Counter()).update(counter)

    def add_report(self, other):
        """Another import's counts, added to these (a label in both adds up)."""
        for label, counter in other.counts.items():
            self.add(label, counter)

    def note(self, message):
        self.write(f"  {message}")

    def totals(self):
        total = Counter()
        for counter in self.counts.values():
            total.update(counter)
        return total

    def lines(self):
        for label, counter in self.counts.items():
            yield (
                f"{label}: {counter['created']:,} created, "
                f"{counter['updated']:,} updated, {counter['removed']:,} removed, "
                f"{counter['unchanged']:,} unchanged"
            )


def _same(old, new):
    if isinstance(old, Decimal | str) and isinstance(new, Decimal | str):
        return old == new  # 4.00 == 4.0; a TextChoices member equals its value
    return old == new and type(old) is type(new)


def sync_rows(
    model,
    *,
    key_fields,
    value_fields,
    incoming,
    existing,
    report,
    label,
    remove=True,
    record_changes=False,
):
    """Create, update and (with `remove`) delete rows of `model` so that the rows
    in `existing` (a queryset: the import's scope) match `incoming`
    ({key tuple: {field: value}}). Fields not in `value_fields` are left alone,
    which is how editors' tweaks (positions, featured flags) survive an import.

    `record_changes`: record each created and changed row in the model's revision
    history, as the import (`report.revision_reason`). Without it an editor's
    next revision showed the import's changes as the editor's. Removed rows are
    credited to the import in any case.
    """
    started = time.perf_counter()
    counter = Counter()
    current = {}
    for row in existing.values_list("pk", *key_fields, *value_fields).iterator(
        chunk_size=5000
    ):
        key = tuple(row[1 : 1 + len(key_fields)])
        current[key] = (row[0], row[1 + len(key_fields) :])
    existing_count = len(current)
    to_create, to_update, changed_keys = [], [], []
    for key, values in incoming.items():
        found = current.pop(key, None)
        if found is None:
            to_create.append(model(**dict(zip(key_fields, key, strict=True)), **values))
            changed_keys.append(key)
            continue
        pk, old_values = found
        new_values = tuple(values[name] for name in value_fields)
        if all(_same(a, b) for a, b in zip(old_values, new_values, strict=True)):
            counter["unchanged"] += 1
        else:
            to_update.append(model(pk=pk, **values))
            changed_keys.append(key)
    removed_ids = [pk for pk, _ in current.values()] if remove else []
    if removed_ids and not report.allow_removals:
        removals_check(model, label, removed_ids, existing_count)
    if to_create:
        model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, value_fields, batch_size=BATCH_SIZE)
    removed_since = timezone.now()
    for start in range(0, len(removed_ids), BATCH_SIZE):
        model.objects.filter(pk__in=removed_ids[start : start + BATCH_SIZE]).delete()
    # The revisions' change reason column holds 100 characters.
    reason = report.revision_reason[:100]
    if removed_ids and reason and hasattr(model, "history"):
        _removals_named(model, removed_ids, reason, removed_since)
    _occupations_touch(model, key_fields, changed_keys, to_update)
    if record_changes:
        _history_record(model, key_fields, to_create, to_update, reason)
    counter["created"] += len(to_create)
    counter["updated"] += len(to_update)
    counter["removed"] += len(removed_ids)
    report.add(label, counter)
    report.timed(f"write {label}", len(incoming), time.perf_counter() - started)
    return counter


def _occupations_touch(model, key_fields, changed_keys, updated):
    """Date anew the occupations whose pages these writes changed: bulk creates
    and updates send no save signals, so `occupation_data_changed` never sees
    them. (Removed rows are deleted through the ORM, whose post_delete signal
    dates their occupations; a new occupation is dated by its creation.)"""
    if model is Occupation:
        ids = [row.pk for row in updated]
    elif model in OCCUPATION_DATA_MODELS:
        where = list(key_fields).index("occupation_id")
        ids = list({key[where] for key in changed_keys})
    else:
        return
    for start in range(0, len(ids), BATCH_SIZE):
        Occupation.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).touch()


def _history_record(model, key_fields, created, updated, reason):
    """Revisions for the rows an import wrote, read back whole: the instances it
    wrote hold only the imported fields (and, on SQLite, no primary key). Created
    rows are found by their first key field, then kept by their whole key."""
    first, keys = key_fields[0], {_key(row, key_fields) for row in created}
    for start in range(0, len(created), BATCH_SIZE):
        values = {getattr(row, first) for row in created[start : start + BATCH_SIZE]}
        rows = [
            row
            for row in model.objects.filter(**{f"{first}__in": values})
            if _key(row, key_fields) in keys
        ]
        # A row whose first key field it shares with a row of a later batch (one
        # technology's name in two categories) is recorded once.
        keys -= {_key(row, key_fields) for row in rows}
        model.history.bulk_history_create(rows, default_change_reason=reason)
    for start in range(0, len(updated), BATCH_SIZE):
        pks = [row.pk for row in updated[start : start + BATCH_SIZE]]
        rows = model.objects.filter(pk__in=pks)
        model.history.bulk_history_create(
            list(rows), update=True, default_change_reason=reason
        )


def _removals_named(model, removed_ids, reason, since):
    """Name the import in the revisions its deletes left: simple-history's
    post_delete signal records each deleted row, but with no user and no reason,
    so its history read "Changed by: —" as if someone unknown had deleted it."""
    id_in = f"{model._meta.pk.attname}__in"
    for start in range(0, len(removed_ids), BATCH_SIZE):
        model.history.filter(
            **{id_in: removed_ids[start : start + BATCH_SIZE]},
            history_type="-",
            history_date__gte=since,
            history_user__isnull=True,
        ).update(history_change_reason=reason)


def _key(row, key_fields):
    return tuple(getattr(row, name) for name in key_fields)


def removals_check(model, label, removed_ids, existing_count):
    """Refuse to remove many of a table's rows, or any row editors featured.

    A file cut off at a line break, or holding only its header, reads as a complete
    file with fewer rows; importing it would delete the rest, and the featured
    flags editors set on them would not come back with the right file."""
    share = len(removed_ids) / existing_count
    if len(removed_ids) > REMOVALS_TOLERATED and share > REMOVALS_SHARE_LIMIT:
        raise RemovalsRefused(
            f"{label}: the files no longer hold {len(removed_ids):,} of the "
            f"{existing_count:,} rows in the database ({share:.0%}), as a cut-off "
            "or partial file would."
        )
    if not any(field.name == "is_featured" for field in model._meta.fields):
        return
    featured = [
        row
        for start in range(0, len(removed_ids), BATCH_SIZE)
        for row in model.objects.filter(
            pk__in=removed_ids[start : start + BATCH_SIZE], is_featured=True
        ).select_related("occupation")
    ]
    if featured:
        named = "; ".join(f"{row.occupation.code}: {row}" for row in featured[:3])
        more = f" and {len(featured) - 3:,} more" if len(featured) > 3 else ""
        raise RemovalsRefused(
            f"{label}: the files no longer hold {len(featured):,} "
            f"row{'s' if len(featured) > 1 else ''} that editors featured on "
            f"curated career pages ({named}{more})."
        )


def keep_editor_text(existing, *, key_fields, texts, incoming):
    """Route imported texts to their `onet_` fields, keeping what editors wrote.

    For each name in `texts` (e.g. "statement"), the file's value is stored in
    `onet_<name>`; `<name>`, the text pages show and editors edit, follows it unless
    an editor has made it differ from the imported text, in which case it is kept as
    the editor left it. One query finds the rewritten rows. Returns the field names
    to add to `sync_rows`' value fields.
    """
    rewritten = {}
    for name in texts:
        imported = f"onet_{name}"
        rows = (
            existing.exclude(**{imported: ""})
            .exclude(**{name: F(imported)})
            .values_list(*key_fields, name)
        )
        for *key, text in rows.iterator(chunk_size=5000):
            rewritten.setdefault(tuple(key), {})[name] = text
    for key, values in incoming.items():
        kept = rewritten.get(key, {})
        for name in texts:
            values[f"onet_{name}"] = values[name]
            values[name] = kept.get(name, values[name])
    return [f"onet_{name}" for name in texts]


def planner_statistics_refresh():
    """Have the database re-read the imported tables' sizes and value spreads.

    Its query planner chooses joins and indexes from these statistics. After a
    bulk import they describe the tables as they were (on a new database: empty),
    and PostgreSQL's autovacuum refreshes them only a minute or so later, spending
    CPU just when the site rebuilds its pages. There VACUUM comes along, which
    autovacuum would also run for so many new rows; it cannot run inside a
    transaction (as in the tests), and ANALYZE alone then. About 0.3 s for the
    whole catalogue on PostgreSQL, 0.05 s on SQLite."""
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in apps.get_app_config("occupations").get_models()
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{command} {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
