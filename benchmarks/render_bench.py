"""Where an uncached career page's time goes, measured inside one process.

    .venv/bin/python benchmarks/render_bench.py
    .venv/bin/python benchmarks/render_bench.py software-developers data-scientists

It builds the catalogue database the way `bench.py` does (a temporary SQLite file,
or the DATABASE_URL you export: an empty database, or one already holding the
catalogue), then renders each career page again and again with the page cache off
and prints the median milliseconds of each step: the whole request through
Django's WSGI handler, fetching the page and its lists (the ORM), the same SQL
statements run through a plain cursor into dicts, the figures' context, and the
template. No load generator and no concurrency: this is one worker's cost.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import PYTHON, ROOT, catalogue_database, manage, production_env, say

SLUGS = ["machine-learning-engineer", "software-developers"]


def median_ms(function, repeat):
    for _ in range(10):
        function()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def wsgi_get(application, environ):
    """The status line and body of one request through a WSGI application."""
    statuses = []
    body = b"".join(
        application(dict(environ), lambda status, headers: statuses.append(status))
    )
    return statuses[0], body


def measure(slugs, repeat):
    """Run in a child process whose environment holds the production settings."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerguide.settings.base")
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.template.loader import get_template
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from occupations import presentation
    from occupations.views import published_career_page as fetch

    application = WSGIHandler()
    template = get_template("occupations/career_detail.html")

    say(f"{'median ms per page':44}" + "".join(f"{slug[:26]:>28}" for slug in slugs))
    rows = {}
    for slug in slugs:
        request = RequestFactory().get(f"/careers/{slug}/", HTTP_HOST="127.0.0.1")
        status, _ = wsgi_get(application, request.environ)
        if status != "200 OK":
            sys.exit(f"/careers/{slug}/ answered {status}: is it a published page?")
        with CaptureQueriesContext(connection) as queries:
            page = fetch(slug)
        statements = [query["sql"] for query in queries]

        def plain_cursor(statements=statements):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    names = [column[0] for column in cursor.description]
                    [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

        context = {"page": page, **presentation.career_page_context(page)}
        steps = {
            "whole request (WSGI handler, no page cache)": lambda e=request.environ: (
                wsgi_get(application, e)
            ),
            f"fetch with the ORM ({len(statements)} queries)": lambda s=slug: fetch(s),
            "the same SQL through a plain cursor": plain_cursor,
            "figures' context": lambda p=page: presentation.career_page_context(p),
            "template": lambda c=context, r=request: template.render(c, r),
        }
        for name, step in steps.items():
            rows.setdefault(name, []).append(median_ms(step, repeat))
    for name, figures in rows.items():
        say(f"{name:44}" + "".join(f"{figure:28.2f}" for figure in figures))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("slugs", nargs="*", default=SLUGS)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.slugs, args.repeat)

    with tempfile.TemporaryDirectory(prefix="careerguide-render-") as workdir:
        env = production_env(Path(workdir), PAGE_CACHE_SECONDS="0")
        say(f"Database: {env['DATABASE_URL'].split('@')[-1]}")
        # Production settings name static files by the manifest that this writes:
        # without it every page is a 500 (`make test` writes none).
        manage(env, "collectstatic", "--noinput")
        catalogue_database(env)
        command = [PYTHON, __file__, "--measure", "--repeat", str(args.repeat)]
        return subprocess.run([*command, *args.slugs], env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
