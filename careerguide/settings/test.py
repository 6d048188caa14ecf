"""Settings for the test suite: fast hashing, in-memory email, no secrets needed."""

import os

# Only the real environment: never a developer's .env (see base.py). Processes the
# tests start inherit this.
os.environ["DJANGO_ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Newsletter email links point at the test client's host, so tests can follow them.
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("EMAIL_URL", "memorymail://")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Local memory unless CACHE_URL names a real cache: CI runs the caching and
# rate-limit tests against Redis too, as production shares one between servers.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://tests"),  # noqa: F405
    "pages": env.cache(  # noqa: F405
        "PAGE_CACHE_URL",
        default=env.str("CACHE_URL", default="locmemcache://tests-pages"),  # noqa: F405
    ),
}
# Serve static files straight from the app folders: the suite need not collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The test client speaks plain HTTP; tests of the HTTPS headers ask for secure=True.
# Everything else (HSTS, CSP, secure cookies, django-axes) stays as in production.
SECURE_SSL_REDIRECT = False
