import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from newsletter.consent import CONSENT_VERSION
from occupations.models import (
    CareerPage,
    DataRelease,
    EmploymentProjection,
    Occupation,
    OccupationSkill,
    OccupationTechnology,
    Skill,
    SkillCategory,
    Task,
    Technology,
    TechnologyCategory,
    WageEstimate,
)
from resources.models import CareerPageResource, Resource


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class DataReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataRelease
        django_get_or_create = ("kind", "name")

    kind = DataRelease.Kind.WAGES
    name = "May 2022"
    reference_date = datetime.date(2022, 5, 1)
    attribution = "Data sourced from BLS."


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation

    # Past every real 15- code (15-1211 to 15-2099): a factory's occupation never
    # takes the code of one the demo or an import creates.
    code = factory.Sequence(lambda n: f"15-{5000 + n % 5000:04d}.00")
    title = factory.Sequence(lambda n: f"Analysts {n}")
    description = "Analyse things. May report on them."
    job_zone = 4


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    occupation = factory.SubFactory(OccupationFactory)
    onet_task_id = factory.Sequence(lambda n: 90000 + n)
    statement = factory.Sequence(lambda n: f"Perform task number {n}.")
    task_type = Task.Type.CORE
    position = factory.Sequence(int)


class SkillCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillCategory
        django_get_or_create = ("name",)

    name = "Basic Skills"


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    element_id = factory.Sequence(lambda n: f"9.Z.{n}")
    name = factory.Sequence(lambda n: f"Skill {n}")
    summary = factory.Sequence(lambda n: f"Doing skilful thing {n}")
    category = factory.SubFactory(SkillCategoryFactory)


class OccupationSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OccupationSkill

    occupation = factory.SubFactory(OccupationFactory)
    skill = factory.SubFactory(SkillFactory)
    importance = Decimal("3.50")
    level = Decimal("4.00")


class TechnologyCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnologyCategory
        django_get_or_create = ("title",)

    title = "Analytical or scientific software"


class TechnologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technology

    name = factory.Sequence(lambda n: f"Tool {n}")
    category = factory.SubFactory(TechnologyCategoryFactory)


class OccupationTechnologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OccupationTechnology

    occupation = factory.SubFactory(OccupationFactory)
    technology = factory.SubFactory(TechnologyFactory)


class WageEstimateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WageEstimate

    occupation = factory.SubFactory(OccupationFactory)
    release = factory.SubFactory(DataReleaseFactory)
    annual_median = Decimal("85720")
    hourly_median = Decimal("41.21")


class EmploymentProjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmploymentProjection

    occupation = factory.SubFactory(OccupationFactory)
    release = factory.SubFactory(
        DataReleaseFactory,
        kind=DataRelease.Kind.PROJECTIONS,
        name="2021–31",
        reference_date=datetime.date(2021, 7, 1),
        horizon_year=2031,
    )
    growth_percent = Decimal("23.2")
    annual_openings = Decimal("10.3")


class CareerPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerPage

    occupation = factory.SubFactory(OccupationFactory)
    career_name = factory.Sequence(lambda n: f"Career {n}")
    career_name_plural = factory.LazyAttribute(lambda page: f"{page.career_name}s")
    title = factory.LazyAttribute(
        lambda page: f"{page.career_name} Career Path in 2024"
    )
    slug = factory.Sequence(lambda n: f"career-{n}")
    headline_year = 2024
    status = CareerPage.Status.PUBLISHED


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    name = factory.Sequence(lambda n: f"Resource {n}")
    url = factory.Sequence(lambda n: f"https://example.com/{n}")
    description = "A useful resource."


class CareerPageResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerPageResource

    page = factory.SubFactory(CareerPageFactory)
    resource = factory.SubFactory(ResourceFactory)


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "newsletter.Subscriber"

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    consent_version = CONSENT_VERSION
    status = "confirmed"
    confirmed_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    source_page = None
    source_path = factory.LazyAttribute(
        lambda subscriber: (
            subscriber.source_page.get_absolute_url()
            if subscriber.source_page
            else "/newsletter/"
        )
    )


FACTORY_GROUP_NUMBERS = [number for number in range(10, 99) if number != 55]


class SocMajorGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "occupations.SocMajorGroup"

    # Not 55-0000: a migration adds that group to every database.
    code = factory.Sequence(lambda n: f"{FACTORY_GROUP_NUMBERS[n % 88]:02d}-0000")
    title = factory.Sequence(lambda n: f"Group {n} Occupations")


class AlternateTitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "occupations.AlternateTitle"

    occupation = factory.SubFactory(OccupationFactory)
    kind = "alternate"
    title = factory.Sequence(lambda n: f"Alternate title {n}")


class RelatedOccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "occupations.RelatedOccupation"

    occupation = factory.SubFactory(OccupationFactory)
    related = factory.SubFactory(OccupationFactory)
    tier = "primary-short"
    index = factory.Sequence(lambda n: n % 20 + 1)


# --- A whole career page -------------------------------------------------------

ANNUAL = ("50440", "64060", "85720", "113980", "149640")
HOURLY = ("24.25", "30.80", "41.21", "54.80", "71.94")


def projections_release(**fields):
    return DataReleaseFactory(
        kind=DataRelease.Kind.PROJECTIONS,
        name=fields.pop("name", "2024–34"),
        reference_date=datetime.date(2024, 9, 1),
        horizon_year=2034,
        all_occupations_growth_percent=Decimal("3.1"),
        attribution="BLS Employment Projections credit.",
        **fields,
    )


def wages_release(**fields):
    return DataReleaseFactory(
        kind=DataRelease.Kind.WAGES,
        name="May 2024",
        reference_date=datetime.date(2024, 5, 1),
        top_code_annual=Decimal("239200"),
        top_code_hourly=Decimal("115.00"),
        attribution="BLS OEWS credit.",
        **fields,
    )


def full_career(*, size=3, growth="23.2", openings="10.3", annual=ANNUAL, **page):
    """A published page with wages (both bases), a projection and its lists."""
    page = CareerPageFactory(**page)
    occupation = page.occupation
    TaskFactory.create_batch(size, occupation=occupation)
    OccupationSkillFactory.create_batch(size, occupation=occupation)
    OccupationTechnologyFactory.create_batch(size, occupation=occupation)
    percentiles = ("pct10", "pct25", "median", "pct75", "pct90")
    WageEstimateFactory(
        occupation=occupation,
        release=wages_release(),
        **{f"annual_{p}": Decimal(v) for p, v in zip(percentiles, annual, strict=True)},
        **{f"hourly_{p}": Decimal(v) for p, v in zip(percentiles, HOURLY, strict=True)},
    )
    EmploymentProjectionFactory(
        occupation=occupation,
        release=projections_release(),
        growth_percent=Decimal(growth),
        annual_openings=None if openings is None else Decimal(openings),
        typical_education="Bachelor's degree",
    )
    return page
