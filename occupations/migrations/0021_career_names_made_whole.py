"""Names the catalogue cut to the old 100 letters, made whole. A migration of its
own: on PostgreSQL, a table's rows updated in a transaction cannot have their
columns altered in it (the reverse does both)."""

from django.db import migrations
from django.db.models.functions import Length, Substr

OLD_MAX_LENGTH = 100


def names_cut_by_the_catalogue_made_whole(apps, schema_editor):
    """The catalogue cut a page's name to the old 100 letters ("… Metal and
    Pl"): a name that is its occupation's title so cut gets the whole title."""
    CareerPage = apps.get_model("occupations", "CareerPage")
    pages = (
        CareerPage.objects.select_related("occupation")
        .alias(title_length=Length("occupation__title"))
        .filter(title_length__gt=OLD_MAX_LENGTH)
    )
    for page in pages:
        title = page.occupation.title
        cut = title[:OLD_MAX_LENGTH]
        changed = {
            field: title
            for field in ("career_name", "career_name_plural")
            if getattr(page, field) == cut
        }
        if changed:
            CareerPage.objects.filter(pk=page.pk).update(**changed)


def names_cut_to_the_old_length(apps, schema_editor):
    """Going back: the old columns hold 100 letters, cut as the catalogue cut."""
    for model in ("CareerPage", "HistoricalCareerPage"):
        pages = apps.get_model("occupations", model).objects
        for field in ("career_name", "career_name_plural"):
            pages.alias(length=Length(field)).filter(length__gt=OLD_MAX_LENGTH).update(
                **{field: Substr(field, 1, OLD_MAX_LENGTH)}
            )


class Migration(migrations.Migration):
    dependencies = [("occupations", "0020_career_name_as_long_as_a_title")]

    operations = [
        migrations.RunPython(
            names_cut_by_the_catalogue_made_whole, names_cut_to_the_old_length
        ),
    ]
