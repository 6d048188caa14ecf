from django.conf import settings
from django.core.management.base import BaseCommand

from newsletter.services import unconfirmed_erase


class Command(BaseCommand):
    help = (
        "Delete the newsletter addresses no one ever confirmed, "
        "NEWSLETTER_UNCONFIRMED_DAYS after their opt-in was requested or, if their "
        "owner declined it (unsubscribed without confirming), after that: no one "
        "consented to them being kept. Former subscribers stay. Run it daily "
        "(cron, a systemd timer)."
    )

    def handle(self, *args, **options):
        erased = unconfirmed_erase()
        days = settings.NEWSLETTER_UNCONFIRMED_DAYS
        self.stdout.write(
            f"Erased {erased} address{'es' if erased != 1 else ''} unconfirmed "
            f"after {days} days."
        )
