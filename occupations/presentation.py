"""What a career page shows, computed once from the prefetched data: chart geometry,
the outlook band and Bright Outlook mark, JSON-LD and the per-page data download.

Everything here works on a page loaded with `CareerPage.objects.for_detail_page()`
and `prefetch_page_content()`, so none of it costs a query; only `compare_context`
fetches the pages it compares (and `ComparedCareersMoved` reads their moves).
"""

import csv
import io
import json
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from operations.spreadsheet_cells import formula_safe

from .models import (
    WAGE_PERCENTILES,
    CareerPage,
    job_zone_short_name,
    prefetch_page_figures,
)

PERCENTILE_LABELS = {
    "pct10": "10th percentile",
    "pct25": "25th percentile",
    "median": "Median",
    "pct75": "75th percentile",
    "pct90": "90th percentile",
}
SCHEMA_PERCENTILES = {
    "pct10": "percentile10",
    "pct25": "percentile25",
    "median": "median",
    "pct75": "percentile75",
    "pct90": "percentile90",
}
BASIS_LABELS = {"annual": "Annual wages", "hourly": "Hourly wages"}

# BLS describes projected growth relative to the average growth of all occupations
# in the same release (Occupational Outlook Handbook, "Job Outlook"). Its published
# cut-offs move with that average: for 2022-32, when all occupations grew 3%, they
# were 7% or more "much faster", 5-6% "faster", 3-4% "as fast as", 1-2% "slower",
# 0 to -1% "little or no change" and -2% or less "decline". Those are the average
# plus 4, plus 2, plus 0, minus 2 and minus 4 points, which is what we apply to
# each release's own average, on whole percents as BLS rounds them.
GROWTH_BANDS = (
    (4, "much faster than average"),
    (2, "faster than average"),
    (0, "about as fast as average"),
    (-2, "slower than average"),
    (-4, "little or no change"),
)
DECLINE = "decline"

# O*NET's Bright Outlook criteria (onetcenter.org, "Bright Outlook occupations"):
# projected to grow faster than average, as the Occupational Outlook Handbook
# designates it, or projected to have 100,000 or more job openings over the
# projection period. ("New and emerging" occupations are a third criterion that
# the projections do not carry, so it is not applied.)
BRIGHT_OUTLOOK_OPENINGS = 100_000
BRIGHT_OUTLOOK_BANDS = {"much faster than average", "faster than average"}

ONET_SOC_CODE_SET = {
    "@type": "CategoryCodeSet",
    "name": "O*NET-SOC",
    "url": "https://www.onetcenter.org/taxonomy.html",
}


# --- Figures as the reference page prints them: $85,720, $41.21, 23% --------------

NOT_AVAILABLE = "Not available"


def dollars(value, decimal_places=0):
    """85720 -> $85,720; with 2 decimal places, 41.21 -> $41.21."""
    if value is None or value == "":
        return NOT_AVAILABLE
    return f"${Decimal(value):,.{int(decimal_places)}f}"


def percent(value):
    """Growth rounded half-up to a whole percent, as BLS publishes it (23.2 -> 23%)."""
    if value is None or value == "":
        return NOT_AVAILABLE
    rounded = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    # -0.3 rounds to Decimal("-0"), which would print as "-0%".
    if rounded.is_zero():
        return "0%"
    # The minus sign, not a hyphen: as wide as "+", and read as "minus".
    return f"{rounded}%".replace("-", "\N{MINUS SIGN}")


def _whole(value):
    return int(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _number(value):
    """A Decimal as a JSON number: 85720, 41.21."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def absolute_url(path):
    """`path` on the site's own address (SITE_URL), never the request's Host."""
    return f"{settings.SITE_URL}{path}"


def canonical_url(path, query=None, parameters=()):
    """The address search engines should index for the page at `path`: on the
    site's own address, with only the `parameters` of `query` (a QueryDict) the
    page is made of, not a campaign's ?utm_source=; page 1 without its number."""
    kept = [
        (name, value)
        for name in parameters
        if (value := query.get(name, "").strip()) and (name, value) != ("page", "1")
    ]
    return absolute_url(f"{path}?{urlencode(kept)}" if kept else path)


# --- Wages ------------------------------------------------------------------------


def wage_text(estimate, field):
    """The figure as the page prints it, "$239,200 or more" when top-coded."""
    value = getattr(estimate, field)
    text = dollars(value, 0 if field.startswith("annual") else 2)
    return f"{text} or more" if estimate.is_top_coded(field) else text


def wage_bases(estimate):
    """The bases BLS publishes for this occupation: annual, hourly or both."""
    if estimate.annual_only:
        return ("annual",)
    if estimate.hourly_only:
        return ("hourly",)
    return ("annual", "hourly")


# Charts are rows of HTML text with a bar drawn in each: the text stays the page's
# size on a phone, where a whole-chart SVG scaled down to ~7 px. Bar lengths are
# percentages of the track between the label and the value, the same width in
# every row (and in every chart: the columns are fixed in the stylesheet).


def _track_percent(number):
    """A length on the chart's track as SVG attributes take it ("61.9"). Made
    here, once, because the template would localise every number."""
    return str(round(float(number), 1))


def wage_chart(estimate, basis):
    """Bars for the five percentiles of one basis, scaled to the highest figure.

    A top-coded figure is a floor, not a value: its bar ends in an open, dashed
    extension and its label says "or more"."""
    fields = [f"{basis}_{percentile}" for percentile in WAGE_PERCENTILES]
    values = [getattr(estimate, field) for field in fields]
    known = [value for value in values if value is not None]
    if not known:
        return None
    top = max(known) or Decimal(1)
    rows = []
    for percentile, field, value in zip(WAGE_PERCENTILES, fields, values, strict=True):
        length = 0 if value is None else 100 * value / top
        rows.append(
            {
                "label": PERCENTILE_LABELS[percentile],
                "text": wage_text(estimate, field),
                "is_median": percentile == "median",
                "top_coded": estimate.is_top_coded(field),
                "has_bar": bool(length),
                "width": _track_percent(length),
            }
        )
    summary = "; ".join(f"{row['label']}: {row['text']}" for row in rows)
    return {
        "basis": basis,
        "title": f"{BASIS_LABELS[basis]}, 10th to 90th percentile",
        "desc": summary,
        "top_code_note": _top_code_note(rows),
        # The open ends are drawn past the bars' track: it leaves them room.
        "has_open_end": any(row["top_coded"] for row in rows),
        "rows": rows,
    }


def words_listed(words, conjunction="and"):
    """ "a", "a and b", "a, b and c" (or "a, b or c")."""
    *others, last = list(words) or [""]
    return f"{', '.join(others)} {conjunction} {last}" if others else last


def _top_code_note(rows):
    """One sentence naming every top-coded percentile of a chart, or ""."""
    capped = [row for row in rows if row["top_coded"]]
    if not capped:
        return ""
    labels = [row["label"].lower() for row in capped]
    plural = "s" if len(labels) > 1 else ""
    named = words_listed(labels).replace(" percentile", "") + f" percentile{plural}"
    return (
        "The dashed, open end marks a top-coded figure: BLS publishes the "
        f"{named} only as “{capped[0]['text']}”."
    )


def wage_charts(estimate):
    if estimate is None:
        return []
    charts = (wage_chart(estimate, basis) for basis in wage_bases(estimate))
    return [chart for chart in charts if chart]


# --- Outlook ----------------------------------------------------------------------


def growth_band(growth, average):
    """BLS's words for `growth` compared with all occupations' `average`, or ""."""
    if growth is None or average is None:
        return ""
    difference = _whole(growth) - _whole(average)
    for at_least, words in GROWTH_BANDS:
        if difference >= at_least:
            return words
    return DECLINE


def projection_years(projection):
    release = projection.release
    if release.horizon_year is None:
        return None
    return release.horizon_year - release.reference_date.year


def bright_outlook(projection):
    """The O*NET Bright Outlook criteria this projection meets (may be none)."""
    if projection is None:
        return []
    reasons = []
    average = projection.release.all_occupations_growth_percent
    if growth_band(projection.growth_percent, average) in BRIGHT_OUTLOOK_BANDS:
        reasons.append("Grow rapidly: projected to grow faster than average")
    openings = openings_over_period(projection)
    if openings and openings[0] >= BRIGHT_OUTLOOK_OPENINGS:
        total, years = openings
        reasons.append(
            f"Numerous job openings: {total:,.0f} projected over {years} years "
            "(100,000 or more)"
        )
    return reasons


def openings_over_period(projection):
    """(openings projected over the whole period, its years), or None."""
    years = projection_years(projection)
    openings = projection.annual_openings_count
    if openings is None or not years:
        return None
    return openings * years, years


def growth_chart(projection):
    """Two bars from a zero line: this career's growth and all occupations'."""
    average = projection.release.all_occupations_growth_percent
    if average is None:
        return None
    # Drawn as published, whole percents: -0.1 % is "0%" and has no bar.
    bars = [
        ("This career", _whole(projection.growth_percent), True),
        ("All occupations", _whole(average), False),
    ]
    low = min(0, *(value for _, value, _ in bars))
    high = max(0, *(value for _, value, _ in bars))
    span = (high - low) or 1
    zero = 100 * -low / span
    rows = []
    for label, value, is_career in bars:
        length = 100 * abs(value) / span
        rows.append(
            {
                "label": label,
                "text": percent(value),
                "is_career": is_career,
                "x": _track_percent(zero if value >= 0 else zero - length),
                "width": _track_percent(length),
            }
        )
    horizon = projection.release.horizon_year
    return {
        "title": f"Projected growth by {horizon}: this career and all occupations",
        "desc": "; ".join(f"{row['label']}: {row['text']}" for row in rows),
        "rows": rows,
        "zero": _track_percent(zero),
    }


def outlook(projection):
    """Everything the outlook picture shows, or None without a projection."""
    if projection is None:
        return None
    average = projection.release.all_occupations_growth_percent
    return {
        "band": growth_band(projection.growth_percent, average),
        "bright_outlook": bright_outlook(projection),
        "chart": growth_chart(projection),
    }


# --- Education and lists ------------------------------------------------------------


def education(page):
    """The education figures the page shows: BLS entry level, O*NET level, zone."""
    occupation = page.occupation
    projection = occupation.projection
    return {
        "typical": projection.typical_education if projection else "",
        "onet_level": occupation.education_level,
        "onet_percent": occupation.education_level_percent,
        "job_zone": occupation.job_zone,
        "job_zone_name": job_zone_short_name(getattr(page, "job_zone_name", "") or ""),
        "job_zone_education": getattr(page, "job_zone_education", "") or "",
    }


def education_requirements(page):
    """One line for machines: BLS's typical entry education, else O*NET's level."""
    facts = education(page)
    return facts["typical"] or facts["onet_level"]


def skill_labels(page):
    return [words for _, skills in page.skills_by_category() for words in skills]


# --- JSON-LD ------------------------------------------------------------------------


def _salary_distribution(estimate, basis):
    distribution = {
        "@type": "MonetaryAmountDistribution",
        # Whose figures they are: a BLS group's, on a specialty's page.
        "name": f"{BASIS_LABELS[basis]}, {release_label(estimate.release, estimate)}",
        "currency": "USD",
        "duration": "P1Y" if basis == "annual" else "PT1H",
    }
    for percentile in WAGE_PERCENTILES:
        field = f"{basis}_{percentile}"
        value = getattr(estimate, field)
        # A top-coded figure is only a floor; schema.org has no "or more".
        if value is not None and not estimate.is_top_coded(field):
            distribution[SCHEMA_PERCENTILES[percentile]] = _number(value)
    return distribution


def career_json_ld(page):
    """schema.org Occupation and BreadcrumbList for a career page."""
    occupation = page.occupation
    url = absolute_url(page.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": page.career_name,
        "description": occupation.description,
        "occupationalCategory": {
            "@type": "CategoryCode",
            "codeValue": occupation.code,
            "name": occupation.title,
            "inCodeSet": ONET_SOC_CODE_SET,
        },
        "occupationLocation": {"@type": "Country", "name": "United States"},
        "responsibilities": [task.statement for task in page.tasks()],
        "skills": skill_labels(page),
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": url,
            "url": url,
            "dateModified": timezone.localtime(page.changed_at).isoformat(),
        },
    }
    estimate = occupation.wage_estimate
    distributions = [
        _salary_distribution(estimate, basis)
        for basis in (wage_bases(estimate) if estimate is not None else ())
    ]
    # A basis without a figure (or with top-coded ones only) is an empty
    # distribution, which structured-data validators report as an error.
    salaries = [
        distribution
        for distribution in distributions
        if distribution.keys() & SCHEMA_PERCENTILES.values()
    ]
    if salaries:
        data["estimatedSalary"] = salaries
    requirements = education_requirements(page)
    if requirements:
        data["educationRequirements"] = requirements
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "name": "Careers",
                "item": absolute_url(reverse("occupations:list")),
            },
            {
                "@type": "ListItem",
                "position": 2,
                "name": page.career_name,
                "item": url,
            },
        ],
    }
    return [data, breadcrumbs]


JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_for_script(data):
    """JSON that cannot close its <script> element (as Django's json_script)."""
    return json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)


# --- Data download ------------------------------------------------------------------

FIGURE_COLUMNS = ("section", "measure", "value", "qualifier", "unit", "source")


def release_label(release, figures=None):
    """ "BLS OEWS, May 2024": the program and release figures come from, naming
    the BLS group when `figures` are a group's (`BlsGroupFigures`)."""
    label = release.short_label
    if figures is not None and figures.bls_group_code:
        label += f", for {figures.bls_group_code} {figures.bls_group_title}"
    return label


def _source(release, figures=None):
    """A download row's source: the release's label and its credit line."""
    return f"{release_label(release, figures)}. {release.attribution}".strip()


def _figure(section, measure, value, source, unit="", qualifier=""):
    return {
        "section": section,
        "measure": measure,
        "value": value,
        "qualifier": qualifier,
        "unit": unit,
        "source": source,
    }


def career_figures(page):
    """The figures the page shows, one dict per figure, each naming its source."""
    occupation = page.occupation
    rows = []
    estimate = occupation.wage_estimate
    if estimate is not None:
        source = _source(estimate.release, estimate)
        for basis in wage_bases(estimate):
            for percentile in WAGE_PERCENTILES:
                field = f"{basis}_{percentile}"
                value = getattr(estimate, field)
                rows.append(
                    _figure(
                        "wages",
                        f"{basis} {PERCENTILE_LABELS[percentile].lower()}",
                        None if value is None else _number(value),
                        source,
                        unit="USD per year" if basis == "annual" else "USD per hour",
                        qualifier="or more"
                        if estimate.is_top_coded(field)
                        else ("not available" if value is None else ""),
                    )
                )
    projection = occupation.projection
    if projection is not None:
        release = projection.release
        source = _source(release, projection)
        section = f"outlook {release.name}"
        if projection.growth_percent is not None:
            measure, value = "projected growth", _number(projection.growth_percent)
            rows.append(_figure(section, measure, value, source, "percent"))
        if (average := release.all_occupations_growth_percent) is not None:
            # The release's figure for every occupation, not the BLS group's.
            measure = "all occupations projected growth"
            rows.append(
                _figure(section, measure, _number(average), _source(release), "percent")
            )
        if (openings := projection.annual_openings_count) is not None:
            measure, unit = "annual openings", "openings per year"
            rows.append(_figure(section, measure, _number(openings), source, unit))
        if period := openings_over_period(projection):
            total, years = period
            measure = f"openings over the {years} years"
            rows.append(_figure(section, measure, _number(total), source, "openings"))
        band = growth_band(
            projection.growth_percent, release.all_occupations_growth_percent
        )
        if band:
            measure = "growth compared with all occupations"
            rows.append(_figure(section, measure, band, source))
        if projection.typical_education:
            measure = "typical education needed for entry"
            rows.append(
                _figure("education", measure, projection.typical_education, source)
            )
    if occupation.release is not None:
        source = _source(occupation.release)
        if occupation.job_zone:
            unit = "1 (little preparation) to 5 (extensive)"
            rows.append(
                _figure("education", "job zone", occupation.job_zone, source, unit)
            )
        if occupation.education_level:
            measure = "most common required education"
            rows.append(
                _figure("education", measure, occupation.education_level, source)
            )
            if (share := occupation.education_level_percent) is not None:
                measure = "respondents naming the most common education"
                rows.append(
                    _figure("education", measure, _number(share), source, "percent")
                )
    return rows


def page_releases(page):
    """The releases whose figures the page shows: O*NET's, then the wages' and the
    projections' when it has them."""
    occupation = page.occupation
    releases = [
        occupation.release,
        getattr(occupation.wage_estimate, "release", None),
        getattr(occupation.projection, "release", None),
    ]
    return [release for release in releases if release is not None]


def attribution_lines(page):
    return [f"{release}: {release.attribution}" for release in page_releases(page)]


def sources(page):
    """The page's Sources: each release's credit line, as editors write it, and a
    link to the release named by its address ("www.bls.gov/oes")."""
    return [
        {
            "credit": release.credit,
            "url": release.url,
            "link_text": re.sub(r"^https?://", "", release.url).rstrip("/"),
        }
        for release in page_releases(page)
    ]


def figures_csv(page):
    """CSV of the page's figures; each row carries its source and release."""
    buffer = io.StringIO()
    # A byte order mark, by which Excel knows the file is UTF-8: without it, it
    # read "2024–34" and "O*NET®" as Windows-1252 ("2024â€“34"). CSV readers
    # that know UTF-8 ("utf-8-sig" in Python) drop it.
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=FIGURE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in career_figures(page):
        value = row["value"]
        if value is None:
            value = ""
        elif row["unit"] == "USD per hour":
            value = f"{value:.2f}"  # 14.00 as the page prints it, not 14
        # Figures stay numbers; texts (an editor's typical education) are made
        # safe to open in a spreadsheet.
        writer.writerow(
            {
                column: formula_safe(cell) if isinstance(cell, str) else cell
                for column, cell in {**row, "value": value}.items()
            }
        )
    return buffer.getvalue()


def figures_json(page):
    occupation = page.occupation
    return {
        "career": page.career_name,
        "url": absolute_url(page.get_absolute_url()),
        "onet_soc_code": occupation.code,
        "onet_title": occupation.title,
        "figures": career_figures(page),
        "attribution": attribution_lines(page),
    }


def wage_table_rows(charts):
    """The charts' figures as one table, a column per chart: (percentile's label,
    [its figure in each chart]) for each percentile."""
    return [
        (rows[0]["label"], [row["text"] for row in rows])
        for rows in zip(*(chart["rows"] for chart in charts), strict=True)
    ]


def career_page_context(page):
    """The pictures and machine-readable data a career page adds to its sections."""
    charts = wage_charts(page.occupation.wage_estimate)
    return {
        "wage_charts": charts,
        "wage_rows": wage_table_rows(charts),
        "outlook": outlook(page.occupation.projection),
        "education": education(page),
        "json_ld": json_for_script(career_json_ld(page)),
        "canonical_url": absolute_url(page.get_absolute_url()),
        "sources": sources(page),
    }


# --- Compare ------------------------------------------------------------------------

COMPARE_MAX = 3
# Addresses looked up at most: unknown ones are dropped before the limit applies.
COMPARE_CANDIDATES_MAX = 10
# Messages about an address's careers shown at most; the rest are counted.
COMPARE_MESSAGES_MAX = 5
SLUG_MAX_LENGTH = 200
SLUG = re.compile(r"^[-a-z0-9_]+$")


def _named_slugs(values):
    """Each slug `?careers=a,b` or `?careers=a&careers=b` names, as written but
    trimmed and lower-cased; empty ones left out."""
    for value in values:
        for slug in value.split(","):
            if slug := slug.strip().lower():
                yield slug


def compare_slugs(values):
    """Slugs to compare from `?careers=a,b` or `?careers=a&careers=b`, in order,
    without duplicates; the messages explaining what was left out; and the slugs
    beyond those looked up at all."""
    slugs, messages, left_out = [], [], []
    repeats = Counter()
    for slug in _named_slugs(values):
        if not SLUG.match(slug) or len(slug) > SLUG_MAX_LENGTH:
            message = (
                f"{_quoted(slug)} is not the address of a career; "
                "pick careers with the search below."
            )
            if message not in messages:
                messages.append(message)
        elif slug in slugs:
            repeats[slug] += 1
        elif len(slugs) >= COMPARE_CANDIDATES_MAX:
            left_out.append(slug)
        else:
            slugs.append(slug)
    messages += [
        f"{_quoted(slug)} was listed "
        f"{'twice' if again == 1 else f'{again + 1} times'}; it is shown once."
        for slug, again in repeats.items()
    ]
    return slugs, messages, left_out


def _quoted(slug):
    """A slug from the address in a message: its first 60 characters, without
    control characters (a %00 in the address)."""
    shown = "".join(character for character in slug[:60] if character.isprintable())
    return f"“{shown}”" if shown else "An address of unprintable characters"


def _left_out(slugs, found):
    """One sentence for every career past the limits (an address may name 700),
    `found` the careers found among those looked up."""
    named = [_quoted(slug) for slug in slugs[:2]]
    if len(slugs) > 2:
        named.append(f"{len(slugs) - 2} more")
    verb = "was" if len(slugs) == 1 else "were"
    if found >= COMPARE_MAX:
        limit = f"You can compare up to {COMPARE_MAX} careers"
    else:  # Unknown addresses took the places looked up.
        limit = f"Only the first {COMPARE_CANDIDATES_MAX} careers named are looked up"
    return f"{limit}; {words_listed(named)} {verb} left out."


def compare_url(*slugs):
    """The compare page for the careers `slugs` (empty ones left out), in order."""
    careers = ",".join(slug for slug in slugs if slug)
    return f"{reverse('occupations:compare')}?careers={careers}"


def compare_columns(pages):
    """One column per page: the figures the compare table lines up, and the
    address of the comparison without it."""
    columns = []
    for page in pages:
        occupation = page.occupation
        estimate = occupation.wage_estimate
        projection = occupation.projection
        columns.append(
            {
                "page": page,
                "wage": estimate,
                "wage_from": release_label(estimate.release, estimate)
                if estimate
                else "—",
                "projection": projection,
                "projection_from": release_label(projection.release, projection)
                if projection
                else "—",
                "outlook": outlook(projection),
                "education": education(page),
                "skills": page.top_skills(),
                "technologies": page.top_technologies(),
                "remove_url": compare_url(
                    *(other.slug for other in pages if other is not page)
                ),
            }
        )
    return columns


COMPARE_WAGE_FIELDS = (
    ("annual_pct10", "Annual, 10th percentile"),
    ("annual_pct25", "Annual, 25th percentile"),
    ("annual_median", "Annual median"),
    ("annual_pct75", "Annual, 75th percentile"),
    ("annual_pct90", "Annual, 90th percentile"),
    ("hourly_median", "Hourly median"),
)


def compare_wage_rows(columns):
    """[(label, [figure per career]), …] for the compare table's pay rows."""
    return [
        (
            label,
            [
                wage_text(column["wage"], field) if column["wage"] else "Not published"
                for column in columns
            ],
        )
        for field, label in COMPARE_WAGE_FIELDS
    ]


def compare_attribution(pages):
    """Each release's credit once, in page order."""
    lines = []
    for page in pages:
        lines += [line for line in attribution_lines(page) if line not in lines]
    return lines


class ComparedCareersMoved(Exception):
    """A compare address names careers by addresses they left (`moved`: {former
    slug: slug now}); the page is at the address naming them as they are now."""

    def __init__(self, moved):
        super().__init__(moved)
        self.moved = moved

    def careers_now(self, values):
        """`values` of ?careers= as one, each former slug replaced: a career
        named by both its addresses is named once."""
        slugs = (self.moved.get(slug, slug) for slug in _named_slugs(values))
        return ",".join(dict.fromkeys(slugs))


def compare_context(values, query):
    """Everything the compare page shows for `?careers=…&q=…`, in a fixed number
    of queries: the pages, four for their figures, one more for a search.

    Raises ComparedCareersMoved if a career is named by an address it left (one
    more query, only when a career is not found)."""
    slugs, messages, left_out = compare_slugs(values)
    found = {}
    if slugs:
        queryset = CareerPage.objects.published().for_detail_page()
        found = {page.slug: page for page in queryset.filter(slug__in=slugs)}
        if missing := [slug for slug in slugs if slug not in found]:
            if moved := CareerPage.objects.published().moved_from(missing):
                raise ComparedCareersMoved(moved)
        prefetch_page_figures(list(found.values()))
    pages = [found[slug] for slug in slugs if slug in found]
    messages += [
        f"We found no published career {_quoted(slug)}; it may have been renamed "
        "or withdrawn."
        for slug in slugs
        if slug not in found
    ]
    # The limit counts careers found: an unknown address does not take a place.
    if len(messages) > COMPARE_MESSAGES_MAX:
        more = len(messages) - COMPARE_MESSAGES_MAX
        these = "this" if more == 1 else "these"
        messages = messages[:COMPARE_MESSAGES_MAX] + [
            f"… and {more} more like {these}."
        ]
    if over := [page.slug for page in pages[COMPARE_MAX:]] + left_out:
        messages.append(_left_out(over, found=len(pages)))
    pages = pages[:COMPARE_MAX]
    query = " ".join(query.replace("\x00", "").split())[:100]
    matches = []
    if query and len(pages) < COMPARE_MAX:
        queryset = CareerPage.objects.published().for_list().search(query)
        matches = list(queryset.exclude(slug__in=[page.slug for page in pages])[:10])
    columns = compare_columns(pages)
    return {
        "columns": columns,
        "careers_named": words_listed(page.career_name for page in pages),
        "wage_rows": compare_wage_rows(columns),
        "attribution": compare_attribution(pages),
        "selected": ",".join(page.slug for page in pages),
        "notices": messages,
        "query": query,
        "matches": matches,
        "can_add": len(pages) < COMPARE_MAX,
        "marks_a_hot_technology": any(
            technology.is_hot_technology
            for column in columns
            for technology in column["technologies"]
        ),
    }
