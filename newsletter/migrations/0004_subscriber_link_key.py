from django.db import migrations, models

import newsletter.models


def give_each_a_key(apps, schema_editor):
    """Rows that signed up before links named a key: one each (a default is
    computed once for every row a column is added to)."""
    Subscriber = apps.get_model("newsletter", "Subscriber")
    for subscriber in Subscriber.objects.filter(link_key__isnull=True).only("pk"):
        subscriber.link_key = newsletter.models.link_key_new()
        subscriber.save(update_fields=["link_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0003_subscriber_source_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="link_key",
            field=models.CharField(editable=False, max_length=22, null=True),
        ),
        migrations.RunPython(give_each_a_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscriber",
            name="link_key",
            field=models.CharField(
                default=newsletter.models.link_key_new,
                editable=False,
                max_length=22,
                unique=True,
            ),
        ),
    ]
