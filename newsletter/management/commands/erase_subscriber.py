from django.core.management.base import BaseCommand

from newsletter.services import subscriber_erase


class Command(BaseCommand):
    help = (
        "Delete a newsletter subscriber and their consent record, for a privacy "
        "(erasure) request. Links in emails already sent stop working."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The address to erase (any case).")

    def handle(self, *args, email, **options):
        if subscriber_erase(email=email):
            self.stdout.write(self.style.SUCCESS(f"Erased {email.strip()}."))
        else:
            self.stdout.write(f"No subscriber with the address {email.strip()}.")
