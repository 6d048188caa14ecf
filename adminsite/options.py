"""The site's model admins' shared parts. Every one (`sites.CareerguideAdminSite`
makes each a `CareerguideAdmin`) gets checked lookups, ids and times from requests
no admin page sends, and figures as people write them. The career content's admins
also mix in `EditConflictMixin` (and lists edited in place use
`UnchangedListFormSet`); Django's own users and groups do not."""

import hashlib
import re
from contextlib import nullcontext

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import (
    FieldDoesNotExist,
    SuspiciousOperation,
    ValidationError,
)
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DatabaseError, connection, models, transaction
from django.forms.models import (
    BaseModelFormSet,
    InlineForeignKeyField,
    _get_foreign_key,
)
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.choices import flatten_choices
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.text import capfirst

from operations.text import CONTROL_CHARACTER

from .deletion import deleted_objects


def readable_keys(key, values):
    """The values among `values` that the model field `key` (a primary key, the
    field a foreign key points to) can hold. A request no admin page sends may
    name others ("abc", a number past the column's range), and a query on them
    fails: a 500 where the admin has an answer for a row that does not exist."""
    readable = []
    for value in values:
        try:
            key.clean(value, None)
        except ValidationError:
            continue
        readable.append(value)
    return readable


def savepoint():
    """For a query that may fail on what a request asked for: inside a
    transaction a savepoint, as on PostgreSQL a failed query ends the transaction;
    outside one nothing, as on SQLite a transaction would take the write lock for
    a read."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


# What running a query built from a request's lookups (?name__regex=( ,
# ?updated_at__year=99999) raises when the lookups are bad.
BAD_LOOKUP_ERRORS = (ValueError, OverflowError, DatabaseError)


# Lookups no admin page writes, refused before any query. A regular expression
# runs on SQLite in Python's `re`, which has no time limit: ?title__regex=^(\w+\s?)*$
# held a worker past any timeout. And the admin passes a range as the text it
# was given: ?id__range=12 read as 1 to 2, ?id__range=1 an IndexError.
UNREAD_LOOKUPS = {"regex", "iregex", "range"}


class CheckedLookupsChangeList(ChangeList):
    """Django's changelist takes any lookup on a model's own fields from the
    address (?updated_at__year=99999, ?title__regex=( ) and only the database or
    the SQL compiler finds it bad: a 500. Such a list gets Django's own answer to
    bad parameters instead: the unfiltered list, marked ?e=1."""

    def get_filters(self, request):
        if unread := [
            name for name in self.params if name.rsplit("__", 1)[-1] in UNREAD_LOOKUPS
        ]:
            raise IncorrectLookupParameters(f"Lookups not read: {', '.join(unread)}")
        # A date drill-down past the calendar (?updated_at__year=9999 asks for
        # the start of year 10000) fails while the filters are built. Only the
        # drill-down's errors are read so: a list filter's own bug stays a bug.
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            drill_down = f"{self.date_hierarchy}__" if self.date_hierarchy else None
            if drill_down and any(name.startswith(drill_down) for name in self.params):
                raise IncorrectLookupParameters(error) from error
            raise

    def get_results(self, request):
        try:
            with savepoint():
                super().get_results(request)
        except BAD_LOOKUP_ERRORS as error:
            raise IncorrectLookupParameters(error) from error


class CheckedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that shows a form posted with an unreadable value again.

    Shown again, Django's autocomplete looks up the label of the value it was
    posted with. A value the key cannot hold ("abc", a number past the column's
    range) failed that lookup: a 500 where the field already says "Select a valid
    choice". No browser sends one, but a mangled POST is bad input like any other.
    """

    def readable(self, values):
        return readable_keys(self.field.target_field, values)

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, self.readable(value), attr)


class WrittenNumberField(forms.DecimalField):
    """A number as people write figures: "95,000", "$95,000.50". A comma must
    group thousands: "95,00" is a typo or another country's decimal comma, so it
    is refused ("Enter a number."), not guessed at."""

    WRITTEN = re.compile(r"(-?)\$?(\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d*\.?\d*)")
    # A text box: a browser's number box takes no "$" or "," (Chrome drops them
    # as they are typed, "95,00" becoming 9500) and the form never sees them.
    # The numeric keyboard on phones stays.
    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 14})

    def to_python(self, value):
        if isinstance(value, str) and (
            written := self.WRITTEN.fullmatch(value.strip())
        ):
            sign, number = written.groups()
            value = sign + number.replace(",", "")
        number = super().to_python(value)
        # "NaN", "Infinity" and "sNaN" are Decimals too, but no figure; and
        # comparing a signalling NaN with the saved figure, to see whether an
        # inline's row changed, raised InvalidOperation: a 500.
        if number is not None and not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def validate_no_control_characters(text):
    if isinstance(text, str) and (found := CONTROL_CHARACTER.search(text)):
        raise ValidationError(
            "The text holds a control character (U+%(code)s) that no page shows: "
            "remove it. A line break pasted from Word is one: type it again.",
            code="control_character",
            params={"code": f"{ord(found.group()):04X}"},
        )


class PlainTextMixin:
    """A model or inline admin whose text fields refuse control characters."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.CharField):
            formfield.validators.append(validate_no_control_characters)
        return formfield


class WrittenNumbersMixin:
    """A model or inline admin whose forms read figures as people write them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Added to the admin's own overrides (Django merges them per instance),
        # not in their place: ResourceAdmin's URL fields keep theirs.
        decimal = self.formfield_overrides.setdefault(models.DecimalField, {})
        decimal.setdefault("form_class", WrittenNumberField)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.IntegerField) and not db_field.choices:
            # The form's bounds are the model's: a positive field's form refused
            # a headline year of -1 as "less than 0", where the model wants 2000.
            lowest = _limits(db_field, MinValueValidator)
            highest = _limits(db_field, MaxValueValidator)
            if lowest:
                kwargs.setdefault("min_value", max(lowest))
            if highest:
                kwargs.setdefault("max_value", min(highest))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _limits(db_field, kind):
    """The limits of `db_field`'s validators of `kind` (a callable limit, read at
    each check, is left to the model)."""
    return [
        validator.limit_value
        for validator in db_field.validators
        if isinstance(validator, kind) and not callable(validator.limit_value)
    ]


def _content(queryset, left_out=()):
    """The rows of `queryset` as tuples of what they hold, without the fields
    named in `left_out` and the columns Django dates by itself (`auto_now`). Those
    change with no change to the record: an occupation is dated when a row of its
    data changes elsewhere (a related occupation edited in its own admin), and an
    open form was then refused though nothing it showed had changed."""
    return queryset.values_list(
        *(
            field.attname
            for field in queryset.model._meta.concrete_fields
            if not getattr(field, "auto_now", False) and field.name not in left_out
        )
    )


class EditConflictMixin:
    """Two editors (or two tabs) with the same record open: the later save is
    refused with the form as typed, instead of silently putting back what the
    form showed when it was opened.

    The change form carries a digest of everything it shows, the record and each
    inline's rows (`admin/edit_conflict_change_form.html`); a save is refused when
    that has changed since, whoever changed it: another tab, a row edited through
    its own admin, an import. A save without the digest (a revert, a spreadsheet
    import) is not checked."""

    FORM_STATE = "form_state"
    change_form_template = "admin/edit_conflict_change_form.html"
    # Fields of the record that its form does not show, and that change without
    # anyone editing the record (an occupation's search document follows its
    # alternate titles): left out of the digest, or a save would be refused for a
    # change the form could not have undone.
    form_state_ignored_fields = ()

    def form_state(self, request, obj, *, lock=False):
        """A digest of the record `obj` and its inline rows as stored now; `lock`
        holds the record's row until the transaction ends (PostgreSQL), so two
        saves at once cannot both pass the check."""
        record = type(obj)._default_manager.filter(pk=obj.pk)
        if lock:
            record = record.select_for_update()
        digest = hashlib.sha256(
            repr(list(_content(record, self.form_state_ignored_fields))).encode()
        )
        for inline in self.get_inline_instances(request, obj):
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            rows = inline.get_queryset(request).filter(**{fk.name: obj})
            digest.update(repr(list(_content(rows.order_by("pk")))).encode())
        return digest.hexdigest()

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = kwargs.get("obj")
        if change and obj is not None:
            # A form coming back with errors keeps the state it was opened on, so
            # saving it again after someone else's save is refused again.
            context[self.FORM_STATE] = request.POST.get(
                self.FORM_STATE
            ) or self.form_state(request, obj)
        return super().render_change_form(request, context, add, change, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class
        model_admin = self

        class UnchangedSinceOpened(form_class):
            def clean(self):
                cleaned_data = super().clean()
                opened = self.data.get(EditConflictMixin.FORM_STATE)
                if opened and opened != model_admin.form_state(
                    request, self.instance, lock=True
                ):
                    raise ValidationError(
                        f"This {self.instance._meta.verbose_name} was changed after "
                        "you opened it (by another editor, another tab or an "
                        "import), so your changes were not saved: they would have "
                        "undone those. Open it again in another tab, copy your "
                        "changes over from this one, and save there."
                    )
                return cleaned_data

        return UnchangedSinceOpened


class UnchangedListFormSet(BaseModelFormSet):
    """The formset of a list whose columns are edited in place (`list_editable`):
    its save is refused when a listed row changed after the list was opened.

    Django saves every row whose boxes differ from the row as stored now, so a
    list opened before another editor's save, and saved untouched, put the old
    values back. The management form carries a digest of the editable values the
    list showed (it is the only hidden part of the list Django renders whole), and
    a save is checked against the rows as they are now."""

    STATE = "LIST_STATE"

    @staticmethod
    def _digest(rows):
        return hashlib.sha256(repr(sorted(map(tuple, rows))).encode()).hexdigest()

    @cached_property
    def management_form(self):
        form = super().management_form
        form.fields[self.STATE] = forms.CharField(
            widget=forms.HiddenInput, required=False
        )
        if not self.is_bound:
            fields = [
                self.model._meta.get_field(name) for name in self.form._meta.fields
            ]
            form.initial[self.STATE] = self._digest(
                (row.pk, *(field.value_from_object(row) for field in fields))
                for row in self.get_queryset()
            )
        return form

    def clean(self):
        super().clean()
        opened = self.data.get(f"{self.prefix}-{self.STATE}")
        # From the database: the rows' forms have put the typed values into them.
        stored = self.model._default_manager.filter(
            pk__in=[row.pk for row in self.get_queryset()]
        ).values_list("pk", *self.form._meta.fields)
        if opened and opened != self._digest(stored):
            raise ValidationError(
                "Rows of this list were changed after you opened it (by another "
                "editor, another tab or an import), so nothing was saved: your "
                "changes would have undone those. Open the list again and make "
                "your changes there."
            )


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's many-to-many choice refuses "abc" as "not a valid value" but
    queries a number past the column's range, which SQLite cannot take."""

    def _check_values(self, value):
        if isinstance(value, list | tuple):
            options = self.queryset.model._meta
            key = (
                options.get_field(self.to_field_name)
                if self.to_field_name
                else options.pk
            )
            for unreadable in set(value) - set(readable_keys(key, value)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": unreadable},
                )
        return super()._check_values(value)


class RowsOfThisRecordFormSet(BaseModelFormSet):
    """An inline formset whose shown rows must be the record's own. A row posted
    with the id of another record's row (a tampered form) was skipped by Django
    without a word, its changes lost under "changed successfully"."""

    def clean(self):
        super().clean()
        pk_name = self.model._meta.pk.name
        for number, form in enumerate(self.initial_forms, start=1):
            if form.instance.pk is None and form.data.get(form.add_prefix(pk_name)):
                record = self.instance._meta.verbose_name
                raise ValidationError(
                    f"Row {number} of the {self.model._meta.verbose_name_plural} "
                    f"belongs to another {record} or no longer exists, so nothing "
                    f"was saved. Open this {record} again in another tab, copy your "
                    "changes over from this one, and save there."
                )


def _shown_value(field, value):
    """A bound field's value as an editor reads it: a choice by its name, a box
    as yes or no, a date and time as one."""
    if isinstance(field, forms.ModelChoiceField):
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        try:
            chosen = field.clean(value)
        except ValidationError:  # an id no row has: shown as sent
            return ", ".join(value) if multiple else str(value)
        return ", ".join(map(str, chosen)) if multiple else str(chosen)
    if isinstance(field, forms.ChoiceField):
        names = {str(key): name for key, name in flatten_choices(field.choices)}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(names.get(str(each), each)) for each in values)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):  # a date and time, each in its box
        return " ".join(str(part) for part in value if part)
    return str(value)


def _is_empty(value):
    return value in (None, "") or (isinstance(value, list | tuple) and not any(value))


class CareerguideAdmin(PlainTextMixin, WrittenNumbersMixin, admin.ModelAdmin):
    """What `CareerguideAdminSite` adds to every model admin registered on it."""

    def response_action(self, request, queryset):
        # An id no row can have is no selection ("Items must be selected…").
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        readable = readable_keys(self.model._meta.pk, selected)
        if readable != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, readable)
        # Rows deleted since the list was shown: the action ran on none, and said
        # so as if they were there ("the selected pages were live already").
        if (
            readable
            and request.POST.get("select_across") != "1"
            and not queryset.filter(pk__in=readable).exists()
        ):
            self.message_user(
                request,
                f"None of the selected {self.opts.verbose_name_plural} is in the "
                "list any more (deleted meanwhile?): nothing was done.",
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def get_deleted_objects(self, objs, request):
        return deleted_objects(objs, request, self.admin_site)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and object_id is not None
            and "_saveasnew" not in request.POST
            and self.has_change_permission(request)
            # An id no row can have ("abc") is no deleted record: Django's answer.
            and readable_keys(self.model._meta.pk, [unquote(object_id)])
            and self.get_object(request, unquote(object_id)) is None
        ):
            return self.deleted_while_open(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            checked = type(formset.__name__, (RowsOfThisRecordFormSet, formset), {})
            yield checked, inline

    def deleted_while_open(self, request, object_id):
        """The answer to a save of a record deleted after its form was opened (by
        another editor, another tab, an import): nothing is saved, and what the
        editor typed is shown to copy. Django sent them to the admin's home page
        with "Perhaps it was deleted?", and what they had typed was lost."""
        opts = self.model._meta
        return TemplateResponse(
            request,
            "admin/deleted_while_open.html",
            {
                **self.admin_site.each_context(request),
                "title": f"This {opts.verbose_name} was deleted",
                "opts": opts,
                "typed": list(self._typed_values(request, object_id)),
                "has_add_permission": self.has_add_permission(request),
                # Only an admin with a revision history can restore one.
                "restore_url": history_url(request, object_id)
                if (history_url := getattr(self, "deleted_record_history_url", None))
                else None,
            },
            status=409,
        )

    def _typed_values(self, request, object_id):
        """(label, value) for each field of the posted change form, and of each
        inline row it would have saved, that holds something. Read through the
        forms the change view builds, so each widget reads its own part of the
        POST (a date and its time, a box left unticked)."""
        # Unsaved, only for the change form's fields (an add form may have
        # others: a user's has a password, not a name and email).
        record = self.model(pk=unquote(object_id))
        form = self.get_form(request, record, change=True)(request.POST, request.FILES)
        for name in form.fields:
            value = form[name].value()
            if not _is_empty(value):
                yield form[name].label, _shown_value(form.fields[name], value)
        # The inline formsets as the change view makes them (prefixes numbered,
        # the POST bound): Django's helper, private but stable across 5.x.
        formsets, inlines = self._create_formsets(request, record, change=True)
        for formset, inline in zip(formsets, inlines, strict=True):
            for number, row in enumerate(formset.forms, start=1):
                deleted = row.data.get(row.add_prefix("DELETE"))
                if deleted or (
                    number > formset.initial_form_count() and not row.has_changed()
                ):
                    continue  # a row to delete, or an extra row left untouched
                for name, field in row.fields.items():
                    if name in (formset.model._meta.pk.name, "DELETE") or isinstance(
                        field, InlineForeignKeyField
                    ):
                        continue
                    value = row[name].value()
                    if not _is_empty(value):
                        label = (
                            f"{capfirst(inline.verbose_name)} {number}: {field.label}"
                        )
                        yield label, _shown_value(field, value)

    def get_changeform_initial_data(self, request):
        """An add form's values from its address (?published_at=…), without the
        times it cannot read: the date and time widget takes only a datetime."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.DateTimeField) and isinstance(value, str):
                try:
                    moment = parse_datetime(value)
                except ValueError:  # a date past the month's end
                    moment = None
                if moment is None:
                    del initial[name]
                elif timezone.is_naive(moment):
                    initial[name] = timezone.make_aware(moment)
                else:
                    initial[name] = moment
        return initial

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                CheckedAutocompleteSelect(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return CheckedLookupsChangeList

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault("formset", UnchangedListFormSet)
        return super().get_changelist_formset(request, **kwargs)

    def _get_edited_object_pks(self, request, prefix):
        """The ids of the rows a list's save names. One no row can have (a number
        past the column's range) comes from no list: a tampered request, answered
        400. Django queried it, and SQLite refuses such a number: a 500."""
        pks = super()._get_edited_object_pks(request, prefix)
        if readable_keys(self.model._meta.pk, pks) != pks:
            raise SuspiciousOperation("A list's save names a row id no row can have.")
        return pks

    def get_search_results(self, request, queryset, search_term):
        # No text holds a NUL character, and PostgreSQL refuses one in a query
        # (the autocomplete's search has no changelist to turn that into ?e=1).
        search_term = search_term.replace("\x00", "")
        return super().get_search_results(request, queryset, search_term)
