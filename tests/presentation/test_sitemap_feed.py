"""/sitemap.xml, /careers/feed/ and /robots.txt list published pages only."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from occupations.models import CareerPage, Task, WageEstimate
from tests.admin_forms import admin_url, change_form_data
from tests.factories import CareerPageFactory, full_career
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def pages(db):
    published = CareerPageFactory(slug="published-career")
    CareerPageFactory(slug="draft-career", status=CareerPage.Status.DRAFT)
    CareerPageFactory(
        slug="scheduled-career",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )
    return published


def test_sitemap_lists_published_pages_with_lastmod(client, pages):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {
        url.find(f"{SITEMAP}loc").text: url.find(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }
    assert "http://testserver/careers/published-career/" in entries
    assert entries["http://testserver/careers/published-career/"].text == (
        pages.updated_at.date().isoformat()
    )
    assert not any("draft-career" in loc or "scheduled" in loc for loc in entries)
    assert "http://testserver/careers/" in entries


def test_feed_lists_published_pages_newest_first(client, pages):
    newer = CareerPageFactory(slug="newer-career")
    response = client.get("/careers/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    links = [
        entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")
    ]
    assert links == [
        f"http://testserver{newer.get_absolute_url()}",
        f"http://testserver{pages.get_absolute_url()}",
    ]
    titles = [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]
    assert titles[1] == pages.title


def test_a_feed_entrys_id_stays_when_its_page_is_renamed(client, admin_client, pages):
    """The ID had been the page's address: renamed, the page was a new entry to
    feed readers, and the old one never updated."""

    def entry_ids():
        root = ET.fromstring(client.get("/careers/feed/").content)
        return [entry.find(f"{ATOM}id").text for entry in root.iter(f"{ATOM}entry")]

    (before,) = entry_ids()
    assert before == f"tag:testserver,2026:career-page:{pages.pk}"
    url = admin_url(CareerPage, "change", pages.pk)
    data = change_form_data(admin_client.get(url), slug="renamed-career")
    assert admin_client.post(url, data).status_code == 302
    assert entry_ids() == [before]


def test_feed_summary_is_text_even_in_a_reader_that_renders_html(client, db):
    CareerPageFactory(summary='Pay & prospects <img src=x onerror="alert(1)">')
    root = ET.fromstring(client.get("/careers/feed/").content)
    summary = next(root.iter(f"{ATOM}entry")).find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # Decoded as HTML, the summary is the editor's text, not an element.
    assert summary.text == (
        "Pay &amp; prospects &lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )


def test_feed_leaves_out_characters_xml_cannot_hold(client, db):
    """Stored before the admin and the importers refused them (an O*NET
    description with a line break pasted from Word): the whole feed was a 500, or
    XML no reader would take."""
    CareerPageFactory(
        title="Data\x0bScientist", summary="", occupation__description="Analyze\uffff."
    )
    response = client.get("/careers/feed/")
    assert response.status_code == 200
    entry = next(ET.fromstring(response.content).iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}title").text == "DataScientist"
    assert entry.find(f"{ATOM}summary").text == "Analyze."


def test_every_public_page_announces_the_feed(client, pages):
    for path in ["/", "/careers/", pages.get_absolute_url()]:
        html = client.get(path).content.decode()
        assert (
            '<link rel="alternate" type="application/atom+xml" '
            'title="New career guides" href="/careers/feed/">' in html
        ), path


def test_robots_txt_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_favicon_ico_leads_to_the_sites_icon(client, db):
    """Asked for by browsers and crawlers that do not read <link rel="icon">: a
    404 each time."""
    response = client.get("/favicon.ico", follow=True)
    # Not for good: the icon's address changes with it (a hashed file name).
    assert response.redirect_chain[0] == ("/static/favicon.svg", 302)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_a_scheduled_page_is_dated_by_its_going_live(client, db):
    """Saved days before it went live, it came after 50 pages saved since and was
    left out of the feed; the sitemap dated it before it existed."""
    import time_machine

    start = datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC)
    live = start + datetime.timedelta(days=7)
    with time_machine.travel(start, tick=False):
        CareerPageFactory(slug="scheduled", published_at=live)
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        CareerPageFactory.create_batch(50, published_at=start)
    with time_machine.travel(live + datetime.timedelta(hours=1), tick=False):
        feed = ET.fromstring(client.get("/careers/feed/").content)
        sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    first = feed.find(f"{ATOM}entry")
    assert first.find(f"{ATOM}link").get("href").endswith("/careers/scheduled/")
    assert first.find(f"{ATOM}updated").text == live.isoformat()
    (entry,) = [
        url
        for url in sitemap.iter(f"{SITEMAP}url")
        if url.find(f"{SITEMAP}loc").text == "http://testserver/careers/scheduled/"
    ]
    assert entry.find(f"{SITEMAP}lastmod").text == "2030-01-08"


def test_an_editor_s_change_to_a_page_s_data_dates_the_page_anew(admin_client, db):
    """A task or a figure changed in its own admin, or deleted, is a change of the
    page that shows it, as a change made through the occupation's form is."""
    import time_machine
    from django.test import Client
    from django.utils import dateformat

    with time_machine.travel(datetime.datetime(2025, 1, 2, 9, tzinfo=datetime.UTC)):
        page = full_career()
    visitor = Client()

    def page_dates():
        text = visible_text(visitor.get(page.get_absolute_url()).content)
        feed = ET.fromstring(visitor.get("/careers/feed/").content)
        updated = feed.find(f"{ATOM}entry").find(f"{ATOM}updated").text
        return datetime.datetime.fromisoformat(updated).date(), text

    day, text = page_dates()
    assert day == datetime.date(2025, 1, 2) and "Last updated January 2, 2025" in text
    today = timezone.localdate()
    shown_today = f"Last updated {dateformat.format(today, 'F j, Y')}"

    task = page.occupation.tasks.first()
    url = admin_url(Task, "change", task.pk)
    data = change_form_data(admin_client.get(url), statement="Analyse it all.")
    assert admin_client.post(url, data).status_code == 302
    day, text = page_dates()
    assert day == today and shown_today in text and "Analyse it all." in text

    # Back to the old date, to see the deletion date the page anew too.
    with time_machine.travel(datetime.datetime(2025, 1, 2, 9, tzinfo=datetime.UTC)):
        page.occupation.tasks.exclude(pk=task.pk).first().save()
    assert page_dates()[0] == datetime.date(2025, 1, 2)
    wage = page.occupation.wage_estimates.get()
    url = admin_url(WageEstimate, "delete", wage.pk)
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    day, text = page_dates()
    assert day == today and shown_today in text and "Median Salary" not in text
