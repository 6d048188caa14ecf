"""The database going away, on PostgreSQL: a clean 503 page and a failing health
check while it is gone, and recovery by itself when it is back.

The shared PostgreSQL server is not stopped: the outage is this process's connection
pointed at a port where nothing listens (connection refused, as when the server is
down), and a restart is the server ending this process's session. The README gives
the manual procedure with a real stop and start.
"""

import contextlib
import socket

import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client

from tests.factories import CareerPageFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="an outage of PostgreSQL"
    ),
]


@contextlib.contextmanager
def database_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    real = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(real)


def test_database_outage_pages_503_then_recover(no_page_cache):
    page = CareerPageFactory(career_name="Actuary")
    client = Client(raise_request_exception=False)
    assert client.get(page.get_absolute_url()).status_code == 200

    with database_unreachable():
        for url in ("/", "/careers/", page.get_absolute_url(), "/resources/"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30"
            assert "back in a moment" in response.content.decode()
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["database"] == "unavailable"

    close_old_connections()  # what Django does at the start of every request
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert "Actuary" in response.content.decode()
    assert client.get("/healthz").json()["status"] == "ok"


def test_database_outage_cached_pages_are_still_served():
    """The page cache needs no database: what visitors saw stays up."""
    page = CareerPageFactory(career_name="Actuary")
    client = Client(raise_request_exception=False)
    assert client.get(page.get_absolute_url()).status_code == 200

    with database_unreachable():
        response = client.get(page.get_absolute_url())
        assert response.status_code == 200
        assert response["X-Cache"] == "HIT"
        assert "Actuary" in response.content.decode()
        assert client.get("/careers/?q=never-cached").status_code == 503
        assert client.get("/healthz").status_code == 503


def test_database_restart_stale_persistent_connection_replaced(no_page_cache):
    page = CareerPageFactory()
    client = Client(raise_request_exception=False)
    assert client.get(page.get_absolute_url()).status_code == 200
    backend_pid = connection.connection.info.backend_pid

    # A restarted server has forgotten this persistent connection's session.
    admin_connection = connections.create_connection("default")
    try:
        with admin_connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        admin_connection.close()

    close_old_connections()  # start of the next request: health check armed
    assert client.get(page.get_absolute_url()).status_code == 200
    assert connection.connection.info.backend_pid != backend_pid
