"""What the import commands share: progress output, summary, one-line errors."""

from django.core.management.base import BaseCommand, CommandError

from occupations.importers.readers import DataFileError
from occupations.importers.sync import planner_statistics_refresh


class ImportCommand(BaseCommand):
    def run_import(self, function, **kwargs):
        write = self.stdout.write if self.verbosity >= 1 else None
        try:
            report = function(write=write, **kwargs)
        except DataFileError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
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
        return super().execute(*args, **options)
