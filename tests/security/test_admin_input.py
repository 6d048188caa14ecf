"""What editors type in the admin: impossible figures are refused with a clear message
and nothing is stored; hostile HTML and Markdown never reach a visitor as code."""

import datetime
import html
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from occupations.models import (
    CareerPage,
    DataRelease,
    EmploymentProjection,
    Occupation,
    OccupationSkill,
    WageEstimate,
)
from occupations.rich_text import validate_markdown
from resources.models import Resource
from tests.factories import (
    CareerPageFactory,
    DataReleaseFactory,
    OccupationFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"


def add_form_post(admin_client, model, data):
    """POST `data` to the model's admin add page as an editor would: every other
    field left at its default, inline formsets empty."""
    url = f"{ADMIN}{model._meta.app_label}/{model._meta.model_name}/add/"
    form_page = admin_client.get(url)
    assert form_page.status_code == 200
    form = form_page.context["adminform"].form
    defaults = {}
    for name, field in form.fields.items():
        initial = form.get_initial_for_field(field, name)
        if isinstance(initial, str | int | bool) and initial not in ("", False):
            defaults[name] = initial
    for inline in form_page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        defaults |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return admin_client.post(url, defaults | data)


def assert_refused(response, model, message, count_before=0):
    assert response.status_code == 200, "the form was accepted"
    text = html.unescape(response.content.decode())
    assert "Please correct the error" in text
    assert message in text
    assert model.objects.count() == count_before


@pytest.fixture
def occupation():
    return OccupationFactory(code="15-2011.00", title="Actuaries")


@pytest.fixture
def wage_release():
    return DataReleaseFactory()


@pytest.fixture
def projection_release():
    return DataReleaseFactory(
        kind=DataRelease.Kind.PROJECTIONS,
        name="2021–31",
        reference_date=datetime.date(2021, 7, 1),
        horizon_year=2031,
    )


def test_admin_input_negative_wage_refused(admin_client, occupation, wage_release):
    response = add_form_post(
        admin_client,
        WageEstimate,
        {
            "occupation": occupation.pk,
            "release": wage_release.pk,
            "annual_median": "-85000",
        },
    )
    assert_refused(
        response, WageEstimate, "Ensure this value is greater than or equal to 0."
    )


def test_admin_input_percentiles_out_of_order_refused(
    admin_client, occupation, wage_release
):
    response = add_form_post(
        admin_client,
        WageEstimate,
        {
            "occupation": occupation.pk,
            "release": wage_release.pk,
            "annual_pct10": "90000",
            "annual_median": "50000",
        },
    )
    assert_refused(
        response, WageEstimate, "Must not be lower than the annual 10th percentile"
    )


@pytest.mark.parametrize("growth", ["10000", "1000", "-101"])
def test_admin_input_impossible_growth_rate_refused(
    admin_client, occupation, projection_release, growth
):
    response = add_form_post(
        admin_client,
        EmploymentProjection,
        {
            "occupation": occupation.pk,
            "release": projection_release.pk,
            "growth_percent": growth,
        },
    )
    assert_refused(response, EmploymentProjection, "Ensure ")
    form_errors = response.context["adminform"].form.errors
    assert "growth_percent" in form_errors


def test_admin_input_importance_out_of_range_refused(admin_client, occupation):
    skill = SkillFactory()
    response = add_form_post(
        admin_client,
        OccupationSkill,
        {"occupation": occupation.pk, "skill": skill.pk, "importance": "9"},
    )
    assert_refused(
        response, OccupationSkill, "Ensure this value is less than or equal to 5."
    )


def test_admin_input_duplicate_occupation_code_refused(admin_client, occupation):
    response = add_form_post(
        admin_client,
        Occupation,
        {"code": "15-2011.00", "title": "Copy", "description": "Copy."},
    )
    assert_refused(
        response,
        Occupation,
        "Occupation with this O*NET-SOC code already exists.",
        count_before=1,
    )


def test_admin_input_malformed_occupation_code_refused(admin_client):
    response = add_form_post(
        admin_client,
        Occupation,
        {"code": "15-2011", "title": "Short", "description": "Short."},
    )
    assert_refused(response, Occupation, "Enter an O*NET-SOC code such as 15-2031.00.")


def career_page_data(occupation, **fields):
    return {
        "title": "Actuary Career Path in 2024",
        "career_name": "Actuary",
        "career_name_plural": "Actuaries",
        "slug": "actuary",
        "headline_year": "2024",
        "occupation": occupation.pk,
        "status": CareerPage.Status.PUBLISHED,
        "published_at_0": "2024-01-01",
        "published_at_1": "09:00:00",
        **fields,
    }


def test_admin_input_duplicate_slug_refused(admin_client, occupation):
    CareerPageFactory(slug="actuary")
    response = add_form_post(admin_client, CareerPage, career_page_data(occupation))
    assert_refused(
        response,
        CareerPage,
        "Career page with this Slug already exists.",
        count_before=1,
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"]
)
def test_admin_input_script_link_for_resource_refused(admin_client, url):
    response = add_form_post(
        admin_client, Resource, {"name": "Evil", "url": url, "position": "0"}
    )
    assert_refused(response, Resource, "Enter a valid URL.")


XSS_PAYLOADS = (
    "<script>alert(document.cookie)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    "[upper](JaVaScRiPt:alert(1))",
    "[ref][evil]\n\n[evil]: javascript:alert(1)",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<base href="https://evil.example/">',
    '<object data="https://evil.example/x.swf"></object>',
    '"><img src=x onerror=alert(1)>',
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>-->alert(1)",
    '![x](x" onerror="alert(1))',
    "<a href='https://example.com/' onclick='alert(1)' style='color:red'>x</a>",
)
BANNED_TAGS = {"script", "iframe", "svg", "math", "style", "base", "object", "embed"}


class ActiveContent(HTMLParser):
    """Anything in a page that could run code or restyle it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        # A JSON-LD block is data the browser never runs (its JSON is escaped so
        # that no text can close the element); any other script is found.
        json_ld = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if (tag in BANNED_TAGS or tag == "details") and not json_ld:
            self.found.append(tag)
        for name, value in attrs:
            value = (value or "").replace("\t", "").replace("\n", "").strip().lower()
            if name.startswith("on") or name in ("style", "srcdoc", "xlink:href"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "data") and value.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{tag} {name}={value}")


def active_content(page_html):
    parser = ActiveContent()
    parser.feed(page_html)
    return parser.found


def saved_markdown(payloads):
    """The payloads an editorial section takes."""
    saved = []
    for payload in payloads:
        try:
            validate_markdown(payload)
        except ValidationError:
            continue
        saved.append(payload)
    return saved


def test_admin_input_xss_payloads_never_reach_visitors(
    admin_client, client, occupation
):
    # Links to "javascript:" and the like are refused before they are saved
    # (test_rich_text); every other payload is saved, and must reach no visitor.
    markdown = "\n\n".join(["Plain opening paragraph.", *saved_markdown(XSS_PAYLOADS)])
    one_line = " ".join(XSS_PAYLOADS).replace("\n", " ")
    data = career_page_data(
        occupation,
        title=f"Actuary {one_line}"[:200],
        career_name="Actuary <script>alert(1)</script>",
        career_name_plural="Actuaries <img src=x onerror=alert(1)>",
        summary=one_line[:300],
        **dict.fromkeys(CareerPage.EDITORIAL_SECTIONS, markdown),
    )
    response = add_form_post(admin_client, CareerPage, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    for url in ("/", "/careers/", "/careers/actuary/"):
        page = client.get(url)
        assert page.status_code == 200
        page_html = page.content.decode()
        assert active_content(page_html) == [], url
    assert "Plain opening paragraph." in page_html
