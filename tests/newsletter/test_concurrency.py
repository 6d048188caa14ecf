"""Simultaneous signups of one address: one row, no error (real threads)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from newsletter.models import Subscriber

THREADS = 8


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serialises every write, so it cannot show the race; run the "
    "suite with DATABASE_URL pointing at PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_signup_concurrent_same_address_creates_one_row(settings):
    settings.NEWSLETTER_RATE_LIMIT_PER_IP = 1000
    settings.NEWSLETTER_RATE_LIMIT_PER_EMAIL = 1000
    barrier = threading.Barrier(THREADS)
    statuses, errors = [], []

    def sign_up(n):
        try:
            client = Client(raise_request_exception=True)
            data = {"email": f"Same@Example.com{' ' * n}", "consent": "yes"}
            barrier.wait()
            statuses.append(client.post("/newsletter/", data).status_code)
        except Exception as error:  # reported below, with the thread's number
            errors.append((n, error))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert statuses == [302] * THREADS
    assert list(Subscriber.objects.values_list("email", "status")) == [
        ("same@example.com", "pending")
    ]
