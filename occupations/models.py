"""Occupations: shared facts (O*NET, BLS) and the editorial career pages built on them.

Two kinds of data live here, and the split matters for every future import:

* Data models (`Occupation` and its tasks, skills, technologies, wage estimates and
  projections, each tied to the `DataRelease` it came from) hold public-data facts.
  They are shared by every page that shows the occupation and are refreshed by imports.
* `CareerPage` holds what editors write: the public title, the slug and the editorial
  sections. Imports never touch it. Several pages may show one occupation's data.
"""

import datetime
import re
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Prefetch, Q
from django.db.models.functions import (
    Coalesce,
    Concat,
    Greatest,
    Lower,
    NullIf,
    Substr,
)
from django.urls import reverse
from django.utils import dateformat, timezone
from simple_history.models import HistoricalRecords

from .rich_text import validate_markdown

# A year in a page's title: "Machine Learning Engineer Career Path in 2024".
TITLE_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A sentence ends at a full stop followed by a capital: "e.g. surveys" stays whole,
# and so does an initial's full stop, as in "license issued by U.S. Coast Guard".
SENTENCE_BREAK = re.compile(r"(?<=\.)(?<!\b[A-Z]\.)\s+(?=[A-Z])")

# O*NET OnLine lists a skill as important from 50 on its 0-100 scale, i.e. 3 of 5.
IMPORTANT_SKILL = 3

# A category listing more technologies than this shows its hot ones (or, with none
# hot, its first few) and keeps the rest behind "N more": Software Developers has
# 426 technologies in 68 categories, most of a phone's page.
LONG_TECHNOLOGY_LIST = 8
SHOWN_OF_A_LONG_LIST = 5

ONET_SOC_CODE_VALIDATOR = RegexValidator(
    r"^\d{2}-\d{4}\.\d{2}$", "Enter an O*NET-SOC code such as 15-2031.00."
)

# /careers/compare/ and /careers/feed/ come before /careers/<slug>/: a page with one
# of these slugs could never be reached.
RESERVED_CAREER_SLUGS = ("compare", "feed")


# When a page may go live. Times outside stop at no real date, and near the ends of
# Python's calendar (year 1, year 9999) an editor's time zone pushed the stored
# time past them: PostgreSQL kept it, and every page listing it failed to load.
PUBLICATION_TIMES = (
    datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
    datetime.datetime(2101, 1, 1, tzinfo=datetime.UTC),
)


def validate_publication_time(value):
    earliest, end = PUBLICATION_TIMES
    if not earliest <= value < end:
        raise ValidationError(
            f"Choose a time between the years {earliest.year} and {end.year - 1}."
        )


def validate_career_slug(value):
    if value != value.lower():
        # Addresses differing only in case would be two pages to search engines.
        raise ValidationError(
            "Use lower-case letters in the slug, e.g. “machine-learning-engineer”."
        )
    if value in RESERVED_CAREER_SLUGS:
        raise ValidationError(
            f"“{value}” is taken by another page of the site; choose another slug."
        )
    if not any(character.isalnum() for character in value):
        # "--" is an address, but one that says nothing to a reader.
        raise ValidationError(
            "Put the career's name in the slug, e.g. “machine-learning-engineer”."
        )


def edited_fields(obj, names):
    """Names of `obj`'s shown texts that differ from their imported `onet_` twin."""
    return [
        name
        for name in names
        if getattr(obj, f"onet_{name}")
        and getattr(obj, name) != getattr(obj, f"onet_{name}")
    ]


RELEASE_SHORT_NAMES = {
    "onet": "O*NET",
    "wages": "BLS OEWS",
    "projections": "BLS Employment Projections",
}


class DataRelease(models.Model):
    """One release of a public data source: the "where and when" of every figure."""

    class Kind(models.TextChoices):
        ONET = "onet", "O*NET database"
        WAGES = "wages", "BLS OEWS wage estimates"
        PROJECTIONS = "projections", "BLS employment projections"

    kind = models.CharField(max_length=20, choices=Kind)
    name = models.CharField(
        max_length=100, help_text='As cited, e.g. "O*NET 29.3", "May 2022", "2021–31".'
    )
    reference_date = models.DateField(
        help_text="Date the figures refer to. Every page shows the latest release "
        "of each kind: changing this date can change the figures on every page."
    )
    horizon_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="Projections only: the last year of the projection period (2031).",
    )
    attribution = models.TextField(
        help_text="Credit line shown under every figure from this release."
    )
    url = models.URLField(blank=True, help_text="Where the release is published.")
    top_code_annual = models.DecimalField(
        "top-coded annual wage",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="OEWS only: annual wages at or above this are published as “#”.",
    )
    top_code_hourly = models.DecimalField(
        "top-coded hourly wage",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="OEWS only: hourly wages at or above this are published as “#”.",
    )
    all_occupations_growth_percent = models.DecimalField(
        "growth of all occupations (%)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(999)],
        help_text="Projections only: BLS “Total, all occupations” growth.",
    )
    source_digest = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the files last imported for this release.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("kind", "-reference_date")
        constraints = (
            models.UniqueConstraint(
                fields=("kind", "name"), name="unique_release_name"
            ),
        )
        indexes = (models.Index(fields=("kind", "-reference_date")),)

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    @property
    def short_label(self):
        """ "BLS OEWS, May 2024": the program and the release."""
        return f"{RELEASE_SHORT_NAMES[self.kind]}, {self.name}"

    @property
    def credit(self):
        """The credit line under this release's figures, naming the release once:
        the imports' own credit lines name it already, others get it added."""
        if self.name in self.attribution:
            return self.attribution
        return f"{self.attribution} ({self.short_label})"

    def clean(self):
        errors = {}
        if self.reference_date and self.reference_date > timezone.localdate():
            # The newest release of a kind is the one shown: a mistyped future
            # year would put it in front of every page.
            errors["reference_date"] = "A release refers to a date that has passed."
        if (
            self.horizon_year
            and self.reference_date
            and self.horizon_year <= self.reference_date.year
        ):
            errors["horizon_year"] = "The projection period ends after its base year."
        if self.kind == DataRelease.Kind.PROJECTIONS and not self.horizon_year:
            # Pages say "openings by 2034", "growth by 2034": without it, "by None".
            errors["horizon_year"] = "A projections release needs its horizon year."
        stored_kind = self._stored("kind") if self.pk else None
        if stored_kind and self.kind != stored_kind and self._has_figures():
            errors["kind"] = (
                "Figures of this release are in the database: its kind stays "
                f"“{DataRelease.Kind(stored_kind).label}”."
            )
        if errors:
            raise ValidationError(errors)

    def _stored(self, field):
        """`field` as stored; None for a release being restored after deletion."""
        stored = DataRelease.objects.filter(pk=self.pk)
        return stored.values_list(field, flat=True).first()

    def top_code_change_error(self, basis):
        """Why this release's stored wages stop its `basis` ("annual" or "hourly")
        top code changing from the stored one to this instance's; None if nothing
        stops it. A wage at the top code reads "this much or more": moved past a
        stored wage, the top code would change what that wage says, or leave it
        above the top code. (An import, which writes every wage of the release
        again, may move it.)"""
        field = f"top_code_{basis}"
        top_code = getattr(self, field)
        stored_top_code = self._stored(field)
        if top_code == stored_top_code:
            return None
        lowest = min(code for code in (top_code, stored_top_code) if code is not None)
        at_or_above = Q()
        for percentile in WAGE_PERCENTILES:
            at_or_above |= Q(**{f"{basis}_{percentile}__gte": lowest})
        affected = self.wage_estimates.filter(at_or_above).count()
        if not affected:
            return None
        estimates = "estimate has" if affected == 1 else "estimates have"
        return (
            f"{affected:,} wage {estimates} an {basis} wage at or above "
            f"{wage_dollars(lowest, basis)} "
            "in this release: a new top code would change what it shows (a wage at "
            "the top code reads “or more”). Correct those wages first, or import "
            "the release again."
        )

    def _has_figures(self):
        return (
            self.occupations.exists()
            or self.wage_estimates.exists()
            or self.projections.exists()
        )


# What search reads and pages never show: kilobytes per occupation, left out of
# the queries that load occupations for display.
SEARCH_FIELDS = ("search_document", "search_vector", "search_words")


class OccupationQuerySet(models.QuerySet):
    def touch(self):
        """Mark the occupations' data as changed now: their career pages' "Last
        updated", sitemap dates and feed entries follow it (`with_changed_at`)."""
        return self.update(updated_at=timezone.now())

    def refresh_search_vectors(self):
        """Recompute the stored full-text vectors (PostgreSQL; elsewhere a no-op)."""
        from .search import DocumentWords

        if connection.vendor != "postgresql":
            return 0
        return self.update(
            search_vector=SearchVector("title", weight="A", config="english")
            + SearchVector("search_document", weight="B", config="english"),
            search_words=DocumentWords("title", "search_document"),
        )

    def refresh_search_document(self):
        """Rebuild the occupations' search documents from their titles as stored
        (`AlternateTitle`: O*NET's and the editors' search titles), then their
        vectors. The one builder of documents: the O*NET import calls it once
        for all its occupations after writing their titles, and every alternate
        title saved or deleted calls it for its occupation. Three queries for up
        to a thousand occupations, two when no document changed, and one on
        PostgreSQL for the vectors.

        A document holds the O*NET title and not `title`, which search reads in
        its own column: an occupation an editor renames is still found by its
        O*NET name, and not by the name it had before."""
        from .search import search_document

        titles = defaultdict(list)
        rows = AlternateTitle.objects.filter(occupation__in=self.values("pk"))
        for occupation_id, title, short_title in rows.values_list(
            "occupation_id", "title", "short_title"
        ).iterator(chunk_size=5000):
            titles[occupation_id].extend([title, short_title])
        occupations = []
        for pk, onet_title, stored in self.values_list(
            "pk", "onet_title", "search_document"
        ):
            document = search_document([onet_title, *titles[pk]])
            # Only what changed is written: an O*NET import that changes no
            # title rewrites no document.
            if document != stored:
                occupations.append(Occupation(pk=pk, search_document=document))
        Occupation.objects.bulk_update(
            occupations, ["search_document"], batch_size=1000
        )
        return self.refresh_search_vectors()


class Occupation(models.Model):
    code = models.CharField(
        "O*NET-SOC code",
        max_length=10,
        unique=True,
        validators=[ONET_SOC_CODE_VALIDATOR],
    )
    title = models.CharField(
        max_length=200,
        help_text="As shown on the site. Follows the O*NET title until an editor "
        "rewrites it; imports then keep the editor's text.",
    )
    description = models.TextField(
        help_text="As shown on the site. Follows O*NET until an editor rewrites it; "
        "imports then keep the editor's text."
    )
    onet_title = models.CharField(
        "O*NET title",
        max_length=200,
        blank=True,
        help_text="The title as last imported; only imports write it.",
    )
    onet_description = models.TextField(
        "O*NET description",
        blank=True,
        help_text="The description as last imported; only imports write it.",
    )
    job_zone = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="O*NET Job Zone, 1 (little preparation) to 5 (extensive).",
    )
    release = models.ForeignKey(
        DataRelease,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": DataRelease.Kind.ONET},
        related_name="occupations",
        help_text="The O*NET release this occupation's text comes from.",
    )
    education_level = models.CharField(
        max_length=100,
        blank=True,
        help_text="O*NET: the most common required level of education.",
    )
    education_level_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of respondents naming that level (%).",
    )
    search_document = models.TextField(
        blank=True,
        editable=False,
        help_text="The O*NET title, alternate and reported titles and editors' search "
        "titles, for search: written by the O*NET import and whenever an alternate "
        "title is saved or deleted.",
    )
    # PostgreSQL only: the title and search document, stemmed and weighted, stored so
    # that full-text search reads it instead of computing it for every row per query.
    # Its GIN index, search_words' and the career name's are created by migrations
    # 0007 and 0008 (SQL run on PostgreSQL alone), not declared in Meta.indexes,
    # which would create them on SQLite too; the career name's index must keep the
    # expression `search._postgres_match` queries, or PostgreSQL stops using it.
    search_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only: the title's and search document's words as written, for
    # search's "a word starts with" test (`occupations.search.DocumentWords`);
    # stored for that reason.
    search_words = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OccupationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=SEARCH_FIELDS)

    class Meta:
        ordering = ("code",)
        constraints = (
            models.CheckConstraint(
                condition=Q(job_zone__isnull=True) | Q(job_zone__range=(1, 5)),
                name="occupation_job_zone_range",
            ),
        )
        indexes = (models.Index(fields=("title",)),)

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The vectors hold the title; the search document holds the O*NET title
        # (`refresh_search_document`), which an editor's rename leaves as it is.
        Occupation.objects.filter(pk=self.pk).refresh_search_vectors()

    @property
    def edited_fields(self):
        """Imported texts an editor has rewritten (imports keep these)."""
        return edited_fields(self, ("title", "description"))

    def description_sentences(self):
        """O*NET descriptions are a few sentences; the page lists them as bullets."""
        return SENTENCE_BREAK.split(self.description.strip())

    def latest(self, related_name):
        """The newest of a prefetched set of release-bound figures, or None."""
        rows = getattr(self, related_name).all()
        return max(rows, key=lambda row: row.release.reference_date, default=None)

    @property
    def wage_estimate(self):
        return self.latest("wage_estimates")

    @property
    def projection(self):
        return self.latest("projections")


# An editor's order for an occupation's rows: those given a position (1 and up)
# first, in that order; the rest (0, the default) after them, in the data's order.
# Sorting 0 first put the three tasks an editor numbered 1, 2, 3 last.
POSITIONED_FIRST = models.Case(
    models.When(position=0, then=models.Value(1)), default=models.Value(0)
).asc()
POSITION_HELP = (
    "Lower comes first. Rows left at 0 come after the numbered ones, in the "
    "data's order."
)


DUPLICATE_ONET_TASK_ID = "Another task of this occupation has this O*NET task ID."


def _named(row, relation, attribute=None):
    """What names `row`'s related `relation` in its own name (its `attribute`).

    The admin lists the revisions of a row deleted with its occupation, and
    restores them: there the occupation is gone, and the name says so."""
    try:
        related = getattr(row, relation)
    except ObjectDoesNotExist:
        model = row._meta.get_field(relation).related_model
        return f"a deleted {model._meta.verbose_name}"
    return getattr(related, attribute) if attribute else str(related)


class Task(models.Model):
    class Type(models.TextChoices):
        CORE = "core", "Core"
        SUPPLEMENTAL = "supplemental", "Supplemental"
        UNSPECIFIED = "", "Not specified"

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="tasks"
    )
    onet_task_id = models.PositiveIntegerField("O*NET task ID", null=True, blank=True)
    statement = models.TextField(
        help_text="As shown on the site. Follows O*NET until an editor rewrites it; "
        "imports then keep the editor's text."
    )
    onet_statement = models.TextField(
        "O*NET statement",
        blank=True,
        help_text="The statement as last imported; only imports write it.",
    )
    task_type = models.CharField(max_length=12, choices=Type, blank=True)
    importance = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="O*NET Task Ratings importance, 1 to 5, where rated.",
    )
    rank = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="The data's order: most important first, else Core before "
        "Supplemental in file order. Set by the import.",
    )
    position = models.PositiveIntegerField(default=0, help_text=POSITION_HELP)
    is_featured = models.BooleanField(
        "featured",
        default=False,
        help_text="Listed on career pages that show a curated selection.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("occupation", POSITIONED_FIRST, "position", "rank", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("occupation", "onet_task_id"),
                condition=Q(onet_task_id__isnull=False),
                name="unique_onet_task_per_occupation",
                violation_error_message=DUPLICATE_ONET_TASK_ID,
            ),
        )
        indexes = (models.Index(fields=("occupation", "position")),)

    def __str__(self):
        return self.statement[:80]

    @property
    def edited_fields(self):
        return edited_fields(self, ("statement",))


class SkillCategory(models.Model):
    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ("position", "name")
        verbose_name_plural = "skill categories"

    def __str__(self):
        return self.name


class Skill(models.Model):
    element_id = models.CharField(
        "O*NET element ID", max_length=20, unique=True, help_text="e.g. 2.A.2.a"
    )
    name = models.CharField(max_length=100, help_text="e.g. Critical Thinking")
    description = models.TextField(
        blank=True, help_text="O*NET's content-model definition."
    )
    summary = models.CharField(
        max_length=200,
        blank=True,
        help_text="Plain-language line for career pages. A page lists the summaries "
        "when every skill on it has one, else the names.",
    )
    category = models.ForeignKey(
        SkillCategory, on_delete=models.PROTECT, related_name="skills"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("category__position", "name")

    def __str__(self):
        return self.name


def skill_words(skills):
    """How a list of skills reads on a page: the plain-language summaries when
    every skill has one (as the curated pages' do), else O*NET's names: a list
    mixing "Using math to solve problems" with "Active Learning" reads oddly."""
    if all(skill.summary for skill in skills):
        return [skill.summary for skill in skills]
    return [skill.name for skill in skills]


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="occupation_skills"
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="occupation_skills"
    )
    importance = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="O*NET importance, 1 to 5.",
    )
    level = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(7)],
        help_text="O*NET level, 0 to 7.",
    )
    position = models.PositiveIntegerField(
        default=0, help_text=f"Order within its category on the page. {POSITION_HELP}"
    )
    is_featured = models.BooleanField(
        "featured",
        default=False,
        help_text="Listed on career pages that show a curated selection.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = (
            "skill__category__position",
            POSITIONED_FIRST,
            "position",
            "-importance",
            "skill__name",
        )
        constraints = (
            models.UniqueConstraint(
                fields=("occupation", "skill"), name="unique_skill_per_occupation"
            ),
            models.CheckConstraint(
                condition=Q(importance__isnull=True) | Q(importance__range=(1, 5)),
                name="occupation_skill_importance_range",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__range=(0, 7)),
                name="occupation_skill_level_range",
            ),
        )

    def __str__(self):
        return f"{_named(self, 'skill')} for {_named(self, 'occupation', 'code')}"


class TechnologyCategory(models.Model):
    title = models.CharField(max_length=150, unique=True)
    commodity_code = models.PositiveIntegerField(
        "UNSPSC commodity code", null=True, blank=True, unique=True
    )

    class Meta:
        ordering = ("title",)
        verbose_name_plural = "technology categories"

    def __str__(self):
        return self.title


class Technology(models.Model):
    name = models.CharField(max_length=200)
    category = models.ForeignKey(
        TechnologyCategory, on_delete=models.PROTECT, related_name="technologies"
    )
    is_hot_technology = models.BooleanField(
        "hot technology",
        default=False,
        help_text="O*NET: frequently included in employer job postings. Marked "
        "Hot on every occupation that lists this technology.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "technologies"
        constraints = (
            models.UniqueConstraint(
                fields=("name", "category"), name="unique_technology_per_category"
            ),
        )
        indexes = (models.Index(fields=("name",)),)

    def __str__(self):
        return self.name


class OccupationTechnology(models.Model):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="occupation_technologies"
    )
    technology = models.ForeignKey(
        Technology, on_delete=models.PROTECT, related_name="occupation_technologies"
    )
    is_in_demand = models.BooleanField(
        "in demand",
        default=False,
        help_text="O*NET: frequently in job postings for this occupation.",
    )
    is_featured = models.BooleanField(
        "featured",
        default=False,
        help_text="Listed on career pages that show a curated selection.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("technology__category__title", "technology__name")
        verbose_name_plural = "occupation technologies"
        constraints = (
            models.UniqueConstraint(
                fields=("occupation", "technology"),
                name="unique_technology_per_occupation",
            ),
        )

    def __str__(self):
        return f"{_named(self, 'technology')} for {_named(self, 'occupation', 'code')}"


def _money(verbose_name, digits):
    return models.DecimalField(
        verbose_name,
        max_digits=digits,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


WAGE_PERCENTILES = ("pct10", "pct25", "median", "pct75", "pct90")
WAGE_FIELDS = tuple(
    f"{basis}_{percentile}"
    for basis in ("annual", "hourly")
    for percentile in WAGE_PERCENTILES
)


class BlsGroupFigures(models.Model):
    """Figures that BLS may publish for a group of occupations that includes this
    one, rather than for its own SOC code: an aggregate such as 13-1020, or a SOC
    2018 occupation that O*NET splits in two (21-1018 for 21-1011 and 21-1014)."""

    bls_group_code = models.CharField(
        "BLS group code",
        max_length=7,
        blank=True,
        help_text="Set when the figures are BLS's for a group including this "
        "occupation, e.g. 21-1018; empty when they are its own.",
    )
    bls_group_title = models.CharField("BLS group title", max_length=200, blank=True)

    class Meta:
        abstract = True


# BLS's annual wages are its hourly ones for a year of full-time work, the hourly
# wage rounded to the cent (up to $10.40 a year off) and the annual to $10.
HOURS_A_YEAR = 2080
ANNUAL_WAGE_ROUNDING = HOURS_A_YEAR * Decimal("0.005") + 5


class WageEstimate(BlsGroupFigures):
    """BLS OEWS national wages of one occupation in one release; empty = unpublished."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="wage_estimates"
    )
    release = models.ForeignKey(
        DataRelease,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": DataRelease.Kind.WAGES},
        related_name="wage_estimates",
    )
    annual_pct10 = _money("annual 10th percentile", 9)
    annual_pct25 = _money("annual 25th percentile", 9)
    annual_median = _money("annual median", 9)
    annual_pct75 = _money("annual 75th percentile", 9)
    annual_pct90 = _money("annual 90th percentile", 9)
    hourly_pct10 = _money("hourly 10th percentile", 7)
    hourly_pct25 = _money("hourly 25th percentile", 7)
    hourly_median = _money("hourly median", 7)
    hourly_pct75 = _money("hourly 75th percentile", 7)
    hourly_pct90 = _money("hourly 90th percentile", 7)
    annual_only = models.BooleanField(
        default=False, help_text="BLS publishes only annual wages (e.g. teachers)."
    )
    hourly_only = models.BooleanField(
        default=False, help_text="BLS publishes only hourly wages (e.g. actors)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("occupation", "-release__reference_date")
        constraints = (
            models.UniqueConstraint(
                fields=("occupation", "release"),
                name="unique_wage_estimate_per_release",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0})
                    | Q(**{f"{field}__isnull": True}),
                    name=f"wage_{field}_non_negative",
                )
                for field in WAGE_FIELDS
            ),
        )

    def __str__(self):
        code, release = (
            _named(self, "occupation", "code"),
            _named(self, "release", "name"),
        )
        return f"Wages of {code}, {release}"

    def is_top_coded(self, field):
        """BLS publishes wages at or above its top code as "#"; the import stores
        the threshold, so a figure at the threshold means "this much or more"."""
        value = getattr(self, field)
        basis = field.split("_", 1)[0]
        threshold = getattr(self.release, f"top_code_{basis}")
        return value is not None and threshold is not None and value >= threshold

    def clean(self):
        errors = {}
        release = self.release if self.release_id else None
        for basis in ("annual", "hourly"):
            previous = None
            top_code = getattr(release, f"top_code_{basis}", None)
            for percentile in WAGE_PERCENTILES:
                field = f"{basis}_{percentile}"
                value = getattr(self, field)
                if value is None:
                    continue
                if top_code is not None and value > top_code:
                    # Shown as the top code "or more" (`is_top_coded`).
                    shown = wage_dollars(top_code, basis)
                    errors[field] = (
                        f"BLS publishes no wage above its top code, {shown}: enter "
                        f"{shown} for a wage at or above it (shown as “{shown} or "
                        "more”)."
                    )
                elif previous is not None and value < previous[1]:
                    lower_label = self._meta.get_field(previous[0]).verbose_name
                    errors[field] = (
                        f"Must not be lower than the {lower_label} "
                        f"({wage_dollars(previous[1], basis)})."
                    )
                previous = (field, value)
        for field, hourly_field, given in self.annual_wages_contradicted():
            errors.setdefault(
                field,
                f"BLS's annual wage is the hourly wage for {HOURS_A_YEAR:,} hours: "
                f"the {self._meta.get_field(hourly_field).verbose_name} "
                f"({wage_dollars(getattr(self, hourly_field), 'hourly')}) gives "
                f"{wage_dollars(given, 'annual')} a year, not "
                f"{wage_dollars(getattr(self, field), 'annual')}. Check both.",
            )
        if errors:
            raise ValidationError(errors)

    def annual_wages_contradicted(self):
        """(annual field, hourly field, the annual wage the hourly one gives) for
        each percentile whose annual wage is not its hourly one's for a year of
        work, as BLS computes it, give or take BLS's rounding (each release's
        13,000 figures do). A figure at its top code says only "or more": the
        other must give at least as much."""
        contradicted = []
        for percentile in WAGE_PERCENTILES:
            annual_field, hourly_field = f"annual_{percentile}", f"hourly_{percentile}"
            annual, hourly = getattr(self, annual_field), getattr(self, hourly_field)
            # Not figures yet: `clean_fields` says what is wrong with them.
            if not (isinstance(annual, Decimal) and isinstance(hourly, Decimal)):
                continue
            annual_top_coded = bool(self.release_id) and self.is_top_coded(annual_field)
            hourly_top_coded = bool(self.release_id) and self.is_top_coded(hourly_field)
            given = hourly * HOURS_A_YEAR
            if annual_top_coded and hourly_top_coded:
                continue
            if annual_top_coded:
                agrees = given >= annual - ANNUAL_WAGE_ROUNDING
            elif hourly_top_coded:
                agrees = annual >= given - ANNUAL_WAGE_ROUNDING
            else:
                agrees = abs(annual - given) <= ANNUAL_WAGE_ROUNDING
            if not agrees:
                # To the $10 BLS rounds annual wages to, as the editor reads them.
                shown = (given / 10).quantize(Decimal("1"), ROUND_HALF_UP) * 10
                contradicted.append((annual_field, hourly_field, shown))
        return contradicted


# BLS rounds employment (thousands) and its percent change to one decimal each: a
# projection's growth must follow from its two employment figures within what
# that rounding allows. Every row of the 2021–31 and 2024–34 files does; a row
# that does not (a figure typed over, a column shifted in an edited file) would
# show a growth its own figures deny.
HALF_A_TENTH = Decimal("0.05")


def wage_dollars(amount, basis):
    """A wage in an admin message as the pages print it: $239,200 for an annual
    ("annual" `basis`) wage, $115.00 for an hourly one."""
    cents = 0 if basis == "annual" and amount == amount.to_integral_value() else 2
    return f"${amount:,.{cents}f}"


def growth_contradicted(base, projected, growth):
    """The growth employment going from `base` to `projected` gives, if `growth`
    cannot be it (BLS rounds each figure to a tenth); else None, also when a
    figure is missing or too small to tell."""
    if None in (base, projected, growth) or base <= HALF_A_TENTH:
        return None
    lowest = ((projected - HALF_A_TENTH) / (base + HALF_A_TENTH) - 1) * 100
    highest = ((projected + HALF_A_TENTH) / (base - HALF_A_TENTH) - 1) * 100
    if growth + HALF_A_TENTH < lowest or growth - HALF_A_TENTH > highest:
        return ((projected / base - 1) * 100).quantize(Decimal("0.1"))
    return None


class EmploymentProjection(BlsGroupFigures):
    """BLS employment projection for one occupation over one projection period."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="projections"
    )
    release = models.ForeignKey(
        DataRelease,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": DataRelease.Kind.PROJECTIONS},
        related_name="projections",
    )
    employment_base = models.DecimalField(
        "employment at start (thousands)",
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    employment_projected = models.DecimalField(
        "projected employment (thousands)",
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    growth_percent = models.DecimalField(
        "projected growth (%)",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(-100), MaxValueValidator(999)],
    )
    annual_openings = models.DecimalField(
        "annual openings (thousands)",
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    typical_education = models.CharField(
        "typical education needed for entry",
        max_length=100,
        blank=True,
        help_text="BLS, e.g. “Bachelor's degree”.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("occupation", "-release__reference_date")
        constraints = (
            models.UniqueConstraint(
                fields=("occupation", "release"), name="unique_projection_per_release"
            ),
            models.CheckConstraint(
                condition=Q(growth_percent__gte=-100, growth_percent__lte=999),
                name="projection_growth_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(annual_openings__gte=0) | Q(annual_openings__isnull=True),
                name="projection_openings_non_negative",
            ),
        )

    def __str__(self):
        code, release = (
            _named(self, "occupation", "code"),
            _named(self, "release", "name"),
        )
        return f"Projection of {code}, {release}"

    def clean(self):
        given = growth_contradicted(
            self.employment_base, self.employment_projected, self.growth_percent
        )
        if given is not None:
            # As the import refuses it: every page would show a growth its own
            # employment figures deny.
            raise ValidationError(
                {
                    "growth_percent": (
                        f"Employment goes from {self.employment_base:,} to "
                        f"{self.employment_projected:,} thousand: {given:+}% growth, "
                        f"give or take rounding, not {self.growth_percent}%."
                    )
                }
            )

    @property
    def annual_openings_count(self):
        """Openings per year as a head count (BLS publishes thousands)."""
        if self.annual_openings is None:
            return None
        return self.annual_openings * 1000


def job_zone_short_name(name):
    """ "Extensive Preparation Needed" from "Job Zone Five: Extensive …"."""
    return name.split(":", 1)[-1].strip()


class JobZone(models.Model):
    """O*NET's Job Zone Reference: what each level of preparation means."""

    number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    name = models.CharField(max_length=100, help_text="e.g. Job Zone Five: …")
    experience = models.TextField(blank=True)
    education = models.TextField(blank=True)
    job_training = models.TextField(blank=True)
    examples = models.TextField(blank=True)
    svp_range = models.CharField("SVP range", max_length=50, blank=True)

    class Meta:
        ordering = ("number",)
        constraints = (
            models.CheckConstraint(
                condition=Q(number__range=(1, 5)), name="job_zone_number_range"
            ),
        )

    def __str__(self):
        return self.name

    @property
    def short_name(self):
        return job_zone_short_name(self.name)


class SocMajorGroupQuerySet(models.QuerySet):
    def with_published_pages(self):
        """The groups with a published career page: a link to one without led to
        an empty list (no page of the shipped catalogue is a military career).

        The published pages' groups in one subquery, which the database runs
        once: a test per group ("a page whose code starts so") ran 23 scans of
        the pages, ~10 ms of every uncached career list."""
        pages_groups = CareerPage.objects.published().values(
            group=Concat(Substr("occupation__code", 1, 3), models.Value("0000"))
        )
        return self.filter(code__in=pages_groups)


class SocMajorGroup(models.Model):
    """A SOC 2018 major group (15-0000 Computer and Mathematical Occupations)."""

    code = models.CharField(
        max_length=7,
        unique=True,
        validators=[RegexValidator(r"^\d{2}-0000$", "Enter a code such as 15-0000.")],
    )
    title = models.CharField(max_length=200)

    objects = SocMajorGroupQuerySet.as_manager()

    class Meta:
        ordering = ("code",)
        verbose_name = "SOC major group"

    def __str__(self):
        return f"{self.code} {self.title}"


class RelatedOccupation(models.Model):
    class Tier(models.TextChoices):
        PRIMARY_SHORT = "primary-short", "Primary-Short"
        PRIMARY_LONG = "primary-long", "Primary-Long"
        SUPPLEMENTAL = "supplemental", "Supplemental"

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="related_occupations"
    )
    related = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="related_to"
    )
    tier = models.CharField(max_length=20, choices=Tier)
    index = models.PositiveSmallIntegerField(help_text="O*NET's order, 1 = closest.")

    class Meta:
        ordering = ("occupation", "index")
        constraints = (
            models.UniqueConstraint(
                fields=("occupation", "related"), name="unique_related_occupation"
            ),
            models.CheckConstraint(
                condition=~Q(occupation=models.F("related")),
                name="related_occupation_not_itself",
                violation_error_message="An occupation is not related to itself.",
            ),
        )

    def __str__(self):
        return f"{self.related_id} related to {self.occupation_id}"


class AlternateTitleQuerySet(models.QuerySet):
    def delete(self):
        """Delete the titles, then rebuild their occupations' search documents
        once for all of them (the admin's bulk delete), not once per title."""
        if _search_documents_by_caller.get():
            return super().delete()
        occupations = set(self.values_list("occupation_id", flat=True))
        with search_documents_written_by_caller():
            deleted = super().delete()
        Occupation.objects.filter(pk__in=occupations).refresh_search_document()
        return deleted


class AlternateTitle(models.Model):
    """Other names for an occupation, used by search: O*NET's, which imports
    keep as the files have them, and editors' own search titles ("ML engineer"),
    which imports leave alone."""

    class Kind(models.TextChoices):
        ALTERNATE = "alternate", "Alternate title"
        REPORTED = "reported", "Sample of reported titles"
        EDITORIAL = "editorial", "Editor's search title"

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="alternate_titles"
    )
    kind = models.CharField(
        max_length=10,
        choices=Kind,
        help_text="An editor's search title is a name visitors search for that "
        "O*NET does not give (e.g. “ML engineer”): search finds it as soon as it "
        "is saved, and imports keep it. Imports make the other kinds what O*NET's "
        "files hold, undoing changes to them.",
    )
    title = models.CharField(max_length=250)
    short_title = models.CharField(max_length=100, blank=True)
    sources = models.CharField(
        max_length=50, blank=True, help_text="O*NET source codes, e.g. 04,06."
    )
    shown_in_my_next_move = models.BooleanField(default=False)

    objects = AlternateTitleQuerySet.as_manager()
    # The occupation the title was read with: moved to another, it leaves one
    # search document and joins another (`alternate_title_changed`).
    _stored_occupation_id = None

    class Meta:
        ordering = ("occupation", "kind", "title")
        constraints = (
            models.UniqueConstraint(
                fields=("occupation", "kind", "title"), name="unique_alternate_title"
            ),
        )
        indexes = (models.Index(fields=("title",)),)

    def __str__(self):
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        title = super().from_db(db, field_names, values)
        # Not read from the database when deferred: then None.
        title._stored_occupation_id = title.__dict__.get("occupation_id")
        return title


# The rows an occupation's career page shows besides the occupation's own fields.
# Each write of one marks the occupation as changed (`OccupationQuerySet.touch`):
# rows saved one by one (an admin form, a revert, the demo) and rows deleted
# (imports' removals too) through `occupation_data_changed`, imports' bulk creates
# and updates in `importers.sync.sync_rows`.
OCCUPATION_DATA_MODELS = (
    Task,
    OccupationSkill,
    OccupationTechnology,
    WageEstimate,
    EmploymentProjection,
    RelatedOccupation,
)


def _deleting_occupations(origin):
    """Whether a delete started at occupations (its rows go with them)."""
    return isinstance(origin, Occupation) or (
        isinstance(origin, models.QuerySet) and origin.model is Occupation
    )


def occupation_data_changed(sender, instance, raw=False, origin=None, **kwargs):
    """Signal receiver (post_save, post_delete) for `OCCUPATION_DATA_MODELS`. A
    signal because every path must mark the change, bulk deletes in the admin
    included, as for the page cache. A restored backup (`raw`) keeps its dates."""
    if not (raw or _deleting_occupations(origin)):
        Occupation.objects.filter(pk=instance.occupation_id).touch()


# Set while a writer of alternate titles rebuilds the search documents itself,
# once after all its writes: the O*NET import and a bulk delete.
_search_documents_by_caller = ContextVar("search_documents_by_caller", default=False)


@contextmanager
def search_documents_written_by_caller():
    """Alternate titles saved and deleted here leave their occupations' search
    documents as they are: the caller writes them, once for all its rows."""
    token = _search_documents_by_caller.set(True)
    try:
        yield
    finally:
        _search_documents_by_caller.reset(token)


def alternate_title_changed(sender, instance, raw=False, origin=None, **kwargs):
    """Signal receiver (post_save, post_delete) for `AlternateTitle`: search reads
    the occupation's search document, so a title an editor adds, changes or
    deletes changes what visitors find at once; both occupations' when it moved
    from one to another. Not for the O*NET import, which rebuilds its
    occupations' documents once after writing their titles (its bulk writes send
    no signals, its removals are made under `search_documents_written_by_caller`),
    nor a restored backup (`raw`), which holds its documents, nor rows deleted
    with their occupation."""
    if raw or _search_documents_by_caller.get() or _deleting_occupations(origin):
        return
    occupations = {instance.occupation_id, instance._stored_occupation_id} - {None}
    Occupation.objects.filter(pk__in=occupations).refresh_search_document()
    instance._stored_occupation_id = instance.occupation_id


# Careers in the order a reader expects: "Bus and Truck…" before "Bus Drivers"
# (SQLite and PostgreSQL's C collation sort capitals first).
ALPHABETICAL = (Lower("career_name"), "career_name")


class CareerPageQuerySet(models.QuerySet):
    def next_publication_time(self):
        """When the next scheduled page goes live, or None."""
        return self.scheduled().aggregate(first=models.Min("published_at"))["first"]

    def published(self):
        """What visitors may see: published pages whose publish time has come.

        A page scheduled for later is published with a future `published_at`; it
        goes live by itself when that time passes, without a job to flip it."""
        return self.filter(
            status=CareerPage.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def with_changed_at(self):
        """Annotates `changed_at`: when what visitors see last changed, whichever
        came later of the page's last save, its going live and its occupation's
        data changing (an import or an editor: tasks, figures…). A page scheduled
        days ahead went live with the date it was saved, and the feed and sitemap
        (newest first) could leave it out or date it before it existed; new
        figures left search engines the old date to go by."""
        return self.annotate(
            changed_at=Greatest("updated_at", "published_at", "occupation__updated_at")
        )

    def formerly_at(self, slug):
        """The page that had the address `slug` before an editor changed it."""
        return self.filter(former_slugs__slug=slug).first()

    def redirect_target(self, slug):
        """The page an address not its own names: one it had before an editor
        changed it, or its own or such a one written with capitals (slugs are
        lower case); or None."""
        page = self.formerly_at(slug)
        if page is None and slug != slug.lower():
            page = self.filter(slug=slug.lower()).first() or self.formerly_at(
                slug.lower()
            )
        return page

    def moved_from(self, slugs):
        """{former slug: the page's slug now} for the pages among these that had
        one of `slugs` before an editor changed it."""
        moved = self.filter(former_slugs__slug__in=slugs)
        return dict(moved.values_list("former_slugs__slug", "slug"))

    def scheduled(self):
        return self.filter(
            status=CareerPage.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def drafts(self):
        return self.filter(status=CareerPage.Status.DRAFT)

    def for_list(self):
        """Only the columns a career card shows: the list sorts every match, and
        the long texts (editorial sections, O*NET descriptions, search document)
        would ride along through the sort."""
        return (
            self.select_related("occupation")
            .only(
                "slug",
                "career_name",
                "summary",
                "occupation__code",
                "occupation__title",
            )
            .order_by(*ALPHABETICAL)
        )

    def written_by_editors(self):
        """Pages an editor wrote (an introduction), not the catalogue's data-only
        pages."""
        return self.exclude(introduction="")

    def fastest_growing(self):
        """Pages by their occupation's projected growth in employment in its
        latest projection, fastest first (those without one left out), each
        annotated with it: `projected_growth`, `projection_horizon_year`, and
        `projected_for`, the BLS occupation whose figure it is (its group's code,
        or its own SOC code, which O*NET's specialties share: 15-2051.01 has
        15-2051's). Of the pages of one BLS occupation, the SOC occupation's
        own (15-2051.00) comes first."""
        latest = EmploymentProjection.objects.filter(
            occupation=models.OuterRef("occupation_id")
        ).order_by("-release__reference_date")
        return (
            self.annotate(
                projected_growth=models.Subquery(latest.values("growth_percent")[:1]),
                projection_horizon_year=models.Subquery(
                    latest.values("release__horizon_year")[:1]
                ),
                projected_for=Coalesce(
                    NullIf(
                        models.Subquery(latest.values("bls_group_code")[:1]),
                        models.Value(""),
                    ),
                    Substr("occupation__code", 1, 7),
                ),
            )
            .filter(projected_growth__isnull=False)
            .order_by(
                "-projected_growth",
                models.Case(
                    models.When(occupation__code__endswith=".00", then=0), default=1
                ),
                *ALPHABETICAL,
            )
        )

    def fastest_growing_careers(self, count, *, leaving_out=()):
        """The first `count` pages of `fastest_growing`, one per BLS occupation
        (three specialties of one were three cards of one figure), and none of
        the BLS occupations of the pages `leaving_out` (shown already)."""
        shown = {page.occupation.code[:7] for page in leaving_out}
        careers = []
        # In one query: a BLS occupation has a handful of specialties at most.
        for page in self.fastest_growing()[: 10 * count]:
            if page.projected_for not in shown:
                shown.add(page.projected_for)
                careers.append(page)
                if len(careers) == count:
                    break
        return careers

    def search(self, query):
        """Pages matching `query` by title, alternate title or code, best first."""
        from .search import career_pages_search

        return career_pages_search(self, query)

    def with_job_zone(self):
        """Each page's O*NET Job Zone name and education text, in the same query."""
        zone = JobZone.objects.filter(number=models.OuterRef("occupation__job_zone"))
        return self.annotate(
            job_zone_name=models.Subquery(zone.values("name")[:1]),
            job_zone_education=models.Subquery(zone.values("education")[:1]),
        )

    def for_detail_page(self):
        """The pages with their occupation, its release and its Job Zone; pass the
        fetched pages to `prefetch_page_content()` for the lists they show."""
        return (
            self.select_related("occupation__release")
            .defer(*(f"occupation__{field}" for field in SEARCH_FIELDS))
            .with_job_zone()
            .with_changed_at()
        )


def _listed_rows(pages):
    """The rows `pages` list, as a condition: a curated page shows only its featured
    rows, so the other hundred technologies an occupation may have are never
    fetched. `CareerPage._listed()` stays the rule; this only spares the rows it
    would drop."""
    all_data_occupations = [page.occupation_id for page in pages if not page.is_curated]
    return Q(is_featured=True) | Q(occupation__in=all_data_occupations)


def _release_figure_prefetches():
    """Wages and projections, each with its release.

    Here and below, a list whose model's default order starts with the parent
    names its own order: sorting by the parent sorts by the parent's own order and
    so joins the parent's table into the query, while prefetching sorts the rows
    into their parents anyway. (Skills and technologies keep their default
    orders, which do not.)"""
    return [
        Prefetch(
            "occupation__wage_estimates",
            queryset=WageEstimate.objects.select_related("release").order_by(
                "-release__reference_date"
            ),
        ),
        Prefetch(
            "occupation__projections",
            queryset=EmploymentProjection.objects.select_related("release").order_by(
                "-release__reference_date"
            ),
        ),
    ]


def _figure_prefetches(listed):
    """The page lists the figures need: listed skills and technologies (`listed`
    from `_listed_rows`), wages and projections."""
    return [
        Prefetch(
            "occupation__occupation_skills",
            queryset=OccupationSkill.objects.filter(listed).select_related(
                "skill__category"
            ),
        ),
        Prefetch(
            "occupation__occupation_technologies",
            queryset=OccupationTechnology.objects.filter(listed).select_related(
                "technology__category"
            ),
        ),
        *_release_figure_prefetches(),
    ]


def prefetch_page_downloads(pages):
    """Load what the downloads of `pages` (data.csv, data.json) hold: wages and
    projections, in two queries whatever their number."""
    models.prefetch_related_objects(pages, *_release_figure_prefetches())
    return pages


def prefetch_page_figures(pages):
    """Load what the figures of `pages` need, in four queries whatever their
    number. Enough for the compare page."""
    models.prefetch_related_objects(pages, *_figure_prefetches(_listed_rows(pages)))
    return pages


def prefetch_page_content(pages):
    """Load everything `pages` show: their figures, listed tasks, related careers
    and resources, in seven queries whatever their number."""
    from resources.models import CareerPageResource

    listed = _listed_rows(pages)
    related_page_slug = (
        CareerPage.objects.published()
        .filter(occupation=models.OuterRef("related"))
        .order_by("id")
        .values("slug")[:1]
    )
    models.prefetch_related_objects(
        pages,
        *_figure_prefetches(listed),
        Prefetch(
            "occupation__tasks",
            queryset=Task.objects.filter(listed).order_by(
                POSITIONED_FIRST, "position", "rank", "id"
            ),
        ),
        Prefetch(
            "occupation__related_occupations",
            queryset=RelatedOccupation.objects.select_related("related")
            .defer(*(f"related__{field}" for field in SEARCH_FIELDS))
            .annotate(page_slug=models.Subquery(related_page_slug))
            .order_by("index"),
        ),
        Prefetch(
            "page_resources",
            queryset=CareerPageResource.objects.select_related("resource").order_by(
                "position", "id"
            ),
        ),
    )
    return pages


def now_to_the_second():
    """Publication times are whole seconds: the admin's form and spreadsheet
    exports show no more, so a stored fraction read as a change on every save."""
    return timezone.now().replace(microsecond=0)


class CareerPage(models.Model):
    """An editorial career page: the public face of one occupation's data."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class DataLists(models.TextChoices):
        CURATED = "curated", "Curated: featured rows only"
        ALL = "all", "All data"

    title = models.CharField(
        max_length=200, help_text='e.g. "Machine Learning Engineer Career Path in 2024"'
    )
    slug = models.SlugField(
        max_length=200, unique=True, validators=[validate_career_slug]
    )
    # As long as an occupation's title, which a catalogue page's name is: O*NET
    # has titles of 105 letters.
    career_name = models.CharField(
        max_length=200, help_text='Used in headings, e.g. "Machine Learning Engineer".'
    )
    career_name_plural = models.CharField(
        max_length=200, help_text='e.g. "Machine Learning Engineers".'
    )
    headline_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text='The year in headings such as "U.S. Salary in 2024".',
    )
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        related_name="career_pages",
        help_text="The occupation whose O*NET and BLS figures this page shows.",
    )
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="One sentence for the career list and search engines.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    data_lists = models.CharField(
        "task, skill and technology lists",
        max_length=10,
        choices=DataLists,
        default=DataLists.ALL,
        help_text="Curated: only rows marked “featured” on the occupation. "
        "All: every imported task and technology, and the skills O*NET rates "
        "important (3 or more of 5).",
    )
    published_at = models.DateTimeField(
        "publish at",
        default=now_to_the_second,
        validators=[validate_publication_time],
        help_text="A published page goes live at this time: set a future time to "
        "schedule it. Drafts are never shown, whatever the time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Editorial sections, in Markdown. Rendered and sanitised on the page.
    introduction = models.TextField(
        blank=True, help_text='"[Career] Job Description" section.'
    )
    duties = models.TextField(
        blank=True, help_text='"What Does a [Career] Do?" section.'
    )
    qualifications = models.TextField(
        blank=True, help_text='"Skills and Qualifications".'
    )
    career_path = models.TextField(
        blank=True, help_text='"Career Path and Salary Expectations".'
    )
    why_consider = models.TextField(
        blank=True, help_text='"Why Consider a Career as a [Career]?"'
    )
    outlook = models.TextField(
        blank=True,
        help_text='"[Career] Job Outlook": the narrative, with its industry bullets.',
    )
    resources_introduction = models.TextField(
        blank=True, help_text="Paragraph before the resource list."
    )
    resources_conclusion = models.TextField(
        blank=True, help_text="Paragraph after the resource list."
    )

    # The Markdown sections, in the order the page shows them.
    EDITORIAL_SECTIONS = (
        "introduction",
        "duties",
        "qualifications",
        "career_path",
        "why_consider",
        "outlook",
        "resources_introduction",
        "resources_conclusion",
    )

    objects = CareerPageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ALPHABETICAL
        indexes = (models.Index(fields=("status", "published_at")),)
        constraints = (
            models.CheckConstraint(
                condition=Q(headline_year__range=(2000, 2100)),
                name="career_page_headline_year_range",
            ),
            models.CheckConstraint(
                condition=Q(published_at__gte=PUBLICATION_TIMES[0])
                & Q(published_at__lt=PUBLICATION_TIMES[1]),
                name="career_page_published_at_range",
            ),
        )

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """A changed slug leaves its old address behind as a `FormerSlug`, which
        redirects to the page: links and search results keep working."""
        previous_slug = (
            CareerPage.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        if previous_slug and previous_slug != self.slug:
            FormerSlug.objects.update_or_create(
                slug=previous_slug, defaults={"page": self}
            )
        # An address in use is nobody's former one: a page renamed back, or a new
        # page given an address another page left.
        FormerSlug.objects.filter(slug=self.slug).delete()

    def get_absolute_url(self):
        return reverse("occupations:detail", kwargs={"slug": self.slug})

    def former_slugs_restore(self):
        """For a deleted page restored: the addresses it had (its revisions'
        slugs) redirect to it again, as before its deletion took them along;
        those another page or redirect has taken since stay theirs."""
        slugs = set(self.history.values_list("slug", flat=True)) - {self.slug}
        taken = {
            *CareerPage.objects.filter(slug__in=slugs).values_list("slug", flat=True),
            *FormerSlug.objects.filter(slug__in=slugs).values_list("slug", flat=True),
        }
        FormerSlug.objects.bulk_create(
            FormerSlug(page=self, slug=slug) for slug in sorted(slugs - taken)
        )

    def clean_fields(self, exclude=None):
        """The fields, then the headline year against the title's, once both are
        valid: a year the form refused ("20255") is not on the instance, and the
        stored one compared in its place gave a second, wrong message."""
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        compared = {"title", "headline_year"}
        if not compared & {*(exclude or ()), *errors}:
            contradiction = self._headline_year_contradiction()
            if contradiction:
                errors["headline_year"] = [contradiction]
        if errors:
            raise ValidationError(errors)

    def _headline_year_contradiction(self):
        """A title moved on to a new year over headings left in the old one
        ("…Career Path in 2025" over "U.S. Salary in 2024"), as a message. A title
        may name another year besides ("…in 2025: Outlook to 2034")."""
        title_years = list(dict.fromkeys(TITLE_YEAR.findall(self.title)))
        if title_years and str(self.headline_year) not in title_years:
            return (
                f"The title says {' and '.join(title_years)}, the headings "
                f"{self.headline_year} (“U.S. Salary in {self.headline_year}”). "
                "Give them the same year."
            )
        return None

    def clean(self):
        errors = {}
        for section in self.EDITORIAL_SECTIONS:
            try:
                validate_markdown(getattr(self, section))
            except ValidationError as error:
                errors[section] = error
        # Taken, another page's old address would stop redirecting to it, and
        # give it to this page for good: links and search results pointing there
        # would show another career. Freeing it is a choice made on that page.
        redirect = (
            FormerSlug.objects.filter(slug=self.slug)
            .exclude(page_id=self.pk)
            .select_related("page")
            .first()
        )
        if redirect:
            errors["slug"] = ValidationError(
                f"{self.get_absolute_url()} is the former address of “{redirect.page}” "
                "and redirects there. Choose another address, or first delete it "
                "from that page's former addresses."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_live(self):
        """Visible to visitors now (the instance-level twin of `published()`)."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def publication_label(self):
        """ "Draft", "Published" or "Scheduled for 3 June 2025, 09:00 UTC"."""
        if self.is_scheduled:
            when = timezone.localtime(self.published_at)
            return f"Scheduled for {dateformat.format(when, 'j F Y, H:i T')}"
        return self.get_status_display()

    @property
    def is_curated(self):
        return self.data_lists == self.DataLists.CURATED

    def lists_left_empty(self):
        """The lists ("tasks", "skills", "technologies") a curated page leaves out
        because its occupation has no row of them featured; [] if it lists all."""
        if not self.is_curated:
            return []
        occupation = self.occupation
        lists = {
            "tasks": occupation.tasks,
            "skills": occupation.occupation_skills,
            "technologies": occupation.occupation_technologies,
        }
        return [
            name
            for name, rows in lists.items()
            if not rows.filter(is_featured=True).exists()
        ]

    def _listed(self, rows):
        if self.is_curated:
            return [row for row in rows if row.is_featured]
        return list(rows)

    def tasks(self):
        return self._listed(self.occupation.tasks.all())

    @property
    def onet_lists_no_tasks(self):
        """An all-data page whose occupation O*NET gives no task (as for most of
        its "All Other" occupations): the page says so where the tasks would be,
        as it does for wages it lacks, rather than leave the section out unsaid.
        (A curated page that features none is its editor's choice.)"""
        return not self.is_curated and not self.occupation.tasks.all()

    @property
    def onet_lists_no_technologies_or_skills(self):
        """An all-data page whose occupation O*NET gives no technology and no
        skill, the like of `onet_lists_no_tasks`."""
        occupation = self.occupation
        return (
            not self.is_curated
            and not occupation.occupation_technologies.all()
            and not occupation.occupation_skills.all()
        )

    def technologies_by_category(self):
        """[(category, shown, more), …] from the prefetched, ordered rows: `shown`
        all of a category's technologies, or for a long list its hot ones (its
        first few if none is hot), and `more` the rest, in their order (never a
        hot one)."""
        rows = self._listed(self.occupation.occupation_technologies.all())
        groups = []
        for category, group in groupby(rows, key=lambda row: row.technology.category):
            technologies = [row.technology for row in group]
            if len(technologies) <= LONG_TECHNOLOGY_LIST:
                groups.append((category, technologies, []))
                continue
            hot = [tech for tech in technologies if tech.is_hot_technology]
            shown = hot or technologies[:SHOWN_OF_A_LONG_LIST]
            groups.append(
                (category, shown, [tech for tech in technologies if tech not in shown])
            )
        return groups

    def _worded_skills(self):
        """[(row, skill's words), …] of the skills the page lists, in their order:
        all-data pages list the important ones, worded by `skill_words`."""
        rows = self._listed(self.occupation.occupation_skills.all())
        if not self.is_curated:
            rows = [
                row
                for row in rows
                if row.importance is None or row.importance >= IMPORTANT_SKILL
            ]
        rows = list(rows)
        return list(zip(rows, skill_words([row.skill for row in rows]), strict=True))

    def skills_by_category(self):
        """[(category, [skill's words, …]), …] of the skills the page lists."""
        return [
            (category, [words for _, words in group])
            for category, group in groupby(
                self._worded_skills(), key=lambda pair: pair[0].skill.category
            )
        ]

    def top_skills(self, count=5):
        """Of the skills the page lists, worded as it words them, those O*NET
        rates most important, most important first. (The compare table had
        ranked every rated skill, worded apart: a column could name skills the
        career's page leaves out as unimportant, or name the ones it shows by
        their other words.)"""
        worded = sorted(
            self._worded_skills(), key=lambda pair: -(pair[0].importance or 0)
        )
        return [words for _, words in worded[:count]]

    def lists_a_hot_technology(self):
        """Whether the page marks any technology "Hot" (a long list keeps its hot
        ones in view), and so needs the mark's legend."""
        rows = self._listed(self.occupation.occupation_technologies.all())
        return any(row.technology.is_hot_technology for row in rows)

    def top_technologies(self, count=6):
        """Listed technologies, hot technologies and in-demand ones first."""
        rows = self._listed(self.occupation.occupation_technologies.all())
        rows = sorted(
            rows,
            key=lambda row: (
                not row.technology.is_hot_technology,
                not row.is_in_demand,
                row.technology.name.lower(),
            ),
        )
        return [row.technology for row in rows[:count]]

    def related_occupations(self):
        """O*NET's closest related occupations that have a page (first ten)."""
        rows = self.occupation.related_occupations.all()
        return [row for row in rows if row.page_slug][:10]

    @property
    def onet_title_if_other(self):
        """The occupation's O*NET title when the page goes by another name ("Machine
        Learning Engineer": Operations Research Analysts), else "": a card
        saying "Nurse Midwives · Nurse Midwives" says it twice."""
        title = self.occupation.title
        return "" if title.casefold() == self.career_name.casefold() else title

    @property
    def career_name_with_article(self):
        """ "a Machine Learning Engineer", "an Actuary" (by spelling, which is
        right for the career names we publish; rename the career if it is not)."""
        article = "an" if self.career_name[:1].lower() in "aeiou" else "a"
        return f"{article} {self.career_name}"


class FormerSlug(models.Model):
    """An address a career page had before an editor changed its slug; a visit
    to it is redirected (301) to the page."""

    page = models.ForeignKey(
        CareerPage, on_delete=models.CASCADE, related_name="former_slugs"
    )
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField("left on", auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = "former address"
        verbose_name_plural = "former addresses (redirected to this page)"

    def __str__(self):
        return reverse("occupations:detail", kwargs={"slug": self.slug})
