from occupations.importers.bls import projections_import

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import BLS employment projections (occupation.xlsx Table 1.2, or the "
        "occupation search's CSV export): growth and openings by SOC code. "
        "One transaction; safe to repeat."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        self.run_import(projections_import, path=file)
