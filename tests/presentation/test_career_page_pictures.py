"""The wage and outlook pictures, education, related careers and meta tags."""

import html as html_lib
import re

import pytest

from tests.factories import CareerPageFactory, full_career
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def chart_blocks(content):
    return re.findall(r'<figure class="chart">.*?</figure>', content, re.S)


def test_wage_chart_every_percentile_drawn_and_tabled(client, career):
    content = client.get(career.get_absolute_url()).content.decode()
    charts = chart_blocks(content)
    assert len(charts) == 3  # annual, hourly, growth
    annual = charts[0]
    # One picture to a screen reader, named with every figure.
    assert (
        'role="img" aria-label="Annual wages, 10th to 90th percentile: '
        "10th percentile: $50,440; 25th percentile: $64,060; Median: $85,720; "
        '75th percentile: $113,980; 90th percentile: $149,640"'
    ) in annual
    for figure in ("$50,440", "$64,060", "$85,720", "$113,980", "$149,640"):
        assert f'<span class="chart-value">{figure}</span>' in annual
    bars = re.findall(r'class="chart-bar[^"]*" y="2" width="([\d.]+)%"', annual)
    widths = [float(width) for width in bars]
    assert len(widths) == 5 and widths == sorted(widths) and widths[-1] == 100
    text = visible_text(content)
    assert "Percentile Annual Hourly" in text
    assert "Median $85,720 $41.21" in text
    assert "90th percentile $149,640 $71.94" in text


def test_wage_chart_top_coded_value_is_drawn_open_ended_and_says_or_more(client, db):
    page = full_career(annual=("50440", "64060", "85720", "180000", "239200"))
    content = client.get(page.get_absolute_url()).content.decode()
    annual = chart_blocks(content)[0]
    assert '<span class="chart-value">$239,200 or more</span>' in annual
    assert 'class="chart-open"' in annual
    text = visible_text(content)
    assert "90th percentile $239,200 or more" in text
    assert not re.search(r"\$239,200(?! or more)", text)


def test_wage_chart_caption_names_all_top_coded_percentiles_once(client, db):
    page = full_career(annual=("50440", "64060", "85720", "239200", "239200"))
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert (
        "Annual wages, 10th to 90th percentile. The dashed, open end marks a "
        "top-coded figure: BLS publishes the 75th and 90th percentiles only as "
        "“$239,200 or more”."
    ) in text
    assert text.count("The dashed, open end") == 1


def test_wage_chart_without_wages_draws_no_chart(client, db):
    page = CareerPageFactory()
    content = client.get(page.get_absolute_url()).content.decode()
    assert chart_blocks(content) == []


def test_outlook_growth_compared_with_all_occupations_in_bls_words(client, career):
    text = visible_text(client.get(career.get_absolute_url()).content)
    assert "Projected Growth Rate in Employment by 2034: 23%" in text
    assert "Growth of all occupations by 2034: 3%" in text
    assert "Compared with all occupations: Much faster than average" in text
    assert "This career 23%" in text and "All occupations 3%" in text


@pytest.mark.parametrize(
    ("growth", "openings", "band", "bright"),
    [
        ("23.2", "1.0", "Much faster than average", True),
        ("5.4", "1.0", "Faster than average", True),
        ("3.6", "1.0", "About as fast as average", False),
        ("3.6", "10.0", "About as fast as average", True),
        ("1.0", "1.0", "Slower than average", False),
        ("-0.6", "1.0", "Little or no change", False),
        ("-8.0", None, "Decline", False),
    ],
)
def test_outlook_band_and_bright_outlook_follow_the_criteria(
    client, db, growth, openings, band, bright
):
    page = full_career(growth=growth, openings=openings)
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert f"Compared with all occupations: {band}" in text
    assert ("meets O*NET’s Bright Outlook criteria" in text) is bright


@pytest.mark.parametrize(
    ("growth", "band"),
    [
        # All occupations grow 3.1%, 3% as published: each band starts at whole
        # percents above or below it (4, 2, 0, -2, -4 points).
        ("7.0", "Much faster than average"),
        ("6.0", "Faster than average"),
        ("5.0", "Faster than average"),
        ("4.0", "About as fast as average"),
        ("3.0", "About as fast as average"),
        ("2.0", "Slower than average"),
        ("1.0", "Slower than average"),
        ("0.0", "Little or no change"),
        ("-1.0", "Little or no change"),
        ("-2.0", "Decline"),
        # Compared as published: 6.5% is shown as 7%, 4 points above.
        ("6.5", "Much faster than average"),
    ],
)
def test_outlook_band_changes_at_the_bls_cut_offs(client, db, growth, band):
    """The bands are BLS's: a cut-off one point off would name another band than
    the Occupational Outlook Handbook gives the same figures."""
    page = full_career(growth=growth, openings="1.0")
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert f"Compared with all occupations: {band}" in text


@pytest.mark.parametrize(("growth", "shown"), [("22.5", "23%"), ("-2.5", "\u22123%")])
def test_growth_halfway_between_whole_percents_rounds_away_from_zero(
    client, db, growth, shown
):
    """BLS rounds half up: 22.5% is published as 23%. Rounded half to even, as
    Decimal does by default, it would be 22%, beside a chart saying 23%."""
    page = full_career(growth=growth)
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert f"Projected Growth Rate in Employment by 2034: {shown}" in text
    assert f"This career {shown}" in text


def test_bright_outlook_names_the_criteria_met(client, db):
    page = full_career(growth="23.2", openings="12.0")
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert "Grow rapidly: projected to grow faster than average" in text
    assert "Numerous job openings: 120,000 projected over 10 years" in text


def test_education_section_shows_bls_and_onet_facts(client, career):
    from occupations.models import JobZone

    JobZone.objects.create(
        number=4,
        name="Job Zone Four: Considerable Preparation Needed",
        education="Most of these occupations require a four-year bachelor's degree.",
    )
    text = visible_text(client.get(career.get_absolute_url()).content)
    assert "Education and Entry" in text
    assert (
        "Typical education needed for entry (BLS, 2024–34): Bachelor's degree" in text
    )
    assert "Job Zone 4: Considerable Preparation Needed" in text
    assert "require a four-year bachelor's degree" in text


def test_career_page_links_downloads_and_compare(client, career):
    content = client.get(career.get_absolute_url()).content.decode()
    assert f'href="/careers/{career.slug}/data.csv"' in content
    assert f'href="/careers/{career.slug}/data.json"' in content
    assert f'href="/careers/compare/?careers={career.slug}"' in content


def test_career_page_meta_canonical_open_graph_and_twitter(client, career):
    content = client.get(career.get_absolute_url()).content.decode()
    url = f"http://testserver/careers/{career.slug}/"
    assert f'<link rel="canonical" href="{url}">' in content
    assert content.count('rel="canonical"') == 1
    assert f'<meta property="og:url" content="{url}">' in content
    title = html_lib.escape(career.title, quote=True)
    assert f'<meta property="og:title" content="{title}">' in content
    assert '<meta name="twitter:card" content="summary">' in content
    assert '<meta property="og:description" content="' in content


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("/?utm_source=mail", "/"),
        ("/careers/?utm_source=mail&page=1", "/careers/"),
        ("/careers/?zone=5&group=29-0000&ref=x", "/careers/?group=29-0000&zone=5"),
        ("/careers/?q=+nurse+", "/careers/?q=nurse"),
        ("/resources/?fbclid=abc", "/resources/"),
        ("/newsletter/?utm_campaign=spring", "/newsletter/"),
    ],
)
def test_public_pages_name_their_address_without_campaign_parameters(
    client, career, address, canonical
):
    """Only career pages named one: a campaign's ?utm_source= made another
    address of the same page for search engines."""
    content = client.get(address).content.decode()
    href = html_lib.escape(f"http://testserver{canonical}")
    assert f'<link rel="canonical" href="{href}">' in content
    assert content.count('rel="canonical"') == 1


def test_career_pages_titles_and_descriptions_are_unique(client, db):
    first = full_career(summary="Builds models.")
    second = full_career(summary="Cares for patients.")
    heads = [
        client.get(page.get_absolute_url()).content.decode().split("</head>")[0]
        for page in (first, second)
    ]
    titles = [re.search(r"<title>(.*?)</title>", head).group(1) for head in heads]
    descriptions = [
        re.search(r'<meta name="description" content="(.*?)">', head).group(1)
        for head in heads
    ]
    assert len(set(titles)) == 2
    assert descriptions == ["Builds models.", "Cares for patients."]


def test_career_page_machine_learning_engineer_stays_light(client, demo):
    response = client.get("/careers/machine-learning-engineer/")
    assert len(response.content) < 60_000
    css = client.get("/static/css/site.css")
    body = b"".join(css.streaming_content) if css.streaming else css.content
    assert len(response.content) + len(body) < 100_000


def test_growth_that_rounds_to_zero_is_not_negative_zero(client, db):
    page = full_career(growth="-0.3", slug="flat-career")
    content = client.get(page.get_absolute_url()).content.decode()
    assert "-0%" not in content  # the text, and the chart's name for screen readers
    assert "This career: 0%" in content
    assert "This career 0%" in visible_text(content)
    # Drawn as published: no bar below zero beside a figure of "0%".
    growth = chart_blocks(content)[-1]
    assert 'class="chart-bar chart-bar-median" x="0.0%" y="2" width="0.0%"' in growth
    compare = client.get(f"/careers/compare/?careers={page.slug}")
    assert "-0%" not in visible_text(compare.content)


def test_a_pages_skills_read_one_way(client, db):
    """Plain-language summaries when every listed skill has one, else O*NET's
    names: never a mix of the two."""
    from occupations.models import Skill

    page = full_career(size=3)
    skills = Skill.objects.filter(occupation_skills__occupation=page.occupation)
    summaries = sorted(skills.values_list("summary", flat=True))
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert all(summary in text for summary in summaries)
    unsummarised = skills.first()
    unsummarised.summary = ""
    unsummarised.save()
    text = visible_text(client.get(page.get_absolute_url()).content)
    assert not any(summary and summary in text for summary in summaries)
    assert all(name in text for name in skills.values_list("name", flat=True))
