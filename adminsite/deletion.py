"""What a delete confirmation names: Django's page, within limits."""

from collections import Counter

from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.db.models import prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

# Django's page names every row a delete reaches or is stopped by, each built
# with a query or two: the 35 skills' page named their 30,765 ratings (3.8 MB,
# 8,000 queries, 53 s, past the app server's timeout). Past this many rows of a
# kind the page says how many more; its summary still counts every row.
LISTED_PER_KIND = 50


def deleted_objects(objs, request, admin_site):
    """`ModelAdmin.get_deleted_objects`: Django's answer (what a delete takes
    with it, nested under what holds it; how many of each kind; the kinds the
    user may not delete; the rows that stop it), naming every row selected but
    at most `LISTED_PER_KIND` of each other kind."""
    if not objs:
        return [], {}, set(), []
    collector = NestedObjects(
        using=router.db_for_write(objs[0]._meta.model), origin=objs
    )
    collector.collect(objs)

    stopping = _by_kind(collector.protected)
    perms_needed = set()
    for model, rows in [*collector.model_objs.items(), *stopping]:
        if admin_site.is_registered(model) and not all(
            admin_site.get_model_admin(model).has_delete_permission(request, row)
            for row in rows
        ):
            perms_needed.add(model._meta.verbose_name)

    shown = Counter()
    listed = _listed(collector.nested(), shown, top=True)
    _fetch_named_rows(list(_flattened(listed)))
    to_delete = _labelled(listed, admin_site)
    to_delete += _more(collector.model_objs.items(), shown)
    protected, shown_stopping = [], Counter()
    for model, rows in stopping:
        listed = rows[:LISTED_PER_KIND]
        shown_stopping[model] = len(listed)
        _fetch_named_rows(listed)
        protected += [_label(row, admin_site) for row in listed]
    protected += _more(stopping, shown_stopping)
    model_count = {
        model._meta.verbose_name_plural: len(rows)
        for model, rows in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected


def _listed(nested, shown, *, top=False):
    """`NestedObjects.nested()` (a row, then the list of the rows it takes with
    it) with every row at the top, then the first `LISTED_PER_KIND` of each
    kind; a row left out takes what goes with it out of the list too."""
    listed, keeping = [], False
    for item in nested:
        if isinstance(item, list):
            if keeping and (children := _listed(item, shown)):
                listed.append(children)
        else:
            keeping = top or shown[type(item)] < LISTED_PER_KIND
            if keeping:
                shown[type(item)] += 1
                listed.append(item)
    return listed


def _flattened(nested):
    for item in nested:
        if isinstance(item, list):
            yield from _flattened(item)
        else:
            yield item


def _labelled(nested, admin_site):
    return [
        _labelled(item, admin_site)
        if isinstance(item, list)
        else _label(item, admin_site)
        for item in nested
    ]


def _more(rows_by_kind, shown):
    """A line for each kind with rows left out of the list."""
    return [
        f"… and {len(rows) - shown[model]:,} more "
        f"{model._meta.verbose_name_plural} (not listed)"
        for model, rows in rows_by_kind
        if len(rows) > shown[model]
    ]


def _by_kind(rows):
    """Rows of several models, grouped by model in a steady order."""
    kinds = {}
    for row in rows:
        kinds.setdefault(type(row), []).append(row)
    return sorted(
        (
            (model, sorted(of_kind, key=lambda row: row.pk))
            for model, of_kind in kinds.items()
        ),
        key=lambda kind: kind[0]._meta.label,
    )


def _fetch_named_rows(rows):
    """Load the rows each row points to in one query per kind and field, not one
    per row: a rating's name is its skill's and its occupation's."""
    for model, of_kind in _by_kind(rows):
        prefetch_related_objects(
            of_kind,
            *(
                field.name
                for field in model._meta.concrete_fields
                if field.many_to_one or field.one_to_one
            ),
        )


def _label(row, admin_site):
    """A row as Django's page names it: its kind, and a link to it if it has an
    admin page."""
    opts = row._meta
    kind = capfirst(opts.verbose_name)
    if admin_site.is_registered(type(row)):
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[quote(row.pk)],
            )
        except NoReverseMatch:
            pass
        else:
            return format_html('{}: <a href="{}">{}</a>', kind, url, row)
    return f"{kind}: {row}"
