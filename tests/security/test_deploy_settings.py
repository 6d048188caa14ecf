"""The production settings (careerguide.settings.base, as manage.py and wsgi.py load
them) pass Django's deployment checklist, checked in a fresh process with a
production-like environment rather than the test settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing

BASE_DIR = Path(settings.BASE_DIR)


def run_manage(*args, **env_overrides):
    env = {
        # Only what a production process would get; nothing from the test run.
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_ENV_FILE": "",  # not the developer's .env
        "DJANGO_SETTINGS_MODULE": "careerguide.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "careerguide.example.com",
        "SITE_URL": "https://careerguide.example.com",
        "DATABASE_URL": "sqlite:///:memory:",
        # The check does not connect: no Redis server is needed for it.
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        "PAGE_CACHE_URL": "redis://127.0.0.1:6380/0",
        "DEFAULT_FROM_EMAIL": "Careerguide <news@careerguide.example.com>",
        "EMAIL_URL": "smtp+tls://news:password@smtp.careerguide.example.com:587",
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={name: value for name, value in env.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_production_settings_report_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_migrate_makes_a_new_database(tmp_path):
    """As `make run` on a fresh clone, `make restore` and a first deploy do. The
    database checks `migrate` runs first queried tables not yet made."""
    database = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    migrated = run_manage("migrate", DATABASE_URL=database, CACHE_URL=None)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    checked = run_manage("check", "--database", "default", DATABASE_URL=database)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_deploy_check_weak_configuration_is_reported():
    """The check is live: switching a protection off makes it fail."""
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_SECONDS="0"
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_deploy_check_reports_a_cache_each_worker_keeps_to_itself():
    """With the default local-memory cache, an edit would reach one worker's
    cached pages, and signup limits would count per worker."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", CACHE_URL=None)
    assert result.returncode != 0
    assert "occupations.W001" in result.stdout + result.stderr
    assert "newsletter.W001" in result.stdout + result.stderr


def test_deploy_check_reports_emails_that_would_not_be_sent():
    """The console backend is fine on a laptop, not in production."""
    check = ("check", "--deploy", "--fail-level", "WARNING")
    result = run_manage(*check, EMAIL_URL="consolemail://")
    assert result.returncode != 0
    assert "newsletter.W004" in result.stdout + result.stderr
    assert "Emails are printed to the log, not sent" in result.stdout + result.stderr


def test_deploy_settings_without_email_url_refuse_to_start():
    """Without EMAIL_URL, confirmation emails (an address and its confirm link)
    would be printed to the server's log instead of sent."""
    result = run_manage("check", EMAIL_URL=None)
    assert result.returncode != 0
    assert "Set the EMAIL_URL environment variable" in result.stderr


def test_deploy_check_reports_a_proxy_whose_hops_are_not_trusted():
    """Behind a proxy with TRUSTED_PROXY_COUNT left at 0, every visitor shares
    the proxy's address: one rate limit and one lockout for everyone."""
    check = ("check", "--deploy", "--fail-level", "WARNING")
    result = run_manage(*check, USE_X_FORWARDED_PROTO="true")
    assert result.returncode != 0
    assert "newsletter.W005" in result.stdout + result.stderr
    result = run_manage(*check, USE_X_FORWARDED_PROTO="true", TRUSTED_PROXY_COUNT="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_reports_a_sender_at_localhost():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DEFAULT_FROM_EMAIL=None
    )
    assert result.returncode != 0
    assert "newsletter.W002" in result.stdout + result.stderr


def test_deploy_check_reports_a_site_url_without_https():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SITE_URL="http://careerguide.example.com",
    )
    assert result.returncode != 0
    assert "newsletter.W003" in result.stdout + result.stderr


def test_deploy_settings_without_secret_key_refuse_to_start():
    result = run_manage("check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    # Without its slash the admin's pages were "/back-office-7f3alogin/"; with one
    # in front, "/%2Fback-office-7f3a/".
    "written",
    ["back-office-7f3a/", "back-office-7f3a", "/back-office-7f3a/"],
)
def test_deploy_settings_admin_url_moved_by_environment(written):
    result = run_manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:login'))",
        ADMIN_URL=written,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "/back-office-7f3a/login/"


@pytest.mark.parametrize("written", ["", "/"])
def test_deploy_settings_admin_url_of_no_path_refuses_to_start(written):
    """The site's pages are at the root: the admin had gone to "//"."""
    result = run_manage("check", ADMIN_URL=written)
    assert result.returncode != 0
    assert "ADMIN_URL must name a path, such as backstage/." in result.stderr


def test_settings_read_the_env_file_named_and_the_tests_read_none(tmp_path):
    env_file = tmp_path / "developer.env"
    env_file.write_text(
        "SITE_URL=https://from-the-env-file.example\n"
        "CACHE_URL=redis://127.0.0.1:6379/0\n"
    )
    show = (
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.SITE_URL, settings.CACHES['default']['BACKEND'])",
    )
    read = run_manage(
        *show, SITE_URL=None, CACHE_URL=None, DJANGO_ENV_FILE=str(env_file)
    )
    assert read.stdout.split()[-2:] == [
        "https://from-the-env-file.example",
        "django.core.cache.backends.redis.RedisCache",
    ], read.stderr
    # The test settings read none, even one named: a developer's .env naming their
    # Redis would be flushed by every test.
    tests = run_manage(
        *show,
        SITE_URL=None,
        CACHE_URL=None,
        DJANGO_ENV_FILE=str(env_file),
        DJANGO_SETTINGS_MODULE="careerguide.settings.test",
    )
    assert tests.stdout.split()[-2:] == [
        "http://testserver",
        "django.core.cache.backends.locmem.LocMemCache",
    ], tests.stderr


def test_env_example_copied_unchanged_sets_nothing():
    """Copied to .env as its first line says, it broke `make run` (production hosts
    on 127.0.0.1); every setting in it is a commented example."""
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    assert [line for line in lines if line.strip() and not line.startswith("#")] == []


def test_deploy_check_reports_a_cache_each_worker_keeps_to_itself_without_pages():
    """With the page cache off, a spreadsheet uploaded to one worker is still
    confirmed through the cache, so the warning stays."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        CACHE_URL=None,
        PAGE_CACHE_SECONDS="0",
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "occupations.W001" in output
    assert "spreadsheet uploaded to one worker" in output


def test_deploy_check_reports_a_page_cache_each_worker_keeps_to_itself():
    """Pages may have a cache of their own: one in each worker's memory would keep
    serving the old pages after an edit."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PAGE_CACHE_URL="locmemcache://pages",
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "occupations.W001" in output
    assert "serve their copy of the old pages" in output
    assert "spreadsheet" not in output
    assert "newsletter.W001" not in output  # the limits' counters are shared


@pytest.mark.parametrize("page_cache", [None, "redis://cache:secret@127.0.0.1:6379/1"])
def test_deploy_check_reports_pages_in_the_signup_limits_cache_server(page_cache):
    """Without PAGE_CACHE_URL pages go to CACHE_URL's server, and another database
    of one Redis shares its memory: made-up searches could push out the signup
    limits' counters."""
    check = ("check", "--deploy", "--fail-level", "WARNING")
    result = run_manage(*check, PAGE_CACHE_URL=page_cache)
    assert result.returncode != 0
    assert "occupations.W003" in result.stdout + result.stderr
    result = run_manage(*check, PAGE_CACHE_URL=page_cache, PAGE_CACHE_SECONDS="0")
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_reports_a_cache_that_keeps_nothing():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", CACHE_URL="dummycache://"
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "occupations.W002" in output
    assert "occupations.W001" not in output


def test_settings_secret_key_fallbacks_accept_what_the_old_key_signed():
    """A key rotation: the old key moves to SECRET_KEY_FALLBACKS, and what it signed
    (an unsubscribe link emailed years ago) still verifies."""
    old_key = secrets.token_urlsafe(50)
    signed = signing.dumps("still valid", key=old_key, salt="rotation")
    verify = (
        "from django.core import signing; "
        f"print(signing.loads({signed!r}, salt='rotation'))"
    )

    rotated = run_manage(
        "shell", "--no-imports", "-c", verify, SECRET_KEY_FALLBACKS=f"x,{old_key}"
    )
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.strip() == "still valid"

    forgotten = run_manage("shell", "--no-imports", "-c", verify)
    assert "BadSignature" in forgotten.stderr


def test_settings_mail_server_connections_time_out():
    """Emails go out during the signup request: a hung mail server must not hold
    the worker for ever."""
    show = (
        "from django.core.mail import get_connection; print(get_connection().timeout)"
    )
    assert run_manage("shell", "--no-imports", "-c", show).stdout.strip() == "10"
    moved = run_manage("shell", "--no-imports", "-c", show, EMAIL_TIMEOUT="3")
    assert moved.stdout.strip() == "3"
