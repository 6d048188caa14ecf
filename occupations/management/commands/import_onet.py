import re
from datetime import date

from django.core.management.base import CommandError

from occupations.importers.onet import onet_import

from ._import import ImportCommand


def _month(value):
    found = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise CommandError(f"--release-date {value!r}: expected YYYY-MM, e.g. 2025-05.")
    return date(int(found.group(1)), int(found.group(2)), 1)


class Command(ImportCommand):
    help = (
        "Import an O*NET database release folder (each file as tab-delimited text "
        "or Excel): occupations, tasks, skills, technologies, titles, job zones, "
        "related occupations, education. One transaction; safe to repeat."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("directory", help="The release folder, e.g. db_29_3_text.")
        parser.add_argument(
            "--release",
            help='Release name if the folder has no "Read Me.txt", e.g. "O*NET 29.3".',
        )
        parser.add_argument("--release-date", help="Release month, e.g. 2025-05.")
        parser.add_argument(
            "--allow-older",
            action="store_true",
            help="Import a release older than the one the database holds, "
            "replacing its texts, tasks and skills.",
        )

    def handle(self, *args, directory, release, release_date, allow_older, **options):
        self.run_import(
            onet_import,
            directory=directory,
            release_name=release,
            release_date=_month(release_date) if release_date else None,
            allow_older=allow_older,
        )
