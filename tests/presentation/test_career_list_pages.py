"""The career list's ?page= past its end or not a number: the nearest page, said
so, with a 404 (an old link to a list that has since shrunk)."""

import pytest

from tests.factories import CareerPageFactory
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_pages(db):
    CareerPageFactory.create_batch(24 * 2 + 1)


# Past either end, the nearest page; not a number, the first.
@pytest.mark.parametrize(
    ("asked", "shown"), [("9", 3), ("0", 1), ("-2", 1), ("two", 1), ("1.5", 1)]
)
def test_a_page_the_list_does_not_have_shows_the_nearest_as_a_404(
    client, three_pages, asked, shown
):
    response = client.get("/careers/", {"page": asked})
    assert response.status_code == 404
    text = visible_text(response.content)
    assert f"This list has no such page. Here is page {shown} of 3." in text
    assert response.context["page_obj"].number == shown
    assert len(response.context["career_pages"]) == (1 if shown == 3 else 24)
    assert "X-Cache" not in response  # a 404 is not kept in the page cache


@pytest.mark.parametrize(
    ("asked", "shown"), [("1", 1), ("3", 3), (" 2 ", 2), ("", 1), ("last", 3)]
)
def test_a_page_the_list_has_is_no_404(client, three_pages, asked, shown):
    response = client.get("/careers/", {"page": asked})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert "no such page" not in visible_text(response.content)
    # Search engines are told the page's own address, by its number.
    canonical = "/careers/" + (f"?page={shown}" if shown > 1 else "")
    assert f'rel="canonical" href="http://testserver{canonical}"' in (
        response.content.decode()
    )
