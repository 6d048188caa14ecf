"""Read a rendered page the way a person does: its visible text, block by block;
and the parts people do not read, its JSON-LD."""

import json
import re
from html.parser import HTMLParser

BLOCK_TAGS = {
    "p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "div", "section", "ul", "ol",
    "header", "footer", "main", "nav", "article", "title", "br", "tr", "td", "th",
}  # fmt: skip


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skipping += 1
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skipping -= 1
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html):
    """Visible text with whitespace collapsed; blocks separated by single spaces."""
    parser = _TextParser()
    parser.feed(html if isinstance(html, str) else html.decode())
    return " ".join("".join(parser.parts).split())


class _JsonLd(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self._in = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self._in = []

    def handle_data(self, data):
        if self._in is not None:
            self._in.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in is not None:
            self.blocks.append("".join(self._in))
            self._in = None


def json_ld(html):
    """Every JSON-LD object on the page, parsed."""
    parser = _JsonLd()
    parser.feed(html)
    items = []
    for block in parser.blocks:
        data = json.loads(block)
        items += data if isinstance(data, list) else [data]
    return items


def element_texts(html, selector_class):
    """Texts of <li> elements inside the element with class `selector_class`."""
    match = re.search(rf'class="{selector_class}".*?</ul>', html, re.S)
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    ]
