from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from occupations.page_cache import cache_public_page
from occupations.sitemaps import sitemaps
from operations import views
from operations.views import read_only

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(settings.ADMIN_URL, admin.site.urls),
    path(
        "sitemap.xml",
        cache_public_page(read_only(sitemap), query=("p",)),  # the sitemap's pages
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("", include("occupations.urls")),
    path("resources/", include("resources.urls")),
    path("newsletter/", include("newsletter.urls")),
]

# Our templates (templates/400.html …), which show nothing about the request; a
# database outage gets the 503 page.
handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error_or_unavailable
