"""axe-core finds no WCAG 2.2 AA violations on the public pages."""

import pytest

PUBLIC_PAGES = [
    "/",
    "/careers/",
    "/careers/machine-learning-engineer/",
    "/careers/registered-nurse/",
    "/careers/compare/?careers=machine-learning-engineer,data-scientist,registered-nurse",
    "/careers/compare/?careers=machine-learning-engineer&q=nurse",
    "/resources/",
    "/newsletter/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, demo, assert_accessible, path):
    response = page.goto(path)
    assert response.status == 200
    assert_accessible(page)


def test_not_found_page_has_no_axe_violations(page, db, assert_accessible):
    response = page.goto("/careers/no-such-career/")
    assert response.status == 404
    assert_accessible(page)


# A phone held upright, or a desktop window zoomed to 400 % (WCAG 1.4.10 Reflow).
NARROW_PAGES = [
    "/",
    "/careers/",
    "/careers/?q=engineer&zone=4",
    "/careers/machine-learning-engineer/",
    "/careers/compare/?careers=machine-learning-engineer,data-scientist",
    "/newsletter/",
    "/resources/",
]


def set_text_size(page, size):
    """The browser's text size setting, as a percentage of the default."""
    # Through the CSSOM: the site's Content-Security-Policy refuses a <style>.
    page.evaluate(f"document.documentElement.style.fontSize = {size!r}")


@pytest.mark.parametrize("path", NARROW_PAGES)
@pytest.mark.parametrize("text_size", ["150%", "200%"])
def test_public_page_on_a_phone_fits_in_larger_text(page, demo, path, text_size):
    """Text set larger (WCAG 1.4.4) wraps: the site's links, the search and
    signup fields, the career cards and long addresses used to push the page
    sideways."""
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.goto(path).status == 200
    set_text_size(page, text_size)
    sideways = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert sideways <= 0, f"{path} scrolls {sideways}px sideways at {text_size}"


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_public_page_fits_a_320_pixel_screen(page, demo, assert_accessible, path):
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.goto(path).status == 200
    sideways = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert sideways <= 0, f"{path} scrolls {sideways}px sideways"
    # At this width: scroll boxes reachable by keyboard, targets big enough to tap.
    assert_accessible(page)


def test_compare_table_on_a_phone_shows_each_career_whole_beside_the_row_names(
    page, demo
):
    """On a phone the table scrolls sideways in its box. The line naming the
    careers stays whole on screen (as the table's caption, it ran off the
    screen's edge). Each row's name stays in view, and each career, scrolled
    to, shows whole beside the names: they used to cover the last one's left
    half."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/careers/compare/?careers=machine-learning-engineer,data-scientist")
    named = "Machine Learning Engineer and Data Scientist compared"
    heading = page.get_by_role("heading", name=named).bounding_box()
    assert heading["x"] + heading["width"] <= 320
    assert page.get_by_role("table", name=named).is_visible()

    def beside_row_names(career):
        row_name = page.get_by_role("rowheader", name="Annual median").bounding_box()
        column = page.get_by_role("columnheader", name=career).bounding_box()
        assert row_name["x"] >= 0
        assert row_name["x"] + row_name["width"] <= column["x"]
        assert column["x"] + column["width"] <= 320

    beside_row_names("Machine Learning Engineer")
    page.eval_on_selector(".compare-scroll", "box => box.scrollBy(2000, 0)")
    beside_row_names("Data Scientist")


@pytest.mark.parametrize("width", [320, 1280])
def test_charts_text_keeps_the_pages_size_on_any_screen(page, demo, width):
    """The charts' labels and figures are as large as the text beside them on a
    phone as on a desktop, inside the screen, and their bars are in proportion;
    the wage table fits."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/careers/machine-learning-engineer/")
    # The height drawn on screen: a font size in an SVG scaled down to a phone's
    # width reads the same as on a desktop, but its letters are not.
    texts = page.eval_on_selector_all(
        ".chart-label, .chart-value",
        """nodes => nodes.map(node => ({
            size: parseFloat(getComputedStyle(node).fontSize),
            height: node.getBoundingClientRect().height,
            right: node.getBoundingClientRect().right,
        }))""",
    )
    assert len(texts) >= 2 * (5 + 5)  # annual and hourly wages, and any growth
    assert all(text["size"] >= 14 and text["height"] >= 16 for text in texts), texts
    assert all(text["right"] <= width for text in texts), texts
    annual_bars = page.eval_on_selector_all(
        ".wage-picture .chart:first-child .chart-bar",
        "nodes => nodes.map(node => node.getBoundingClientRect().width)",
    )
    # The demo's annual wages: $53,910 to $159,280, the longest bar the track.
    assert annual_bars == sorted(annual_bars)
    assert annual_bars[0] == pytest.approx(annual_bars[-1] * 53_910 / 159_280, abs=1)
    # The wage table beside them fits its box: no column hidden behind a scroll.
    hidden = page.eval_on_selector(
        ".wage-picture .table-scroll", "box => box.scrollWidth - box.clientWidth"
    )
    assert hidden <= 0


def test_a_collapsed_technology_list_opens_and_prints_whole(page, db):
    from occupations.models import CareerPage
    from tests.factories import CareerPageFactory, OccupationTechnologyFactory

    career = CareerPageFactory(slug="many-tools", data_lists=CareerPage.DataLists.ALL)
    for number in range(12):
        OccupationTechnologyFactory(
            occupation=career.occupation, technology__name=f"Tool {number:02}"
        )
    page.goto("/careers/many-tools/")
    last_tool = page.get_by_text("Tool 11", exact=True)
    assert not last_tool.is_visible()
    page.get_by_text("7 more").click()
    assert last_tool.is_visible()
    page.reload()
    page.emulate_media(media="print")
    assert last_tool.is_visible()
    assert not page.get_by_text("7 more").is_visible()


@pytest.mark.parametrize(
    "path", ["/careers/machine-learning-engineer/", "/careers/", "/careers/?q=nurse"]
)
def test_headings_are_in_order(page, demo, path):
    page.goto(path)
    levels = page.eval_on_selector_all(
        "main h1, main h2, main h3, main h4",
        "nodes => nodes.map(node => Number(node.tagName[1]))",
    )
    assert levels[0] == 1
    assert levels.count(1) == 1
    jumps = [
        later - earlier for earlier, later in zip(levels, levels[1:], strict=False)
    ]
    assert max(jumps) <= 1, levels


def test_every_newsletter_page_has_no_axe_violations(page, db, assert_accessible):
    from newsletter.services import confirm_token_make, unsubscribe_token_make
    from tests.factories import SubscriberFactory

    pending = SubscriberFactory(email="pending@example.com", status="pending")
    paths = {
        "/newsletter/thanks/": 200,
        f"/newsletter/confirm/{confirm_token_make(pending)}/": 200,
        f"/newsletter/unsubscribe/{unsubscribe_token_make(pending)}/": 200,
        "/newsletter/unsubscribed/": 200,
        "/newsletter/confirm/not-a-real-token/": 400,
    }
    for path, status in paths.items():
        assert page.goto(path).status == status, path
        assert_accessible(page)

    # A form with errors: the messages must be announced and tied to their fields.
    page.goto("/newsletter/")
    page.locator("#newsletter-email").fill("not-an-address@")
    page.locator("form.newsletter-form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Sign up").click()
    assert page.locator(".newsletter-error").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 390, 600])
def test_compare_table_on_a_phone_scrolls_a_focused_career_into_view(page, demo, width):
    """Tabbing through the careers' links, forwards and back, scrolls the
    table's box so that each shows whole beside the row names (WCAG 2.4.11
    Focus Not Obscured). The second career's links, their start showing at the
    box's edge, used to stay partly off screen."""
    from tests.browser.keyboard import tab_to

    page.set_viewport_size({"width": width, "height": 640})
    page.goto("/careers/compare/?careers=machine-learning-engineer,data-scientist")
    remove = "element.ariaLabel === 'Remove {} from the comparison'"
    for key, link in [
        ("Tab", "element.textContent === 'Data Scientist'"),
        ("Tab", remove.format("Data Scientist")),
        ("Shift+Tab", remove.format("Machine Learning Engineer")),
    ]:
        tab_to(page, link, key=key)
        focused = page.evaluate(
            "(({left, right}) => ({left, right}))"
            "(document.activeElement.getBoundingClientRect())"
        )
        row_name = page.get_by_role("rowheader", name="Annual median").bounding_box()
        assert focused["left"] >= row_name["x"] + row_name["width"] - 1, (link, focused)
        assert focused["right"] <= width, (link, focused)


@pytest.mark.parametrize(
    "width, text_size", [(390, "125%"), (320, "150%"), (390, "200%")]
)
def test_compare_table_on_a_phone_shows_each_career_whole_in_larger_text(
    page, demo, width, text_size
):
    """With the browser's text set larger, each career still fits beside the
    row names, and is no narrower than they are: its O*NET-SOC code wraps
    instead of widening the column, and the names' column takes no more than
    its share of the box."""
    page.set_viewport_size({"width": width, "height": 640})
    page.goto("/careers/compare/?careers=machine-learning-engineer,data-scientist")
    set_text_size(page, text_size)

    def shows_whole(career):
        row_name = page.get_by_role("rowheader", name="Annual median").bounding_box()
        column = page.get_by_role("columnheader", name=career).bounding_box()
        assert row_name["x"] + row_name["width"] <= column["x"] + 1, career
        assert column["x"] + column["width"] <= width + 1, career
        assert column["width"] >= row_name["width"], career

    shows_whole("Machine Learning Engineer")
    page.eval_on_selector(".compare-scroll", "box => box.scrollBy(2000, 0)")
    shows_whole("Data Scientist")
