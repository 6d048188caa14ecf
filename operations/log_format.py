"""Log records as JSON lines on stderr, one object per line, for a log collector."""

import json
import logging
import re
from datetime import UTC, datetime

# A newsletter link's token: an unsubscribe link never expires, so logs keep none.
# The slash after it is optional: /newsletter/unsubscribe/TOKEN redirects to TOKEN/.
NEWSLETTER_TOKEN = re.compile(r"(/newsletter/(?:confirm|unsubscribe)/)[^/\s]+/?")


def without_tokens(text):
    return NEWSLETTER_TOKEN.sub(r"\1…/", text)


class JSONFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", ...}`, plus the traceback and the
    request's method, path and status when there are any.

    Only the path is logged, never the query string, headers or body: they may carry
    an e-mail address or a password; and newsletter link tokens are masked.
    """

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": without_tokens(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = without_tokens(request.path)
        if isinstance(status := getattr(record, "status_code", None), int):
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def gunicorn_access_logger():
    """gunicorn's logger class for the access log (`logger_class` in
    careerguide/gunicorn.conf.py), with what the JSON log also leaves out left out:
    each line has the path without its query string (a search, an email address),
    the newsletter's link tokens masked (an unsubscribe link never expires), and
    no Referer (the page a visitor came from may be such a link)."""
    from gunicorn.glogging import Logger

    class AccessLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            # None when gunicorn logs a request its own error handler answered.
            atoms["U"] = without_tokens(atoms["U"] or "")
            return atoms

    return AccessLogger


# gunicorn's default format less the query string (%(r)s is the whole request
# line) and the Referer: address, time, "method path protocol", status, bytes,
# user agent, seconds.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
