"""The README's screenshots of the career page, at phone and desktop widths.

Not part of the suite (the name does not match test_*.py): `make screenshots`
runs this file by path and rewrites docs/screenshots/.
"""

from pathlib import Path

import pytest

from .conftest import chromium_path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CAREER_PATH = "/careers/machine-learning-engineer/"


@pytest.fixture(scope="session", autouse=True)
def _chromium_required():
    """Asked for screenshots, a missing browser is an error, not a skip."""
    if chromium_path() is None:
        pytest.fail("Chromium not found: `apt-get install chromium`")


@pytest.mark.parametrize(
    ("name", "width", "height"),
    [("career-page-phone", 390, 844), ("career-page-desktop", 1280, 800)],
    ids=["phone", "desktop"],
)
def test_career_page_screenshot(browser, live_server, demo, name, width, height):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.goto(CAREER_PATH)
    page.get_by_role("heading", level=1).wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True, animations="disabled")
    context.close()
    assert path.stat().st_size > 0
