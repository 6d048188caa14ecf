"""Before the catalogue import, every task, skill and technology row was picked by
hand for a page: mark them featured and the existing pages curated, so those pages
keep exactly their lists when the full O*NET data arrives."""

from django.db import migrations


def mark_curated(apps, schema_editor):
    CareerPage = apps.get_model("occupations", "CareerPage")
    CareerPage.objects.update(data_lists="curated")
    for model in ("Task", "OccupationSkill", "OccupationTechnology"):
        apps.get_model("occupations", model).objects.update(is_featured=True)


class Migration(migrations.Migration):
    dependencies = [("occupations", "0002_catalogue")]

    operations = [migrations.RunPython(mark_curated, migrations.RunPython.noop)]
