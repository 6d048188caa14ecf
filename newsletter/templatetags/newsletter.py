from django import template

from newsletter.consent import CONSENT_TEXT

register = template.Library()


@register.simple_tag
def newsletter_consent_text():
    """The consent wording, for forms rendered without a SignupForm at hand."""
    return CONSENT_TEXT
