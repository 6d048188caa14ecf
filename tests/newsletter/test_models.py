"""The database keeps addresses unique and normalised, whatever writes them."""

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from newsletter.models import Subscriber, SubscriberExport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_subscriber_duplicate_email_raises_integrity_error():
    Subscriber.objects.create(email="a@example.com", consent_version="1")
    with pytest.raises(IntegrityError):
        Subscriber.objects.create(email="a@example.com", consent_version="1")


def test_subscriber_duplicate_email_fails_full_clean():
    Subscriber.objects.create(email="a@example.com", consent_version="1")
    with pytest.raises(ValidationError):
        Subscriber(email="a@example.com", consent_version="1").full_clean()


def test_subscriber_upper_case_email_raises_integrity_error():
    with pytest.raises(IntegrityError):
        Subscriber.objects.create(email="A@Example.com", consent_version="1")


def test_subscriber_upper_case_email_fails_full_clean():
    with pytest.raises(ValidationError):
        Subscriber(email="A@Example.com", consent_version="1").full_clean()


def migrate_with_subscribers(migration, emails):
    """Migrate the newsletter back to `migration`, store `emails` as rows of its
    model then, and migrate forward to the latest."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("newsletter", migration)]
    executor.migrate(before)
    OldSubscriber = executor.loader.project_state(before).apps.get_model(
        "newsletter", "Subscriber"
    )
    for email in emails:
        OldSubscriber.objects.create(email=email, consent_version="test")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("newsletter"))


@pytest.mark.django_db(transaction=True)
def test_migration_writes_stored_domains_in_ascii():
    migrate_with_subscribers(
        "0001_initial",
        [
            "ann@bücher.example",
            "bob@xn--bcher-kva.example",
            "bob@bücher.example",  # the same inbox as the row above: left for an editor
            "eve@[127.0.0.1]",
        ],
    )
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "ann@xn--bcher-kva.example",
        "bob@bücher.example",
        "bob@xn--bcher-kva.example",
        "eve@[127.0.0.1]",
    ]


@pytest.mark.django_db(transaction=True)
def test_migration_gives_each_subscriber_its_own_link_key():
    migrate_with_subscribers(
        "0003_subscriber_source_path",
        [f"reader{number}@example.com" for number in range(3)],
    )
    keys = list(Subscriber.objects.values_list("link_key", flat=True))
    assert len(set(keys)) == 3
    assert all(len(key) == 22 for key in keys)


@pytest.mark.django_db(transaction=True)
def test_migration_moves_exports_recorded_as_changes_to_the_exports_record():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("newsletter", "0005_source_path_help_names_the_admin")]
    executor.migrate(before)
    editor = UserFactory(username="nora")
    subscriber_type = ContentType.objects.get_for_model(Subscriber)
    exported = LogEntry.objects.create(
        user=editor,
        content_type=subscriber_type,
        object_repr="CSV export of 12 confirmed subscriber(s)",
        action_flag=CHANGE,
        change_message="Exported; nothing was changed.",
    )
    erased = LogEntry.objects.create(
        user=editor,
        content_type=subscriber_type,
        object_id="7",
        object_repr="(erased subscriber)",
        action_flag=DELETION,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("newsletter"))

    (export_record,) = SubscriberExport.objects.all()
    assert export_record.exported_by == editor
    assert export_record.exported_by_username == "nora"
    assert export_record.subscriber_count == 12
    assert export_record.exported_at == exported.action_time
    assert list(LogEntry.objects.all()) == [erased]
