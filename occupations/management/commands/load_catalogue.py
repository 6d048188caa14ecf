from occupations.importers.catalogue import SNAPSHOT_DIR, catalogue_load

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the catalogue snapshot shipped in occupations/catalogue/ (newest "
        "O*NET and BLS releases) unless already imported, and publish a data-only "
        "page for every occupation with data that has none. Never edits a page."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--directory", default=SNAPSHOT_DIR, help="Snapshot folder."
        )
        parser.add_argument(
            "--force", action="store_true", help="Import even if already imported."
        )

    def handle(self, *args, directory, force, **options):
        self.run_import(catalogue_load, directory=directory, force=force)
