"""Links deleted with their career page before their revisions said so: those
within 1 s before the page's own deletion, as restoring a page read them until
then. Restoring such a page then puts them back as it did."""

import datetime

from django.db import migrations

# As `resources.services.DELETED_WITH_PAGE` is now: a migration keeps its own copy.
DELETED_WITH_PAGE = "Deleted with its career page"


def mark_links_deleted_with_their_page(apps, schema_editor):
    HistoricalCareerPage = apps.get_model("occupations", "HistoricalCareerPage")
    HistoricalLink = apps.get_model("resources", "HistoricalCareerPageResource")
    deletions = HistoricalCareerPage.objects.filter(history_type="-")
    for page_id, deleted_at in deletions.values_list("id", "history_date"):
        HistoricalLink.objects.filter(
            page_id=page_id,
            history_type="-",
            history_change_reason=None,
            history_date__gte=deleted_at - datetime.timedelta(seconds=1),
            history_date__lte=deleted_at,
        ).update(history_change_reason=DELETED_WITH_PAGE)


class Migration(migrations.Migration):
    dependencies = [
        ("occupations", "0019_career_page_published_at_range"),
        ("resources", "0002_editorial_history"),
    ]

    operations = [
        migrations.RunPython(
            mark_links_deleted_with_their_page, migrations.RunPython.noop
        )
    ]
