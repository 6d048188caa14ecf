"""The editor's journey through the admin, in a real browser.

Sign in with the login form, find a career page, correct a task and a wage of its
occupation, see both on the public page, then write a draft page, preview it and
publish it. Visitors are played by a second browser context with no session, so
they get the public (page-cached) site, not what staff see.
"""

import re

import pytest

from tests.factories import UserFactory

USERNAME = "editor"
PASSWORD = "a long editorial passphrase"
MLE_PATH = "/careers/machine-learning-engineer/"
TASK = "Perform validation and testing of models to ensure adequacy"
EDITED_TASK = "Validate and stress-test models before they reach production."
# Typed as people write figures; between the 25th (64,060) and 75th (113,980)
# percentiles.
EDITED_MEDIAN = "$91,230"
EDITED_HOURLY_MEDIAN = "43.86"  # BLS's annual wage is the hourly for 2,080 hours
DRAFT_TITLE = "Quantitative Analyst Career Path in 2025"
DRAFT_PATH = "/careers/quantitative-analyst/"


@pytest.fixture
def editor(db):
    return UserFactory(
        username=USERNAME, password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def visitor(browser, live_server):
    """A visitor's browser: its own context, so no admin session cookie."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def sign_in(page):
    page.goto("/admin/")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Site administration").wait_for()


def open_changelist(page, model):
    """From the admin index, the list of `model` ("careerpage")."""
    page.goto("/admin/")
    row = page.locator(f"tr.model-{model}")  # the app's name is a link too
    with page.expect_navigation():
        row.get_by_role("link").first.click()


def search_changelist(page, model, query):
    open_changelist(page, model)
    page.locator("#searchbar").fill(query)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()


def save(page, button="Save"):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    assert page.locator(".messagelist .success").count() == 1, page.content()


def find_inline_field(page, name_suffix, value):
    """The inline input whose name ends with `name_suffix` holding `value`."""
    fields = page.locator(f"[name$='{name_suffix}']")
    for index in range(fields.count()):
        if fields.nth(index).input_value().startswith(value):
            return fields.nth(index)
    raise AssertionError(f"no {name_suffix} field holds {value!r}")


def test_editor_edits_a_career_then_drafts_previews_and_publishes_a_page(
    page, visitor, demo, editor
):
    # A visitor's view is cached before the edit: the save must refresh it.
    visitor.goto(MLE_PATH)
    assert (
        TASK
        in visitor.get_by_role("region", name=re.compile("Typical Tasks")).inner_text()
    )

    sign_in(page)
    search_changelist(page, "careerpage", "machine learning")
    page.get_by_role(
        "link", name="Machine Learning Engineer Career Path in 2024"
    ).click()
    page.get_by_role("heading", name="Change career page").wait_for()
    occupation = page.locator(".field-occupation .select2-selection__rendered")
    assert occupation.inner_text().strip().startswith("15-2031.00")

    # The figures belong to the occupation: edit its task and wage inlines.
    search_changelist(page, "occupation", "15-2031")
    page.get_by_role("link", name="15-2031.00").click()
    page.get_by_role("heading", name="Change occupation").wait_for()
    find_inline_field(page, "-statement", TASK).fill(EDITED_TASK)
    find_inline_field(page, "-annual_median", "85720").fill(EDITED_MEDIAN)
    find_inline_field(page, "-hourly_median", "41.21").fill(EDITED_HOURLY_MEDIAN)
    save(page)

    visitor.goto(MLE_PATH)
    tasks = visitor.get_by_role("region", name=re.compile("Typical Tasks"))
    assert EDITED_TASK in tasks.inner_text()
    assert TASK not in tasks.inner_text()
    salary = visitor.get_by_role("region", name=re.compile("U.S. Salary"))
    assert "Annual Median Salary:\n$91,230" in salary.inner_text()
    assert "Hourly Median Wage:\n$43.86" in salary.inner_text()

    # A new page, written as a draft.
    open_changelist(page, "careerpage")
    page.get_by_role("link", name="Add career page").click()
    page.get_by_role("heading", name="Add career page").wait_for()
    page.get_by_label("Title:", exact=True).fill(DRAFT_TITLE)
    page.get_by_label("Career name:", exact=True).fill("Quantitative Analyst")
    page.get_by_label("Career name plural:", exact=True).fill("Quantitative Analysts")
    page.get_by_label("Slug:", exact=True).fill("quantitative-analyst")
    page.get_by_label("Headline year:", exact=True).fill("2025")
    page.locator(".field-occupation").get_by_role("combobox").click()
    dropdown = page.locator(".select2-container--open")
    dropdown.get_by_role("searchbox").fill("Operations Research")
    dropdown.get_by_role(
        "option", name="15-2031.00 Operations Research Analysts"
    ).click()
    page.get_by_label("Status:", exact=True).select_option(label="Draft")
    save(page, "Save and continue editing")
    page.get_by_role("heading", name="Change career page").wait_for()

    with page.context.expect_page() as new_tab:
        page.get_by_role("button", name="Preview").click()
    preview = new_tab.value
    preview.wait_for_load_state()
    assert "Preview — not published." in preview.get_by_role("status").inner_text()
    assert preview.get_by_role("heading", level=1).inner_text() == DRAFT_TITLE
    preview.close()

    assert visitor.goto(DRAFT_PATH).status == 404

    page.get_by_label("Status:", exact=True).select_option(label="Published")
    save(page)
    response = visitor.goto(DRAFT_PATH)
    assert response.status == 200
    assert visitor.get_by_role("heading", level=1).inner_text() == DRAFT_TITLE
