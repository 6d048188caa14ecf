"""Editorial Markdown to safe HTML.

Editors write Markdown; what reaches a visitor is sanitised with an allow-list (nh3),
so a <script>, an onerror= or a javascript: link typed in the admin is dropped.
"""

import re
from functools import lru_cache

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4",
    "blockquote", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# A section sits under the page's own <h2>: its headings come below it.
SECTION_HEADINGS = {"h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4"}


class _EditorialText(markdown.Extension):
    """HTML an editor types is text, shown as typed: as tags it reached the
    sanitiser, which dropped "<header>" from "tags such as <header>" and broke
    the paragraph round it. But an HTML comment is an editor's note, never shown.
    Headings of every level are ones the section keeps: "# Title" and "## Title"
    were dropped to bare text."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.preprocessors.register(_EditorsNotes(md), "editors_notes", 30)
        md.treeprocessors.register(_SectionHeadings(md), "section_headings", 0)


HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class _EditorsNotes(markdown.preprocessors.Preprocessor):
    def run(self, lines):
        return HTML_COMMENT.sub("", "\n".join(lines)).split("\n")


class _SectionHeadings(markdown.treeprocessors.Treeprocessor):
    def run(self, root):
        for element in root.iter():
            element.tag = SECTION_HEADINGS.get(element.tag, element.tag)


# A pure function of the text, and the costliest part of rendering a career page:
# remember recent results (a few hundred sections, a few hundred KB per process).
@lru_cache(maxsize=512)
def render_markdown(text: str) -> SafeString:
    try:
        html = markdown.markdown(
            text or "", output_format="html", extensions=[_EditorialText()]
        )
    except RecursionError:
        # Lists nested hundreds of levels deep (the library recurses per level):
        # the admin refuses far less (`validate_markdown`), but text written
        # another way must not fail the page. Shown as escaped paragraphs instead.
        html = linebreaks(text, autoescape=True)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        # Outbound links must not get a handle on this window (window.opener).
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


# Deeper than any real text needs, and far from where the Markdown library, which
# recurses once per level of a list, gives up (a few hundred levels). Checked by
# counting rather than by trying: how deep the library gets depends on how deep
# in the stack it is called.
MAX_NESTING = 20
LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]+")


def nesting(line):
    """How deep a line nests: its indentation (four spaces a level) and the list
    markers it starts with ("- - - x" is three)."""
    text = line.expandtabs(4)
    rest = text.lstrip(" ")
    depth = (len(text) - len(rest)) // 4
    while marker := LIST_MARKER.match(rest):
        depth += 1
        rest = rest[marker.end() :]
    return depth


# The Markdown library's time grows with the square of some input: of a text's
# "[" (each may open a link or an image: 500 render in ~0.07 s, 8,000 "![" took
# 17 s), and of its length for other patterns ("<a " and "<http://" repeated: 10,000
# characters ~1 s, 64,000 characters 6 s and more). A link takes one "["; the
# longest section of the reference page is 3,600 characters.
MAX_BRACKETS = 500
MAX_LENGTH = 10_000


def validate_markdown(text):
    """Refuse Markdown nested deeper than MAX_NESTING, with a message, rather
    than store a section the page could only show as plain text; and text longer
    than MAX_LENGTH or with more than MAX_BRACKETS "[", which could take seconds
    to show."""
    text = text or ""
    if max(map(nesting, text.splitlines()), default=0) > MAX_NESTING:
        raise ValidationError(
            f"Lists are nested more than {MAX_NESTING} levels deep: remove the "
            "extra “-”, “*” or “1.” at the starts of lines, or the indentation."
        )
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            f"A section holds at most {MAX_LENGTH:,} characters (about 1,500 "
            f"words); this one has {len(text):,}. Shorten it, or move part of it "
            "to another section."
        )
    if text.count("[") > MAX_BRACKETS:
        raise ValidationError(
            f"More than {MAX_BRACKETS} “[” (a link or an image takes one): remove "
            "the extra ones, or move part of the text to another section."
        )
