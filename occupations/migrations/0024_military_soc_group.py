"""SOC 55-0000 Military Specific Occupations on databases loaded before the wages
import added it (`importers.bls.SOC_GROUPS_OEWS_LEAVES_OUT`): its careers could
not be browsed to by group until the next OEWS import. (The values are written
out here: a migration must not change with the code after it.)"""

from django.db import migrations


def add_group(apps, schema_editor):
    SocMajorGroup = apps.get_model("occupations", "SocMajorGroup")
    SocMajorGroup.objects.get_or_create(
        code="55-0000", defaults={"title": "Military Specific Occupations"}
    )


class Migration(migrations.Migration):
    dependencies = [("occupations", "0023_editors_search_titles")]

    operations = [migrations.RunPython(add_group, migrations.RunPython.noop)]
