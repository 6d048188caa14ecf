"""Production settings refuse to start without SITE_URL, the base of email links."""

import subprocess
import sys

from django.conf import settings


def test_settings_production_without_site_url_refuse_to_start():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_ENV_FILE": "",  # not the developer's .env
        "DJANGO_SETTINGS_MODULE": "careerguide.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "careerguide.example.com",
        "DATABASE_URL": "sqlite:///:memory:",
        "EMAIL_URL": "smtp+tls://news:password@smtp.careerguide.example.com:587",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr
