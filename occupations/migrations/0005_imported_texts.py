"""Imported texts get their own `onet_` fields, so imports never overwrite editors.

Until now imports wrote `title`, `description` and `statement` directly: what those
hold for imported rows is taken as the imported text, which the page keeps showing.
"""

from django.db import migrations
from django.db.models import F


def copy_imported_texts(apps, schema_editor):
    Occupation = apps.get_model("occupations", "Occupation")
    Task = apps.get_model("occupations", "Task")
    Occupation.objects.filter(release__isnull=False).update(
        onet_title=F("title"), onet_description=F("description")
    )
    Task.objects.filter(onet_task_id__isnull=False).update(
        onet_statement=F("statement")
    )


class Migration(migrations.Migration):
    dependencies = [("occupations", "0004_editorial_history")]

    operations = [
        migrations.RunPython(copy_imported_texts, migrations.RunPython.noop),
    ]
