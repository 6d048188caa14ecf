"""The embedded SQLite database under several gunicorn workers."""

import threading
import time

import pytest
from django.db import connections, transaction

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "sqlite", reason="SQLite's file locking"
)

WORKERS = ("worker_a", "worker_b")


@pytest.fixture
def shared_file(tmp_path, django_db_blocker):
    """Two connections to one SQLite file, as two workers of one server have."""
    settings = {**connections["default"].settings_dict, "NAME": tmp_path / "db.sqlite3"}
    for alias in WORKERS:
        connections.settings[alias] = {**settings}
    with django_db_blocker.unblock():
        with connections["worker_a"].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n integer)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        yield
        for alias in WORKERS:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


def add_one(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        (count,) = cursor.fetchone()
        cursor.execute("UPDATE counter SET n = %s", [count + 1])


def test_sqlite_second_writer_waits_for_the_first_instead_of_failing(shared_file):
    errors = []

    def other_worker():
        try:
            with transaction.atomic(using="worker_b"):
                add_one("worker_b")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections["worker_b"].close()

    with transaction.atomic(using="worker_a"):
        with connections["worker_a"].cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
        other = threading.Thread(target=other_worker)
        other.start()
        time.sleep(0.2)  # let the other worker reach its write: it must wait for ours
        add_one("worker_a")
    other.join()

    assert errors == []
    with connections["worker_a"].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (2,)
