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
    """Two workers add one to the counter at once. A transaction that read first
    and then wrote failed at once with "database is locked" while another held
    the write lock; each must wait for the other to commit instead.

    The first worker holds its transaction open until the second is asking for
    the lock, and what happened is logged in order: the second may start its
    transaction only after the first commits."""
    errors = []
    happened = []  # appended from both threads: list.append is atomic
    asking = threading.Event()

    def announce_begin(execute, sql, params, many, context):
        if sql.startswith("BEGIN"):
            happened.append("b begins")
            asking.set()
        result = execute(sql, params, many, context)
        if sql.startswith("BEGIN"):
            happened.append("b holds the lock")
        return result

    def other_worker():
        try:
            with connections["worker_b"].execute_wrapper(announce_begin):
                with transaction.atomic(using="worker_b"):
                    add_one("worker_b")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections["worker_b"].close()

    other = threading.Thread(target=other_worker)
    with transaction.atomic(using="worker_a"):
        with connections["worker_a"].cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
        other.start()
        assert asking.wait(timeout=10), "the other worker never began"
        # Sequencing only: time for the announced BEGIN to reach SQLite's lock.
        # The order logged is what is checked, never a duration.
        time.sleep(0.1)
        add_one("worker_a")
        happened.append("a commits")
    other.join(timeout=30)

    assert not other.is_alive()
    assert errors == []
    assert happened == ["b begins", "a commits", "b holds the lock"]
    with connections["worker_a"].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (2,)
