"""Links in emails: signed, expiring where they should, friendly when they fail."""

import datetime

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils.crypto import salted_hmac

from newsletter.models import Subscriber
from newsletter.services import CONFIRM_SALT, UNSUBSCRIBE_SALT
from tests.html_text import visible_text

from .conftest import last_links

pytestmark = pytest.mark.django_db

INVALID = "This link does not work any more"


def unsubscribe_token_before_keys(reader):
    """An unsubscribe token as links sent before keys carried it: the row's id
    and the mark of the address, keyed with the secret key."""
    mark = salted_hmac(UNSUBSCRIBE_SALT, reader.email).hexdigest()[:16]
    return signing.dumps({"s": reader.pk, "a": mark}, salt=UNSUBSCRIBE_SALT)


def tampered(path):
    """The same link with one character of its signature changed."""
    head, token, tail = path.rsplit("/", 2)[0], path.split("/")[-2], "/"
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    return f"{head}/{flipped}{tail}"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
def test_link_tampered_shows_friendly_page(client, signup, method, kind):
    signup("reader@example.com")
    response = getattr(client, method)(tampered(last_links()[kind]))
    assert response.status_code == 400
    assert INVALID in visible_text(response.content)
    assert Subscriber.objects.get().status == "pending"


@pytest.mark.parametrize(
    "path", ["/newsletter/confirm/garbage/", "/newsletter/unsubscribe/a:b:c/"]
)
def test_link_garbage_token_shows_friendly_page(client, path):
    response = client.post(path)
    assert response.status_code == 400
    assert INVALID in visible_text(response.content)


def test_link_confirm_token_cannot_unsubscribe(client, signup):
    """Tokens are salted per purpose: one kind of link never works as another."""
    signup("reader@example.com")
    token = last_links()["confirm"].split("/")[-2]
    response = client.post(f"/newsletter/unsubscribe/{token}/")
    assert response.status_code == 400


def test_link_confirm_expired_shows_friendly_page(client, signup, settings):
    settings.NEWSLETTER_CONFIRM_MAX_AGE = 3 * 86400
    with time_machine.travel(datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)):
        signup("reader@example.com")
    confirm = last_links()["confirm"]
    with time_machine.travel(datetime.datetime(2025, 3, 4, 1, tzinfo=datetime.UTC)):
        response = client.post(confirm)
    assert response.status_code == 400
    assert INVALID in visible_text(response.content)
    assert Subscriber.objects.get().status == "pending"


def test_link_confirm_within_max_age_works(client, signup, settings):
    settings.NEWSLETTER_CONFIRM_MAX_AGE = 3 * 86400
    with time_machine.travel(datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)):
        signup("reader@example.com")
    confirm = last_links()["confirm"]
    with time_machine.travel(datetime.datetime(2025, 3, 3, 23, tzinfo=datetime.UTC)):
        client.post(confirm)
    assert Subscriber.objects.get().status == "confirmed"


def test_link_unsubscribe_works_years_later(client, signup):
    with time_machine.travel(datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)):
        signup("reader@example.com")
        links = last_links()
        client.post(links["confirm"])
    with time_machine.travel(datetime.datetime(2031, 3, 1, tzinfo=datetime.UTC)):
        client.post(links["unsubscribe"])
    assert Subscriber.objects.get().status == "unsubscribed"


def test_link_confirm_twice_shows_already_confirmed(client, signup):
    signup("reader@example.com")
    confirm = last_links()["confirm"]
    client.post(confirm)
    first = Subscriber.objects.get().confirmed_at
    # A second press (a double click) lands on the same page as the first.
    response = client.post(confirm, follow=True)
    assert response.redirect_chain == [(reverse("newsletter:confirmed"), 302)]
    assert "Subscription confirmed" in visible_text(response.content)
    assert Subscriber.objects.get().confirmed_at == first
    response = client.get(confirm)
    assert response.status_code == 200
    assert "You are already subscribed" in visible_text(response.content)


def test_link_unsubscribe_twice_stays_unsubscribed(client, signup):
    signup("reader@example.com")
    unsubscribe = last_links()["unsubscribe"]
    client.post(unsubscribe)
    first = Subscriber.objects.get().unsubscribed_at
    assert client.post(unsubscribe).status_code == 302
    assert Subscriber.objects.get().unsubscribed_at == first


def test_link_unsubscribe_while_pending_ends_the_opt_in(client, signup):
    signup("reader@example.com")
    links = last_links()
    client.post(links["unsubscribe"])
    assert client.post(links["confirm"]).status_code == 400
    assert Subscriber.objects.get().status == "unsubscribed"
    # Opened, the link says so at once, not with a button that then fails.
    response = client.get(links["confirm"])
    assert response.status_code == 400
    assert INVALID in visible_text(response.content)


def test_link_confirm_page_button_needs_csrf_token(signup):
    signup("reader@example.com")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(last_links()["confirm"]).status_code == 403
    assert Subscriber.objects.get().status == "pending"


def test_link_of_erased_subscriber_shows_friendly_page(client, signup):
    signup("reader@example.com")
    links = last_links()
    Subscriber.objects.all().delete()
    assert client.get(links["confirm"]).status_code == 400
    assert client.post(links["unsubscribe"]).status_code == 400


def test_link_contains_no_address_or_bare_id(signup):
    signup("reader@example.com")
    links = last_links()
    # Else the loop checks nothing: an email without its links passed.
    assert set(links) == {"confirm", "unsubscribe"}
    for path in links.values():
        assert "reader" not in path
        assert f"/{Subscriber.objects.get().pk}/" not in path
    assert len(mail.outbox) == 1


def test_link_unsubscribe_is_for_its_reader_even_when_the_id_is_reused(client, signup):
    """A restore from a backup made before an erasure can give an erased reader's
    id to a new one: the erased reader's old link must not unsubscribe them."""
    signup("erased@example.com")
    unsubscribe = last_links()["unsubscribe"]
    erased = Subscriber.objects.get()
    erased_id = erased.pk
    erased.delete()
    Subscriber.objects.create(pk=erased_id, email="new.reader@example.com")
    response = client.post(unsubscribe)
    assert response.status_code == 400
    assert INVALID in visible_text(response.content)
    assert Subscriber.objects.get().status == "pending"


def test_link_unsubscribe_sent_before_keys_is_for_its_reader_when_the_id_is_reused(
    client,
):
    """A link sent before keys names its reader by the row's id, which a restore
    from a backup made before an erasure can give to someone else: the address
    mark it carries is all that tells the two apart. Without the check, the
    erased reader's old link unsubscribed the new one."""
    erased = Subscriber.objects.create(email="erased@example.com")
    token = unsubscribe_token_before_keys(erased)
    erased_id = erased.pk
    erased.delete()
    Subscriber.objects.create(pk=erased_id, email="new.reader@example.com")
    response = client.post(f"/newsletter/unsubscribe/{token}/")
    assert response.status_code == 400
    assert INVALID in visible_text(response.content)
    assert Subscriber.objects.get().status == "pending"


def test_link_unsubscribe_sent_before_links_named_their_reader_still_works(client):
    reader = Subscriber.objects.create(email="early@example.com")
    token = signing.dumps({"s": reader.pk}, salt=UNSUBSCRIBE_SALT)
    client.post(f"/newsletter/unsubscribe/{token}/")
    assert Subscriber.objects.get().status == "unsubscribed"


def test_link_unsubscribe_survives_a_secret_key_rotation(client, signup, settings):
    signup("reader@example.com")
    unsubscribe = last_links()["unsubscribe"]
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    client.post(unsubscribe)
    assert Subscriber.objects.get().status == "unsubscribed"


def test_links_name_their_reader_by_a_random_key_not_the_row_id(signup):
    """Anyone can decode a signed token. Ids are sequential: a link naming one
    told its reader how many signed up before them."""
    signup("first@example.com")
    signup("second@example.com")
    first, second = Subscriber.objects.order_by("pk")
    for kind, salt in (("confirm", CONFIRM_SALT), ("unsubscribe", UNSUBSCRIBE_SALT)):
        data = signing.loads(last_links()[kind].split("/")[-2], salt=salt)
        assert data["k"] == second.link_key
        assert "s" not in data and second.pk not in data.values()
    assert first.link_key != second.link_key


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
def test_links_sent_before_keys_name_their_reader_by_id_and_still_work(client, kind):
    reader = Subscriber.objects.create(email="early@example.com", consent_version="1")
    if kind == "confirm":
        since_epoch = reader.signed_up_at - datetime.datetime(
            1970, 1, 1, tzinfo=datetime.UTC
        )
        opt_in = since_epoch // datetime.timedelta(microseconds=1)
        token = signing.dumps({"s": reader.pk, "t": opt_in}, salt=CONFIRM_SALT)
    else:
        token = unsubscribe_token_before_keys(reader)
    client.post(f"/newsletter/{kind}/{token}/")
    reader.refresh_from_db()
    expected = {"confirm": "confirmed", "unsubscribe": "unsubscribed"}[kind]
    assert reader.status == expected


def test_newsletter_pages_reached_by_a_link_or_a_form_are_not_indexed(client, signup):
    """The confirm and unsubscribe pages carry a reader's token in their address,
    the others are steps of a form: none is a page for a search engine."""
    noindex = '<meta name="robots" content="noindex">'
    signup("reader@example.com")
    links = last_links()
    pages = [
        client.get(links["confirm"]),
        client.post(links["confirm"], follow=True),
        client.get(links["unsubscribe"]),
        client.post(links["unsubscribe"], follow=True),
        client.get(tampered(links["confirm"])),
        client.get("/newsletter/thanks/"),
    ]
    for response in pages:
        assert noindex in response.content.decode(), response.request["PATH_INFO"]
    assert noindex not in client.get("/newsletter/").content.decode()
