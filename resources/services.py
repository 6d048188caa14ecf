"""A career page's resource links as they were at an earlier time, and putting
them back: reverting a page in the admin reverts its links with it.

The links are edited as part of the page (an inline of its admin form), but each
has its own revision history; these read and apply that history.
"""

from django.db import models, transaction

from .models import CareerPageResource, Resource

# The change reason of a link's revision when it was deleted because its page was.
DELETED_WITH_PAGE = "Deleted with its career page"


def mark_deleted_with_page(sender, instance, origin=None, **kwargs):
    """pre_delete of a resource link: a link deleted because its page is (the
    delete started from a page or a queryset of pages) gets a revision saying so,
    which restoring the page reads to put it back (`page_links_as_of`)."""
    from occupations.models import CareerPage

    if isinstance(origin, CareerPage) or (
        isinstance(origin, models.QuerySet) and origin.model is CareerPage
    ):
        instance._change_reason = DELETED_WITH_PAGE


def page_links_as_of(version):
    """The links a career page had in its revision `version` (a historical career
    page): each link's latest revision before the page's next one, unless that
    revision deleted it, in the editor's order. Each carries `resource_now`, its
    resource as it is now: None if deleted since. None for the latest revision of
    a page that exists: its links are the page's now.

    The revision of the page's deletion is the page as it was deleted: its links
    are those it had then (it has no next revision, and restoring from it, the
    newest row of a deleted page's history, had put no link back). Links deleted
    with the page, just before its deletion is recorded, are not counted as
    deleted: restoring the page puts them back."""
    if version.history_type == "-":
        previous = version.prev_record
        since = previous.history_date if previous else None
        until = version.history_date
    else:
        following = version.next_record
        if following is None:
            return None
        since, until = version.history_date, following.history_date
    deleted_with_page = models.Q(history_change_reason=DELETED_WITH_PAGE)
    if since is not None:
        deleted_with_page &= models.Q(history_date__gte=since)
    revisions = CareerPageResource.history.filter(
        page_id=version.id, history_date__lt=until
    ).exclude(deleted_with_page)
    links = list(
        revisions.latest_of_each().exclude(history_type="-").order_by("position", "id")
    )
    resources = Resource.objects.in_bulk({link.resource_id for link in links})
    for link in links:
        link.resource_now = resources.get(link.resource_id)
    return links


def page_link_changes(page_id, *, since, until=None):
    """What was done to a page's resource links from `since` up to `until` (None:
    now), in time order, as `(when, change)` pairs: each change a dict with the
    `field`, `old` and `new` the admin's history list shows for a field's change.
    Links deleted with their page are left out: the page's deletion says it."""
    revisions = CareerPageResource.history.filter(page_id=page_id)
    if until is not None:
        revisions = revisions.filter(history_date__lt=until)
    revisions = list(revisions.order_by("history_date", "history_id"))
    resource_ids = {revision.resource_id for revision in revisions}
    # Deleted resources by their last name on record.
    names = dict(
        Resource.history.filter(id__in=resource_ids)
        .latest_of_each()
        .values_list("id", "name")
    )
    names.update(Resource.objects.filter(id__in=resource_ids).values_list("id", "name"))
    changes, last_of_link = [], {}
    for revision in revisions:
        before = last_of_link.get(revision.id)
        last_of_link[revision.id] = revision
        if (
            revision.history_date < since
            or revision.history_change_reason == DELETED_WITH_PAGE
        ):
            continue
        changes.extend(
            (revision.history_date, change)
            for change in _link_changes(before, revision, names)
        )
    return changes


def _link_changes(before, revision, names):
    name = names.get(revision.resource_id, f"resource #{revision.resource_id}")
    if revision.history_type == "-":
        return [{"field": "Resource link", "old": name, "new": "—"}]
    if before is None or before.history_type == "-":
        return [{"field": "Resource link", "old": "—", "new": name}]
    changes = []
    if before.resource_id != revision.resource_id:
        old_name = names.get(before.resource_id, f"resource #{before.resource_id}")
        changes.append({"field": "Resource link", "old": old_name, "new": name})
    for field in ("description", "position"):
        old, new = getattr(before, field), getattr(revision, field)
        if old != new:
            changes.append(
                {"field": f"Resource link “{name}”, {field}", "old": old, "new": new}
            )
    return changes


def page_links_restore(page, links):
    """Make `page`'s links exactly `links` (from `page_links_as_of`): remove the
    others, add or correct these. Each change is saved on its own, so it is a
    revision of its own and the page cache is invalidated as for an admin edit.

    Returns how many links changed; links whose resource is gone are skipped."""
    wanted = {link.resource_id: link for link in links if link.resource_now}
    changed = 0
    with transaction.atomic():
        current = {link.resource_id: link for link in page.page_resources.all()}
        for resource_id, link in current.items():
            if resource_id not in wanted:
                link.delete()
                changed += 1
        for resource_id, old in wanted.items():
            link = current.get(resource_id) or CareerPageResource(
                page=page, resource_id=resource_id
            )
            if link.pk and (link.description, link.position) == (
                old.description,
                old.position,
            ):
                continue
            link.description, link.position = old.description, old.position
            link.save()
            changed += 1
    return changed
