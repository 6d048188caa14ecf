"""Editorial Markdown to safe HTML.

Editors write Markdown; what reaches a visitor is sanitised with an allow-list (nh3),
so a <script>, an onerror= or a javascript: link typed in the admin is dropped.
"""

import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4",
    "blockquote", "code", "pre", "hr",
}  # fmt: skip
# `rel` only as `render_markdown` sets it: raw HTML is off, so editors cannot.
ALLOWED_ATTRIBUTES = {"a": {"href", "rel", "title"}}
# Outbound links give the site they lead to neither this window (window.opener)
# nor the address of the page they were followed from.
OUTBOUND_REL = "noopener noreferrer"
# What a link may lead to; `validate_markdown` names the others.
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
URL_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# A section sits under the page's own <h2>: its headings come below it.
SECTION_HEADINGS = {"h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4"}

# CommonMark, Markdown as GitHub and most editors' tools read it: a list may
# follow a line of text, a sub-item is indented under its item's text (two spaces
# under "- "), a numbered list after a bulleted one is a list of its own. (The
# original Markdown's rules, which the site followed before, made all three one
# paragraph or one list.) Raw HTML off: what an editor types as tags is text,
# shown as typed ("tags such as <header>"); as tags it reached the sanitiser,
# which dropped them and broke the paragraph round them. Nesting stops at 100
# levels of the parser's (50 of lists, far beyond what the admin accepts,
# `MAX_NESTING`): deeper text is left out rather than recursed into.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "maxNesting": 100})
# The same parser keeping every link, whatever its address, for `validate_markdown`
# to find those the page would not show as links: MARKDOWN turns "javascript:"
# ones into text, and nh3 takes others' addresses away ("ftp:").
LINK_FINDER = MarkdownIt("commonmark", {"html": False, "maxNesting": 100})
LINK_FINDER.validateLink = lambda url: True
# An HTML comment is an editor's note, never shown.
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


# A pure function of the text (and of SITE_URL, set once per process), and the
# costliest part of rendering a career page: remember recent results (a few
# hundred sections, a few hundred KB per process).
@lru_cache(maxsize=512)
def render_markdown(text: str) -> SafeString:
    text = HTML_COMMENT.sub("", text or "")
    if _nested_too_deep(text):
        # Past its nesting limit the parser leaves out the rest of the text. The
        # admin refuses such text (`validate_markdown`), but text written another
        # way must not lose words: it is shown as escaped paragraphs instead.
        return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped
    tokens = MARKDOWN.parse(text)
    for token in tokens:
        # Headings of every level are ones the section keeps.
        token.tag = SECTION_HEADINGS.get(token.tag, token.tag)
        for child in token.children or ():
            if child.type == "link_open" and _is_outbound(child.attrGet("href")):
                child.attrSet("rel", OUTBOUND_REL)
    html = MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        # Set above, on outbound links only: nh3's default puts it on every link,
        # and a link to another page of this site lost its referrer (the site's
        # own analytics of where readers go next).
        link_rel=None,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def _is_outbound(href):
    """A link to another site, by its host, with a scheme or without one
    ("//example.org/"); not one of this site's pages (relative, or on
    SITE_URL's host), an email address or a phone number."""
    try:
        host = urlsplit(href or "").hostname
    except ValueError:  # "http://[x": no address of this site, whatever it is
        return True
    return host is not None and host != urlsplit(settings.SITE_URL).hostname


# Deeper than any real text needs, and well within what the parser shows
# (`MARKDOWN`'s nesting limit): text the admin accepts is never cut off.
MAX_NESTING = 20
# A list marker with the spaces after it, or a quote's ">" with the one space
# that belongs to it (more is indentation inside the quote).
NESTING_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]+|> ?")


def _nested_too_deep(text):
    return max(map(nesting, text.splitlines()), default=0) > MAX_NESTING


def nesting(line):
    """How deep a line may nest: its indentation (two spaces a level, the least a
    sub-item under "- " takes) and the list and quote markers it starts with
    ("- - > x" is three), indentation inside a quote counted too ("> ␣␣- x" is
    three: a sub-item in a quote)."""
    rest = line.expandtabs(4)
    depth = 0
    while True:
        unindented = rest.lstrip(" ")
        depth += (len(rest) - len(unindented)) // 2
        if not (marker := NESTING_MARKER.match(unindented)):
            return depth
        depth += 1
        rest = unindented[marker.end() :]


# The parser's time grows with the square of a text's "[" (each may open a link
# or an image): 500 "![" render in ~0.1 s, 5,000 in a second. A link takes one.
# And a section is no book: the longest of the reference page is 3,600
# characters; at the limits, the slowest text found renders in ~0.15 s.
MAX_BRACKETS = 500
MAX_LENGTH = 10_000


def validate_markdown(text):
    """Refuse Markdown nested deeper than MAX_NESTING, with a message, rather
    than store a section the page would show cut off; links to addresses the
    page does not show as links (`LINK_SCHEMES`); and text longer than
    MAX_LENGTH or with more than MAX_BRACKETS "[", which could take seconds to
    show."""
    text = text or ""
    if _nested_too_deep(text):
        raise ValidationError(
            f"Lists or quotes are nested more than {MAX_NESTING} levels deep: "
            "remove the extra “-”, “*”, “1.” or “>” at the starts of lines, or the "
            "indentation."
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
    # Last: the parser reads the text, which the checks above keep in bounds.
    schemes, images = _links_and_images(text)
    if refused := sorted(schemes - LINK_SCHEMES):
        # Shown, such a link was plain text ("javascript:") or a link to nowhere.
        raise ValidationError(
            f"A link may lead to a web page (https://…), an email address (mailto:…) "
            f"or a phone number (tel:…), not “{refused[0]}:…”: change its address, "
            "or remove the link."
        )
    if images:
        # The sanitiser drops images, their descriptions with them: the editor's
        # words were gone from the page without a word.
        raise ValidationError(
            f"Pages show no images, and the image “{images[0]}” would be left out: "
            "write what it shows as text, or link to it (its “[…](…)” without the "
            "“!” before it, and not inside another link)."
        )


def _links_and_images(text):
    """The schemes of the addresses `text` links to, and the descriptions of the
    images it shows, as the parser reads them: autolinks and reference
    definitions too, character references decoded, and nothing in code."""
    schemes, images = set(), []
    for block in LINK_FINDER.parse(text):
        for token in block.children or ():
            if token.type == "link_open" and (
                scheme := URL_SCHEME.match(token.attrGet("href") or "")
            ):
                schemes.add(scheme[1].lower())
            elif token.type == "image":
                images.append(token.content)
    return schemes, images
