import re

import pytest
from django.core import mail
from django.urls import reverse

LINK = re.compile(r"http://testserver(/newsletter/(?:confirm|unsubscribe)/[^/\s\"]+/)")


@pytest.fixture
def signup(client, django_capture_on_commit_callbacks):
    """POST the signup form like a browser; emails sent on commit land in outbox."""

    def post(email, meta=None, **fields):
        data = {"email": email, "consent": "yes", "website": "", "source_page": ""}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("newsletter:signup"), data | fields, **meta or {}
            )

    return post


def links(message):
    """{"confirm": path, "unsubscribe": path} from an email's plain-text body."""
    found = {}
    for path in LINK.findall(message.body):
        found.setdefault(path.split("/")[2], path)
    return found


def last_links():
    return links(mail.outbox[-1])
