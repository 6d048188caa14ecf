"""Revision history in the admin (django-simple-history): who changed what and
when, a diff per change, revert, restore."""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .options import EditConflictMixin, readable_keys

# The change reason of the revisions a data import records ("Import of O*NET
# 29.3"): a revert leaves what imports wrote since the version as they wrote it.
IMPORT_REVISION_PREFIX = "Import of "


class HistoryAdmin(EditConflictMixin, SimpleHistoryAdmin):
    """Revision history: who changed what and when, a diff per change, and revert.

    Every save through the admin (and every row of a spreadsheet import) is a
    revision; data imports write in bulk and are recorded by their `DataRelease`.
    """

    # Timestamps change on every save; listing them would hide the real change.
    history_diff_excluded_fields = ("updated_at", "created_at")

    def set_history_delta_changes(
        self, request, historical_records, foreign_keys_are_objs=True
    ):
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=self.history_diff_excluded_fields,
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    # django-simple-history's views look the ids in the address up as they come,
    # so ".../x/history/" was a 500: answer as Django's own admin views do.

    def history_view(self, request, object_id, extra_context=None):
        if not readable_keys(self.model._meta.pk, [unquote(object_id)]):
            return self._get_obj_does_not_exist_redirect(
                request, self.model._meta, object_id
            )
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """Each version with the type of the one before it (a record restored
        after its deletion is saved as new, and its row read "Created"), and
        whether an import recorded it (its row read "Changed by: None")."""
        previous = history_manager.filter(
            **{pk_name: OuterRef(pk_name)}, history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        recorded_by_import = Q(
            history_user__isnull=True,
            history_change_reason__startswith=IMPORT_REVISION_PREFIX,
        )
        return (
            super()
            .get_history_queryset(request, history_manager, pk_name, object_id)
            .annotate(
                previous_history_type=Subquery(previous.values("history_type")[:1]),
                recorded_by_import=ExpressionWrapper(
                    recorded_by_import, output_field=BooleanField()
                ),
            )
            .annotate(
                restored=ExpressionWrapper(
                    Q(history_type="+", previous_history_type="-"),
                    output_field=BooleanField(),
                )
            )
        )

    def has_change_history_permission(self, request, obj=None):
        """Reverting changes the object; restoring a deleted one adds it back, which
        those who may not add one could do through its history."""
        if not super().has_change_history_permission(request, obj):
            return False
        return (
            obj is None
            or self.has_add_permission(request)
            or self.model._default_manager.filter(pk=obj.pk).exists()
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._version_ids_valid(object_id, version_id):
            raise Http404("No such version.")
        # The library only hides the Revert button from those who may view but not
        # change; its view saves any POST. Refuse it here.
        if request.method == "POST" and not self.has_change_history_permission(
            request, self.get_version(object_id, version_id).instance
        ):
            raise PermissionDenied
        request.reverting_to_version = version_id
        # A deleted record's version adds it back: "restored", not "reverted".
        request.restoring = not self.model._default_manager.filter(
            pk=unquote(object_id)
        ).exists()
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        version_id = getattr(request, "reverting_to_version", None)
        if version_id is not None:
            _keep_what_imports_wrote(form, obj, version_id)
        elif self._is_unchanged(request, form, change):
            return  # unless one of its rows changed: see save_related
        super().save_model(request, obj, form, change)

    # The inline models whose rows are part of the record as its visitors and its
    # history see it (a career page's resource links): a change to one alone saves
    # the record, dating it and giving it a revision. Other rows (a page's former
    # addresses, an occupation's tasks with their own histories) do not.
    inlines_saving_the_record = ()

    def save_related(self, request, form, formsets, change):
        if self._is_unchanged(request, form, change) and any(
            formset.has_changed()
            for formset in formsets
            if formset.model in self.inlines_saving_the_record
        ):
            super().save_model(request, form.instance, form, change)
        super().save_related(request, form, formsets, change)

    @staticmethod
    def _is_unchanged(request, form, change):
        """Whether a change form was saved as it was opened. Saved anyway, the
        record got a revision of no change and a new `updated_at`: a career page
        its "Last updated", a new sitemap date and the top of the feed. With a
        changed row of `inlines_saving_the_record` it is saved, as that is a
        change to the record as visitors see it. A revert's form is the old
        version's, so it always reads as unchanged: never skipped."""
        return (
            change
            and getattr(request, "reverting_to_version", None) is None
            and not form.has_changed()
        )

    def response_change(self, request, obj):
        if getattr(request, "reverting_to_version", None) is None:
            return super().response_change(request, obj)
        # Django's message links the record to the address it was saved at: after
        # a revert, the revert form of the old version.
        opts = self.opts
        change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )
        self.message_user(
            request,
            format_html(
                'The {} “<a href="{}">{}</a>” was {}.',
                opts.verbose_name,
                change_url,
                obj,
                "restored" if getattr(request, "restoring", False) else "reverted",
            ),
            messages.SUCCESS,
        )
        return self.response_post_save_change(request, obj)

    # Whether the admin lists its deleted records, for those who delete whole
    # records (pages, resources, occupations): the rows an occupation's form
    # edits come and go with imports by the thousand, and their names need
    # their parents looked up one by one.
    lists_deleted_records = False
    # Deleted records the list of them shows, newest first.
    MOST_DELETED_LISTED = 100

    def get_urls(self):
        if not self.lists_deleted_records:
            return super().get_urls()
        opts = self.opts
        deleted = path(
            "deleted/",
            self.admin_site.admin_view(self.deleted_view),
            name=f"{opts.app_label}_{opts.model_name}_deleted",
        )
        return [deleted, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if not self.lists_deleted_records:
            return super().changelist_view(request, extra_context)
        # The list links to its deleted records (admin/change_list_object_tools).
        deleted_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted",
            current_app=self.admin_site.name,
        )
        return super().changelist_view(
            request, {"deleted_records_url": deleted_url, **(extra_context or {})}
        )

    def deleted_records(self):
        """The last revision of each record deleted and not restored since (its
        deletion), newest first: where to restore it from. Nothing else in the
        admin lists them once the message after the delete is gone."""
        pk = self.opts.pk.attname
        deletions = (
            self.model.history.filter(history_type="-")
            .exclude(**{f"{pk}__in": self.model._default_manager.values("pk")})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        latest = {}
        for deletion in deletions.iterator():
            latest.setdefault(getattr(deletion, pk), deletion)
            if len(latest) == self.MOST_DELETED_LISTED:
                break
        return list(latest.values())

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        opts = self.opts
        records = [
            (
                self.deleted_record_label(record),
                self._history_url(getattr(record, opts.pk.attname)),
                record,
            )
            for record in self.deleted_records()
        ]
        return TemplateResponse(
            request,
            "admin/deleted_records.html",
            {
                **self.admin_site.each_context(request),
                "opts": opts,
                "title": f"Deleted {opts.verbose_name_plural}",
                "records": records,
                "most_listed": self.MOST_DELETED_LISTED,
                "can_restore": self.has_add_permission(request),
            },
        )

    def deleted_record_label(self, record):
        """What the deleted records' list calls the record of the revision
        `record`. Its model's own name for it by default; an admin whose model's
        history leaves fields out names it from the revision's own fields (the
        library fetches what it leaves out, a query a record)."""
        return str(record.instance)

    def deleted_record_history_url(self, request, object_id):
        """Where the deleted record `object_id` can be restored from, if this
        user may (`deleted_while_open`)."""
        if not self.has_add_permission(request):
            return None
        return self._history_url(unquote(object_id))

    def _history_url(self, pk):
        """The revision history of the record `pk`, deleted or not."""
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
            args=[quote(pk)],
            current_app=self.admin_site.name,
        )

    def response_delete(self, request, obj_display, obj_id):
        """Django's message, and where the deleted record can be restored from:
        its history stays, but no page of the admin links to it any more."""
        response = super().response_delete(request, obj_display, obj_id)
        if self.has_add_permission(request):
            self.message_user(
                request,
                format_html(
                    'To restore it, open a version in <a href="{}">its history</a>.',
                    self._history_url(obj_id),
                ),
                messages.INFO,
            )
        return response

    def _version_ids_valid(self, object_id, version_id):
        history_id = self.model.history.model._meta.pk
        return bool(
            readable_keys(self.model._meta.pk, [unquote(object_id)])
            and readable_keys(history_id, [version_id])
        )

    def get_version(self, object_id, version_id):
        """The historical record `version_id` of the object `object_id`, or 404."""
        if self._version_ids_valid(object_id, version_id):
            pk_name = self.model._meta.pk.attname
            version = self.model.history.filter(
                **{pk_name: unquote(object_id)}, history_id=version_id
            ).first()
            if version is not None:
                return version
        raise Http404("No such version.")


def _keep_what_imports_wrote(form, obj, version_id):
    """A revert undoes editors' changes since the version, not imports'. What only
    imports write (the O*NET title and description, a task's O*NET statement and
    rank) and what the revert form leaves out (a page's status and publish time):
    fields outside the form stay as they are now. A field an import
    revision changed since the version (an occupation's Job Zone, its title) takes
    the value that import wrote. Reverting to the version an editor created had
    blanked the O*NET texts and put back the figures of an older release."""
    current = type(obj)._default_manager.filter(pk=obj.pk).values().first()
    if current is None:
        return  # restoring a deleted row: the version is all there is
    imported = _values_imports_wrote(obj, version_id)
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in imported:
            setattr(obj, field.attname, imported[field.name])
        elif field.name not in form.fields:
            setattr(obj, field.attname, current[field.attname])


def _values_imports_wrote(obj, version_id):
    """{field name: value} for each field of `obj` an import revision after
    `version_id` changed, as the latest such import wrote it."""
    history = obj.history.all()
    version = history.filter(history_id=version_id).first()
    if version is None:
        return {}
    later_imports = history.filter(
        history_date__gt=version.history_date,
        history_change_reason__startswith=IMPORT_REVISION_PREFIX,
    ).order_by("history_date", "history_id")
    values = {}
    for revision in later_imports:
        if revision.prev_record is None:
            continue
        for name in revision.diff_against(revision.prev_record).changed_fields:
            field = obj._meta.get_field(name)
            values[name] = getattr(revision, field.attname)
    return values


# The reason on the version recorded just before a row's first recorded change.
BASELINE_REASON = "As it was before its first recorded change"


def baseline_revision_record(sender, instance, raw=False, **kwargs):
    """Signal receiver (pre_save of every model with revision history).

    Rows written in bulk have no revision: the pages the catalogue creates, the
    wages and projections an import writes. Before the first change of such a row
    is recorded, the row as stored is recorded, so that its history shows what the
    change changed and can revert it. (A restored backup, `raw`, is left as it is.)
    """
    if raw or instance._state.adding:
        return
    history = getattr(sender, sender._meta.simple_history_manager_attribute)
    if history.filter(**{sender._meta.pk.attname: instance.pk}).exists():
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    if stored is not None:
        # Written by an import or the catalogue, not by the editor whose change
        # follows: credited to no one (simple-history takes the request's user,
        # and the version read as that editor's).
        stored._history_user = None
        # Dated when the row was last written, where it says so.
        history.bulk_history_create(
            [stored],
            update=True,
            default_change_reason=BASELINE_REASON,
            default_date=getattr(stored, "updated_at", None),
        )
