"""/sitemap.xml: every published career page, with its last change."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import CareerPage


class SiteUrlSitemap(Sitemap):
    """Absolute URLs from SITE_URL, never from the request's Host header."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class CareerPageSitemap(SiteUrlSitemap):
    def items(self):
        return (
            CareerPage.objects.published()
            .with_changed_at()
            .only("slug", "updated_at", "published_at")
            .order_by("slug")
        )

    def lastmod(self, page):
        return page.changed_at


class SectionSitemap(SiteUrlSitemap):
    def items(self):
        return ["occupations:home", "occupations:list", "resources:list"]

    def location(self, name):
        return reverse(name)


sitemaps = {"careers": CareerPageSitemap, "sections": SectionSitemap}
