from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import IntegrityError, transaction

from occupations.models import (
    CareerPage,
    EmploymentProjection,
    Occupation,
    Task,
    WageEstimate,
)
from tests.factories import (
    CareerPageFactory,
    DataReleaseFactory,
    EmploymentProjectionFactory,
    OccupationFactory,
    TaskFactory,
    WageEstimateFactory,
)
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def test_occupation_code_duplicate_is_rejected_both_ways():
    OccupationFactory(code="15-2031.00")
    duplicate = Occupation(code="15-2031.00", title="Copy", description="Copy.")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_occupation_code_must_look_like_an_onet_code():
    with pytest.raises(ValidationError, match="15-2031.00"):
        Occupation(code="152031", title="Analysts", description="x").full_clean()


def test_occupation_job_zone_out_of_range_is_rejected_both_ways():
    occupation = OccupationFactory.build(job_zone=6)
    with pytest.raises(ValidationError):
        occupation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        occupation.save()


def test_wage_negative_is_rejected_both_ways():
    wage = WageEstimateFactory.build(
        occupation=OccupationFactory(), release=DataReleaseFactory(), hourly_median=-1
    )
    with pytest.raises(ValidationError):
        wage.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        wage.save()


def test_wage_percentiles_out_of_order_explain_which_one():
    wage = WageEstimateFactory.build(
        occupation=OccupationFactory(),
        release=DataReleaseFactory(),
        annual_pct10=Decimal("60000"),
        annual_median=Decimal("50000"),
    )
    with pytest.raises(ValidationError) as error:
        wage.full_clean()
    assert error.value.message_dict["annual_median"] == [
        "Must not be lower than the annual 10th percentile ($60,000)."
    ]


def test_wage_one_estimate_per_occupation_and_release():
    wage = WageEstimateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        WageEstimate.objects.create(occupation=wage.occupation, release=wage.release)


def test_projection_growth_out_of_range_is_refused_by_validation_and_database():
    projection = EmploymentProjectionFactory()
    projection.growth_percent = Decimal("10000")
    with pytest.raises(ValidationError):
        projection.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentProjection.objects.filter(pk=projection.pk).update(
            growth_percent=Decimal("-150")
        )


def test_database_check_lists_projections_whose_growth_their_figures_deny():
    """Typed before growth had to follow from employment, such a projection
    stops its occupation from being saved: `check --database` finds them."""
    fine = EmploymentProjectionFactory(
        employment_base=Decimal("309.4"),
        employment_projected=Decimal("322.7"),
        growth_percent=Decimal("4.3"),
    )
    call_command("check", databases=["default"], fail_level="WARNING")

    EmploymentProjection.objects.filter(pk=fine.pk).update(growth_percent=50)
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", databases=["default"], fail_level="WARNING")
    assert (
        "1 employment projection shows a growth their employment figures deny: "
        f"{fine.occupation.code} ({fine.release})."
    ) in str(raised.value)


def test_database_check_lists_wages_whose_annual_figure_the_hourly_one_denies():
    wage = WageEstimateFactory(
        annual_median=Decimal("91290"), hourly_median=Decimal("43.89")
    )
    call_command("check", databases=["default"], fail_level="WARNING")

    WageEstimate.objects.filter(pk=wage.pk).update(annual_median=99999)
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", databases=["default"], fail_level="WARNING")
    assert (
        "1 wage estimate has an annual wage that is not its hourly wage for 2,080 "
        f"hours: {wage.occupation.code} ({wage.release})."
    ) in str(raised.value)
    assert "occupations.W005" in str(raised.value)


def test_career_page_slug_is_unique_both_ways():
    page = CareerPageFactory(slug="data-scientist")
    copy = CareerPageFactory.build(slug="data-scientist", occupation=page.occupation)
    with pytest.raises(ValidationError, match="already exists"):
        copy.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_occupation_description_sentences_split_on_sentence_ends():
    occupation = OccupationFactory.build(
        description="Formulate models. May collect data, e.g. surveys. May report. "
        "Required to hold license issued by U.S. Coast Guard. Pilot ships."
    )
    assert occupation.description_sentences() == [
        "Formulate models.",
        "May collect data, e.g. surveys.",
        "May report.",
        "Required to hold license issued by U.S. Coast Guard.",
        "Pilot ships.",
    ]


def test_career_page_name_article_follows_spelling():
    assert CareerPage(career_name="Actuary").career_name_with_article == "an Actuary"
    assert CareerPage(career_name="Nurse").career_name_with_article == "a Nurse"


@pytest.mark.parametrize("slug", ["compare", "feed"])
def test_career_page_slug_reserved_for_site_pages_is_rejected(slug):
    page = CareerPageFactory.build(slug=slug, occupation=OccupationFactory())
    with pytest.raises(ValidationError, match="taken by another page"):
        page.full_clean()


def test_tasks_an_editor_numbered_come_first_then_the_rest_in_data_order(client, db):
    """Tasks left at position 0 follow the numbered ones in the data's order (most
    important first); numbering three for a curated page put them last on the
    occupation's all-data page."""
    occupation = OccupationFactory()
    for rank in range(1, 6):
        TaskFactory(
            occupation=occupation,
            statement=f"Task ranked {rank}.",
            rank=rank,
            position=0,
        )
    Task.objects.filter(rank__in=(4, 5)).update(position=1)
    Task.objects.filter(rank=5).update(position=2)
    all_data = CareerPageFactory(
        occupation=occupation, data_lists=CareerPage.DataLists.ALL
    )
    text = visible_text(client.get(all_data.get_absolute_url()).content)
    shown = [text.index(f"Task ranked {rank}.") for rank in (4, 5, 1, 2, 3)]
    assert shown == sorted(shown)
    # The models' own order too, which the admin's inline rows follow.
    assert [task.rank for task in occupation.tasks.all()] == [4, 5, 1, 2, 3]


def test_curated_page_with_nothing_featured_leaves_out_the_empty_lists(client, db):
    """Before an editor features rows, a curated page said "No tasks are listed for
    this occupation" of an occupation with tasks, under an empty skills heading."""
    occupation = OccupationFactory()
    task = TaskFactory(occupation=occupation, statement="Analyse the data.")
    page = CareerPageFactory(
        occupation=occupation, data_lists=CareerPage.DataLists.CURATED
    )
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Typical Tasks for" not in text
    assert "No tasks are listed" not in text
    assert "Technologies and Skills Used by" not in text

    task.is_featured = True
    task.save()
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Typical Tasks for" in text
    assert "Analyse the data." in text
