"""Figures formatted the way the reference page prints them: $85,720, $41.21, 23%
(`occupations.presentation` formats them; these make its functions template tags)."""

from django import template

from occupations import presentation

register = template.Library()

# `{{ annual|dollars }}` -> $85,720; `{{ hourly|dollars:2 }}` -> $41.21.
register.filter("dollars", presentation.dollars)
register.filter("percent", presentation.percent)


@register.simple_tag
def wage(estimate, field):
    """`{% wage wage "annual_median" %}` -> $85,720, or "$239,200 or more" for a
    figure BLS top-codes, or "Not available"."""
    return presentation.wage_text(estimate, field)


# `{% compare_url page.slug other.slug %}` -> /careers/compare/?careers=a,b
register.simple_tag(presentation.compare_url, name="compare_url")
