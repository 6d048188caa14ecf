"""Draft, published and scheduled pages: what visitors see and what the admin shows."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from occupations.models import CareerPage
from tests.admin_forms import admin_url, change_form_data
from tests.factories import CareerPageFactory
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)


def listed(client, **params):
    response = client.get(reverse("occupations:list"), params)
    return [page.slug for page in response.context["career_pages"]]


@time_machine.travel(NOW, tick=False)
def test_draft_page_is_404_and_absent_from_list_search_and_home(client):
    draft = CareerPageFactory(
        status=CareerPage.Status.DRAFT, career_name="Hidden Draftsman"
    )
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.slug not in listed(client)
    assert draft.slug not in listed(client, q="Hidden Draftsman")
    assert "Hidden Draftsman" not in client.get("/").content.decode()


def test_scheduled_page_goes_live_by_itself_at_its_time(client):
    with time_machine.travel(NOW, tick=False):
        page = CareerPageFactory(
            career_name="Future Forester",
            published_at=NOW + datetime.timedelta(hours=2),
        )
        assert client.get(page.get_absolute_url()).status_code == 404
        assert page.slug not in listed(client, q="Future Forester")
    with time_machine.travel(NOW + datetime.timedelta(hours=2, seconds=1), tick=False):
        response = client.get(page.get_absolute_url())
        assert response.status_code == 200
        assert "Last updated" in response.content.decode()
        assert page.slug in listed(client, q="Future Forester")


def test_first_of_two_scheduled_pages_goes_live_at_its_time_on_cached_pages(client):
    """Cached pages are kept until the next scheduled page goes live. With two
    pages scheduled, the cached list must change at the first one's time: kept
    until the later one's, it went on without the first for the time between."""
    sooner = NOW + datetime.timedelta(minutes=10)
    later = NOW + datetime.timedelta(hours=1)

    def careers_listed():
        response = client.get(reverse("occupations:list"))
        return response, visible_text(response.content)

    with time_machine.travel(NOW, tick=False):
        first = CareerPageFactory(career_name="Early Estimator", published_at=sooner)
        second = CareerPageFactory(career_name="Late Lexicographer", published_at=later)
        CareerPageFactory(career_name="Present Planner", published_at=NOW)
        careers_listed()
        response, text = careers_listed()
        assert response["X-Cache"] == "HIT"
        assert "Present Planner" in text
        assert "Early Estimator" not in text and "Late Lexicographer" not in text
    with time_machine.travel(sooner + datetime.timedelta(seconds=1), tick=False):
        _, text = careers_listed()
        assert "Early Estimator" in text and "Late Lexicographer" not in text
        assert client.get(first.get_absolute_url()).status_code == 200
        assert client.get(second.get_absolute_url()).status_code == 404
        assert careers_listed()[0]["X-Cache"] == "HIT"  # cached again till later
    with time_machine.travel(later + datetime.timedelta(seconds=1), tick=False):
        _, text = careers_listed()
        assert "Early Estimator" in text and "Late Lexicographer" in text
        assert client.get(second.get_absolute_url()).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_changelist_status_column_and_filter_show_scheduled_pages(admin_client):
    scheduled = CareerPageFactory(
        title="Scheduled one", published_at=NOW + datetime.timedelta(days=1)
    )
    CareerPageFactory(title="Live one", published_at=NOW - datetime.timedelta(days=1))
    CareerPageFactory(title="Draft one", status=CareerPage.Status.DRAFT)
    url = admin_url(CareerPage, "changelist")

    content = admin_client.get(url).content.decode()
    assert "Scheduled for 3 June 2025, 09:00 UTC" in content

    def titles(publication):
        response = admin_client.get(url, {"publication": publication})
        return [page.title for page in response.context["cl"].result_list]

    assert titles("scheduled") == [scheduled.title]
    assert titles("live") == ["Live one"]
    assert titles("draft") == ["Draft one"]


@time_machine.travel(NOW, tick=False)
def test_publish_now_action_makes_drafts_and_scheduled_pages_live(admin_client, client):
    draft = CareerPageFactory(status=CareerPage.Status.DRAFT)
    scheduled = CareerPageFactory(published_at=NOW + datetime.timedelta(days=3))
    response = admin_client.post(
        admin_url(CareerPage, "changelist"),
        {
            "action": "publish_now",
            "_selected_action": [draft.pk, scheduled.pk],
            "post": "yes",  # as confirmed: see the test below
        },
        follow=True,
    )
    assert "Published 2 pages." in response.content.decode()
    for page in (draft, scheduled):
        assert client.get(page.get_absolute_url()).status_code == 200
        assert page.history.latest().history_user.username == "admin"


@pytest.mark.parametrize(
    "action, statuses, message",
    [
        ("publish_now", ["live"], "Nothing to do: the selected page was live already."),
        (
            "publish_now",
            ["draft", "live", "live"],
            "Published 1 page. The other 2 were live already.",
        ),
        (
            "unpublish",
            ["draft", "draft"],
            "Nothing to do: the selected pages were drafts already.",
        ),
        (
            "unpublish",
            ["live", "draft"],
            "Unpublished 1 page: a draft now. The other one was a draft already.",
        ),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_publishing_actions_say_what_they_left_alone(
    admin_client, action, statuses, message
):
    """ "Published 0 page(s)." in green, for pages that were live already."""
    pages = [
        CareerPageFactory(
            status=CareerPage.Status.PUBLISHED
            if status == "live"
            else CareerPage.Status.DRAFT
        )
        for status in statuses
    ]
    response = admin_client.post(
        admin_url(CareerPage, "changelist"),
        {"action": action, "_selected_action": [page.pk for page in pages]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [message]


def changelist_action(client, action, pages, **more):
    return client.post(
        admin_url(CareerPage, "changelist"),
        {"action": action, "_selected_action": [page.pk for page in pages], **more},
    )


def confirmation_form(response):
    """What the confirmation page's form posts, as a browser would."""
    html = response.content.decode()
    form = html[html.index('<form method="post">') :]
    data = {}
    for name, value in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', form
    ):
        data.setdefault(name, []).append(value)
    return data


@pytest.mark.parametrize(
    ("action", "statuses", "question", "answer"),
    [
        (
            "unpublish",
            ["live", "live", "scheduled"],
            "Take 3 pages off the site? They become drafts: visitors and search "
            "engines get “not found” at their addresses until they are published "
            "again.",
            "Yes, unpublish 3 pages",
        ),
        (
            "publish_now",
            ["draft", "draft", "scheduled", "live"],
            "Publish 3 pages now (2 drafts, 1 scheduled for later)? Visitors, "
            "search engines and the feed see them at once.",
            "Yes, publish 3 pages",
        ),
    ],
    ids=["unpublish", "publish"],
)
@time_machine.travel(NOW, tick=False)
def test_changing_several_pages_status_asks_first(
    admin_client, action, statuses, question, answer
):
    """ "Select all", one click, and every career page was gone: with no question
    asked, as Django asks before a delete."""
    published_at = {
        "live": NOW - datetime.timedelta(days=3),
        "scheduled": NOW + datetime.timedelta(days=3),
        "draft": NOW - datetime.timedelta(days=1),
    }
    pages = [
        CareerPageFactory(
            status=CareerPage.Status.DRAFT
            if status == "draft"
            else CareerPage.Status.PUBLISHED,
            published_at=published_at[status],
        )
        for status in statuses
    ]
    asked = changelist_action(admin_client, action, pages)
    assert asked.status_code == 200
    text = visible_text(asked.content)
    assert question in text
    assert f'value="{answer}"' in asked.content.decode()
    assert "No, take me back" in text
    states = [(page.status, page.published_at) for page in pages]
    assert [
        (page.status, page.published_at)
        for page in CareerPage.objects.filter(pk__in=[p.pk for p in pages]).order_by(
            "pk"
        )
    ] == states  # nothing changed yet

    done = admin_client.post(
        admin_url(CareerPage, "changelist"), confirmation_form(asked), follow=True
    )
    assert any("3 pages" in str(message) for message in done.context["messages"])
    wanted = (
        CareerPage.Status.DRAFT
        if action == "unpublish"
        else CareerPage.Status.PUBLISHED
    )
    assert set(
        CareerPage.objects.filter(pk__in=[p.pk for p in pages]).values_list(
            "status", flat=True
        )
    ) == {wanted}


@time_machine.travel(NOW, tick=False)
def test_all_pages_selected_across_the_list_are_asked_about_as_such(admin_client):
    pages = CareerPageFactory.create_batch(
        3, published_at=NOW - datetime.timedelta(days=1)
    )
    asked = changelist_action(
        admin_client, "unpublish", pages[:1], select_across="1", index="0"
    )
    assert "Take 3 pages off the site?" in visible_text(asked.content)
    form = confirmation_form(asked)
    assert sorted(form["_selected_action"]) == sorted(str(page.pk) for page in pages)
    admin_client.post(admin_url(CareerPage, "changelist"), form)
    assert not CareerPage.objects.published().exists()


def test_a_page_published_again_keeps_the_dates_it_had(admin_client):
    """Unpublished by mistake and published again, every page went to the top of
    the feed as new, dated the moment of the second click."""
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        page = CareerPageFactory(published_at=timezone.now())
    dated = CareerPage.objects.with_changed_at().get(pk=page.pk).changed_at
    with time_machine.travel(NOW, tick=False):
        changelist_action(admin_client, "unpublish", [page])
        changelist_action(admin_client, "publish_now", [page])
    page.refresh_from_db()
    assert page.is_live
    assert page.published_at == NOW - datetime.timedelta(days=30)
    assert CareerPage.objects.with_changed_at().get(pk=page.pk).changed_at == dated
    # A draft never published goes live now, not when it was created.
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        draft = CareerPageFactory(status=CareerPage.Status.DRAFT)
    with time_machine.travel(NOW, tick=False):
        changelist_action(admin_client, "publish_now", [draft])
    draft.refresh_from_db()
    assert draft.published_at == NOW


def test_publish_now_brings_forward_a_page_once_live_then_scheduled(
    admin_client, client
):
    """A page live before keeps the time it went live only if that time has
    come: one its editor had since scheduled for later, "Publish now" must put
    on the site now, not leave scheduled for its old time."""
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        page = CareerPageFactory(published_at=timezone.now())
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        page.published_at = NOW + datetime.timedelta(days=3)
        page.save()
    with time_machine.travel(NOW, tick=False):
        changelist_action(admin_client, "publish_now", [page])
        assert client.get(page.get_absolute_url()).status_code == 200
    page.refresh_from_db()
    assert page.published_at == NOW


def test_a_draft_published_in_its_form_goes_live_when_it_is_saved(admin_client):
    """Set to Published in its form with "Publish at" left as shown, a draft went
    live, to the feed, at the time it was created; the action dated it now."""
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        draft = CareerPageFactory(status=CareerPage.Status.DRAFT)
        scheduled = CareerPageFactory(status=CareerPage.Status.DRAFT)
        chosen = CareerPageFactory(status=CareerPage.Status.DRAFT)
    url = admin_url(CareerPage, "change", draft.pk)
    with time_machine.travel(NOW, tick=False):
        response = admin_client.post(
            url, change_form_data(admin_client.get(url), status="published")
        )
        assert response.status_code == 302
        # A time typed in the form is the editor's: a schedule, or a back date.
        for page, when in [
            (scheduled, NOW + datetime.timedelta(days=1)),
            (chosen, NOW - datetime.timedelta(days=1)),
        ]:
            url = admin_url(CareerPage, "change", page.pk)
            data = change_form_data(admin_client.get(url), status="published")
            data["published_at_0"] = when.strftime("%Y-%m-%d")
            data["published_at_1"] = when.strftime("%H:%M:%S")
            assert admin_client.post(url, data).status_code == 302
    for page, when in [
        (draft, NOW),
        (scheduled, NOW + datetime.timedelta(days=1)),
        (chosen, NOW - datetime.timedelta(days=1)),
    ]:
        page.refresh_from_db()
        assert (page.status, page.published_at) == ("published", when)


def test_a_page_published_again_in_its_form_keeps_the_time_it_went_live(admin_client):
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        page = CareerPageFactory(published_at=timezone.now())
    url = admin_url(CareerPage, "change", page.pk)
    with time_machine.travel(NOW, tick=False):
        for status in ("draft", "published"):
            data = change_form_data(admin_client.get(url), status=status)
            assert admin_client.post(url, data).status_code == 302
    page.refresh_from_db()
    assert page.is_live
    assert page.published_at == NOW - datetime.timedelta(days=30)


@time_machine.travel(NOW, tick=False)
def test_unpublish_action_takes_pages_off_the_site(admin_client, client):
    page = CareerPageFactory(published_at=NOW - datetime.timedelta(days=3))
    admin_client.post(
        admin_url(CareerPage, "changelist"),
        {"action": "unpublish", "_selected_action": [page.pk]},
    )
    assert client.get(page.get_absolute_url()).status_code == 404
    page.refresh_from_db()
    assert page.status == CareerPage.Status.DRAFT
    assert page.history.latest().history_change_reason == "Unpublished (admin action)"


def test_is_live_matches_published_queryset():
    with time_machine.travel(NOW, tick=False):
        pages = [
            CareerPageFactory(status=CareerPage.Status.DRAFT),
            CareerPageFactory(published_at=NOW + datetime.timedelta(minutes=1)),
            CareerPageFactory(published_at=timezone.now()),
        ]
        live = set(CareerPage.objects.published().values_list("pk", flat=True))
        assert {page.pk for page in pages if page.is_live} == live == {pages[2].pk}


@pytest.mark.parametrize(
    "slug, message",
    [
        ("Machine-Learning-Engineer", "Use lower-case letters in the slug"),
        ("compare", "is taken by another page of the site"),
        ("--", "Put the career's name in the slug"),
        ("_", "Put the career's name in the slug"),
    ],
)
def test_career_slug_must_be_a_page_address_of_its_own(admin_client, slug, message):
    page = CareerPageFactory()
    url = admin_url(CareerPage, "change", page.pk)
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), slug=slug)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["slug"])


@pytest.mark.parametrize(
    ("zone", "day", "time"),
    [
        ("America/New_York", "9999-12-31", "23:00:00"),  # after year 9999 in UTC
        ("Asia/Tokyo", "0001-01-01", "00:00:00"),  # before year 1 in UTC
        ("UTC", "2101-01-01", "00:00:00"),
    ],
)
def test_publish_at_beyond_the_calendar_is_refused_and_the_site_stays_up(
    admin_client, client, settings, zone, day, time
):
    """Stored on PostgreSQL, such a time could not be read back: every page that
    listed the career failed, and so did the editor's change form."""
    settings.TIME_ZONE = zone
    page = CareerPageFactory()
    url = admin_url(CareerPage, "change", page.pk)
    data = change_form_data(
        admin_client.get(url), published_at_0=day, published_at_1=time
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["published_at"]
    assert errors == ["Choose a time between the years 2000 and 2100."]
    page.refresh_from_db()
    assert page.is_live
    assert client.get("/careers/").status_code == 200
    assert client.get(page.get_absolute_url()).status_code == 200


def test_publish_at_range_is_a_database_constraint_too():
    page = CareerPageFactory()
    page.published_at = datetime.datetime(2200, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        page.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        page.save()


@time_machine.travel(NOW, tick=False)
def test_saving_a_scheduled_page_says_when_it_goes_live(admin_client):
    """Django said only "added successfully", as for a page live at once."""
    page = CareerPageFactory(published_at=NOW + datetime.timedelta(days=1))
    url = admin_url(CareerPage, "change", page.pk)
    data = change_form_data(admin_client.get(url), duties="Rewritten.")
    response = admin_client.post(url, data, follow=True)
    assert (
        f"“{page}” is scheduled for 3 June 2025, 09:00 UTC: until then visitors get "
        "“not found” at its address."
    ) in [str(message) for message in response.context["messages"]]
