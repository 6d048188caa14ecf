"""Site-wide views that belong to no app: the health check, the error pages, and
the `read_only` and `form_page` marks of the public pages."""

import logging
import sys
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.templatetags.static import static
from django.utils.log import log_response
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

logger = logging.getLogger(__name__)

# Seconds a client (or a load balancer) should wait before trying again.
RETRY_AFTER = 30


def read_only(view):
    """A public page that only reads: any method but GET and HEAD gets 405.

    Its CSRF check is skipped: that check guards writes, and before it a stray POST
    to /careers/ got the "form expired, send the form again" page for a form that
    does not exist. (Forms on these pages post elsewhere, to protected views.)"""
    return csrf_exempt(methods_allowed(["GET", "HEAD"])(view))


def form_page(view):
    """A public page that shows a form (GET, HEAD) and takes it (POST, checked
    against CSRF); any other method gets 405. The method is checked first: the
    CSRF middleware, which runs before any view's own checks, answered a DELETE
    with the "form expired, send the form again" page."""
    return csrf_exempt(methods_allowed(["GET", "HEAD", "POST"])(csrf_protect(view)))


def methods_allowed(methods):
    """Django's `require_http_methods`, with the site's 405 page rather than an
    empty one."""

    def decorator(view):
        @wraps(view)
        def method_checked(request, *args, **kwargs):
            if request.method in methods:
                return view(request, *args, **kwargs)
            response = HttpResponseNotAllowed(
                methods, loader.render_to_string("405.html", request=request)
            )
            log_response(
                "Method Not Allowed (%s): %s",
                request.method,
                request.path,
                response=response,
                request=request,
            )
            return response

        return method_checked

    return decorator


@read_only
def favicon(request):
    """Browsers and crawlers that do not read the pages' <link rel="icon"> ask for
    /favicon.ico: the site's icon rather than a 404 each time. Not a permanent
    redirect: the icon's address names its content (`ManifestStaticFilesStorage`),
    and browsers keep a 301 for good, past the next icon's deploy."""
    return HttpResponseRedirect(static("favicon.svg"))


@never_cache
@read_only
def healthz(request):
    """200 when the database and the cache answer, 503 (naming the failure) if not.

    Cheap enough for a load balancer to call every few seconds: one `SELECT 1` and
    a round trip to each cache; no session, no template. The pages' cache, which
    may be a server of its own, is reported but does not make the answer 503:
    without it pages are slower, not gone, and a 503 from every server would take
    them all out of rotation.
    """
    checks = {"database": _check_database(), "cache": _check_cache("default")}
    healthy = all(result == "ok" for result in checks.values())
    checks["page_cache"] = (
        _check_cache("pages") if settings.PAGE_CACHE_SECONDS > 0 else "off"
    )
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER)
    return response


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return "unavailable"
    return "ok"


def _check_cache(alias):
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache = caches[alias]
        cache.set(key, "ok", timeout=5)
        answer = cache.get(key)
        cache.delete(key)
    except Exception:  # Each cache backend raises its own errors.
        logger.exception("Health check: the %s cache did not answer", alias)
        return "unavailable"
    return "ok" if answer == "ok" else "unavailable"


def server_error_or_unavailable(request):
    """handler500: a lost database gives the 503 "back soon" page, the rest the 500.

    Django calls this while handling the exception wherever it was raised (a view,
    a template, a middleware saving the session), so `sys.exc_info()` names it.
    OperationalError and InterfaceError are the connection-level failures (server
    down, connection dropped, timeouts, deadlocks): passing, so worth a retry.
    Neither page touches the database; the exception is logged either way.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(_standalone_page("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponseServerError(_standalone_page("500.html"))


def _standalone_page(template_name):
    """The 500 or 503 page, styled if it can be. The stylesheet's address comes
    from the static files' manifest: when it is missing there (a deploy that did
    not run collectstatic), every page fails on it, and this page would too; it is
    then sent without its stylesheet rather than not at all."""
    try:
        stylesheet = static("css/site.css")
    except (ValueError, OSError):  # not in the manifest, or no manifest to read
        stylesheet = None
    return loader.render_to_string(template_name, {"stylesheet": stylesheet})


# The 400, 403 and 404 pages. Django's own views render the same templates, but
# first run the CSRF check (so that an error page could hold a form; ours hold
# none), and that check reads the posted form again: a form Django refuses to read
# (urlencoded in another charset than UTF-8) raised once more in the error view,
# and the visitor got a bare 500 from the server instead of the 400 page.


def bad_request(request, exception):
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


def permission_denied(request, exception):
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


def page_not_found(request, exception):
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))
