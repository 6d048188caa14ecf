from django.core.management.base import BaseCommand

from occupations.services import demo_content_load


class Command(BaseCommand):
    help = (
        "Load the demo career pages (the Machine Learning Engineer reference page and "
        "careers built from real O*NET and BLS data). Safe to run again: existing "
        "records are kept as editors left them unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Put the demo text and figures back where they were edited.",
        )

    def handle(self, *args, overwrite, **options):
        counts = demo_content_load(overwrite=overwrite)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {counts['created']} created, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )
