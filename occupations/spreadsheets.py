"""The career pages' spreadsheet (CSV/XLSX import and export in the admin)."""

from import_export import fields as ie_fields
from import_export import widgets as ie_widgets

from adminsite.spreadsheets import SheetResource, refuse_null

from .models import CareerPage, Occupation
from .services import career_page_publish_time


class OccupationCodeCell(ie_widgets.ForeignKeyWidget):
    """An occupation by its O*NET-SOC code; an unknown code is named."""

    def __init__(self):
        super().__init__(Occupation, field="code")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(refuse_null(value), row, **kwargs)
        except Occupation.DoesNotExist:
            raise ValueError(
                f"No occupation has the O*NET-SOC code “{value}”."
            ) from None


class CareerPageSheet(SheetResource):
    """A career page as one spreadsheet row, matched on its slug."""

    occupation = ie_fields.Field(
        attribute="occupation",
        column_name="occupation",
        widget=OccupationCodeCell(),
    )

    class Meta:
        model = CareerPage
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "version",
            "title",
            "career_name",
            "career_name_plural",
            "headline_year",
            "occupation",
            "summary",
            "status",
            "published_at",
            "data_lists",
            *CareerPage.EDITORIAL_SECTIONS,
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        # The page as stored, before the row's cells are set on it, for
        # `before_save_instance` (the library keeps no copy it passes on).
        self.stored_publication = (
            None if new else (instance.status, instance.published_at)
        )
        return instance, new

    def before_save_instance(self, instance, row, **kwargs):
        """A draft a row publishes goes live as it would from its form: now, unless
        the row changes its publish time or that time lies ahead. Left as exported
        (the draft's creation), it went live, and into the feed, dated then."""
        super().before_save_instance(instance, row, **kwargs)
        if self.stored_publication is None:
            return
        status, published_at = self.stored_publication
        if (
            instance.status == CareerPage.Status.PUBLISHED
            and status != CareerPage.Status.PUBLISHED
        ):
            instance.published_at = career_page_publish_time(
                instance, time_chosen=instance.published_at != published_at
            )
