"""Figures formatted the way the reference page prints them: $85,720, $41.21, 23%."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

NOT_AVAILABLE = "Not available"


@register.filter
def dollars(value, decimal_places=0):
    """`{{ annual|dollars }}` -> $85,720; `{{ hourly|dollars:2 }}` -> $41.21."""
    if value is None or value == "":
        return NOT_AVAILABLE
    return f"${Decimal(value):,.{int(decimal_places)}f}"


@register.filter
def percent(value):
    """Growth rounded half-up to a whole percent, as BLS publishes it (23.2 -> 23%)."""
    if value is None or value == "":
        return NOT_AVAILABLE
    rounded = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    # -0.3 rounds to Decimal("-0"), which would print as "-0%".
    return f"{rounded.copy_abs() if rounded.is_zero() else rounded}%"


@register.simple_tag
def wage(estimate, field):
    """`{% wage wage "annual_median" %}` -> $85,720, or "$239,200 or more" for a
    figure BLS top-codes, or "Not available"."""
    from occupations.presentation import wage_text  # presentation imports this module

    return wage_text(estimate, field)
