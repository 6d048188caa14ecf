from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from occupations.models import CareerPage

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every project model, as stored."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()), key=str)
        for app in ("occupations", "resources")
        for model in apps.get_app_config(app).get_models()
    }


def run_load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_load_demo_twice_changes_nothing():
    first = run_load_demo()
    before = snapshot()
    second = run_load_demo()
    assert snapshot() == before
    assert "0 created, 0 updated" in second
    assert "0 created" not in first


def test_load_demo_loads_the_reference_page_and_two_real_careers():
    run_load_demo()
    pages = dict(CareerPage.objects.values_list("slug", "occupation__code"))
    assert pages["machine-learning-engineer"] == "15-2031.00"
    assert len(pages) >= 3


def test_load_demo_keeps_editor_changes_unless_overwrite():
    run_load_demo()
    CareerPage.objects.filter(slug="machine-learning-engineer").update(
        title="Edited by an editor"
    )
    run_load_demo()
    assert CareerPage.objects.get(slug="machine-learning-engineer").title == (
        "Edited by an editor"
    )
    output = run_load_demo("--overwrite")
    assert "1 updated" in output
    assert CareerPage.objects.get(slug="machine-learning-engineer").title == (
        "Machine Learning Engineer Career Path in 2024"
    )
