"""Career search reads indexes on PostgreSQL instead of computing, for every page on
every query, the career name's vector and the words of the occupation's search
document:

- `Occupation.search_words`: the document's words as a stored vector, indexed;
- an index on the career name's English vector, the expression search builds
  (`SearchVector("career_name", config="english")`): the two must stay the same, or
  PostgreSQL stops using the index (search still works, slowly).
"""

import django.contrib.postgres.search
from django.db import migrations

NAME_INDEX = "occupations_careerpage_name_vector_gin"
WORDS_INDEX = "occupations_occupation_search_words_gin"


def create_indexes_and_fill(apps, schema_editor):
    """PostgreSQL only: the two GIN indexes, and the words of existing documents
    (as `occupations.search.DocumentWords` computes them)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} ON occupations_careerpage "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(career_name, '')))"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {WORDS_INDEX} ON occupations_occupation "
        "USING gin (search_words)"
    )
    schema_editor.execute(
        "UPDATE occupations_occupation SET search_words = array_to_tsvector("
        "array_remove(string_to_array(translate(search_document, '|', ' '), ' '), ''))"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("occupations", "0007_occupation_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="occupation",
            name="search_words",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(create_indexes_and_fill, drop_indexes),
    ]
