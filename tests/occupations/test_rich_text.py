import pytest

from occupations.models import CareerPage
from tests.admin_forms import admin_url, change_form_data
from tests.factories import CareerPageFactory
from tests.html_text import visible_text
from tests.security.test_headers import inline_code

pytestmark = pytest.mark.django_db

XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="https://evil.example"></iframe>',
)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_editorial_markdown_never_delivers_script(client, payload):
    page = CareerPageFactory(duties=f"Intro paragraph.\n\n{payload}")
    html = client.get(page.get_absolute_url()).content.decode()
    found = inline_code(html)
    assert found.inline_scripts == [] and found.attributes == []
    assert "<iframe" not in html.lower() and "<img" not in html.lower()
    assert "Intro paragraph." in html


def test_editorial_html_shows_as_typed_and_headings_stay_headings(client):
    """As tags, "<header>" reached the sanitiser and vanished, breaking the
    paragraph round it; "#" and "##" headings were dropped to bare text; a tel:
    link lost its address."""
    page = CareerPageFactory(
        duties="Developers write tags such as <header> and <nav>.\n\n"
        "# Daily work\n\n## Tools\n\nCall [us](tel:+15551234).\n\n"
        "<!-- An editor's note:\ncheck the figures. -->"
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert "editor's note" not in html  # an HTML comment is a note, never shown
    assert (
        "<p>Developers write tags such as &lt;header&gt; and &lt;nav&gt;.</p>" in html
    )
    assert "<h3>Daily work</h3>" in html and "<h3>Tools</h3>" in html
    assert '<a href="tel:+15551234">us</a>' in html


def test_editorial_markdown_renders_lists_and_safe_links(client):
    page = CareerPageFactory(
        duties="- **Lead:** text with [a link](https://example.com/)"
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<li><strong>Lead:</strong> text with" in html
    assert '<a href="https://example.com/" rel="noopener noreferrer">a link</a>' in html


def test_only_links_to_other_sites_are_sent_without_a_referrer(client):
    """nh3 put `rel="noopener noreferrer"` on every link: a link to another page
    of this site lost its referrer too."""
    page = CareerPageFactory(
        duties="See [data scientists](/careers/data-scientist/), "
        "[nurses](http://testserver/careers/registered-nurse/), "
        "[BLS](https://www.bls.gov/ooh/), [O*NET](//www.onetonline.org/) and "
        "[mail us](mailto:editors@example.com)."
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert '<a href="/careers/data-scientist/">data scientists</a>' in html
    assert '<a href="http://testserver/careers/registered-nurse/">nurses</a>' in html
    outbound = '<a href="https://www.bls.gov/ooh/" rel="noopener noreferrer">BLS</a>'
    assert outbound in html
    # Without a scheme, another site all the same.
    onet = '<a href="//www.onetonline.org/" rel="noopener noreferrer">O*NET</a>'
    assert onet in html
    assert '<a href="mailto:editors@example.com">mail us</a>' in html


def test_lists_read_as_editors_write_them(client):
    """Markdown as GitHub reads it (CommonMark). The original Markdown's rules
    made the list after "You will need:" part of its paragraph, the sub-item
    indented by two spaces an item of its own, and the numbered list part of the
    bulleted one."""
    page = CareerPageFactory(
        duties="You will need:\n- A bachelor's degree\n  - in accounting\n"
        "- A CPA license\n\n1. Apply\n2. Pass the exam"
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert (
        "<p>You will need:</p>\n<ul>\n<li>A bachelor's degree\n<ul>\n"
        "<li>in accounting</li>\n</ul>\n</li>\n<li>A CPA license</li>\n</ul>\n"
        "<ol>\n<li>Apply</li>\n<li>Pass the exam</li>\n</ol>"
    ) in html


DEEPLY_NESTED = "- " * 500 + "deep"


@pytest.mark.parametrize(
    "text",
    [
        DEEPLY_NESTED,
        "- " * 21 + "deep",
        "\n".join("    " * level + "- item" for level in range(22)),
        "Intro.\n\n" + "1. " * 21 + "deep",
        # Sub-items of a list in a quote: the parser left out "level 49" on, and
        # the text after the quote.
        "\n".join("> " + "  " * level + f"- level {level}" for level in range(52))
        + "\n>\n> The end of the quote.",
    ],
    ids=["500 markers", "21 markers", "21 indents", "21 numbers", "indents in a quote"],
)
def test_lists_nested_deeper_than_real_text_are_refused_in_the_admin(
    admin_client, text
):
    """The Markdown library recurses once per level and gives up a few hundred
    levels down: the save was accepted and the page was a 500 for every visitor."""
    page = CareerPageFactory(duties="Before.")
    url = admin_url(CareerPage, "change", page.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), duties=text)
    )
    assert response.status_code == 200
    assert "Lists or quotes are nested more than 20 levels deep" in visible_text(
        response.content
    )
    page.refresh_from_db()
    assert page.duties == "Before."


def test_text_that_would_take_seconds_to_show_is_refused_in_the_admin(admin_client):
    """The Markdown library's time grows with the square of the "[": 8,000 "!["
    took 17 s to preview, and each server process as long again to show."""
    page = CareerPageFactory(introduction="Before.")
    url = admin_url(CareerPage, "change", page.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), introduction="![" * 501)
    )
    assert response.status_code == 200
    assert "More than 500 “[”" in visible_text(response.content)
    page.refresh_from_db()
    assert page.introduction == "Before."
    # Nor a very long section: other patterns grow with the square of the length.
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), introduction="<a " * 3334)
    )
    assert "A section holds at most 10,000 characters" in visible_text(response.content)
    links = " ".join(f"[link {n}](https://ex.com/{n})" for n in range(300))
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), introduction=links)
    )
    assert response.status_code == 302


def test_lists_twenty_levels_deep_save_and_show(admin_client, client):
    page = CareerPageFactory(duties="Before.")
    url = admin_url(CareerPage, "change", page.pk)
    text = "- " * 20 + "deep\n\n- 1. a numbered item"
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), duties=text)
    )
    assert response.status_code == 302
    html = client.get(page.get_absolute_url()).content.decode()
    assert html.count("<ul>") >= 20 and "deep" in html


@pytest.mark.parametrize("nested", [DEEPLY_NESTED, "> " * 120 + "quoted"])
def test_a_page_holding_such_text_still_shows(client, nested):
    """Written another way (an import of an older database, the shell), the text
    reaches the page as plain paragraphs rather than failing it, or losing what
    follows it (the parser leaves out the rest of the text past its limit)."""
    page = CareerPageFactory(duties=f"{nested}\n\nLast <b>words</b>.")
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Last &lt;b&gt;words&lt;/b&gt;." in html


@pytest.mark.parametrize(
    ("address", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("JavaScript:void(0)", "javascript"),
        ("<ftp://files.example.org/a>", "ftp"),
        ("file:///etc/passwd", "file"),
        ("&#102;tp://files.example.org/", "ftp"),  # a character reference
        ("ftp:", "ftp"),
    ],
)
def test_a_link_the_page_cannot_show_is_refused_in_the_admin(
    admin_client, address, scheme
):
    """Shown, "javascript:" was the link's text and address as plain text, and
    "ftp:" a link leading nowhere: the editor was told nothing."""
    page = CareerPageFactory(duties="Before.")
    url = admin_url(CareerPage, "change", page.pk)
    for text in (
        f"See [the files]({address}).",
        f"See [files].\n\n[files]: {address}",
        f"See [files].\n\n[files]:\n  {address}",  # the address on the next line
    ):
        response = admin_client.post(
            url, change_form_data(admin_client.get(url), duties=text)
        )
        assert response.status_code == 200
        assert (
            "A link may lead to a web page (https://…), an email address (mailto:…) "
            f"or a phone number (tel:…), not “{scheme}:…”"
        ) in visible_text(response.content)
    page.refresh_from_db()
    assert page.duties == "Before."


def test_a_link_stored_before_the_refusal_is_shown_without_its_address(client):
    """Text saved before the admin refused such links (or written another way)
    shows the link's words, but no link to an address the page does not lead to
    (nh3 would keep "ftp:", "sms:"… of its own accord)."""
    page = CareerPageFactory(duties="See [the files](ftp://files.example.org/a).")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "See the files." in visible_text(html)
    assert "ftp://files.example.org" not in html


def test_an_address_the_page_cannot_link_is_refused_as_an_autolink_too(
    admin_client,
):
    page = CareerPageFactory(duties="Before.")
    url = admin_url(CareerPage, "change", page.pk)
    data = change_form_data(admin_client.get(url), duties="<ftp://files.example/x>")
    assert "not “ftp:…”" in visible_text(admin_client.post(url, data).content)


@pytest.mark.parametrize(
    "text",
    [
        "Model accuracy over time: ![accuracy chart](https://example.org/a.png)",
        "See ![accuracy chart][chart].\n\n[chart]: https://example.org/a.png",
        "- [![accuracy chart](https://example.org/a.png)](https://example.org/)",
    ],
)
def test_an_image_is_refused_in_the_admin_with_its_description(admin_client, text):
    """Pages show no images: the sanitiser left "<p>Model accuracy over time:
    </p>", the image and its description gone without a word to the editor."""
    page = CareerPageFactory(duties="Before.")
    url = admin_url(CareerPage, "change", page.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), duties=text)
    )
    assert response.status_code == 200
    assert (
        "Pages show no images, and the image “accuracy chart” would be left out: "
        "write what it shows as text, or link to it (its “[…](…)” without the “!” "
        "before it, and not inside another link)."
    ) in visible_text(response.content)
    page.refresh_from_db()
    assert page.duties == "Before."


def test_links_the_page_shows_and_colons_in_text_are_accepted(admin_client, client):
    page = CareerPageFactory(duties="Before.")
    url = admin_url(CareerPage, "change", page.pk)
    text = (
        "[Site](https://example.org/), [mail](mailto:a@example.org), "
        "[call](tel:+15555550100), [careers](/careers/) and [note](see: below). "
        "In code, an address is text: `[x](ftp:y)`."
    )
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), duties=text)
    )
    assert response.status_code == 302
    html = client.get(page.get_absolute_url()).content.decode()
    assert 'href="tel:+15555550100"' in html
