"""Errors reach stderr as JSON lines a log collector can parse."""

import io
import json
import logging

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
