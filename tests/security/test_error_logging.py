"""Errors reach stderr as JSON lines a log collector can parse."""

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from tests.security.urls import SECRET_DETAIL


@pytest.fixture
def stderr_lines():
    """What the configured stderr handler writes, as a list of lines."""
    (handler,) = (
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler)
        and handler.formatter.__class__.__name__ == "JSONFormatter"
    )
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        yield lambda: captured.getvalue().splitlines()
    finally:
        handler.setStream(previous)


@pytest.mark.urls("tests.security.urls")
def test_error_logging_unhandled_exception_logged_as_one_json_line(stderr_lines):
    Client(raise_request_exception=False).get("/test-errors/500/?email=a@b.example")

    entries = [json.loads(line) for line in stderr_lines()]
    (error,) = [entry for entry in entries if entry["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["message"] == "Internal Server Error: /test-errors/500/"
    assert error["method"] == "GET"
    assert error["path"] == "/test-errors/500/"
    assert error["status"] == 500
    assert "RuntimeError" in error["exception"]
    assert SECRET_DETAIL in error["exception"]  # the log keeps what the page hides
    assert "a@b.example" not in json.dumps(entries)  # no query strings
    assert error["time"].endswith("+00:00")


def test_error_logging_odd_text_stays_one_valid_line(stderr_lines):
    logging.getLogger("careerguide").warning('multi\nline "quoted" \x00 ünïcode')
    (line,) = stderr_lines()
    assert json.loads(line)["message"] == 'multi\nline "quoted" \x00 ünïcode'


def test_error_logging_masks_newsletter_link_tokens(stderr_lines):
    Client().get("/newsletter/unsubscribe/not-a-valid-token/")
    entries = [json.loads(line) for line in stderr_lines()]
    (warning,) = [entry for entry in entries if entry["status"] == 400]
    assert warning["path"] == "/newsletter/unsubscribe/…/"
    assert warning["message"] == "Bad Request: /newsletter/unsubscribe/…/"
    assert "not-a-valid-token" not in json.dumps(entries)


def test_error_logging_leaves_out_requests_for_other_hosts(stderr_lines):
    """Scanners ask for other hosts all day: each is answered 400, not logged as an
    error with a traceback."""
    response = Client().get("/", HTTP_HOST="scanner.example")
    assert response.status_code == 400
    entries = [json.loads(line) for line in stderr_lines()]
    assert [entry for entry in entries if "exception" in entry] == []
    assert "scanner.example" not in json.dumps(entries)


def test_access_log_keeps_no_query_strings_tokens_or_referers(tmp_path):
    """gunicorn as deployed (careerguide/gunicorn.conf.py) writes the access log."""
    log = tmp_path / "access.log"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        # The test settings: static files need no collectstatic.
        "DJANGO_SETTINGS_MODULE": "careerguide.settings.test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "careerguide/gunicorn.conf.py"]
        + ["careerguide.wsgi"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # answering (no tables here: 503)
            except OSError:
                time.sleep(0.1)
        paths = [
            "/newsletter/unsubscribe/SeCrEtToKeN/",
            "/newsletter/confirm/NoSlAsHtOkEn",  # answered with a redirect
            "/?q=reader@example.com",
        ]
        for path in paths:
            request = urllib.request.Request(
                base + path,
                headers={"Referer": f"{base}/newsletter/confirm/ReFeRrErToKeN/"},
            )
            try:
                urllib.request.urlopen(request, timeout=5)
            except urllib.error.HTTPError:
                pass  # 400, and 503 without tables: the log line is what counts
    finally:
        server.terminate()
        server.wait(timeout=10)
    lines = log.read_text()
    assert '"GET /newsletter/unsubscribe/…/ HTTP/1.1" 400' in lines
    assert '"GET / HTTP/1.1"' in lines
    assert '"GET /newsletter/confirm/…/ HTTP/1.1" 301' in lines
    for secret in ("SeCrEtToKeN", "NoSlAsHtOkEn", "ReFeRrErToKeN", "reader@"):
        assert secret not in lines


def test_a_message_of_djangos_is_logged_once_in_development():
    """With DEBUG on, Django's own console handler printed each of its messages
    (a 429's "Too Many Requests") again beside the site's stderr handler."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import logging; "
            "logging.getLogger('django.request').warning('marker-7f3a')",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_ENV_FILE": "",
            "DJANGO_SETTINGS_MODULE": "careerguide.settings.base",
            "DEBUG": "true",
            "DATABASE_URL": "sqlite:///:memory:",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("marker-7f3a") == 1, result.stderr
