from django import template

from occupations.rich_text import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)
