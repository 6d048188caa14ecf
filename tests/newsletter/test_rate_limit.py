"""Too many signup attempts get HTTP 429 and a clear "try again later"."""

import hashlib
import ipaddress
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from newsletter.models import Subscriber
from tests.factories import CareerPageFactory
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.NEWSLETTER_RATE_LIMIT_WINDOW = 3600
    settings.NEWSLETTER_RATE_LIMIT_PER_IP = 3
    settings.NEWSLETTER_RATE_LIMIT_PER_EMAIL = 2
    settings.NEWSLETTER_RATE_LIMIT_EMAIL_WINDOW = 86400
    return settings


def test_rate_limit_per_client_address_returns_429(signup, limits):
    for n in range(3):
        assert signup(f"reader{n}@example.com").status_code == 302
    response = signup("reader9@example.com")
    assert response.status_code == 429
    assert "try again later" in visible_text(response.content)
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Subscriber.objects.count() == 3


def test_rate_limited_signup_keeps_what_was_typed(signup, limits):
    """The 429 page holds the form as sent: once the wait is over, one press of
    the button sends it again (nothing to type twice)."""
    CareerPageFactory(slug="data-scientists")
    with time_machine.travel(86400 * 30000, tick=False):
        for n in range(3):
            signup(f"reader{n}@example.com")
        limited = signup("late.reader@example.com", source_page="data-scientists")
    assert limited.status_code == 429
    html = limited.content.decode()
    assert 'name="email" value="late.reader@example.com"' in html
    assert re.search(r'name="consent" value="yes" required checked', html)
    assert 'name="source_page" value="data-scientists"' in html
    assert "What you typed is kept below" in visible_text(html)

    with time_machine.travel(86400 * 30000 + 3600, tick=False):
        assert signup("late.reader@example.com").status_code == 302
    assert Subscriber.objects.filter(email="late.reader@example.com").exists()


def test_rate_limit_counts_invalid_attempts_too(signup, limits):
    for _ in range(3):
        assert signup("not-an-address").status_code == 200
    assert signup("reader@example.com").status_code == 429


def test_rate_limit_per_email_across_client_addresses(signup, limits):
    for n in range(2):
        response = signup("Reader@example.com", meta={"REMOTE_ADDR": f"192.0.2.{n}"})
        assert response.status_code == 302
    response = signup("reader@EXAMPLE.com ", meta={"REMOTE_ADDR": "192.0.2.99"})
    assert response.status_code == 429
    assert len(mail.outbox) == 2
    assert (
        signup("other@example.com", meta={"REMOTE_ADDR": "192.0.2.99"}).status_code
        == 302
    )


@pytest.mark.parametrize(
    "variants, last",
    [
        (
            ["victim@exa\u200bmple.org", "victim@\uff45xample.org"],
            "victim@e\u00adxample.org",
        ),
        (["victim+1@gmail.com", "v.i.c.t.i.m+2@googlemail.com"], "Victim+3@gmail.com"),
    ],
    ids=["look-alike domains", "tags and Gmail dots"],
)
def test_rate_limit_per_email_counts_one_inbox_once(signup, limits, variants, last):
    """However its address is written: reader+1@ and reader+2@ reach one inbox,
    as do Gmail addresses with dots. Each new tag was a new count, and an inbox
    took as many emails as wanted."""
    for n, email in enumerate(variants):
        response = signup(email, meta={"REMOTE_ADDR": f"192.0.2.{n}"})
        assert response.status_code == 302
    response = signup(last, meta={"REMOTE_ADDR": "192.0.2.99"})
    assert response.status_code == 429
    assert len(mail.outbox) == 2


def test_rate_limit_per_email_counts_dotted_addresses_apart_outside_gmail(
    signup, limits
):
    """Dots are the address elsewhere: a.reader@ and areader@ are two people."""
    for n in range(2):
        signup("a.reader@example.com", meta={"REMOTE_ADDR": f"192.0.2.{n}"})
    response = signup("areader@example.com", meta={"REMOTE_ADDR": "192.0.2.99"})
    assert response.status_code == 302


def test_rate_limit_per_client_counts_an_ipv6_block_once(signup, limits):
    """A host is given a whole /64 and may use any address in it: each address
    was a new count."""
    for n in range(3):
        response = signup(
            f"reader{n}@example.com", meta={"REMOTE_ADDR": f"2001:db8::{n}"}
        )
        assert response.status_code == 302
    response = signup("late@example.com", meta={"REMOTE_ADDR": "2001:db8::ffff"})
    assert response.status_code == 429
    response = signup("late@example.com", meta={"REMOTE_ADDR": "2001:db8:0:1::1"})
    assert response.status_code == 302


def teredo(client):
    """The Teredo address (RFC 4380) of the IPv4 client `client` served by the
    Teredo server 198.51.100.1: 2001:0:<server>::/64, with the client's address
    inverted in the last 32 bits. Every client of that server shares the /64."""
    server = int(ipaddress.IPv4Address("198.51.100.1"))
    inverted = int(ipaddress.IPv4Address(client)) ^ 0xFFFFFFFF
    return str(ipaddress.IPv6Address(0x20010000 << 96 | server << 64 | inverted))


@pytest.mark.parametrize(
    "address",
    ["::ffff:{}".format, "64:ff9b::{}".format, "::ffff:0:{}".format, teredo],
    ids=["mapped", "NAT64", "SIIT", "Teredo"],
)
def test_rate_limit_counts_an_ipv4_client_behind_an_ipv6_gateway_by_itself(
    signup, limits, address
):
    """Counted by the gateway's /64, every IPv4 visitor behind it shared one
    count: the fourth visitor was refused for the first three's signups."""
    for n in range(4):
        meta = {"REMOTE_ADDR": address(f"192.0.2.{n}")}
        assert signup(f"reader{n}@example.com", meta=meta).status_code == 302


@pytest.mark.parametrize("forwarded", ["unknown", "::ffff:192.0.2.1", ""])
def test_rate_limit_counts_any_client_address_a_proxy_writes(signup, limits, forwarded):
    limits.TRUSTED_PROXY_COUNT = 1
    meta = {"HTTP_X_FORWARDED_FOR": forwarded}
    for n in range(3):
        assert signup(f"reader{n}@example.com", meta=meta).status_code == 302
    assert signup("late@example.com", meta=meta).status_code == 429


def test_rate_limit_ends_with_the_window(signup, limits):
    with time_machine.travel(7200 * 1000, tick=False):
        for n in range(4):
            signup(f"reader{n}@example.com")
    with time_machine.travel(7200 * 1000 + 3600, tick=False):
        assert signup("late@example.com").status_code == 302


def test_rate_limit_behind_proxy_uses_forwarded_address(signup, limits):
    limits.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        signup(f"a{n}@example.com", meta={"HTTP_X_FORWARDED_FOR": "198.51.100.1"})
    # Same proxy (REMOTE_ADDR), different visitor: not limited. A forged
    # left-hand entry does not give the limited visitor a fresh count.
    assert (
        signup(
            "b@example.com", meta={"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
        ).status_code
        == 302
    )
    forged = signup(
        "c@example.com", meta={"HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.1"}
    )
    assert forged.status_code == 429


def test_rate_limit_behind_two_proxies_uses_the_address_the_outer_one_saw(
    signup, limits
):
    """Each proxy appends the address it saw: behind two, the client is the
    second entry from the right, and the last is the outer proxy's own."""
    limits.TRUSTED_PROXY_COUNT = 2
    for n in range(3):
        meta = {"HTTP_X_FORWARDED_FOR": f"198.51.100.1, 10.0.0.{n}"}
        assert signup(f"a{n}@example.com", meta=meta).status_code == 302
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.2, 10.0.0.1"}
    assert signup("b@example.com", meta=other).status_code == 302
    forged = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.1, 10.0.0.1"}
    assert signup("c@example.com", meta=forged).status_code == 429


@pytest.mark.parametrize(
    "forwarded",
    ["198.51.100.1", ", 198.51.100.1", " , 198.51.100.1"],
    ids=["fewer entries than proxies", "blank entry", "entry of spaces"],
)
def test_rate_limit_counts_a_request_that_missed_a_proxy_by_its_own_address(
    signup, limits, forwarded
):
    """A request whose X-Forwarded-For has no address where the outer proxy
    writes one did not come through it (or it saw none): it is counted by its own
    address. Read anyway, the header was a 500 when too short, and a blank entry
    was one count shared by every such request."""
    limits.TRUSTED_PROXY_COUNT = 2
    for n in range(4):
        meta = {"REMOTE_ADDR": f"192.0.2.{n}", "HTTP_X_FORWARDED_FOR": forwarded}
        assert signup(f"reader{n}@example.com", meta=meta).status_code == 302
    meta = {"REMOTE_ADDR": "192.0.2.0", "HTTP_X_FORWARDED_FOR": forwarded}
    for n in range(2):
        assert signup(f"again{n}@example.com", meta=meta).status_code == 302
    assert signup("late@example.com", meta=meta).status_code == 429


def test_rate_limit_per_email_lasts_a_day_whatever_the_client(signup, limits):
    """Each attempt may email the address: an hour later it is still limited, from
    a client that has made no attempt; a day later it is not."""
    day = 86400 * 20000
    with time_machine.travel(day, tick=False):
        for n in range(2):
            signup("reader@example.com", meta={"REMOTE_ADDR": f"192.0.2.{n}"})
    with time_machine.travel(day + 3600, tick=False):
        response = signup("reader@example.com", meta={"REMOTE_ADDR": "192.0.2.50"})
        assert response.status_code == 429
        assert int(response["Retry-After"]) == 86400 - 3600
        assert "try again later, in 23 hours" in visible_text(response.content)
    with time_machine.travel(day + 86400, tick=False):
        response = signup("reader@example.com", meta={"REMOTE_ADDR": "192.0.2.51"})
        assert response.status_code == 302
    assert len(mail.outbox) == 3


def cache_keys():
    """Every key in the cache, from the local-memory or the Redis backend."""
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        return list(backend._cache)
    if isinstance(backend, RedisCache):
        return [key.decode() for key in backend._cache.get_client().keys("*")]
    pytest.skip(f"cannot list the keys of {type(backend).__name__}")


def test_rate_limit_keeps_no_address_nor_plain_hash_of_it_in_the_cache(signup, limits):
    signup("reader@example.com")
    digest = hashlib.sha256(b"reader@example.com").hexdigest()
    keys = " ".join(cache_keys())
    assert "newsletter:rate:email:" in keys
    assert "reader" not in keys
    assert digest[:16] not in keys


def test_rate_limit_per_email_counts_only_forms_that_may_send(signup, limits):
    """A form sent without the consent box ticked emails no one: the address is
    not counted (the client address is)."""
    for n in range(3):
        response = signup(
            "reader@example.com", consent="", meta={"REMOTE_ADDR": f"192.0.2.{n}"}
        )
        assert response.status_code == 200
    response = signup("reader@example.com", meta={"REMOTE_ADDR": "192.0.2.50"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "wait, said", [(30, "1 minute"), (70, "2 minutes")], ids=["30 s", "70 s"]
)
def test_rate_limit_says_the_wait_in_whole_minutes_rounded_up(
    signup, limits, wait, said
):
    """Never "in 0 minutes"; and 70 s said "in 1 minute", to a visitor refused
    again when they came back then."""
    end_of_hour = 3600 * 400000 - wait
    with time_machine.travel(end_of_hour, tick=False):
        for n in range(3):
            signup(f"reader{n}@example.com")
        response = signup("late@example.com")
    assert response["Retry-After"] == str(wait)
    assert f"try again later, in {said}." in visible_text(response.content)


def test_rate_limit_outlives_a_flood_of_new_search_pages(
    client, signup, limits, monkeypatch
):
    """Every new search is a new page in the page cache: kept in the same cache,
    enough of them pushed the counters out, and an inbox took more emails.

    Both local-memory caches hold 10 entries here, so that 12 searches are a flood
    (the configured sizes took hundreds of renders to overflow)."""
    for alias in ("default", "pages"):
        if isinstance(caches[alias], LocMemCache):  # else a server's memory
            monkeypatch.setattr(caches[alias], "_max_entries", 10)
    for n in range(2):
        response = signup("reader@example.com", meta={"REMOTE_ADDR": f"192.0.2.{n}"})
        assert response.status_code == 302
    for n in range(12):
        assert client.get("/careers/", {"q": f"flood{n}"})["X-Cache"] == "MISS"
    response = signup("reader@example.com", meta={"REMOTE_ADDR": "192.0.2.9"})
    assert response.status_code == 429
    assert len(mail.outbox) == 2
