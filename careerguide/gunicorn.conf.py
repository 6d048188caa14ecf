"""gunicorn in production: `gunicorn -c careerguide/gunicorn.conf.py careerguide.wsgi`.

The values a deployment tunes come from the environment (GUNICORN_BIND, _WORKERS,
_WORKER_CLASS, _THREADS, _TIMEOUT, _MAX_REQUESTS, _ACCESS_LOG,
_FORWARDED_ALLOW_IPS), like the settings; the rest is fixed here.
"""

import gc
import multiprocessing
import os

from operations import log_format

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, two per core plus one: the classic sizing for a mostly-CPU Django
# app whose database round trips are short (persistent connections, small queries).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Load the app once in the master, so workers fork with it ready and share memory.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak can never take the site down. Not
# too often: a worker serves ~500 cached pages a second, and a new one starts with
# an empty local-memory cache (every 10,000 requests meant every 20 s under load).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = log_format.ACCESS_LOG_FORMAT
logger_class = log_format.gunicorn_access_logger()
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """Warm the preloaded app in the master: every worker, a recycled one too, is
    forked with the URLconf imported and the site's templates compiled, instead of
    paying ~100 ms for them in its first requests."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import reverse

    reverse("occupations:home")  # imports every URLconf and builds the lookups
    templates = settings.BASE_DIR / "templates"
    for path in templates.rglob("*.html"):
        get_template(path.relative_to(templates).as_posix())


def pre_fork(server, worker):
    """Freeze what the preloaded app allocated before each worker is forked.

    Those objects live as long as the process; kept out of the collector, a full
    collection no longer walks them (it cost up to ~90 ms in a request, the p99
    latency), and the collector no longer touches their memory pages, so workers
    keep sharing them with the master (see the `gc.freeze` documentation)."""
    gc.freeze()
