"""What the import commands share: progress output, summary, one-line errors."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DataError, IntegrityError

from occupations.importers.readers import DataFileError
from occupations.importers.sync import RemovalsRefused, planner_statistics_refresh


class ImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="Remove the rows the files no longer hold even when they are many, "
            "or featured by editors (refused by default: a cut-off file looks so).",
        )

    def run_import(self, function, **kwargs):
        write = self.stdout.write if self.verbosity >= 1 else None
        try:
            report = function(write=write, allow_removals=self.allow_removals, **kwargs)
        except DataFileError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        except KeyboardInterrupt:
            # The import's transaction rolled back on the way out.
            raise CommandError("Interrupted: nothing was changed.") from None
        except RemovalsRefused as error:
            raise CommandError(
                f"{error} Is the file complete? Nothing was changed. If the files "
                "are right, run again with --allow-removals."
            ) from None
        except (IntegrityError, DataError, ArithmeticError) as error:
            # A value no check of the importers caught (those name file and
            # line), refused by the database or by Decimal on its way in. Not an
            # OperationalError: a locked, lost or unmigrated database is no fault
            # of the files, and keeps its own message.
            raise CommandError(
                f"The import stopped on a value it could not store: {error}. "
                "Nothing was changed. Look in the files for a value out of the "
                "ordinary (a number past any real one, a text far too long); "
                "--traceback shows where it stopped."
            ) from error
        planner_statistics_refresh()
        if self.verbosity >= 1:
            for line in report.lines():
                self.stdout.write(line)
            totals = report.totals()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Done: {totals['created']:,} created, "
                    f"{totals['updated']:,} updated, {totals['removed']:,} removed."
                )
            )
        return report

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        self.allow_removals = options.get("allow_removals", False)
        return super().execute(*args, **options)
