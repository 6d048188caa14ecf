from django.core.management.base import BaseCommand

from occupations.roles import setup_roles


class Command(BaseCommand):
    help = (
        "Create or update the admin groups Editors and Newsletter managers "
        "(also done after every migrate)."
    )

    def handle(self, *args, **options):
        for name, count in setup_roles().items():
            self.stdout.write(f"{name}: {count} permissions")
