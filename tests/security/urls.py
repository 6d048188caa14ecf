"""The site's URLs plus views that fail on purpose, for the error-page tests only."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import Http404
from django.urls import path

from careerguide.urls import handler400, handler403, handler404, handler500
from careerguide.urls import urlpatterns as site_urlpatterns

# Detail an error page must never show: it stands in for anything sensitive.
SECRET_DETAIL = "s3cret-detail-from-the-exception"


def bad_request(request):
    raise SuspiciousOperation(SECRET_DETAIL)


def permission_denied(request):
    raise PermissionDenied(SECRET_DETAIL)


def not_found(request):
    raise Http404(SECRET_DETAIL)


def crash(request):
    raise RuntimeError(SECRET_DETAIL)


def database_gone(request):
    raise OperationalError(f"could not connect to server: {SECRET_DETAIL}")


urlpatterns = [
    path("test-errors/400/", bad_request),
    path("test-errors/403/", permission_denied),
    path("test-errors/404/", not_found),
    path("test-errors/500/", crash),
    path("test-errors/database/", database_gone),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
