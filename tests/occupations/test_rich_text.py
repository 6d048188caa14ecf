import pytest

from tests.factories import CareerPageFactory

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
    html = client.get(page.get_absolute_url()).content.decode().lower()
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html
    assert "intro paragraph." in html


def test_editorial_markdown_renders_lists_and_safe_links(client):
    page = CareerPageFactory(
        duties="- **Lead:** text with [a link](https://example.com/)"
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<li><strong>Lead:</strong> text with" in html
    assert '<a href="https://example.com/" rel="noopener noreferrer">a link</a>' in html


DEEPLY_NESTED = "- " * 500 + "deep"


def test_lists_nested_past_what_markdown_can_read_are_refused_in_the_admin(
    admin_client,
):
    """The Markdown library recurses once per level and gives up a few hundred
    levels down: the save was accepted and the page was a 500 for every visitor."""
    from occupations.models import CareerPage
    from tests.editorial.conftest import admin_url, change_form_data

    page = CareerPageFactory(duties="Before.")
    url = admin_url(CareerPage, "change", page.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), duties=DEEPLY_NESTED)
    )
    assert response.status_code == 200
    assert "nested too deeply" in response.content.decode()
    page.refresh_from_db()
    assert page.duties == "Before."


def test_a_page_holding_such_text_still_shows(client):
    """Written another way (an import of an older database, the shell), the text
    reaches the page as plain paragraphs rather than failing it."""
    page = CareerPageFactory(duties=f"{DEEPLY_NESTED}\n\nLast <b>words</b>.")
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Last &lt;b&gt;words&lt;/b&gt;." in html
