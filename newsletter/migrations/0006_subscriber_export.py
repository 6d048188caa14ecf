"""Exports get a record of their own (`SubscriberExport`); the ones recorded
before, as "Changed" entries of Django's record of changes, are moved to it."""

import re

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


EXPORT_REPR = re.compile(r"CSV export of (\d+) confirmed subscriber\(s\)")
EXPORT_MESSAGE = "Exported; nothing was changed."
CHANGE = 2  # django.contrib.admin.models.CHANGE


def _export_entries(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    subscriber = ContentType.objects.filter(app_label="newsletter", model="subscriber")
    return LogEntry.objects.filter(
        content_type__in=subscriber, action_flag=CHANGE, change_message=EXPORT_MESSAGE
    ).select_related("user")


def log_entries_to_exports(apps, schema_editor):
    SubscriberExport = apps.get_model("newsletter", "SubscriberExport")
    moved = {}
    for entry in _export_entries(apps):
        if found := EXPORT_REPR.fullmatch(entry.object_repr):
            moved[entry.pk] = SubscriberExport(
                exported_at=entry.action_time,
                exported_by=entry.user,
                exported_by_username=entry.user.username,
                subscriber_count=int(found[1]),
            )
    SubscriberExport.objects.bulk_create(moved.values())
    _export_entries(apps).filter(pk__in=moved).delete()


def exports_to_log_entries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    SubscriberExport = apps.get_model("newsletter", "SubscriberExport")
    exports = SubscriberExport.objects.exclude(exported_by=None)
    if not exports.exists():
        return
    subscriber, _ = ContentType.objects.get_or_create(
        app_label="newsletter", model="subscriber"
    )
    LogEntry.objects.bulk_create(
        LogEntry(
            action_time=export.exported_at,
            user_id=export.exported_by_id,
            content_type=subscriber,
            object_repr=f"CSV export of {export.subscriber_count} confirmed "
            "subscriber(s)",
            action_flag=CHANGE,
            change_message=EXPORT_MESSAGE,
        )
        for export in exports
    )


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0005_source_path_help_names_the_admin'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name='SubscriberExport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('exported_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('exported_by_username', models.CharField(editable=False, max_length=150, verbose_name='exported by')),
                ('subscriber_count', models.PositiveIntegerField(editable=False, verbose_name='confirmed subscribers')),
                ('exported_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ('-exported_at',),
            },
        ),
        migrations.RunPython(log_entries_to_exports, exports_to_log_entries),
    ]
