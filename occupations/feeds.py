"""/careers/feed/: an Atom feed of new and updated career pages."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from operations.text import without_control_characters

from .models import CareerPage
from .presentation import absolute_url

FEED_LENGTH = 50


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

    def item_pubdate(self, page):
        return page.published_at

    def item_updateddate(self, page):
        return page.changed_at
