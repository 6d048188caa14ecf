from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.forms import ModelChoiceField
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property

from resources.models import CareerPageResource

from .models import (
    AlternateTitle,
    CareerPage,
    DataRelease,
    EmploymentProjection,
    JobZone,
    Occupation,
    OccupationSkill,
    OccupationTechnology,
    RelatedOccupation,
    Skill,
    SkillCategory,
    SocMajorGroup,
    Task,
    Technology,
    TechnologyCategory,
    WageEstimate,
)


class BatchedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose selected labels are looked up for every row at once.

    Django's autocomplete queries the label of its selected value when it renders,
    once per inline row; `SharedChoicesFormSet` fills `labels` for all rows instead.
    """

    labels = None  # {str(pk): label}

    def optgroups(self, name, value, attr=None):
        if self.labels is None:
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        )
        for selected in (str(v) for v in value if str(v) in self.labels):
            options.append(
                self.create_option(
                    name, selected, self.labels[selected], True, len(options)
                )
            )
        return [(None, options, 0)]


class SharedChoicesFormSet(BaseInlineFormSet):
    """An inline formset whose foreign-key columns cost one query, not one per row.

    A select's choices are evaluated once and shared by every row; an autocomplete
    column's selected labels are fetched for all rows in one query. This keeps an
    occupation with 100 technologies as cheap to edit as one with 3.
    """

    @cached_property
    def forms(self):
        forms = super().forms
        self._share_choices(forms)
        return forms

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Django sets only the parent's id; rows whose __str__ names the parent would
        # fetch it again, once per row.
        if self.instance.pk is not None:
            setattr(form.instance, self.fk.name, self.instance)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        self._share_choices([form])
        return form

    @cached_property
    def _choice_cache(self):
        return {}

    def _share_choices(self, forms):
        if not forms:
            return
        # The row's own primary key and the parent link are model choice fields too,
        # but they are hidden and never list their choices.
        skipped = {self.fk.name, self.model._meta.pk.name}
        for name, field in forms[0].fields.items():
            if not isinstance(field, ModelChoiceField) or name in skipped:
                continue
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, BatchedAutocompleteSelect):
                self._share_autocomplete_labels(name, field, forms)
                continue
            if name not in self._choice_cache:
                # Iterate, not list(): list() asks len() first, a COUNT query.
                self._choice_cache[name] = [*iter(field.choices)]
            for form in forms:
                form.fields[name].choices = self._choice_cache[name]

    def _share_autocomplete_labels(self, name, field, forms):
        cached = self._choice_cache.setdefault(name, {})
        wanted = {str(form[name].value()) for form in forms if form[name].value()}
        missing = wanted - cached.keys()
        if missing:
            cached.update(
                (str(obj.pk), field.label_from_instance(obj))
                for obj in field.queryset.filter(pk__in=missing)
            )
        for form in forms:
            form.fields[name].widget.widget.labels = cached


class SharedChoicesInline(admin.TabularInline):
    formset = SharedChoicesFormSet
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BatchedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TaskInline(SharedChoicesInline):
    model = Task
    fields = ("statement", "task_type", "position", "is_featured", "onet_task_id")


class OccupationSkillInline(SharedChoicesInline):
    model = OccupationSkill
    fields = ("skill", "importance", "level", "position", "is_featured")
    autocomplete_fields = ("skill",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("skill__category")


class OccupationTechnologyInline(SharedChoicesInline):
    model = OccupationTechnology
    fields = ("technology", "is_in_demand", "is_featured")
    autocomplete_fields = ("technology",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("technology__category")


class WageEstimateInline(SharedChoicesInline):
    model = WageEstimate
    fields = (
        "release",
        "annual_pct10",
        "annual_pct25",
        "annual_median",
        "annual_pct75",
        "annual_pct90",
        "hourly_pct10",
        "hourly_pct25",
        "hourly_median",
        "hourly_pct75",
        "hourly_pct90",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("release")


class EmploymentProjectionInline(SharedChoicesInline):
    model = EmploymentProjection
    fields = (
        "release",
        "employment_base",
        "employment_projected",
        "growth_percent",
        "annual_openings",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("release")


@admin.register(DataRelease)
class DataReleaseAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "reference_date", "horizon_year")
    list_filter = ("kind",)
    search_fields = ("name",)
    readonly_fields = ("source_digest",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "job_zone", "release", "updated_at")
    list_filter = ("job_zone", "release")
    list_select_related = ("release",)
    search_fields = ("code", "title")
    inlines = (
        TaskInline,
        WageEstimateInline,
        EmploymentProjectionInline,
        OccupationSkillInline,
        OccupationTechnologyInline,
    )


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("statement", "occupation", "task_type", "rank", "position")
    list_filter = ("task_type", "is_featured")
    list_select_related = ("occupation",)
    search_fields = ("statement", "occupation__code", "occupation__title")
    autocomplete_fields = ("occupation",)


@admin.register(SkillCategory)
class SkillCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)
    search_fields = ("name",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "element_id", "summary", "category")
    list_filter = ("category",)
    list_select_related = ("category",)
    search_fields = ("name", "element_id", "summary")


@admin.register(OccupationSkill)
class OccupationSkillAdmin(admin.ModelAdmin):
    list_display = ("skill", "occupation", "importance", "level")
    list_filter = ("skill__category",)
    list_select_related = ("skill", "occupation")
    search_fields = ("skill__name", "occupation__code", "occupation__title")
    autocomplete_fields = ("occupation", "skill")


@admin.register(TechnologyCategory)
class TechnologyCategoryAdmin(admin.ModelAdmin):
    list_display = ("title", "commodity_code")
    search_fields = ("title", "commodity_code")


@admin.register(Technology)
class TechnologyAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "is_hot_technology")
    list_filter = ("is_hot_technology", "category")
    list_select_related = ("category",)
    search_fields = ("name", "category__title")
    autocomplete_fields = ("category",)


@admin.register(OccupationTechnology)
class OccupationTechnologyAdmin(admin.ModelAdmin):
    list_display = ("technology", "occupation", "is_in_demand")
    list_filter = ("is_in_demand",)
    list_select_related = ("technology", "occupation")
    search_fields = ("technology__name", "occupation__code", "occupation__title")
    autocomplete_fields = ("occupation", "technology")


@admin.register(WageEstimate)
class WageEstimateAdmin(admin.ModelAdmin):
    list_display = ("occupation", "release", "annual_median", "hourly_median")
    list_filter = ("release",)
    list_select_related = ("occupation", "release")
    search_fields = ("occupation__code", "occupation__title")
    autocomplete_fields = ("occupation",)
    fieldsets = (
        (None, {"fields": ("occupation", "release")}),
        (
            "Annual wages (USD)",
            {
                "fields": (
                    "annual_pct10",
                    "annual_pct25",
                    "annual_median",
                    "annual_pct75",
                    "annual_pct90",
                )
            },
        ),
        (
            "Hourly wages (USD)",
            {
                "fields": (
                    "hourly_pct10",
                    "hourly_pct25",
                    "hourly_median",
                    "hourly_pct75",
                    "hourly_pct90",
                )
            },
        ),
    )


@admin.register(EmploymentProjection)
class EmploymentProjectionAdmin(admin.ModelAdmin):
    list_display = ("occupation", "release", "growth_percent", "annual_openings")
    list_filter = ("release",)
    list_select_related = ("occupation", "release")
    search_fields = ("occupation__code", "occupation__title")
    autocomplete_fields = ("occupation",)


class CareerPageResourceInline(SharedChoicesInline):
    model = CareerPageResource
    fields = ("resource", "description", "position")
    autocomplete_fields = ("resource",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("resource")


@admin.register(CareerPage)
class CareerPageAdmin(admin.ModelAdmin):
    list_display = ("title", "career_name", "occupation", "status", "updated_at")
    list_filter = ("status", "data_lists", "headline_year")
    list_select_related = ("occupation",)
    search_fields = (
        "title",
        "career_name",
        "slug",
        "occupation__code",
        "occupation__title",
    )
    prepopulated_fields = {"slug": ("career_name",)}
    autocomplete_fields = ("occupation",)
    date_hierarchy = "updated_at"
    inlines = (CareerPageResourceInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "career_name",
                    "career_name_plural",
                    "slug",
                    "headline_year",
                    "occupation",
                    "summary",
                    "data_lists",
                )
            },
        ),
        ("Publishing", {"fields": ("status", "published_at")}),
        (
            "Editorial sections (Markdown)",
            {
                "fields": (
                    "introduction",
                    "duties",
                    "qualifications",
                    "career_path",
                    "why_consider",
                    "outlook",
                    "resources_introduction",
                    "resources_conclusion",
                )
            },
        ),
    )


@admin.register(JobZone)
class JobZoneAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "svp_range")


@admin.register(SocMajorGroup)
class SocMajorGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "title")
    search_fields = ("code", "title")


@admin.register(RelatedOccupation)
class RelatedOccupationAdmin(admin.ModelAdmin):
    list_display = ("occupation", "related", "tier", "index")
    list_filter = ("tier",)
    list_select_related = ("occupation", "related")
    search_fields = ("occupation__code", "occupation__title", "related__title")
    autocomplete_fields = ("occupation", "related")


@admin.register(AlternateTitle)
class AlternateTitleAdmin(admin.ModelAdmin):
    list_display = ("title", "occupation", "kind", "short_title")
    list_filter = ("kind",)
    list_select_related = ("occupation",)
    search_fields = ("title", "short_title", "occupation__code", "occupation__title")
    autocomplete_fields = ("occupation",)
