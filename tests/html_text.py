"""Read a rendered page the way a person does: its visible text, block by block."""

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
