"""Whole-page cache for the public pages, invalidated precisely.

Django's cache middleware will not cache a page that uses the CSRF token (it varies
on Cookie), and every career page carries the newsletter form. So this cache stores
the rendered page with the form's token replaced by a placeholder, and puts a fresh
token for this visitor back in on the way out. A hit costs no database query.

Freshness: every entry's key holds the current *content version*. Any change to
career content (a save or delete of an occupations/resources model, an import, an
admin action) replaces the version, so all pages are rebuilt on their next visit;
so does `migrate`, which every deploy runs, because a page is stored with the
headers (CSP, permissions policy) and template output of the code that made it.
Scheduled pages go live by themselves: the version also expires at the next
scheduled publication time. Only a new version is ever written: a worker that read
the version before an editor's change must not put it back after (pages cached
under it would be served again), and the cache has no compare-and-set.

Visitors with a session (staff in the admin, previews) always get a fresh render.

A cache that does not answer (its server down) costs speed, never a page or an
editor's save: pages are rendered each time, and the failure is logged.
"""

import hashlib
import logging
import re
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import patch_cache_control
from django.utils.connection import ConnectionProxy
from django.utils.http import parse_etags, quote_etag

# The cache of the "pages" alias (see CACHES in the settings), as Django's `cache`
# is the default's.
cache = ConnectionProxy(caches, "pages")
logger = logging.getLogger(__name__)
# The current content version; and per version, when the next scheduled page goes
# live (0: none is scheduled), which ends it.
VERSION_KEY = "page-cache:version"
GOES_LIVE_KEY = "page-cache:goes-live:{version}"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def _csrf_input(token):
    """The form's token input's attribute pair holding `token` (bytes)."""
    return b'name="csrfmiddlewaretoken" value="' + token + b'"'


# The whole attribute pair, quotes included: a page may echo what a visitor typed
# (a search), but never with a raw quote, so only the form's own input matches.
CSRF_PLACEHOLDER = _csrf_input(b"\x00csrf-token\x00")
# Headers that belong to one response, never to a shared copy.
PRIVATE_HEADERS = {"set-cookie", "vary", "content-length", "etag", "x-cache"}
# Browsers may keep a copy but must ask first: the ETag makes that cheap.
CACHE_CONTROL = "private, no-cache"


_suspended = ContextVar("page_cache_invalidation_suspended", default=False)


def invalidate():
    """Start a new content version now, and again when the transaction commits.

    Now, so that this process never serves the old page again; after the commit,
    because a visitor may have cached the old content in between.
    """
    if _suspended.get():
        return
    _reset()
    transaction.on_commit(_reset)


@contextmanager
def invalidation_suspended():
    """For writes that are always rolled back (the admin's preview of unsaved
    changes): no visitor can see them, so they must not retire every cached page."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


@contextmanager
def bulk_write():
    """A transaction for bulk writes to career content (imports): they send no
    save signals, so the content version is replaced here instead."""
    with transaction.atomic():
        invalidate()
        yield


CONTENT_APPS = {"occupations", "resources"}


def invalidate_on_content_change(sender, **kwargs):
    """Signal receiver: career content (not subscribers, not users) changed."""
    if sender._meta.app_label in CONTENT_APPS:
        invalidate()


def invalidate_after_migrate(sender, **kwargs):
    """Signal receiver: a deploy (or any `migrate`) ran."""
    invalidate()


def _reset():
    """A new content version, returned. No query here: a save can come in the
    hundreds (an admin formset, load_demo); the next visitor looks up when the
    next scheduled page goes live."""
    version = uuid.uuid4().hex
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception:  # Each cache backend raises its own errors.
        # The save goes on. Should the cache come back with what it held, its
        # pages are of the old content until the next change or
        # PAGE_CACHE_SECONDS: said here, where it can be seen.
        logger.exception(
            "Page cache: the new content version was not stored; cached pages may "
            "show the old content until the next change"
        )
    return version


def _current_version():
    from .models import CareerPage

    version = cache.get(VERSION_KEY)
    if version is None:  # never set, or evicted: outlives every page otherwise
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)  # unless one won
        version = cache.get(VERSION_KEY)
    goes_live_key = GOES_LIVE_KEY.format(version=version)
    goes_live = cache.get(goes_live_key)
    if goes_live is None:
        next_publication = CareerPage.objects.next_publication_time()
        goes_live = next_publication.timestamp() if next_publication else 0
        # No longer than the version's pages: versions come and go with edits.
        cache.set(goes_live_key, goes_live, timeout=settings.PAGE_CACHE_SECONDS)
    if goes_live and time.time() >= goes_live:
        return _reset()  # a page went live: a new version, checked on the next visit
    return version


def _is_cacheable(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _entry_from(response):
    """What the cache keeps of `response`: the shared body and ready-made headers,
    so that a hit only has to put this visitor's CSRF token in."""
    body = CSRF_INPUT.sub(CSRF_PLACEHOLDER, response.content)
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() not in PRIVATE_HEADERS
    }
    headers.update({"ETag": etag, "X-Cache": "HIT", "Cache-Control": CACHE_CONTROL})
    return {"body": body, "headers": headers, "etag": etag}


def _visitor_etag(entry, csrf_secret):
    """The ETag of `entry` for the visitor whose CSRF secret is `csrf_secret`.

    A page with the signup form holds a CSRF token that works only with the
    visitor's CSRF secret (their cookie), so its ETag names the secret too: after a
    sign-in or sign-out rotated the secret, or the cookie was cleared, the browser's
    copy no longer matches and it gets the page again with a working token instead
    of a 304 that keeps the dead one."""
    if CSRF_PLACEHOLDER not in entry["body"]:
        return entry["etag"]
    mixed = f"{entry['etag']}:{csrf_secret}"
    return quote_etag(hashlib.sha256(mixed.encode()).hexdigest()[:32])


def _is_not_modified(etag, if_none_match):
    """Whether the visitor's copy, named by If-None-Match, is `etag`: compared
    weakly (RFC 9110 13.1.2), as proxies that compress a response mark its ETag
    weak, and "*" names any."""
    tags = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
    return "*" in tags or etag in tags


def _response_from(entry, request):
    body = entry["body"]
    # Once per hit: each call masks a new token (32 calls to os.urandom), the
    # largest cost of a hit. It also gives a visitor without a cookie a secret.
    token = get_token(request) if CSRF_PLACEHOLDER in body else None
    # get_token left the visitor's secret, the cookie's or a new one, in META.
    etag = _visitor_etag(entry, request.META.get("CSRF_COOKIE"))
    if _is_not_modified(etag, request.META.get("HTTP_IF_NONE_MATCH", "")):
        response = HttpResponseNotModified()
        response["X-Cache"] = "HIT"
        response["Cache-Control"] = CACHE_CONTROL
    else:
        if token:
            body = body.replace(CSRF_PLACEHOLDER, _csrf_input(token.encode()))
        response = HttpResponse(body, headers=entry["headers"])
    response["ETag"] = etag
    return response


def cache_public_page(view, *, query=()):
    """Mark `view` as a public page that PageCacheMiddleware may cache.

    `query`: the query parameters the page depends on (?q=, ?page=). Others
    (?utm_source= on a campaign's link, or random ones) are left out of the cache
    key, so such a visit is served the cached page; and a page rendered for an
    address with others is not stored, so made-up parameter names cannot fill the
    cache and push the real pages out. (Each search, ?q=, is a page of its own.)"""

    @wraps(view)
    def public_page(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    public_page.page_cache_query = frozenset(query)
    return public_page


def _page_query(path):
    """The query parameters the public page at `path` depends on, or None if
    `path` is not a public page (a view marked with `cache_public_page`)."""
    return _resolved_page_query(get_urlconf(), path)


@lru_cache(maxsize=4096)
def _resolved_page_query(urlconf, path):
    # Remembered per URLconf and path (a URLconf does not change while the process
    # runs): resolving costs a hit as much as reading the page from the cache.
    try:
        view = resolve(path, urlconf).func
    except Resolver404:
        return None
    return getattr(view, "page_cache_query", None)


def _host_is_allowed(request):
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def _key(request, query):
    """The page's cache key: its path and the parameters in `query` it was asked
    with, the names in one order (?page=2&q=x is ?q=x&page=2)."""
    asked = urlencode(
        sorted(
            (
                (name, value)
                for name, values in request.GET.lists()
                if name in query
                for value in values
            ),
            # By name only: a name's values keep their order, which the page may
            # read (the last ?q=, ?careers= in order).
            key=lambda pair: pair[0],
        )
    )
    address = f"{request.path}?{asked}" if asked else request.path
    # Hashed: URLs can be long and odd, cache keys must be short and plain.
    return f"page:{_current_version()}:{hashlib.sha256(address.encode()).hexdigest()}"


def _may_be_stored(response):
    """Whether `response` lets caches keep it: a view sends `no-store` with a page
    for values its form does not offer (`?group=` of no group), endless as made-up
    parameters are."""
    return "no-store" not in response.get("Cache-Control", "").lower()


def _revalidated(response):
    """`response` of a public page, marked as the cached ones are: browsers must
    ask before reusing it. The pages the cache neither serves nor keeps (for
    signed-in staff, with a campaign's ?utm_source=, with the page cache off or
    down) went without Cache-Control; the feed's Last-Modified then let a
    browser reuse its copy unasked for days (a tenth of its age), after an
    editor had published a page."""
    if _may_be_stored(response):
        patch_cache_control(response, private=True, no_cache=True)
    return response


class PageCacheMiddleware:
    """Serves cached public pages before the rest of the middleware stack.

    It sits right below SecurityMiddleware (HTTPS redirect, HSTS), so a hit skips
    CSP, permissions policy, sessions, authentication, history, axes and the view:
    close to the cost of a static file. A miss goes down the stack as usual; if the
    view was marked with `cache_public_page` and answered 200, the page is stored
    on the way back up with the headers the stack added (CSP included: the policy
    has no per-response nonce), and a hit sends those headers as they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Its public hooks read the visitor's CSRF cookie and set it when needed.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        query = _page_query(request.path_info)
        if query is None:
            return self.get_response(request)
        if not (
            _is_cacheable(request)
            # Else CommonMiddleware refuses the host further down, and its 400
            # gets the headers (CSP, nosniff) every other response gets.
            and _host_is_allowed(request)
        ):
            return _revalidated(self.get_response(request))
        try:
            key = _key(request, query)
            entry = cache.get(key)
        except DatabaseError:  # the content version's query: the 503 page follows
            raise
        except Exception:  # Each cache backend raises its own errors.
            logger.exception("Page cache: the cache did not answer; page rendered")
            return _revalidated(self.get_response(request))
        if entry is not None:
            self.csrf.process_request(request)
            response = _response_from(entry, request)
            return self.csrf.process_response(request, response)
        response = _revalidated(self.get_response(request))
        # Only an address with no other parameters is stored: a page may echo them
        # (pagination links keep the query string), and made-up ones are endless.
        storable = request.GET.keys() <= query and _may_be_stored(response)
        if response.status_code == 200 and not response.streaming and storable:
            entry = _entry_from(response)
            try:
                cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:  # Each cache backend raises its own errors.
                logger.exception("Page cache: the page was not stored")
                return response
            # The page's {% csrf_token %} put the visitor's secret in META.
            response["ETag"] = _visitor_etag(entry, request.META.get("CSRF_COOKIE"))
            response["X-Cache"] = "MISS"
        return response
