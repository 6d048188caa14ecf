from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from occupations.importers.catalogue import SNAPSHOT_DIR, snapshot_build
from occupations.importers.readers import DataFileError


class Command(BaseCommand):
    help = (
        "Rebuild the shipped catalogue snapshot (occupations/catalogue/) from a new "
        "O*NET release folder, OEWS national file and projections table."
    )

    def add_arguments(self, parser):
        parser.add_argument("onet_dir")
        parser.add_argument("wages")
        parser.add_argument("projections")
        parser.add_argument("--out", default=SNAPSHOT_DIR)

    def handle(self, *args, onet_dir, wages, projections, out, **options):
        if Path(out).exists() and not Path(out).is_dir():
            raise CommandError(f"--out {out}: a file, where the snapshot folder goes.")
        try:
            snapshot_build(
                onet_dir=onet_dir,
                wages=wages,
                projections=projections,
                out=out,
                write=self.stdout.write,
            )
        except DataFileError as error:
            raise CommandError(str(error)) from None
