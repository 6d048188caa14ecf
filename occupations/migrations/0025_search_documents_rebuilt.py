"""Every occupation's search document rebuilt once from its titles as stored, and
its vectors, so that search finds what the database holds from the deploy on.
Before, documents could miss stored titles: alternate titles saved in the admin
before saves rebuilt their occupation's document (the release of migration
0023) waited for the next O*NET import, and the import built documents from its
files rather than from the stored rows (from a folder without the titles' files,
it left new occupations' documents empty). The import and the admin's saves now
build them alike (`OccupationQuerySet.refresh_search_document`); this migration
brings the documents written before to what that builds.

A no-op on an empty database; reversed, it leaves the documents as they are."""

from collections import defaultdict

from django.db import migrations

BATCH_SIZE = 1000

# As `OccupationQuerySet.refresh_search_vectors` computes them (migrations 0007
# and 0014 wrote the same).
VECTORS = (
    "UPDATE occupations_occupation SET "
    "search_vector = "
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(search_document, '')), 'B'), "
    "search_words = array_to_tsvector(array_remove(regexp_split_to_array("
    "lower(title || ' ' || search_document), '[^a-z0-9]+'), ''))"
)


def rebuild(apps, schema_editor):
    # The document's format is the one search reads, so it is built by search's
    # own function rather than a copy frozen here: a copy would write documents
    # in this release's format after a later release changed it. The function
    # is pure (text in, text out), and uses no model a migration would have to
    # take in its historical state.
    from occupations.search import search_document

    Occupation = apps.get_model("occupations", "Occupation")
    AlternateTitle = apps.get_model("occupations", "AlternateTitle")
    if not Occupation.objects.exists():
        return
    titles = defaultdict(list)
    rows = AlternateTitle.objects.values_list("occupation_id", "title", "short_title")
    for occupation_id, title, short_title in rows.iterator(chunk_size=5000):
        titles[occupation_id].extend([title, short_title])
    changed = []
    for pk, onet_title, stored in Occupation.objects.values_list(
        "pk", "onet_title", "search_document"
    ).iterator(chunk_size=5000):
        document = search_document([onet_title, *titles[pk]])
        if document != stored:
            changed.append(Occupation(pk=pk, search_document=document))
    Occupation.objects.bulk_update(changed, ["search_document"], batch_size=BATCH_SIZE)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VECTORS)


class Migration(migrations.Migration):
    dependencies = [("occupations", "0024_military_soc_group")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
