"""Log records as JSON lines on stderr, one object per line, for a log collector."""

import json
import logging
from datetime import UTC, datetime


class JSONFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", ...}`, plus the traceback and the
    request's method, path and status when there are any.

    Only the path is logged, never the query string, headers or body: they may carry
    an e-mail address or a password.
    """

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        if isinstance(status := getattr(record, "status_code", None), int):
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
