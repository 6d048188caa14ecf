"""Editors' side: the subscriber list, CSV export, erasure, and who may see it."""

import csv
import io

import idna
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from newsletter.models import Subscriber, SubscriberExport
from tests.factories import CareerPageFactory, SubscriberFactory, UserFactory
from tests.html_text import visible_text
from tests.newsletter.conftest import last_links

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:newsletter_subscriber_changelist")


def staff_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_admin_changelist_filters_by_status_and_searches_email(admin_client):
    SubscriberFactory(email="kept@example.com", status="confirmed")
    SubscriberFactory(email="gone@example.com", status="unsubscribed")
    response = admin_client.get(CHANGELIST, {"status__exact": "confirmed"})
    assert [s.email for s in response.context["cl"].result_list] == ["kept@example.com"]
    response = admin_client.get(CHANGELIST, {"q": "gone"})
    assert [s.email for s in response.context["cl"].result_list] == ["gone@example.com"]


def test_admin_search_finds_an_address_however_its_domain_is_written(admin_client):
    SubscriberFactory(email="zed@xn--bcher-kva.example")
    response = admin_client.get(CHANGELIST, {"q": "Zed@Bücher.example"})
    assert [s.email for s in response.context["cl"].result_list] == [
        "zed@xn--bcher-kva.example"
    ]


def test_admin_lists_and_finds_a_domain_as_people_write_it(admin_client):
    """The list showed "carol@xn--bcher-kva.example", and "bücher" found nothing."""
    SubscriberFactory(email="carol@xn--bcher-kva.example")
    SubscriberFactory(email="dan@example.org")
    response = admin_client.get(CHANGELIST, {"q": "bücher"})
    assert [s.email for s in response.context["cl"].result_list] == [
        "carol@xn--bcher-kva.example"
    ]
    assert "carol@bücher.example" in response.content.decode()
    assert "xn--" not in visible_text(response.content)
    # Part of a label, and words of the address in any order.
    for query in ("büch", "carol@bü", "bücher carol"):
        response = admin_client.get(CHANGELIST, {"q": query})
        assert [s.email for s in response.context["cl"].result_list] == [
            "carol@xn--bcher-kva.example"
        ], query


def test_admin_shows_a_domain_in_another_script_as_stored(admin_client):
    """Shown decoded, a Cyrillic "е" passes for a Latin "e", as browsers know."""
    lookalike = "eve@" + idna.encode("\u0435xample.org").decode()
    SubscriberFactory(email=lookalike)
    response = admin_client.get(CHANGELIST)
    assert lookalike in response.content.decode()
    assert "\u0435xample" not in response.content.decode()


def test_admin_changelist_filters_by_source_page_and_date(admin_client):
    page = CareerPageFactory(slug="data-scientist")
    SubscriberFactory(email="from-page@example.com", source_page=page)
    SubscriberFactory(email="direct@example.com")
    response = admin_client.get(CHANGELIST, {"source_page__id__exact": page.pk})
    assert [s.email for s in response.context["cl"].result_list] == [
        "from-page@example.com"
    ]
    html = admin_client.get(CHANGELIST).content.decode()
    assert "By source page" in html
    assert "By signed up at" in html


def export(client, ids):
    return client.post(
        CHANGELIST,
        {"action": "export_confirmed_csv", "_selected_action": ids},
    )


def test_admin_csv_export_lists_only_confirmed(admin_client):
    page = CareerPageFactory(slug="data-scientist")
    confirmed = SubscriberFactory(email="b@example.com", source_page=page)
    formula = SubscriberFactory(email="=cmd@example.com")
    pending = SubscriberFactory(email="p@example.com", status="pending")
    gone = SubscriberFactory(email="u@example.com", status="unsubscribed")
    response = export(admin_client, [s.pk for s in (confirmed, formula, pending, gone)])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "email",
        "confirmed_at",
        "signed_up_at",
        "source_address",
        "consent_version",
        "unsubscribe_url",
    ]
    assert [row[0] for row in rows[1:]] == ["'=cmd@example.com", "b@example.com"]
    assert rows[2][3] == "/careers/data-scientist/"
    # The address the sending program puts in List-Unsubscribe: it works.
    one_click = rows[2][5].removeprefix("http://testserver")
    assert one_click.endswith("/one-click/")
    left = Client().post(one_click, {"List-Unsubscribe": "One-Click"})
    assert left.status_code == 200
    confirmed.refresh_from_db()
    assert confirmed.status == "unsubscribed"
    # Who exported, in the record of exports; not as a "Changed" subscriber.
    (export_record,) = SubscriberExport.objects.all()
    assert export_record.exported_by.username == "admin"
    assert export_record.subscriber_count == 2
    assert not LogEntry.objects.exists()


def test_admin_csv_export_writes_addresses_as_they_are(admin_client, client, signup):
    """Every cell went through formula_safe, and an address that starts with an
    apostrophe came out with a second one: the program that sends the issues got
    another address. Addresses that start as a formula are refused at signup; one
    stored before that refusal keeps the apostrophe that stops it running."""
    signup("'ann@example.com")
    client.post(last_links()["confirm"])
    stored_before_the_refusal = SubscriberFactory(email="=cmd|'/ccalc'!a0@x.example")
    response = export(
        admin_client, list(Subscriber.objects.values_list("pk", flat=True))
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:]] == [
        "'ann@example.com",
        "'" + stored_before_the_refusal.email,
    ]


def test_admin_csv_export_of_no_confirmed_subscriber_says_so(admin_client):
    """It downloaded a file of just the header, and logged an export of 0."""
    pending = SubscriberFactory(email="p@example.com", status="pending")
    response = export(admin_client, [pending.pk])
    assert response.status_code == 302
    messages = [str(m) for m in admin_client.get(response.url).context["messages"]]
    assert messages == [
        "None of the selected subscribers has confirmed: nothing was exported."
    ]
    assert not LogEntry.objects.exists()


def test_admin_career_editor_cannot_see_subscribers(client):
    client.force_login(staff_with("change_careerpage", "view_careerpage"))
    assert client.get(CHANGELIST).status_code == 403
    assert "Subscribers" not in client.get(reverse("admin:index")).content.decode()


def test_admin_viewer_without_export_permission_has_no_export(client):
    SubscriberFactory()
    client.force_login(staff_with("view_subscriber"))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "export_confirmed_csv" not in response.content.decode()
    response = export(client, [Subscriber.objects.get().pk])
    assert not response.get("Content-Type", "").startswith("text/csv")


def test_admin_manager_with_export_permission_exports(client):
    subscriber = SubscriberFactory()
    client.force_login(staff_with("view_subscriber", "export_subscriber"))
    response = export(client, [subscriber.pk])
    assert response["Content-Type"].startswith("text/csv")


def test_admin_erase_action_asks_first_then_erases_the_selected(admin_client):
    erased = SubscriberFactory(email="going@example.com")
    kept = SubscriberFactory(email="staying@example.com")
    selected = {"action": "erase_selected", "_selected_action": [erased.pk]}
    question = admin_client.post(CHANGELIST, selected)
    text = visible_text(question.content)
    assert "Erase 1 subscriber and their consent record?" in text
    assert "going@example.com" in text and "staying@example.com" not in text
    assert Subscriber.objects.count() == 2  # nothing erased yet

    response = admin_client.post(CHANGELIST, {**selected, "post": "yes"}, follow=True)
    assert "Erased 1 subscriber(s)." in response.content.decode()
    assert list(Subscriber.objects.all()) == [kept]
    entry = LogEntry.objects.get()  # who erased, without the address
    assert (entry.user.username, entry.object_repr, entry.object_id) == (
        "admin",
        "(erased subscriber)",
        str(erased.pk),
    )
    assert entry.is_deletion()


def test_admin_erase_leaves_no_trace_of_the_address(admin_client):
    add = reverse("admin:newsletter_subscriber_add")
    admin_client.post(add, {"email": "a@x.org"}, follow=True)
    added = Subscriber.objects.get()
    admin_client.post(
        CHANGELIST,
        {"action": "erase_selected", "_selected_action": [added.pk], "post": "yes"},
        follow=True,
    )
    assert not Subscriber.objects.exists()
    # The admin's record of changes keeps its entries, without the address.
    added_entry, erased_entry = LogEntry.objects.order_by("action_time", "pk")
    assert added_entry.is_addition() and erased_entry.is_deletion()
    for entry in (added_entry, erased_entry):
        assert (entry.object_id, entry.object_repr) == (
            str(added.pk),
            "(erased subscriber)",
        )
    assert "a@x.org" not in admin_client.get(reverse("admin:index")).content.decode()


def test_admin_delete_page_erases_too(admin_client):
    subscriber = SubscriberFactory(email="gone@x.org")
    url = reverse("admin:newsletter_subscriber_delete", args=[subscriber.pk])
    admin_client.post(url, {"post": "yes"}, follow=True)
    assert not Subscriber.objects.exists()
    assert LogEntry.objects.get().object_repr == "(erased subscriber)"
    assert "gone@x.org" not in admin_client.get(reverse("admin:index")).content.decode()


def test_admin_erases_the_row_it_is_given_not_another_spelling(admin_client):
    """Rows the domain migration had to leave side by side stay apart."""
    unicode_row = SubscriberFactory(email="ann@bücher.example")
    ascii_row = SubscriberFactory(email="ann@xn--bcher-kva.example")
    url = reverse("admin:newsletter_subscriber_delete", args=[unicode_row.pk])
    admin_client.post(url, {"post": "yes"})
    assert list(Subscriber.objects.all()) == [ascii_row]
    admin_client.post(
        CHANGELIST,
        {"action": "erase_selected", "_selected_action": [ascii_row.pk], "post": "yes"},
    )
    assert not Subscriber.objects.exists()


def test_admin_add_sends_double_opt_in_email(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:newsletter_subscriber_add"), {"email": " New@Example.com"}
        )
    assert response.status_code == 302
    assert Subscriber.objects.get().email == "new@example.com"
    assert Subscriber.objects.get().status == "pending"
    assert "Confirm" in mail.outbox[0].subject
    messages = [str(m) for m in admin_client.get(response.url).context["messages"]]
    assert messages == [
        "A confirmation email was sent to new@example.com. The address is pending "
        "until its owner confirms it; then it is subscribed."
    ]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ann@[10.0.0.1]", "not at an IP address"),
        ("a" * 65 + "@x.example", "The part before the @ can be 64 characters"),
        (
            "=1+1@x.example",
            "spreadsheets read it as a formula): please use another address",
        ),
        (
            "a" * 64 + "@" + ".".join(["中"] * 30) + ".com",
            "mail servers count it as 308 characters",
        ),
    ],
)
def test_admin_add_address_the_newsletter_refuses_shows_error(
    admin_client, email, message
):
    response = admin_client.post(
        reverse("admin:newsletter_subscriber_add"), {"email": email}
    )
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["email"]
    assert message in error
    assert not Subscriber.objects.exists()


def test_admin_add_subscribed_address_shows_error(admin_client):
    SubscriberFactory(email="known@example.com")
    response = admin_client.post(
        reverse("admin:newsletter_subscriber_add"), {"email": "KNOWN@example.com"}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"email": ["This address is subscribed already."]}
    assert Subscriber.objects.count() == 1
    assert not mail.outbox


@pytest.mark.parametrize("status", ["pending", "unsubscribed"])
def test_admin_add_known_address_starts_its_opt_in_again(
    admin_client, django_capture_on_commit_callbacks, status
):
    """As the signup form does. The admin refused it ("Subscriber with this
    Email already exists"), so no editor could send a confirmation again."""
    SubscriberFactory(email="known@example.com", status=status)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:newsletter_subscriber_add"), {"email": "Known@example.com"}
        )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "pending"
    assert [message.to for message in mail.outbox] == [["known@example.com"]]
    assert "Confirm" in mail.outbox[0].subject


def test_admin_add_address_whose_owner_declined_sends_the_confirmation(
    admin_client, client, signup, django_capture_on_commit_callbacks
):
    """The signup form sends such an address nothing for a while; a manager
    adding it, at its owner's request, is the way back."""
    signup("ann@example.com")
    client.post(last_links()["unsubscribe"])
    add = reverse("admin:newsletter_subscriber_add")
    assert "only at its owner's request" in visible_text(admin_client.get(add).content)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(add, {"email": "ann@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.source_path) == (
        "pending",
        "admin: added by admin",
    )


def test_admin_add_records_who_added_the_address(
    admin_client, django_capture_on_commit_callbacks
):
    """The consent record said /newsletter/, as if the person had used the
    signup form; an editor typed the address."""
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:newsletter_subscriber_add"), {"email": "new@example.com"}
        )
    assert Subscriber.objects.get().source_path == "admin: added by admin"


def test_admin_change_page_is_read_only(admin_client):
    subscriber = SubscriberFactory(email="reader@example.com")
    url = reverse("admin:newsletter_subscriber_change", args=[subscriber.pk])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"email": "other@example.com", "status": "pending"})
    subscriber.refresh_from_db()
    assert (subscriber.email, subscriber.status) == ("reader@example.com", "confirmed")


@pytest.mark.parametrize("size", [1, 30])
def test_admin_changelist_query_count_is_constant(
    admin_client, django_assert_max_num_queries, size
):
    page = CareerPageFactory()
    SubscriberFactory.create_batch(size, source_page=page)
    admin_client.get(CHANGELIST)  # warm per-process caches
    with django_assert_max_num_queries(12):
        assert admin_client.get(CHANGELIST).status_code == 200


def test_erase_subscriber_command_deletes_the_address():
    SubscriberFactory(email="reader@example.com")
    SubscriberFactory(email="other@example.com")
    out = io.StringIO()
    call_command("erase_subscriber", " Reader@Example.com ", stdout=out)
    assert "Erased" in out.getvalue()
    assert list(Subscriber.objects.values_list("email", flat=True)) == [
        "other@example.com"
    ]


# What signups stored for "İda@bücher.example" before such addresses were refused.
STORED_BEFORE_THE_REFUSAL = "i\u0307da@xn--bcher-kva.example"


def test_erase_subscriber_command_erases_an_address_stored_before_a_refusal():
    SubscriberFactory(email=STORED_BEFORE_THE_REFUSAL)
    out = io.StringIO()
    call_command("erase_subscriber", "İda@bücher.example", stdout=out)
    assert "Erased" in out.getvalue()
    assert not Subscriber.objects.exists()


def test_admin_search_finds_an_address_stored_before_a_refusal(admin_client):
    SubscriberFactory(email=STORED_BEFORE_THE_REFUSAL)
    response = admin_client.get(CHANGELIST, {"q": "İda@bücher.example"})
    assert [s.email for s in response.context["cl"].result_list] == [
        STORED_BEFORE_THE_REFUSAL
    ]


def test_erase_subscriber_command_unknown_address_says_so():
    out = io.StringIO()
    call_command("erase_subscriber", "nobody@example.com", stdout=out)
    assert "No subscriber" in out.getvalue()


def test_erase_unconfirmed_command_erases_opt_ins_never_confirmed_in_time(
    client, signup, time_machine
):
    """Addresses whose opt-in nobody confirmed were kept for ever, though no one
    consented, and someone else may have typed them."""
    time_machine.move_to("2026-01-01 12:00:00+00:00", tick=False)
    signup("never@example.com")
    signup("confirmed@example.com")
    client.post(last_links()["confirm"])
    signup("left@example.com")
    client.post(last_links()["confirm"])
    client.post(last_links()["unsubscribe"])
    time_machine.move_to("2026-01-25 12:00:00+00:00", tick=False)
    signup("recent@example.com")
    signup("again@example.com")

    time_machine.move_to("2026-01-31 13:00:00+00:00", tick=False)  # 30 days on
    out = io.StringIO()
    call_command("erase_unconfirmed", stdout=out)
    assert out.getvalue().strip() == "Erased 1 address unconfirmed after 30 days."
    # Confirmed and unsubscribed addresses stay, as does an opt-in still young.
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "again@example.com",
        "confirmed@example.com",
        "left@example.com",
        "recent@example.com",
    ]
    time_machine.move_to("2026-03-01 13:00:00+00:00", tick=False)
    call_command("erase_unconfirmed", stdout=out)
    assert "Erased 2 addresses unconfirmed after 30 days." in out.getvalue()


def test_erase_unconfirmed_command_erases_an_opt_in_its_owner_declined(
    client, signup, time_machine
):
    """Someone else signed Ann up; she pressed Unsubscribe in the confirmation
    email. Only pending rows were erased, so her address, which no one consented
    to, was kept for ever. It goes the days after her answer, as a pending one
    goes the days after its signup."""
    time_machine.move_to("2026-01-01 12:00:00+00:00", tick=False)
    signup("ann@example.com")
    client.post(last_links()["unsubscribe"])
    signup("late@example.com")
    late_unsubscribe = last_links()["unsubscribe"]
    time_machine.move_to("2026-01-20 12:00:00+00:00", tick=False)
    client.post(late_unsubscribe)

    time_machine.move_to("2026-01-31 13:00:00+00:00", tick=False)
    call_command("erase_unconfirmed", stdout=io.StringIO())
    assert list(Subscriber.objects.values_list("email", flat=True)) == [
        "late@example.com"
    ]
    time_machine.move_to("2026-02-19 13:00:00+00:00", tick=False)
    call_command("erase_unconfirmed", stdout=io.StringIO())
    assert not Subscriber.objects.exists()


def test_erase_unconfirmed_command_holds_a_declined_address_back_all_its_days(
    client, signup, time_machine
):
    """Whoever said no to a confirmation email was promised no other for
    NEWSLETTER_UNCONFIRMED_DAYS; the hold is the row, so erasing it a day early
    (the command runs daily) let a signup on the last day email them again."""
    time_machine.move_to("2026-01-01 12:00:00+00:00", tick=False)
    signup("ann@example.com")
    client.post(last_links()["unsubscribe"])
    mail.outbox.clear()

    time_machine.move_to("2026-01-31 11:00:00+00:00", tick=False)  # 30 days less 1 h
    call_command("erase_unconfirmed", stdout=io.StringIO())
    signup("ann@example.com")
    assert mail.outbox == []
    time_machine.move_to("2026-01-31 13:00:00+00:00", tick=False)
    call_command("erase_unconfirmed", stdout=io.StringIO())
    assert not Subscriber.objects.exists()


def test_erase_unconfirmed_command_keeps_former_subscribers_who_sign_up_again(
    admin_client, client, signup, time_machine
):
    """A signup clears the confirmation date of a former subscriber's row (its
    record is of the new opt-in): left pending or declined, it read as an address
    no one had consented to, and was erased with the record of the consent the
    issues they were sent had; anyone could have it so by signing them up."""
    time_machine.move_to("2026-01-01 12:00:00+00:00", tick=False)
    for email in ("left-pending@example.com", "declined@example.com"):
        signup(email)
        client.post(last_links()["confirm"])
        client.post(last_links()["unsubscribe"])
    time_machine.move_to("2026-01-02 12:00:00+00:00", tick=False)
    signup("left-pending@example.com")
    signup("declined@example.com")
    client.post(last_links()["unsubscribe"])

    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    call_command("erase_unconfirmed", stdout=io.StringIO())
    kept = Subscriber.objects.get(email="declined@example.com")
    assert (kept.status, kept.confirmed_at) == ("unsubscribed", None)
    assert Subscriber.objects.filter(email="left-pending@example.com").exists()
    change = reverse("admin:newsletter_subscriber_change", args=[kept.pk])
    text = visible_text(admin_client.get(change).content)
    assert "Earlier opt-in confirmed at:" in text
    assert "Jan. 1, 2026" in text
