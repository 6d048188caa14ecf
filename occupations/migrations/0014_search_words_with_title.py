"""PostgreSQL: `Occupation.search_words` holds the title's words too, so search's
"a word of the title starts with" test reads the GIN index instead of running a
regular expression over every occupation's title (as
`occupations.search.DocumentWords` computes them from now on)."""

from django.db import migrations

WITH_TITLE = (
    "UPDATE occupations_occupation SET search_words = array_to_tsvector("
    "array_remove(regexp_split_to_array("
    "lower(title || ' ' || search_document), '[^a-z0-9]+'), ''))"
)
DOCUMENT_ONLY = (
    "UPDATE occupations_occupation SET search_words = array_to_tsvector("
    "array_remove(string_to_array(translate(search_document, '|', ' '), ' '), ''))"
)


def fill(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("occupations", "0013_skill_summary_help"),
    ]

    operations = [
        migrations.RunPython(fill(WITH_TITLE), fill(DOCUMENT_ONLY)),
    ]
