"""/careers/feed/: an Atom feed of new and updated career pages."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from operations.text import without_control_characters

from .models import CareerPage
from .presentation import absolute_url

FEED_LENGTH = 50
# The year in entries' IDs (RFC 4151 tag URIs): a date the site had its host. Fixed,
# as the IDs must never change.
ENTRY_ID_YEAR = 2026


class CareerPageFeed(Feed):
    feed_type = Atom1Feed
    title = "Careerguide: new and updated careers"
    subtitle = "Career guides built on O*NET and BLS data, newest changes first."

    def link(self):
        return absolute_url(reverse("occupations:list"))

    def feed_url(self):
        return absolute_url(reverse("occupations:feed"))

    def items(self):
        return (
            CareerPage.objects.published()
            .with_changed_at()
            .select_related("occupation")
            .order_by("-changed_at", "slug")[:FEED_LENGTH]
        )

    # Text stored before the admin and the importers refused characters XML cannot
    # hold: left in, one of them made the whole feed a 500.

    def item_title(self, page):
        return without_control_characters(page.title)

    def item_description(self, page):
        # Atom marks the summary type="html", so a reader would run markup in the
        # plain text ("<img onerror=…>" typed by an editor): it is escaped as HTML.
        return escape(
            without_control_characters(page.summary or page.occupation.description)
        )

    def item_link(self, page):
        return absolute_url(page.get_absolute_url())

    def item_guid(self, page):
        # An entry's ID must never change (RFC 4287): its address did with the
        # page's slug, and readers showed a renamed page as a new entry.
        host = urlsplit(settings.SITE_URL).hostname
        return f"tag:{host},{ENTRY_ID_YEAR}:career-page:{page.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, page):
        return page.published_at

    def item_updateddate(self, page):
        return page.changed_at
