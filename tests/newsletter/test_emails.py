"""The emails: both parts from templates, absolute links, RFC 8058 headers."""

import pytest
from django.core import mail
from django.test import Client

from newsletter.consent import CONSENT_TEXT
from newsletter.models import Subscriber
from tests.factories import SubscriberFactory
from tests.html_text import visible_text

from .conftest import last_links

pytestmark = pytest.mark.django_db


def one_click_url(message):
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://testserver/newsletter/unsubscribe/")
    assert header.endswith("/one-click/>")
    return header[1:-1]


@pytest.mark.parametrize("status", [None, "pending", "confirmed", "unsubscribed"])
def test_email_has_text_html_and_unsubscribe_headers(signup, status):
    if status:
        SubscriberFactory(email="reader@example.com", status=status)
    signup("reader@example.com")
    (message,) = mail.outbox
    assert message.to == ["reader@example.com"]
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    one_click_url(message)
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert "http://testserver/newsletter/unsubscribe/" in message.body
    assert 'href="http://testserver/newsletter/unsubscribe/' in html
    # The rendered headers really are on the message that goes out.
    sent = message.message()
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["Message-ID"].endswith("@testserver>")
    assert sent["List-Id"] == "Careerguide newsletter <newsletter.testserver>"


def test_email_confirmation_links_in_both_parts(signup):
    signup("reader@example.com")
    (message,) = mail.outbox
    confirm = last_links()["confirm"]
    assert f'href="http://testserver{confirm}"' in message.alternatives[0][0]
    assert "Confirm" in message.subject


def test_one_click_unsubscribe_post_without_cookies_or_csrf(signup):
    signup("reader@example.com")
    url = one_click_url(mail.outbox[0])
    mail_client = Client(enforce_csrf_checks=True)  # a mail provider's server
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get().status == "unsubscribed"


def test_one_click_unsubscribe_without_rfc_body_is_refused(signup):
    signup("reader@example.com")
    url = one_click_url(mail.outbox[0])
    response = Client().post(url, {"something": "else"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert Subscriber.objects.get().status == "pending"


def test_one_click_address_opened_in_a_browser_shows_the_unsubscribe_button(
    client, signup
):
    signup("reader@example.com")
    response = client.get(one_click_url(mail.outbox[0]), follow=True)
    assert response.redirect_chain[0][0] == last_links()["unsubscribe"]
    assert b'<form method="post"' in response.content
    assert Subscriber.objects.get().status == "pending"


def test_unsubscribe_page_after_one_click_says_already_unsubscribed(client, signup):
    """The page still offered its button and said the newsletter would stop, as if
    the one-click unsubscribe had not happened."""
    signup("reader@example.com")
    unsubscribe = last_links()["unsubscribe"]
    client.post(last_links()["confirm"])
    mail_client = Client(enforce_csrf_checks=True)
    mail_client.post(one_click_url(mail.outbox[0]), {"List-Unsubscribe": "One-Click"})
    for response in (
        client.get(unsubscribe),
        client.get(one_click_url(mail.outbox[0]), follow=True),
    ):
        assert response.status_code == 200
        text = visible_text(response.content)
        assert "You are already unsubscribed" in text
        assert "Press the button" not in text
        assert b'<form method="post"' not in response.content
        assert b"reader" not in response.content
    assert Subscriber.objects.get().status == "unsubscribed"


def test_one_click_unsubscribe_tampered_is_refused(client):
    response = client.post(
        "/newsletter/unsubscribe/bad:token/one-click/",
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 400


def test_email_confirmation_says_what_the_reader_agreed_to(signup):
    signup("reader@example.com")
    (message,) = mail.outbox
    html, _ = message.alternatives[0]
    # The sentence and the wording together: the sentence once read "Confirming,
    # you agree to this:".
    agreement = f"By confirming, you agree to this: {CONSENT_TEXT}"
    assert agreement in " ".join(message.body.split())
    assert agreement in visible_text(html)


def test_email_confirmation_says_what_unsubscribing_from_it_stops(signup):
    """It promised "stop all emails to this address", though anyone could sign
    the address up again at once and have another confirmation sent."""
    signup("reader@example.com")
    (message,) = mail.outbox
    promise = "no more emails unless someone signs it up again after 30 days"
    assert promise in " ".join(message.body.split())
    assert promise in visible_text(message.alternatives[0][0])
    assert "stop all emails" not in message.body
