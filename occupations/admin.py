from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import UniqueConstraint
from django.forms import ModelChoiceField
from django.forms.models import BaseInlineFormSet, ModelChoiceIteratorValue
from django.http import Http404, HttpResponseNotAllowed
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from adminsite.history import HistoryAdmin
from adminsite.options import (
    CheckedAutocompleteSelect,
    EditConflictMixin,
    PlainTextMixin,
    WrittenNumbersMixin,
)
from adminsite.spreadsheets import SpreadsheetMixin
from resources.models import CareerPageResource
from resources.services import (
    page_link_changes,
    page_links_as_of,
    page_links_restore,
)

from . import page_cache
from .models import (
    DUPLICATE_ONET_TASK_ID,
    SEARCH_FIELDS,
    WAGE_FIELDS,
    WAGE_PERCENTILES,
    AlternateTitle,
    CareerPage,
    DataRelease,
    EmploymentProjection,
    FormerSlug,
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
from .presentation import words_listed
from .services import (
    career_page_publish_time,
    career_pages_publish,
    career_pages_to_publish,
    career_pages_to_unpublish,
    career_pages_unpublish,
)
from .spreadsheets import CareerPageSheet
from .views import CareerDetailView


class BatchedAutocompleteSelect(CheckedAutocompleteSelect):
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


class PreloadedModelChoiceField(ModelChoiceField):
    """A model choice field that takes the chosen object from `preloaded`
    ({pk: object}) when it is there, and asks the database only when it is not.

    Django's field fetches its object once per form: an inline's foreign-key
    column, and its rows' own ids, cost a query a row when the form is saved.
    `SharedChoicesFormSet` fills `preloaded` for all rows at once. The objects
    come from the field's own queryset, so what the field accepts is unchanged."""

    preloaded = None

    def to_python(self, value):
        pk = self.queryset.model._meta.pk
        # A foreign key's field names the primary key it points to.
        if self.preloaded and self.to_field_name in (None, pk.name):
            try:
                key = pk.to_python(value)
            except ValidationError:  # the database's lookup says what is wrong
                key = None
            if key in self.preloaded:
                return self.preloaded[key]
        return super().to_python(value)


class SharedChoicesFormSet(BaseInlineFormSet):
    """An inline formset whose foreign-key columns cost one query, not one per row.

    A select's choices are evaluated once and shared by every row; an autocomplete
    column's chosen objects are fetched for all rows in one query, for their labels
    and, when the form is posted, as the rows' values (`PreloadedModelChoiceField`).
    Each posted row's own id is its row, already fetched. With `InlineRowForm`,
    which checks only changed rows against the database, this keeps an occupation
    with 400 technologies as cheap to edit and save as one with 3.
    """

    # New rows one save takes. Django's own cap is 2,000 forms a formset, and an
    # occupation form posted with every inline at 2,000 held a worker for over a
    # minute; the rows a record has stay editable however many.
    MOST_NEW_ROWS = 100

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.absolute_max = len(self.get_queryset()) + self.MOST_NEW_ROWS
        # Here, not in default_error_messages: a subclass's limit is named too.
        self.error_messages["too_many_forms"] = (
            f"At most {self.MOST_NEW_ROWS} new rows at a time: save these first."
        )

    @cached_property
    def forms(self):
        forms = super().forms
        self._share_choices(forms)
        return forms

    def clean(self):
        super().clean()
        self._refuse_values_other_rows_hold()
        self._refuse_values_rows_not_shown_hold()

    def _unique_fields(self):
        """The field tuples unique among the parent's rows (its foreign key left
        out), from the model's unique constraints that name the parent."""
        parent = self.fk.name
        return [
            tuple(name for name in constraint.fields if name != parent)
            for constraint in self.model._meta.constraints
            if isinstance(constraint, UniqueConstraint) and parent in constraint.fields
        ]

    def _stored_rows(self):
        return self.model._default_manager.filter(**{self.fk.name: self.instance})

    @staticmethod
    def _row_key(form, fields):
        """The row's values of `fields` as the database compares them (a foreign
        key as its id)."""
        return tuple(
            getattr(value, "pk", value)
            for value in (form.cleaned_data.get(name) for name in fields)
        )

    def _refuse_values_other_rows_hold(self):
        """A row that would take a value another row still holds when it is saved
        is an error on the form. Django saves the rows one by one from the top,
        deleting the rows marked for deletion as it reaches them, so two rows'
        values swapped would break the database's unique constraint on the
        first save: a 500, not a message. The saves are played through in that
        order; only a real clash is refused."""
        if self.instance.pk is None or not any(
            form.has_changed() for form in self.initial_forms
        ):
            return
        rows = self._stored_rows()
        for fields in self._unique_fields():
            # Who holds each value as the saves go, and each row's value.
            key_of = {
                pk: tuple(key)
                for pk, *key in rows.values_list("pk", *fields)
                if None not in key
            }
            held = {key: pk for pk, key in key_of.items()}
            for form in self.initial_forms:
                if not form.is_valid():
                    continue
                pk = form.instance.pk
                if self._should_delete_form(form):
                    held.pop(key_of.pop(pk, None), None)
                    continue
                if not form.has_changed():
                    continue
                key = self._row_key(form, fields)
                if None in key or held.get(key, pk) == pk:
                    held.pop(key_of.pop(pk, None), None)
                    if None not in key:
                        held[key], key_of[pk] = pk, key
                    continue
                field = next((n for n in fields if n in form.changed_data), None)
                label = self.model._meta.get_field(field or fields[0]).verbose_name
                form.add_error(
                    field,
                    f"Another row still has this {label} when this row is saved "
                    "(rows are saved from the top down). Save twice: first change or "
                    "delete that row, then this one.",
                )

    def _refuse_values_rows_not_shown_hold(self):
        """A new row taking a value that a stored row the form does not show holds
        is an error on the form. Django leaves the constraints naming the parent
        out of each row's validation, so it was a database error, a 500: a form
        posted with fewer rows than it showed sends them back as new rows."""
        new_rows = [
            form
            for form in self.extra_forms
            if form.has_changed()
            and form.is_valid()
            and not self._should_delete_form(form)
        ]
        if self.instance.pk is None or not new_rows:
            return
        shown = [form.instance.pk for form in self.initial_forms]
        not_shown = self._stored_rows().exclude(pk__in=shown)
        for fields in self._unique_fields():
            held = set(not_shown.values_list(*fields))
            for form in new_rows:
                key = self._row_key(form, fields)
                # No value (a task without an O*NET ID) clashes with nothing.
                if None not in key and key in held:
                    label = self.model._meta.get_field(fields[0]).verbose_name
                    form.add_error(
                        fields[0] if fields[0] in form.fields else None,
                        f"Another row already has this {label}. Open the page "
                        "again to see every row.",
                    )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django's field for the row's id looks the posted id up again; the
        # formset fetched its rows in one query and gave the form its own.
        name = self.model._meta.pk.name
        id_field = form.fields[name]
        if type(id_field) is ModelChoiceField:
            form.fields[name] = PreloadedModelChoiceField(
                id_field.queryset,
                initial=id_field.initial,
                required=False,
                widget=id_field.widget,
            )
            if not form.instance._state.adding:
                form.fields[name].preloaded = {form.instance.pk: form.instance}

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
                self._share_autocomplete_labels(name, field, widget, forms)
                continue
            if name not in self._choice_cache:
                # Iterate, not list(): list() asks len() first, a COUNT query.
                self._choice_cache[name] = [*iter(field.choices)]
            choices = self._choice_cache[name]
            objects = {
                value.instance.pk: value.instance
                for value, label in choices
                if isinstance(value, ModelChoiceIteratorValue)
            }
            for form in forms:
                form.fields[name].choices = choices
                form.fields[name].preloaded = objects

    def _share_autocomplete_labels(self, name, field, widget, forms):
        objects = self._choice_cache.setdefault(name, {})
        wanted = {str(form[name].value()) for form in forms if form[name].value()}
        missing = widget.readable(wanted - {str(pk) for pk in objects})
        if missing:
            objects.update(
                (obj.pk, obj) for obj in field.queryset.filter(pk__in=missing)
            )
        labels = {
            str(pk): field.label_from_instance(obj) for pk, obj in objects.items()
        }
        for form in forms:
            form.fields[name].widget.widget.labels = labels
            form.fields[name].preloaded = objects


class InlineRowForm(forms.ModelForm):
    """An inline's row, checked by the model only if the editor changed it.

    A stored row posted back as it was is what the database holds, and it is not
    saved again; but the model's checks query the database for each row (its
    foreign keys exist, each check constraint), seven queries a row of an
    occupation's skills. Changed, new and deleted rows are checked as always, and
    every row's fields, and rows against one another (the formset), still are."""

    def _post_clean(self):
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()


class SharedChoicesInline(PlainTextMixin, WrittenNumbersMixin, admin.TabularInline):
    formset = SharedChoicesFormSet
    form = InlineRowForm
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", PreloadedModelChoiceField)
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BatchedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TaskFormSet(SharedChoicesFormSet):
    def clean(self):
        """One O*NET task ID per occupation, checked here: Django leaves the
        constraints that name the parent out of each row's validation (the parent
        may not be saved yet), so a repeated ID was a database error, not a message.
        """
        super().clean()
        rows = [
            form
            for form in self.forms
            if form.is_valid()
            and not self._should_delete_form(form)
            and form.cleaned_data.get("onet_task_id") is not None
        ]
        shown = [form.instance.pk for form in self.forms if form.instance.pk]
        taken = Counter(
            Task.objects.filter(occupation=self.instance.pk, onet_task_id__isnull=False)
            .exclude(pk__in=shown)
            .values_list("onet_task_id", flat=True)
            if self.instance.pk
            else ()
        )
        taken.update(form.cleaned_data["onet_task_id"] for form in rows)
        for form in rows:
            if taken[form.cleaned_data["onet_task_id"]] > 1:
                form.add_error("onet_task_id", DUPLICATE_ONET_TASK_ID)


class TaskInline(SharedChoicesInline):
    model = Task
    formset = TaskFormSet
    fields = (
        "statement",
        "onet_statement",
        "task_type",
        "position",
        "is_featured",
        "onet_task_id",
    )
    readonly_fields = ("onet_statement",)


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


class FiguresForm(forms.ModelForm):
    """Figures the model checks against one another (wage percentiles in order,
    growth against employment). A figure the form refused keeps its stored value
    on the instance, and the model compared that with the ones typed: a second
    error about a figure no one typed. Refused, it is compared as blank."""

    def _post_clean(self):
        # Its own checks leave it out (the form excludes a refused field), and
        # the model's comparisons skip a figure that is None.
        figures = {
            field.name
            for field in self.instance._meta.concrete_fields
            if not field.is_relation
        }
        for name in figures & self._errors.keys():
            setattr(self.instance, name, None)
        super()._post_clean()


class FigureRowForm(InlineRowForm, FiguresForm):
    """A row of figures in an occupation's inline."""


class WageEstimateInline(SharedChoicesInline):
    model = WageEstimate
    form = FigureRowForm
    fields = ("release", *WAGE_FIELDS)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("release")


class EmploymentProjectionInline(SharedChoicesInline):
    model = EmploymentProjection
    form = FigureRowForm
    fields = (
        "release",
        "employment_base",
        "employment_projected",
        "growth_percent",
        "annual_openings",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("release")


class DataReleaseForm(forms.ModelForm):
    def _post_clean(self):
        # After the model's own checks, so that a top code they refuse (below 1,
        # too many digits) is not also compared with the stored wages.
        super()._post_clean()
        for basis in ("annual", "hourly") if self.instance.pk else ():
            field = f"top_code_{basis}"
            if field not in self.errors and (
                error := self.instance.top_code_change_error(basis)
            ):
                self.add_error(field, error)


@admin.register(DataRelease)
class DataReleaseAdmin(HistoryAdmin):
    form = DataReleaseForm
    list_display = ("name", "kind", "reference_date", "horizon_year")
    list_filter = ("kind",)
    search_fields = ("name",)
    readonly_fields = ("source_digest",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.display(description="text edited", boolean=True)
def text_edited(obj):
    return bool(obj.edited_fields)


EDITED_TEXT_HELP = (
    "Imports write the O*NET text on the right and leave yours alone once it differs; "
    "paste the O*NET text back to follow the data again."
)


@admin.register(Occupation)
class OccupationAdmin(HistoryAdmin):
    lists_deleted_records = True
    # Says that a revert leaves the occupation's rows as they are.
    object_history_form_template = "admin/occupations/occupation/revert_form.html"
    list_display = ("code", "title", "job_zone", "release", text_edited, "updated_at")
    list_filter = ("job_zone", "release")
    list_select_related = ("release",)
    search_fields = ("code", "title")
    readonly_fields = ("onet_title", "onet_description")
    # Rebuilt when an alternate title of the occupation is saved or deleted.
    form_state_ignored_fields = SEARCH_FIELDS
    fieldsets = (
        (None, {"fields": ("code", "release", "job_zone")}),
        (
            "Text shown on the site",
            {
                "description": EDITED_TEXT_HELP,
                "fields": (
                    ("title", "onet_title"),
                    ("description", "onet_description"),
                ),
            },
        ),
        ("Education", {"fields": ("education_level", "education_level_percent")}),
    )
    inlines = (
        TaskInline,
        WageEstimateInline,
        EmploymentProjectionInline,
        OccupationSkillInline,
        OccupationTechnologyInline,
    )

    def deleted_record_label(self, record):
        # Its history leaves the search fields out (SEARCH_FIELDS).
        return f"{record.code} {record.title}"


@admin.register(Task)
class TaskAdmin(HistoryAdmin):
    list_display = (
        "statement",
        "occupation",
        "task_type",
        "rank",
        "position",
        "is_featured",
        text_edited,
    )
    list_editable = ("position", "is_featured")
    list_filter = ("task_type", "is_featured")
    list_select_related = ("occupation",)
    search_fields = ("statement", "occupation__code", "occupation__title")
    autocomplete_fields = ("occupation",)
    readonly_fields = ("onet_statement",)
    fieldsets = (
        (None, {"fields": ("occupation", "onet_task_id", "task_type", "importance")}),
        (
            "Text shown on the site",
            {
                "description": EDITED_TEXT_HELP,
                "fields": ("statement", "onet_statement"),
            },
        ),
        ("On career pages", {"fields": ("position", "is_featured")}),
    )


@admin.register(SkillCategory)
class SkillCategoryAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)
    search_fields = ("name",)


@admin.register(Skill)
class SkillAdmin(HistoryAdmin):
    list_display = ("name", "element_id", "summary", "category")
    list_filter = ("category",)
    list_select_related = ("category",)
    search_fields = ("name", "element_id", "summary")


@admin.register(OccupationSkill)
class OccupationSkillAdmin(HistoryAdmin):
    list_display = ("skill", "occupation", "importance", "level", "is_featured")
    list_editable = ("is_featured",)
    list_filter = ("is_featured", "skill__category")
    list_select_related = ("skill", "occupation")
    search_fields = ("skill__name", "occupation__code", "occupation__title")
    autocomplete_fields = ("occupation", "skill")


@admin.register(TechnologyCategory)
class TechnologyCategoryAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ("title", "commodity_code")
    search_fields = ("title", "commodity_code")


@admin.register(Technology)
class TechnologyAdmin(HistoryAdmin):
    list_display = ("name", "category", "is_hot_technology")
    list_filter = ("is_hot_technology", "category")
    list_select_related = ("category",)
    search_fields = ("name", "category__title")
    autocomplete_fields = ("category",)


@admin.register(OccupationTechnology)
class OccupationTechnologyAdmin(HistoryAdmin):
    # Featuring one of an occupation's 400 technologies: search its code or name
    # and the technology, and tick it here, not in a form of 400 rows.
    list_display = ("technology", "occupation", "is_in_demand", "is_featured")
    list_editable = ("is_in_demand", "is_featured")
    list_filter = ("is_featured", "is_in_demand")
    list_select_related = ("technology", "occupation")
    search_fields = ("technology__name", "occupation__code", "occupation__title")
    autocomplete_fields = ("occupation", "technology")


@admin.register(WageEstimate)
class WageEstimateAdmin(HistoryAdmin):
    form = FiguresForm
    list_display = ("occupation", "release", "annual_median", "hourly_median")
    list_filter = ("release",)
    list_select_related = ("occupation", "release")
    search_fields = ("occupation__code", "occupation__title")
    autocomplete_fields = ("occupation",)
    fieldsets = (
        (None, {"fields": ("occupation", "release")}),
        *(
            (
                f"{basis.title()} wages (USD)",
                {"fields": [f"{basis}_{pct}" for pct in WAGE_PERCENTILES]},
            )
            for basis in ("annual", "hourly")
        ),
    )


@admin.register(EmploymentProjection)
class EmploymentProjectionAdmin(HistoryAdmin):
    form = FiguresForm
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

    def get_formset(self, request, obj=None, **kwargs):
        """A row added below the links comes after them: lower comes first, and a
        new row's position 0 put it at the top of the page's list."""
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            last = obj.page_resources.aggregate(last=models.Max("position"))["last"]
            if last is not None:
                formset.form.base_fields["position"].initial = last + 1
        return formset


class FormerSlugInline(admin.TabularInline):
    """The addresses a page left when its slug changed; each redirects here.
    Deleting one frees it for another page (`CareerPage.clean`)."""

    model = FormerSlug
    fields = ("slug", "created_at")
    readonly_fields = fields
    extra = 0
    max_num = 0


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return (("live", "Published"), ("scheduled", "Scheduled"), ("draft", "Draft"))

    def queryset(self, request, queryset):
        return {
            "live": queryset.published,
            "scheduled": queryset.scheduled,
            "draft": queryset.drafts,
        }.get(self.value(), queryset.all)()


@admin.register(CareerPage)
class CareerPageAdmin(SpreadsheetMixin, HistoryAdmin):
    lists_deleted_records = True
    # Its resource links are on the page, and in its history's versions.
    inlines_saving_the_record = (CareerPageResource,)
    list_display = (
        "title",
        "career_name",
        "occupation",
        "publication",
        "published_at",
        "updated_at",
    )
    list_filter = (PublicationFilter, "data_lists", "headline_year")
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
    change_form_template = "admin/occupations/careerpage/change_form.html"
    inlines = (CareerPageResourceInline, FormerSlugInline)
    actions = ("publish_now", "unpublish")
    resource_classes = (CareerPageSheet,)
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
        (
            "Publishing",
            {
                "description": "Draft: nobody but staff sees the page. Published: "
                "visitors see it from its publish time on; a future time schedules "
                "it, and it goes live by itself then.",
                "fields": ("status", "published_at"),
            },
        ),
        (
            "Editorial sections (Markdown)",
            {
                # What occupations.rich_text keeps; the rest is dropped as text.
                "description": "Markdown (CommonMark): paragraphs, **bold**, "
                "*italic*, lists (- or 1.; a sub-item indented under its item's "
                "text), [links](https://…) (a bare web address is no link), ### "
                "headings, > quotes, `code` and --- rules. Tables, ~~strikethrough~~ "
                "and images are not shown as such; HTML shows as typed, but "
                "&lt;!-- notes --&gt; not at all.",
                "fields": CareerPage.EDITORIAL_SECTIONS,
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if getattr(request, "reverting_to_version", None) is None or getattr(
            request, "restoring_deleted_page", False
        ):
            return fieldsets
        # A revert puts back what the page said, not whether it was live: undoing
        # a text change took an unpublished page live again, or a live one down.
        # Fields outside the form keep their current values (save_model). A
        # deleted page has none: its restore form keeps them, to choose.
        return [
            (name, options)
            for name, options in fieldsets
            if "status" not in options["fields"]
        ]

    @admin.display(description="status", ordering="status")
    def publication(self, page):
        return page.publication_label

    def view_on_site(self, page):
        """Staff see drafts and scheduled pages through the preview."""
        if page.is_live:
            return page.get_absolute_url()
        return reverse("admin:occupations_careerpage_preview", args=[page.pk])

    @admin.action(description="Publish selected pages now", permissions=("change",))
    def publish_now(self, request, queryset):
        pages = list(queryset)
        changing = career_pages_to_publish(pages)
        if len(changing) > 1 and not request.POST.get("post"):
            scheduled = sum(page.is_scheduled for page in changing)
            drafts = len(changing) - scheduled
            kinds = ", ".join(
                [
                    *([f"{drafts} draft{pluralize(drafts)}"] if drafts else []),
                    *([f"{scheduled} scheduled for later"] if scheduled else []),
                ]
            )
            return self._confirm_action(
                request,
                queryset,
                changing,
                action="publish_now",
                question=f"Publish {len(changing)} pages now ({kinds})? Visitors, "
                "search engines and the feed see them at once.",
                answer=f"Yes, publish {len(changing)} pages",
            )
        published = career_pages_publish(pages=pages, by=request.user)
        self._report_action(
            request, published, len(pages), "Published {pages}.", ("live", "live")
        )

    @admin.action(
        description="Unpublish selected pages (back to draft)",
        permissions=("change",),
    )
    def unpublish(self, request, queryset):
        pages = list(queryset)
        changing = career_pages_to_unpublish(pages)
        if len(changing) > 1 and not request.POST.get("post"):
            return self._confirm_action(
                request,
                queryset,
                changing,
                action="unpublish",
                question=f"Take {len(changing)} pages off the site? They become "
                "drafts: visitors and search engines get “not found” at their "
                "addresses until they are published again.",
                answer=f"Yes, unpublish {len(changing)} pages",
            )
        drafted = career_pages_unpublish(pages=pages, by=request.user)
        self._report_action(
            request,
            drafted,
            len(pages),
            "Unpublished {pages}: {state} now.",
            ("a draft", "drafts"),
        )

    # Pages named on a confirmation page; the rest are counted.
    MOST_PAGES_NAMED = 20

    def _confirm_action(self, request, queryset, changing, *, action, question, answer):
        """Ask before an action changes more than one page's status: "Select all"
        and one click took a whole site's pages down. The form posts the same
        action and selection back, with `post` set (as Django's delete asks)."""
        return TemplateResponse(
            request,
            "admin/occupations/careerpage/action_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Are you sure?",
                "question": question,
                "answer": answer,
                "action": action,
                # Each id, as Django's delete confirmation posts them ("Select
                # all" included: the confirmation path reads only ids).
                "selected": queryset.values_list("pk", flat=True),
                "named": changing[: self.MOST_PAGES_NAMED],
                "not_named": len(changing[self.MOST_PAGES_NAMED :]),
            },
        )

    def _report_action(self, request, done, selected, message, state):
        """Says what an action did (`message`, of `{pages}` and their `{state}`)
        and why it left the other selected pages alone (they were in `state`
        already: singular, plural): "Published 0 page(s)." said neither."""

        def in_state(count):
            return state[0] if count == 1 else state[1]

        left = selected - done
        already = f"{in_state(left)} already"
        if not done:
            pages = "page was" if left == 1 else "pages were"
            text = f"Nothing to do: the selected {pages} {already}."
            self.message_user(request, text, messages.WARNING)
            return
        text = message.format(
            pages=f"{done} page{'' if done == 1 else 's'}", state=in_state(done)
        )
        if left:
            others = "one was" if left == 1 else f"{left} were"
            text += f" The other {others} {already}."
        self.message_user(request, text, messages.SUCCESS)

    # --- Preview ---------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if obj.status == CareerPage.Status.PUBLISHED and "status" in form.changed_data:
            obj.published_at = career_page_publish_time(
                obj, time_chosen="published_at" in form.changed_data
            )
        super().save_model(request, obj, form, change)
        if obj.is_scheduled:
            # Django says only "added successfully": the page is not live yet.
            self.message_user(
                request,
                f"“{obj}” is {obj.publication_label[0].lower()}"
                f"{obj.publication_label[1:]}: until then visitors get “not "
                "found” at its address.",
                messages.INFO,
            )
        # Saved without a word, a page switched to curated lost whole sections.
        if empty := obj.lists_left_empty():
            occupation_url = reverse(
                "admin:occupations_occupation_change", args=[obj.occupation_id]
            )
            self.message_user(
                request,
                format_html(
                    "This page lists only featured rows, and “{}” has no featured "
                    "{}: the page leaves {} out. Tick <i>featured</i> on the rows "
                    'to show in <a href="{}">the occupation’s form</a>, or list all '
                    "data.",
                    obj.occupation,
                    words_listed(empty, "or"),
                    "that section" if len(empty) == 1 else "those sections",
                    occupation_url,
                ),
                messages.WARNING,
            )

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="occupations_careerpage_preview_new"),
            path(
                "<path:object_id>/preview/",
                preview,
                name="occupations_careerpage_preview",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The Preview button posts the form: only for those who may save it.
        preview_url = None
        if object_id is None and self.has_add_permission(request):
            preview_url = reverse("admin:occupations_careerpage_preview_new")
        elif object_id is not None and self.has_change_permission(request):
            preview_url = reverse(
                "admin:occupations_careerpage_preview", args=[object_id]
            )
        extra_context = {**(extra_context or {}), "preview_url": preview_url}
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- Revert ----------------------------------------------------------------

    def set_history_delta_changes(
        self, request, historical_records, foreign_keys_are_objs=True
    ):
        """Each version's row lists its resource links' changes too: they are
        edited in the page's form, and a revert puts them back. A link's change
        belongs to the page version saved before it (the inline saves after)."""
        super().set_history_delta_changes(
            request, historical_records, foreign_keys_are_objs
        )
        versions = list(historical_records)  # newest first
        if not versions:
            return
        after_listed = versions[0].next_record  # on a later page of the list
        link_changes = page_link_changes(
            versions[0].id,
            since=versions[-1].history_date,
            until=after_listed.history_date if after_listed else None,
        )
        for version in versions:
            own = []
            while link_changes and link_changes[-1][0] >= version.history_date:
                own.insert(0, link_changes.pop()[1])
            version.history_delta_changes = [
                *getattr(version, "history_delta_changes", []),
                *own,
            ]

    object_history_form_template = "admin/occupations/careerpage/revert_form.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting a page reverts its resource links too: they are edited in the
        page's form, so an editor expects them back as they were in that version
        (until the page's next revision, or as it was deleted for its deletion's).
        The form lists them before the revert."""
        version = self.get_version(object_id, version_id)
        page = version.instance
        links_then = page_links_as_of(version)  # None: an existing page's latest
        # As in the page's form, whose links inline needs them.
        may_edit_links = request.user.has_perms(
            f"resources.{action}_careerpageresource"
            for action in ("add", "change", "delete")
        )
        links = links_then if may_edit_links else None
        deleted = not CareerPage.objects.filter(pk=page.pk).exists()
        request.restoring_deleted_page = deleted
        extra_context = {
            **(extra_context or {}),
            "resource_links_then": links,
            "resource_links_kept": links_then is not None and not may_edit_links,
            "restoring_deleted_page": deleted,
        }
        with transaction.atomic():
            response = super().history_form_view(
                request, object_id, version_id, extra_context
            )
            reverted = request.method == "POST" and response.status_code == 302
            if reverted and deleted:
                # As saved: the restore form may have changed its slug.
                CareerPage.objects.get(pk=page.pk).former_slugs_restore()
            if (
                reverted
                and links is not None
                and (changed := page_links_restore(page, links))
            ):
                self.message_user(
                    request,
                    f"Resource links restored as they were in that version "
                    f"({changed} change{'s' if changed != 1 else ''}).",
                    messages.SUCCESS,
                )
        return response

    def preview_view(self, request, object_id=None):
        """The real career page for a saved page (GET) or for the change form's
        unsaved content (POST), bannered, never cached or indexed, never saved."""
        page = None
        if object_id is not None:
            page = self.get_object(request, unquote(object_id))
            if page is None:
                raise Http404("No such career page.")
        elif request.method != "POST":
            # A page not yet saved exists only in the add form that posts here.
            return HttpResponseNotAllowed(["POST"])
        if request.method == "POST":
            allowed = (
                self.has_change_permission(request, page)
                if page
                else self.has_add_permission(request)
            )
        else:
            allowed = page is not None and self.has_view_or_change_permission(
                request, page
            )
        if not allowed:
            raise PermissionDenied
        response = render_preview(self, request, page)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class PreviewView(CareerDetailView):
    """The public career page view, marked as a preview for the banner."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "preview": True}


def _error_lines(form, inlines):
    """A form's and its inlines' errors, [(formset, inline admin), …], as sentences
    an editor can act on: "Headline year: …", "Career page resources, row 2: …"."""

    def field_lines(form, where=""):
        for name, field_errors in form.errors.items():
            if name == "id":  # a row's hidden id: the row is gone or changed
                yield (
                    f"{where}this row was changed or deleted by someone else since "
                    "the form was opened. Open the page again."
                )
                continue
            label = "" if name == "__all__" else f"{form.fields[name].label}: "
            for message in field_errors:
                yield f"{where}{label}{message}"

    lines = list(field_lines(form))
    for formset, inline in inlines:
        title = str(inline.verbose_name_plural).capitalize()
        for number, row in enumerate(formset.forms, start=1):
            lines += field_lines(row, f"{title}, row {number}: ")
        lines += [f"{title}: {message}" for message in formset.non_form_errors()]
    return lines


def render_preview(model_admin, request, page):
    """Render the public view inside a transaction that is always rolled back:
    the form's content is saved, the page made live, the page rendered exactly as
    visitors would get it, then every write is undone."""
    change = page is not None
    errors = None
    with page_cache.invalidation_suspended(), transaction.atomic():
        try:
            if request.method == "POST":
                form = model_admin.get_form(request, page, change=change)(
                    request.POST, request.FILES, instance=page
                )
                form_valid = form.is_valid()
                page = form.instance
                formsets, inlines = model_admin._create_formsets(request, page, change)
                if not (form_valid and all(fs.is_valid() for fs in formsets)):
                    errors = _error_lines(form, zip(formsets, inlines, strict=True))
                    raise ValidationError("invalid")
                page = form.save()
                for formset in formsets:
                    formset.save()
            now = timezone.now()
            CareerPage.objects.filter(pk=page.pk).update(
                status=CareerPage.Status.PUBLISHED,
                published_at=min(page.published_at, now),
            )
            view = PreviewView()
            view.setup(request, slug=page.slug)
            response = view.get(request, slug=page.slug)
            response.render()
        except (ValidationError, IntegrityError):
            response = None
        finally:
            transaction.set_rollback(True)
    if response is None:
        context = {
            **model_admin.admin_site.each_context(request),
            "title": "This page cannot be previewed yet",
            "opts": CareerPage._meta,
            "errors": errors or [],
        }
        return TemplateResponse(
            request,
            "admin/occupations/careerpage/preview_invalid.html",
            context,
            status=400,
        )
    return response


@admin.register(JobZone)
class JobZoneAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ("number", "name", "svp_range")


@admin.register(SocMajorGroup)
class SocMajorGroupAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ("code", "title")
    search_fields = ("code", "title")


@admin.register(RelatedOccupation)
class RelatedOccupationAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ("occupation", "related", "tier", "index")
    list_filter = ("tier",)
    list_select_related = ("occupation", "related")
    search_fields = ("occupation__code", "occupation__title", "related__title")
    autocomplete_fields = ("occupation", "related")


@admin.register(AlternateTitle)
class AlternateTitleAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ("title", "occupation", "kind", "short_title")
    list_filter = ("kind",)
    list_select_related = ("occupation",)
    search_fields = ("title", "short_title", "occupation__code", "occupation__title")
    autocomplete_fields = ("occupation",)

    def get_changeform_initial_data(self, request):
        """A title an editor adds is theirs: one of O*NET's kinds would be removed
        by the next import, whose file does not hold it."""
        return {
            "kind": AlternateTitle.Kind.EDITORIAL,
            **super().get_changeform_initial_data(request),
        }
