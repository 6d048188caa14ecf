"""The subscriber's path through HTTP: signup, email, confirm, unsubscribe, again."""

import html
import logging

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter.consent import CONSENT_VERSION
from newsletter.models import Subscriber
from tests.factories import CareerPageFactory, SubscriberFactory
from tests.html_text import visible_text

from .conftest import last_links

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/newsletter/"


def test_signup_whole_path_confirms_unsubscribes_and_resubscribes(client, signup):
    response = signup("reader@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:thanks")
    assert Subscriber.objects.get().status == "pending"
    assert len(mail.outbox) == 1
    first = last_links()

    response = client.get(first["confirm"])
    assert response.status_code == 200
    assert "Confirm my subscription" in visible_text(response.content)
    assert Subscriber.objects.get().status == "pending"  # GET changes nothing

    response = client.post(first["confirm"])
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:confirmed")
    response = client.get(response["Location"])
    assert "Subscription confirmed" in visible_text(response.content)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed"
    assert subscriber.confirmed_at is not None

    assert client.get(first["unsubscribe"]).status_code == 200
    assert Subscriber.objects.get().status == "confirmed"
    response = client.post(first["unsubscribe"], follow=True)
    assert "You are unsubscribed" in visible_text(response.content)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "unsubscribed"
    assert subscriber.unsubscribed_at is not None

    signup("reader@example.com")
    assert Subscriber.objects.get().status == "pending"
    assert len(mail.outbox) == 2
    second = last_links()
    # The first email's link belonged to the earlier opt-in: it cannot confirm now.
    assert client.post(first["confirm"]).status_code == 400
    assert Subscriber.objects.get().status == "pending"
    client.post(second["confirm"])
    assert Subscriber.objects.get().status == "confirmed"


def test_signup_again_after_unsubscribing_records_only_the_new_opt_in(client, signup):
    """The unsubscribe date of the earlier opt-in stayed on the new one until it
    was confirmed: the record read as pending and unsubscribed at once."""
    signup("reader@example.com")
    links = last_links()
    client.post(links["confirm"])
    client.post(links["unsubscribe"])
    signup("reader@example.com")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "pending"
    assert subscriber.confirmed_at is None
    assert subscriber.unsubscribed_at is None


def test_signup_from_career_page_records_page_and_consent(client, signup):
    page = CareerPageFactory(slug="machine-learning-engineer")
    html = client.get(page.get_absolute_url()).content.decode()
    assert f'action="{SIGNUP_URL}"' in html
    assert 'name="source_page" value="machine-learning-engineer"' in html
    assert 'name="consent"' in html

    signup("reader@example.com", source_page="machine-learning-engineer")
    subscriber = Subscriber.objects.get()
    assert subscriber.source_page == page
    assert subscriber.consent_version == "2025-01"
    assert subscriber.signed_up_at is not None
    assert subscriber.source_path == "/careers/machine-learning-engineer/"


def test_signup_source_address_outlives_its_page(signup):
    """The consent record named the page by a link that emptied when an editor
    deleted the page."""
    page = CareerPageFactory(slug="air-crew-officer")
    signup("reader@example.com", source_page="air-crew-officer")
    signup("other@example.com")
    page.delete()
    sources = dict(Subscriber.objects.values_list("email", "source_path"))
    assert sources == {
        "reader@example.com": "/careers/air-crew-officer/",
        "other@example.com": "/newsletter/",
    }


@pytest.mark.parametrize(
    "slug", ["no-such-page", "../../etc", "x" * 500, "x\x00", "real-page\x00"]
)
def test_signup_unknown_source_page_records_no_page(signup, slug):
    CareerPageFactory(slug="real-page", status="draft")
    response = signup("reader@example.com", source_page=slug)
    assert response.status_code == 302
    assert Subscriber.objects.get().source_page is None


def test_signup_draft_source_page_records_no_page(signup):
    CareerPageFactory(slug="draft-page", status="draft")
    signup("reader@example.com", source_page="draft-page")
    assert Subscriber.objects.get().source_page is None


def test_signup_page_shows_form_with_labels(client):
    response = client.get(SIGNUP_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="newsletter-email">Email address</label>' in html
    assert '<label for="newsletter-consent">Yes, email me' in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize(
    "email",
    [
        "not-an-address",
        "a@b",
        "two@@example.com",
        "",
        "x" * 250 + "@ex.com",
        "x" * 65 + "@example.com",  # RFC 5321: local parts end at 64
        "ann@[127.0.0.1]",  # IP literals: no mail to where a visitor points
        "ann@[IPv6:::1]",
        "ann@\u200b.org",  # nothing left of the label once mapped
        "ann@ex\u200dample.org",  # a joiner where IDNA 2008 allows none
        '"ann"@example.org',  # quoted and escaped: one inbox in many spellings
        '"a\\nn"@example.org',
        "a\\nn@example.org",
        "ann@localhost",  # one label: no address on the internet
    ],
)
def test_signup_invalid_email_shows_error_and_sends_nothing(signup, email):
    response = signup(email)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-describedby="newsletter-email-error"' in html
    assert 'id="newsletter-email-error"' in html
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("x" * 65 + "@example.com", "The part before the @ can be 64 characters"),
        ("ann@[127.0.0.1]", "not at an IP address"),
        ("ann@localhost", "After the @ comes a whole domain name"),
        ('"ann"@example.org', "without quotation marks"),
        ("ann@@example.org", "Enter an email address like name@example.com."),
        # Lower-cased, "İ" became "i" and a combining dot; Django's mail wrote
        # these as "=?utf-8?b?…?=@example.org", and the confirmation reached no one.
        ("İda@example.org", "in plain Latin letters"),
        ("ſam@example.com", "in plain Latin letters"),
        # A spreadsheet runs such a cell of the subscriber export as a formula.
        (
            "=cmd|'/Ccalc'!A0@attacker.example",
            "starting with “=”, “+”, “-” or “@” cannot be taken",
        ),
        ("-ann@example.com", "please use another address"),
        ("+ann@example.com", "please use another address"),
        # 128 characters as typed, 308 with the domain in ASCII: a 500 on
        # PostgreSQL, and stored past the column's length on SQLite.
        (
            "a" * 64 + "@" + ".".join(["中"] * 30) + ".com",
            "mail servers count it as 308 characters",
        ),
    ],
)
def test_signup_refused_address_says_what_to_put_right(signup, email, message):
    response = signup(email)
    assert response.status_code == 200
    assert message in visible_text(response.content)
    assert f'value="{html.escape(email)}"' in response.content.decode()


def test_signup_address_with_the_domains_closing_dot_is_taken(signup):
    """ "example.org." names example.org (DNS's root); Django's check refused it."""
    assert signup("reader@example.org.").status_code == 302
    assert Subscriber.objects.get().email == "reader@example.org"


@pytest.mark.parametrize("consent", ["", "off", "no", "0", "false"])
def test_signup_without_consent_shows_error(signup, consent):
    """Only the box's own value, "yes", is consent: Django's checkbox read any
    other word but "false" as ticked, so "off" and "no" recorded consent."""
    response = signup("reader@example.com", consent=consent)
    assert response.status_code == 200
    assert "Tick the box to say you want the newsletter." in visible_text(
        response.content
    )
    assert Subscriber.objects.count() == 0


def test_signup_address_is_stored_normalised_and_once(signup):
    signup("  Reader.Name+news@Example.ORG ")
    signup("reader.name+NEWS@example.org")
    assert list(Subscriber.objects.values_list("email", flat=True)) == [
        "reader.name+news@example.org"
    ]


def test_signup_one_inbox_is_one_subscriber_however_its_domain_is_written(signup):
    for email in [
        "victim@example.org",
        "victim@exa\u200bmple.org",  # zero-width space
        "victim@e\u00adxample.org",  # soft hyphen
        "victim@\uff45xample.org",  # full-width e
        "ann@b\u00fccher.example",
        "ann@xn--bcher-kva.example",
        # IDNA 2008 keeps ß: strasse.de (IDNA 2003's spelling) is another domain.
        "eve@stra\u00dfe.de",
        # The root's dot (here an ideographic full stop): the same domain.
        "victim@example.org\u3002",
    ]:
        assert signup(email).status_code == 302
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "ann@xn--bcher-kva.example",
        "eve@xn--strae-oqa.de",
        "victim@example.org",
    ]


def test_signup_honeypot_with_a_null_character_is_a_bot_too(signup):
    response = signup("bot@example.com", website="\x00")
    assert response.status_code == 302
    assert not Subscriber.objects.exists()


def test_signup_honeypot_filled_stores_nothing_and_answers_the_same(signup):
    human = signup("human@example.com")
    bot = signup("bot@example.com", website="http://spam.example")
    assert (bot.status_code, bot["Location"]) == (human.status_code, human["Location"])
    assert list(Subscriber.objects.values_list("email", flat=True)) == [
        "human@example.com"
    ]
    assert [message.to for message in mail.outbox] == [["human@example.com"]]


def test_signup_get_only_shows_form(client):
    response = client.get(SIGNUP_URL, {"email": "reader@example.com", "consent": "yes"})
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()
    assert Subscriber.objects.count() == 0
    assert not mail.outbox


def test_signup_without_csrf_token_is_refused():

    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGNUP_URL, {"email": "a@example.com", "consent": "yes"})
    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


@pytest.mark.parametrize("status", ["pending", "confirmed", "unsubscribed"])
def test_signup_known_address_answers_like_a_new_one(client, signup, status):
    SubscriberFactory(email="known@example.com", status=status)
    new = signup("new@example.com")
    known = signup("known@example.com")
    assert known.status_code == new.status_code == 302
    assert known["Location"] == new["Location"]
    assert known.content == new.content
    new_page, known_page = client.get(new["Location"]), client.get(known["Location"])
    assert known_page.content == new_page.content
    assert [t.name for t in known_page.templates] == [
        t.name for t in new_page.templates
    ]


def test_signup_confirmed_address_gets_neutral_email_without_confirm_link(signup):
    SubscriberFactory(email="known@example.com", status="confirmed")
    signup("known@example.com")
    (message,) = mail.outbox
    assert message.to == ["known@example.com"]
    assert "already subscribed" in message.subject
    assert "/newsletter/confirm/" not in message.body
    assert "/newsletter/unsubscribe/" in message.body
    assert Subscriber.objects.get().status == "confirmed"


def test_signup_pending_address_gets_confirmation_again(client, signup):
    signup("reader@example.com")
    signup("reader@example.com")
    assert len(mail.outbox) == 2
    # Both emails confirm the same opt-in, so either link works.
    client.post(last_links()["confirm"])
    assert Subscriber.objects.get().status == "confirmed"


@pytest.mark.parametrize("status", ["pending", "confirmed"])
def test_signup_repeat_only_reads(client, signup, status):
    """A repeat changes nothing, so it opens no write transaction: on SQLite that
    would take the database-wide write lock, and queue behind other writers."""
    SubscriberFactory(email="reader@example.com", status=status)
    with CaptureQueriesContext(connection) as queries:
        response = signup("Reader@Example.com")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    statements = [query["sql"].split()[0].upper() for query in queries]
    assert statements and set(statements) == {"SELECT"}


def test_signup_mail_server_failure_still_answers_the_same(signup, settings):
    settings.EMAIL_BACKEND = "tests.newsletter.failing_backend.EmailBackend"
    response = signup("reader@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:thanks")
    assert Subscriber.objects.get().status == "pending"


def test_signup_mail_server_refusal_is_logged_without_the_address(
    signup, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.newsletter.failing_backend.RefusingEmailBackend"
    with caplog.at_level(logging.INFO, logger="newsletter"):
        assert signup("reader@example.com").status_code == 302
    (record,) = caplog.records
    assert record.levelno == logging.ERROR
    assert "SMTPRecipientsRefused" in record.getMessage()
    assert "reader" not in caplog.text


def test_signup_page_query_count_is_constant(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(SIGNUP_URL).status_code == 200
    SubscriberFactory.create_batch(20)
    with django_assert_num_queries(0):
        assert client.get(SIGNUP_URL).status_code == 200


def test_signup_pending_to_an_older_consent_wording_starts_a_new_opt_in(client, signup):
    """Signing up again after the wording changed is agreeing to the new one: the
    record says so, and the earlier email's link, for the old wording, is void."""
    signup("reader@example.com")
    old_confirm = last_links()["confirm"]
    Subscriber.objects.update(consent_version="2000-01")
    signup("reader@example.com")
    subscriber = Subscriber.objects.get()
    assert subscriber.consent_version == CONSENT_VERSION
    assert client.post(old_confirm).status_code == 400
    client.post(last_links()["confirm"])
    assert Subscriber.objects.get().status == "confirmed"


@pytest.mark.parametrize("url", ["/newsletter/thanks/", "/newsletter/unsubscribed/"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_signup_pages_after_a_form_only_answer_get(csrf_checked_client, url, method):
    """A page with no form of its own: any other method is 405, not the CSRF
    check's "send the form again"."""
    response = getattr(csrf_checked_client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "Not allowed here" in visible_text(response.content)  # the site's page


@pytest.mark.parametrize(
    "url",
    [
        "/newsletter/",
        "/newsletter/confirm/x/",
        "/newsletter/unsubscribe/x/",
        "/newsletter/unsubscribe/x/one-click/",
    ],
)
@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_signup_form_pages_refuse_other_methods_before_the_csrf_check(
    csrf_checked_client, url, method
):
    """405 naming what they take, not the CSRF check's "send the form again":
    that check runs before the view's own, and a DELETE has no form to send."""
    response = getattr(csrf_checked_client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert "Not allowed here" in visible_text(response.content)  # the site's page


def test_signup_post_without_a_csrf_token_is_still_refused(csrf_checked_client):
    response = csrf_checked_client.post(
        "/newsletter/", {"email": "reader@example.com", "consent": "yes"}
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_signup_of_an_address_whose_owner_declined_sends_nothing(client, signup):
    """Someone signs Ann up; she presses Unsubscribe in the confirmation email,
    which promised no more emails. Anyone could sign her up again at once, and
    she was sent a confirmation again, up to the per-inbox limit every day. The
    form still answers as for any address."""
    signup("ann@example.com")
    client.post(last_links()["unsubscribe"])
    new = signup("new@example.com")
    again = signup("ann@example.com")
    assert (again.status_code, again["Location"]) == (new.status_code, new["Location"])
    assert again.content == new.content
    assert [message.to for message in mail.outbox] == [
        ["ann@example.com"],
        ["new@example.com"],
    ]
    ann = Subscriber.objects.get(email="ann@example.com")
    assert (ann.status, ann.confirmed_at) == ("unsubscribed", None)


def test_signup_of_a_declined_address_sends_a_confirmation_again_after_the_days(
    client, signup, time_machine
):
    time_machine.move_to("2026-01-01 12:00:00+00:00", tick=False)
    signup("ann@example.com")
    client.post(last_links()["unsubscribe"])
    time_machine.move_to("2026-01-31 11:00:00+00:00", tick=False)  # 30 days less 1 h
    signup("ann@example.com")
    assert len(mail.outbox) == 1
    time_machine.move_to("2026-01-31 13:00:00+00:00", tick=False)
    signup("ann@example.com")
    assert len(mail.outbox) == 2
    assert Subscriber.objects.get().status == "pending"


def test_signup_of_a_former_subscriber_sends_a_confirmation_at_once(client, signup):
    """Only an opt-in said no to holds the next one back: a subscriber who left
    may come back when they like."""
    signup("reader@example.com")
    client.post(last_links()["confirm"])
    client.post(last_links()["unsubscribe"])
    signup("reader@example.com")
    assert len(mail.outbox) == 2
    assert Subscriber.objects.get().status == "pending"


def test_signup_pages_tell_whoever_declined_why_no_email_comes(client, signup):
    signup("ann@example.com")
    unsubscribe = last_links()["unsubscribe"]
    text = visible_text(client.get(unsubscribe).content)
    assert "no more emails, unless someone signs it up again after 30 days" in text
    text = visible_text(client.post(unsubscribe, follow=True).content)
    assert "we send this address no other for 30 days" in text
    thanks = signup("ann@example.com")["Location"]
    text = visible_text(client.get(thanks).content)
    assert "in the last 30 days, we send this address no other" in text
