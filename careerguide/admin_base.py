"""The admin site and what every ModelAdmin on it shares."""

import re
from contextlib import nullcontext

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction


class CheckedLookupsChangeList(ChangeList):
    """Django's changelist takes any lookup on a model's own fields from the
    address (?updated_at__year=99999, ?title__regex=( ) and only the database or
    the SQL compiler finds it bad: a 500. Such a list gets Django's own answer to
    bad parameters instead: the unfiltered list, marked ?e=1."""

    def get_results(self, request):
        # Inside a transaction, a savepoint: on PostgreSQL a failed query would
        # end the transaction. (Not a transaction of its own: on SQLite that would
        # take the write lock for a read.)
        savepoint = (
            transaction.atomic() if connection.in_atomic_block else nullcontext()
        )
        try:
            with savepoint:
                super().get_results(request)
        except (ValueError, OverflowError, DatabaseError) as error:
            raise IncorrectLookupParameters(error) from error


class CheckedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that shows a form posted with an unreadable value again.

    Shown again, Django's autocomplete looks up the label of the value it was
    posted with. A value the key cannot hold ("abc", a number past the column's
    range) failed that lookup: a 500 where the field already says "Select a valid
    choice". No browser sends one, but a mangled POST is bad input like any other.
    """

    def readable(self, values):
        """The values among `values` the key's column can hold."""
        key = self.field.target_field
        readable = []
        for value in values:
            try:
                key.clean(value, None)
            except ValidationError:
                continue
            readable.append(value)
        return readable

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, self.readable(value), attr)


class WrittenNumberField(forms.DecimalField):
    """A number as people write figures: "95,000", "$95,000.50". A comma must
    group thousands: "95,00" is a typo or another country's decimal comma, so it
    is refused ("Enter a number."), not guessed at."""

    WRITTEN = re.compile(r"(-?)\$?(\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d*\.?\d*)")

    def to_python(self, value):
        if isinstance(value, str) and (
            written := self.WRITTEN.fullmatch(value.strip())
        ):
            sign, number = written.groups()
            value = sign + number.replace(",", "")
        return super().to_python(value)


class WrittenNumbersMixin:
    """A model or inline admin whose forms read figures as people write them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Added to the admin's own overrides (Django merges them per instance),
        # not in their place: ResourceAdmin's URL fields keep theirs.
        decimal = self.formfield_overrides.setdefault(models.DecimalField, {})
        decimal.setdefault("form_class", WrittenNumberField)


class CareerguideAdmin(WrittenNumbersMixin, admin.ModelAdmin):
    """What `CareerguideAdminSite` adds to every model admin registered on it."""

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

    def get_search_results(self, request, queryset, search_term):
        # No text holds a NUL character, and PostgreSQL refuses one in a query
        # (the autocomplete's search has no changelist to turn that into ?e=1).
        search_term = search_term.replace("\x00", "")
        return super().get_search_results(request, queryset, search_term)


class CareerguideAdminSite(admin.AdminSite):
    """The site's admin (`careerguide.apps.CareerguideAdminConfig` makes it the
    default `admin.site`). Every model admin registered on it, the site's own and
    the libraries' (auth's users and groups, axes' sign-in records) alike, is made
    a `CareerguideAdmin` here, so no admin class has to remember to be one."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, CareerguideAdmin):
            admin_class = type(
                admin_class.__name__,
                (CareerguideAdmin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)
