"""The visitor's journey, from the home page to an unsubscribed newsletter reader.

Run twice: with the mouse, and with the keyboard alone (Tab, Enter, Space, typing).
"""

import re
from urllib.parse import urlsplit

import pytest

from newsletter.models import Subscriber
from tests.browser.keyboard import name_is, tab_to, text_is

EMAIL = "reader@example.com"


def link_path(mail, label):
    """The path of the first link in the email that follows `label` ("confirm")."""
    urls = re.findall(r"https?://\S+", mail.body)
    matching = [url for url in urls if f"/{label}/" in url]
    assert matching, mail.body
    return urlsplit(matching[0]).path


class Mouse:
    def __init__(self, page):
        self.page = page

    def follow(self, text):
        self.page.get_by_role("link", name=text, exact=True).first.click()

    def fill(self, name, value):
        self.page.locator(f"[name={name}]").first.fill(value)

    def check(self, name):
        self.page.locator(f"[name={name}]").first.check()

    def press_button(self, text):
        self.page.get_by_role("button", name=text).first.click()


class Keyboard(Mouse):
    def follow(self, text):
        tab_to(self.page, f"element.tagName === 'A' && {text_is(text)}")
        self.page.keyboard.press("Enter")

    def fill(self, name, value):
        tab_to(self.page, name_is(name))
        self.page.keyboard.type(value)

    def check(self, name):
        tab_to(self.page, name_is(name))
        self.page.keyboard.press("Space")

    def press_button(self, text):
        tab_to(self.page, f"element.tagName === 'BUTTON' && {text_is(text)}")
        self.page.keyboard.press("Enter")


@pytest.mark.parametrize("actor_class", [Mouse, Keyboard], ids=["mouse", "keyboard"])
def test_visitor_finds_a_career_and_subscribes_then_unsubscribes(
    page, demo, mailoutbox, actor_class
):
    actor = actor_class(page)
    page.goto("/")
    actor.follow("Browse all careers")
    page.wait_for_url("**/careers/")

    actor.fill("q", "machine learning")
    actor.press_button("Search")
    page.wait_for_url("**/careers/?*q=machine*")
    actor.follow("Machine Learning Engineer")
    page.wait_for_url("**/careers/machine-learning-engineer/")

    salary = page.get_by_role("region", name=re.compile("U.S. Salary"))
    assert "Annual Median Salary:" in salary.inner_text()
    outlook = page.get_by_role("region", name=re.compile("Projected Job Openings"))
    assert "Projected Growth Rate in Employment" in outlook.inner_text()

    actor.fill("email", EMAIL)
    actor.check("consent")
    actor.press_button("Sign up")
    page.wait_for_url("**/newsletter/thanks/")
    assert page.locator("h1").inner_text() == "Check your inbox"

    assert len(mailoutbox) == 1
    confirmation = mailoutbox[0]
    assert confirmation.to == [EMAIL]
    page.goto(link_path(confirmation, "confirm"))
    actor.press_button("Confirm my subscription")
    page.get_by_role("heading", name="Subscription confirmed").wait_for()
    subscriber = Subscriber.objects.get(email=EMAIL)
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.source_page.slug == "machine-learning-engineer"

    page.goto(link_path(confirmation, "unsubscribe"))
    actor.press_button("Unsubscribe")
    page.wait_for_url("**/newsletter/unsubscribed/")
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
