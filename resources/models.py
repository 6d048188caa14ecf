"""Curated resources: links editors recommend, site-wide and on career pages."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class ResourceQuerySet(models.QuerySet):
    def in_directory(self):
        return self.filter(show_in_directory=True).order_by("position", "name")


class Resource(models.Model):
    name = models.CharField(max_length=150, unique=True)
    url = models.URLField("link", max_length=500)
    description = models.TextField(
        blank=True, help_text="Default description; a career page may override it."
    )
    show_in_directory = models.BooleanField(
        default=True, help_text="List on the site-wide resources page."
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Order on the resources page; lower comes first."
    )

    objects = ResourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("position", "name")
        indexes = (models.Index(fields=("show_in_directory", "position")),)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:list") + f"#resource-{self.pk}"


class CareerPageResource(models.Model):
    """A resource as recommended on one career page, in the editor's order."""

    page = models.ForeignKey(
        "occupations.CareerPage",
        on_delete=models.CASCADE,
        related_name="page_resources",
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="page_links"
    )
    description = models.TextField(
        blank=True, help_text="What this resource offers readers of this page."
    )
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ("page", "position", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("page", "resource"), name="unique_resource_per_page"
            ),
        )
        indexes = (models.Index(fields=("page", "position")),)

    def __str__(self):
        return f"{self.resource} on {self.page}"

    @property
    def text(self):
        return self.description or self.resource.description
