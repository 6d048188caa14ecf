from occupations.importers.bls import wages_import

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import BLS OEWS national wage estimates (national_M2024_dl.xlsx or .csv): "
        "annual and hourly percentiles by SOC code. One transaction; safe to repeat."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file")
        parser.add_argument(
            "--year", type=int, help="Reference year (May) if the file name lacks it."
        )

    def handle(self, *args, file, year, **options):
        self.run_import(wages_import, path=file, year=year)
