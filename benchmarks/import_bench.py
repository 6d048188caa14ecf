"""Import the full O*NET and BLS files into a fresh SQLite database and print
rows per second for each file read and each table written, then time a second,
idempotent run.

    .venv/bin/python benchmarks/import_bench.py ONET_DIR \\
        --wages national_M2022_dl.xlsx national_M2024_dl.xlsx \\
        --projections "Employment Projections.csv" occupation.xlsx

The database is a temporary file: your own database is not touched.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def say(text):
    sys.stdout.write(f"{text}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("onet_dir")
    parser.add_argument("--wages", nargs="*", default=[])
    parser.add_argument("--projections", nargs="*", default=[])
    args = parser.parse_args()

    database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerguide.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from occupations.importers.bls import projections_import, wages_import
    from occupations.importers.onet import onet_import

    call_command("migrate", verbosity=0)
    jobs = [("import_onet", onet_import, {"directory": args.onet_dir})]
    jobs += [("import_wages", wages_import, {"path": p}) for p in args.wages]
    jobs += [
        ("import_projections", projections_import, {"path": p})
        for p in args.projections
    ]
    for attempt in ("first import (empty database)", "second import (no changes)"):
        say(f"\n== {attempt}")
        total = time.perf_counter()
        for command, function, kwargs in jobs:
            started = time.perf_counter()
            report = function(**kwargs)
            seconds = time.perf_counter() - started
            say(f"{command} {Path(next(iter(kwargs.values()))).name}: {seconds:.2f} s")
            for what, rows, spent in report.timings:
                rate = rows / spent if spent else float("inf")
                say(
                    f"  {what:<58} {rows:>8,} rows {spent:6.2f} s {rate:>10,.0f} rows/s"
                )
        say(f"total: {time.perf_counter() - total:.2f} s")
    database.unlink()


if __name__ == "__main__":
    main()
