from django.contrib import admin
from django.db import models

from .models import CareerPageResource, Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "show_in_directory", "position")
    list_editable = ("show_in_directory", "position")
    list_filter = ("show_in_directory",)
    search_fields = ("name", "url", "description")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(CareerPageResource)
class CareerPageResourceAdmin(admin.ModelAdmin):
    list_display = ("resource", "page", "position")
    list_select_related = ("resource", "page")
    search_fields = ("resource__name", "page__title")
    autocomplete_fields = ("page", "resource")
