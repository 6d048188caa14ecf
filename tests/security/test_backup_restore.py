"""`make backup` then `make restore` into an empty database brings everything back.

The test runs the exact `manage.py` commands the Makefile runs (read with `make -n`)
against the test database, and compares every row of every project model, the
admin accounts and the public pages before and after.
"""

import datetime
import json
import shlex
import subprocess

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import Client

from occupations.models import CareerPage
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("occupations", "resources", "newsletter")


def make_commands(target, file):
    """The manage.py command lines `make <target> FILE=<file>` would run."""
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"FILE={file}"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = []
    for line in dry_run.splitlines():
        words = shlex.split(line)
        if "manage.py" in words:
            commands.append(words[words.index("manage.py") + 1 :])
    return commands


class MillisecondEncoder(DjangoJSONEncoder):
    """Timestamps always to the millisecond, like the backup. (DjangoJSONEncoder
    drops the fraction when it is zero, so 12:00:05.000123, restored as
    12:00:05.000, would not compare equal one time in a thousand.)"""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat(timespec="milliseconds")
        return super().default(o)


def snapshot():
    """Every stored row of the project's models and of users, as sorted JSON.

    Encoded as the backup encodes it: timestamps to the millisecond (the precision
    of Django's JSON format, enough for every date the site shows).
    """
    models = [
        model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS
    ] + [get_user_model()]
    return {
        model._meta.label: sorted(
            json.dumps(row, sort_keys=True, cls=MillisecondEncoder)
            for row in serializers.serialize(
                "python",
                model.objects.all(),
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            )
        )
        for model in models
    }


def public_pages():
    client = Client()
    urls = ["/", "/careers/", "/resources/"] + [
        page.get_absolute_url() for page in CareerPage.objects.published()
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = visible_text(response.content)
    return pages


def test_backup_restore_into_empty_database_brings_back_everything(
    demo, superuser, tmp_path
):
    backup = tmp_path / "careerguide.json.gz"
    before, pages_before = snapshot(), public_pages()
    assert before["occupations.WageEstimate"], "the demo has wage figures"

    for command in make_commands("backup", backup):
        call_command(*command)
    assert backup.stat().st_size > 0

    if connection.vendor == "postgresql":
        # Run the test transaction's deferred foreign-key checks now, or PostgreSQL
        # refuses to TRUNCATE tables with checks pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)  # an empty database
    assert not CareerPage.objects.exists()
    assert not get_user_model().objects.exists()

    for command in make_commands("restore", backup):
        call_command(*command, verbosity=0)

    after = snapshot()
    for label, rows in before.items():
        lost, changed = set(rows) - set(after[label]), set(after[label]) - set(rows)
        assert not lost and not changed, (label, sorted(lost)[:1], sorted(changed)[:1])
    assert public_pages() == pages_before
    assert get_user_model().objects.get(username="admin").is_superuser
