"""Writes of several steps: publishing and unpublishing career pages, and the demo
content loader (`load_demo` and `make run` create the demo career pages and the
records they show from `occupations/demo/demo_content.json`)."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_update_with_history

from adminsite.history import baseline_revision_record
from resources.models import CareerPageResource, Resource

from . import page_cache
from .importers.onet import TIERS
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
    now_to_the_second,
)

DEMO_CONTENT_PATH = Path(__file__).resolve().parent / "demo" / "demo_content.json"


def career_pages_to_publish(pages):
    """The pages among `pages` that publishing would change: those not live."""
    return [page for page in pages if not page.is_live]


def career_pages_to_unpublish(pages):
    """The pages among `pages` that unpublishing would change: those not drafts."""
    return [page for page in pages if page.status != CareerPage.Status.DRAFT]


@transaction.atomic
def career_pages_publish(*, pages, by):
    """Publish `pages` now (those not live yet), as revisions by the user `by`;
    returns how many were published.

    A page that was live before keeps the time it went live and its "Last
    updated": unpublished and published again (by mistake, or after a fix saved
    on its own), it is not news to the feed and the sitemap. Any other page goes
    live now: a draft's `published_at` is only when it was created."""
    pages = career_pages_to_publish(pages)
    now = now_to_the_second()
    were_live = _career_pages_were_live(pages)

    def publish(page):
        page.status = CareerPage.Status.PUBLISHED
        if page.pk not in were_live or page.published_at > now:
            page.published_at = now

    return _career_pages_change(
        pages,
        publish,
        ["status", "published_at"],
        by=by,
        reason="Published now (admin action)",
    )


def _career_pages_were_live(pages):
    """The ids of `pages` that were live when a revision of them was recorded:
    published, their time come. (A scheduled page that went live by itself left
    no such revision.)"""
    return set(
        CareerPage.history.filter(
            id__in=[page.pk for page in pages if page.pk],
            status=CareerPage.Status.PUBLISHED,
            published_at__lte=F("history_date"),
        ).values_list("id", flat=True)
    )


def career_page_publish_time(page, *, time_chosen):
    """When `page`, set to published in its form, goes live: as
    `career_pages_publish` has it, a page never live before goes live now, not
    when its draft was created, unless the editor chose the time (`time_chosen`)
    or it lies ahead (a schedule); a page live before keeps its time."""
    now = now_to_the_second()
    if time_chosen or page.published_at > now:
        return page.published_at
    if page.pk in _career_pages_were_live([page]):
        return page.published_at
    return now


@transaction.atomic
def career_pages_unpublish(*, pages, by):
    """Turn `pages` back into drafts, as revisions by the user `by`; returns how
    many were not drafts already. Their dates stay: nothing they show changed."""

    def unpublish(page):
        page.status = CareerPage.Status.DRAFT

    return _career_pages_change(
        career_pages_to_unpublish(pages),
        unpublish,
        ["status"],
        by=by,
        reason="Unpublished (admin action)",
    )


def _career_pages_change(pages, change, fields, *, by, reason):
    """Apply `change` to each page and save its `fields` in one bulk update, each
    page's revision recorded."""
    for page in pages:
        # Bulk updates send no pre_save: a page the catalogue wrote gets the
        # version before this change here, as an editor's save gives it one.
        baseline_revision_record(CareerPage, page)
    for page in pages:
        change(page)
    bulk_update_with_history(
        pages,
        CareerPage,
        fields,
        default_user=by,
        default_change_reason=reason,
    )
    page_cache.invalidate()  # bulk updates send no save signals
    return len(pages)


class _DemoLoader:
    """Creates demo records by natural key; existing ones are kept unless `overwrite`.

    Keeping existing records means an editor's changes survive `make run`, which
    loads the demo every time; `overwrite` puts the demo text and figures back.
    """

    def __init__(self, *, overwrite):
        self.overwrite = overwrite
        self.counts = Counter()

    def sync(self, model, lookup, values, fill=None):
        """`fill`: fields set even without `overwrite` while still unset (empty,
        0 or False), e.g. the demo's skill summaries on rows an import created."""
        fill = fill or {}
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **{**values, **fill})
            self.counts["created"] += 1
            return obj
        if not self.overwrite:
            changed = [name for name in fill if not getattr(obj, name)]
            values = fill
        else:
            values = {**values, **fill}
            changed = [
                name for name, value in values.items() if getattr(obj, name) != value
            ]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            self.counts["updated"] += 1
        else:
            self.counts["unchanged"] += 1
        return obj

    @staticmethod
    def curating(model, occupation):
        """Whether the demo's selection is applied to an occupation's rows of
        `model`: not where an editor has already picked featured rows."""
        return not model.objects.filter(
            occupation=occupation, is_featured=True
        ).exists()

    def load(self, content):
        releases = {
            row["name"]: self.sync(
                DataRelease,
                {"kind": row["kind"], "name": row["name"]},
                {
                    "reference_date": date.fromisoformat(row["reference_date"]),
                    "horizon_year": row["horizon_year"],
                    "attribution": row["attribution"],
                    "url": row["url"],
                },
            )
            for row in content["releases"]
        }
        skill_categories = {
            row["name"]: self.sync(
                SkillCategory, {"name": row["name"]}, {"position": row["position"]}
            )
            for row in content["skill_categories"]
        }
        for row in content.get("job_zones", ()):
            self.sync(
                JobZone,
                {"number": row["number"]},
                {k: v for k, v in row.items() if k != "number"},
            )
        for row in content.get("soc_major_groups", ()):
            self.sync(SocMajorGroup, {"code": row["code"]}, {"title": row["title"]})
        occupations = {
            row["code"]: self.load_occupation(row, releases, skill_categories)
            for row in content["occupations"]
        }
        for row in content["occupations"]:
            for related in row.get("related", ()):
                self.sync(
                    RelatedOccupation,
                    {
                        "occupation": occupations[row["code"]],
                        "related": occupations[related["code"]],
                    },
                    {"tier": TIERS[related["tier"]], "index": related["index"]},
                )
        resources = {
            row["name"]: self.sync(
                Resource,
                {"name": row["name"]},
                {
                    "url": row["url"],
                    "description": row["description"],
                    "position": row["position"],
                },
            )
            for row in content["resources"]
        }
        for row in content["pages"]:
            self.load_page(row, occupations, resources)

    def load_occupation(self, row, releases, skill_categories):
        occupation = self.sync(
            Occupation,
            {"code": row["code"]},
            {
                "title": row["title"],
                "description": row["description"],
                # The demo's texts are its O*NET release's, as an import stores
                # them: an editor's change to them is then one an import keeps.
                "onet_title": row["title"],
                "onet_description": row["description"],
                "job_zone": row["job_zone"],
                "release": releases[row["release"]],
            },
        )
        # The demo's lists are its editors' picks: featured, in their order, even
        # when an import created the rows first.
        curate_tasks = self.curating(Task, occupation)
        for task in row["tasks"]:
            self.sync(
                Task,
                {"occupation": occupation, "onet_task_id": task["onet_task_id"]},
                {
                    "statement": task["statement"],
                    "onet_statement": task["statement"],
                    "task_type": task["task_type"],
                    "position": task["position"],
                },
                fill={"position": task["position"], "is_featured": True}
                if curate_tasks
                else None,
            )
        curate_skills = self.curating(OccupationSkill, occupation)
        for position, skill_row in enumerate(row["skills"], start=1):
            skill = self.sync(
                Skill,
                {"element_id": skill_row["element_id"]},
                {
                    "name": skill_row["name"],
                    "description": skill_row["description"],
                    "category": skill_categories[skill_row["category"]],
                },
                fill={"summary": skill_row["summary"]},
            )
            self.sync(
                OccupationSkill,
                {"occupation": occupation, "skill": skill},
                {
                    "importance": _decimal(skill_row["importance"]),
                    "level": _decimal(skill_row["level"]),
                    "position": position,
                },
                fill={"position": position, "is_featured": True}
                if curate_skills
                else None,
            )
        curate_technologies = self.curating(OccupationTechnology, occupation)
        for tech_row in row["technologies"]:
            category = self.sync(
                TechnologyCategory,
                {"title": tech_row["category"]},
                {"commodity_code": tech_row["commodity_code"]},
            )
            technology = self.sync(
                Technology,
                {"name": tech_row["name"], "category": category},
                {"is_hot_technology": tech_row["hot"]},
            )
            self.sync(
                OccupationTechnology,
                {"occupation": occupation, "technology": technology},
                {"is_in_demand": tech_row["in_demand"]},
                fill={"is_featured": True} if curate_technologies else None,
            )
        # O*NET's alternate titles, and the demo editors' search titles ("kind":
        # "editorial"), which have no short title or O*NET sources.
        for title_row in row.get("alternate_titles", ()):
            self.sync(
                AlternateTitle,
                {
                    "occupation": occupation,
                    "kind": title_row.get("kind", AlternateTitle.Kind.ALTERNATE),
                    "title": title_row["title"],
                },
                {
                    "short_title": title_row.get("short_title", ""),
                    "sources": title_row.get("sources", ""),
                },
            )
        for wage_row in row["wages"]:
            figures = {k: _decimal(v) for k, v in wage_row.items() if k != "release"}
            self.sync(
                WageEstimate,
                {"occupation": occupation, "release": releases[wage_row["release"]]},
                figures,
            )
        for projection_row in row["projections"]:
            figures = {
                k: _decimal(v) for k, v in projection_row.items() if k != "release"
            }
            self.sync(
                EmploymentProjection,
                {
                    "occupation": occupation,
                    "release": releases[projection_row["release"]],
                },
                figures,
            )
        return occupation

    def load_page(self, row, occupations, resources):
        editorial = {
            name: row[name]
            for name in (
                "title",
                "career_name",
                "career_name_plural",
                "headline_year",
                "summary",
                *CareerPage.EDITORIAL_SECTIONS,
            )
        }
        page = self.sync(
            CareerPage,
            {"slug": row["slug"]},
            {
                **editorial,
                "occupation": occupations[row["occupation"]],
                "status": CareerPage.Status.PUBLISHED,
                "data_lists": CareerPage.DataLists.CURATED,
            },
        )
        for link in row["resources"]:
            self.sync(
                CareerPageResource,
                {"page": page, "resource": resources[link["name"]]},
                {"description": link["description"], "position": link["position"]},
            )


def _decimal(value):
    return None if value is None else Decimal(value)


def demo_content_load(*, path=DEMO_CONTENT_PATH, overwrite=False):
    """Load the demo career pages and their data; returns created/updated/unchanged."""
    content = json.loads(Path(path).read_text(encoding="utf-8"))
    loader = _DemoLoader(overwrite=overwrite)
    with transaction.atomic():
        loader.load(content)
    return loader.counts
