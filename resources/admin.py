from django.contrib import admin
from django.db import models

from adminsite.history import HistoryAdmin
from adminsite.spreadsheets import SheetResource, SpreadsheetMixin

from .models import CareerPageResource, Resource


class ResourceSheet(SheetResource):
    """A resource as one spreadsheet row, matched on its name."""

    class Meta:
        model = Resource
        import_id_fields = ("name",)
        fields = (
            "name",
            "version",
            "url",
            "description",
            "show_in_directory",
            "position",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


@admin.register(Resource)
class ResourceAdmin(SpreadsheetMixin, HistoryAdmin):
    lists_deleted_records = True
    list_display = ("name", "url", "show_in_directory", "position")
    list_editable = ("show_in_directory", "position")
    list_filter = ("show_in_directory",)
    search_fields = ("name", "url", "description")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    resource_classes = (ResourceSheet,)


@admin.register(CareerPageResource)
class CareerPageResourceAdmin(HistoryAdmin):
    list_display = ("resource", "page", "position")
    list_select_related = ("resource", "page")
    search_fields = ("resource__name", "page__title")
    autocomplete_fields = ("page", "resource")
