"""The site works with a keyboard alone."""

from tests.browser.keyboard import tab_to, text_is


def test_skip_link_is_first_and_moves_focus_to_main(page, demo):
    page.goto("/careers/machine-learning-engineer/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_focus_is_visible_on_links(page, demo):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_keyboard_reaches_a_career_page_from_home(page, demo):
    page.goto("/")
    tab_to(page, text_is("Machine Learning Engineer"), limit=30)
    page.keyboard.press("Enter")
    page.wait_for_url("**/careers/machine-learning-engineer/")
    assert page.locator("h1").inner_text() == (
        "Machine Learning Engineer Career Path in 2024"
    )
