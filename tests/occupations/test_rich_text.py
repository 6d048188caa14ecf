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
