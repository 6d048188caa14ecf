"""Settings for Careerguide.

Everything that differs between machines comes from the environment (or an optional
`.env` file beside manage.py); see `.env.example`. DEBUG is off unless asked for, and
with DEBUG off there is no default SECRET_KEY or ALLOWED_HOSTS: production refuses to
start half-configured.
"""

import datetime
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# DJANGO_ENV_FILE names another file; empty reads none. The test settings read none:
# a developer's .env (production-like hosts, a CACHE_URL the suite would flush)
# must not reach the tests.
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # Only ever used on a developer's machine: DEBUG must be switched on explicitly.
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key")
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"]
    )
else:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Earlier keys, still accepted for what they signed (comma-separated): rotating
# SECRET_KEY must not break the newsletter's unsubscribe links, which never expire,
# nor sign everyone out at once.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin, with adminsite.sites.CareerguideAdminSite.
    "adminsite.apps.CareerguideAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "simple_history",
    "import_export",
    "occupations",
    "resources",
    "newsletter",
]

MIDDLEWARE = [
    "operations.middleware.head_without_body",
    "django.middleware.security.SecurityMiddleware",
    # Cached public pages are served from here, above everything a cached page does
    # not need (occupations/page_cache.py). The CSP and permissions-policy headers
    # are stored with each page, so a hit does not build them again.
    "occupations.page_cache.PageCacheMiddleware",
    # Before whitenoise, so static files carry the same headers as pages.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "operations.middleware.text_charset_only",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records which editor made each change in the revision history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses to authenticate a locked-out username from that address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "careerguide.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "careerguide.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections with health checks: several times the throughput on
# PostgreSQL, and a connection dropped by a restarted server is replaced, not reused.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file. A transaction takes the write lock
    # when it begins and others wait for it (a transaction that read first and
    # then writes fails at once with "database is locked", whatever the timeout);
    # WAL lets readers go on while one worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache holds the signup limits' counters and spreadsheet uploads
# waiting for their confirmation: room for 5,000 (Django's local memory keeps 300).
CACHES = {
    "default": env.cache(
        "CACHE_URL", default="locmemcache://careerguide?max_entries=5000"
    ),
    # Public pages, apart: each new search a visitor types is a new page, and in
    # the default cache they pushed out what must stay there (the signup limits'
    # counters, spreadsheet uploads waiting for their confirmation).
    "pages": env.cache(
        "PAGE_CACHE_URL",
        default=env.str(
            "CACHE_URL", default="locmemcache://careerguide-pages?max_entries=5000"
        ),
    ),
}
# Public pages stay whole in the cache until content changes (see
# occupations/page_cache.py); 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 3600)

# EMAIL_URL gives EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD and EMAIL_USE_TLS / EMAIL_USE_SSL, as the URL names them.
# Required in production, as SITE_URL is: the console backend, right on a laptop,
# would print subscribers' addresses and their confirm links in the server's log.
if DEBUG:
    vars().update(env.email("EMAIL_URL", default="consolemail://"))
else:
    vars().update(env.email("EMAIL_URL"))
# Emails are sent during the signup request: a mail server that hangs must not
# hold a worker for ever (Django's default is no timeout).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Careerguide <news@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, content-hashed names, served far-future-cached by whitenoise.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Written "backstage", "/backstage" or "backstage/": the admin at /backstage/.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
if ADMIN_URL == "/":  # the site's pages are at the root: the admin was at //
    raise ImproperlyConfigured("ADMIN_URL must name a path, such as backstage/.")

# The site's own address, for every absolute link: canonical links, the sitemap, the
# feed, robots.txt and the links in emails, which may be sent outside a request. Never
# the request's Host header. Required in production, like SECRET_KEY.
SITE_URL = (
    env.str("SITE_URL", default="http://127.0.0.1:8000") if DEBUG else env("SITE_URL")
).rstrip("/")

# --- Newsletter (newsletter app) ---------------------------------------------------
# How long a confirmation link works; unsubscribe links never expire.
NEWSLETTER_CONFIRM_MAX_AGE = env.int("NEWSLETTER_CONFIRM_MAX_AGE", default=3 * 86400)
# Days an address whose opt-in was never confirmed is kept (`erase_unconfirmed`)
# after it was requested, or after its owner declined it: no one consented, and
# someone else may have typed it. Long after its link expired, so that a reader
# who asks why no email came can still be looked up.
NEWSLETTER_UNCONFIRMED_DAYS = env.int("NEWSLETTER_UNCONFIRMED_DAYS", default=30)
# Signup attempts allowed per client address in each window (seconds), and per
# email address in each of its own, longer windows (each attempt may email it).
NEWSLETTER_RATE_LIMIT_WINDOW = env.int("NEWSLETTER_RATE_LIMIT_WINDOW", default=3600)
NEWSLETTER_RATE_LIMIT_PER_IP = env.int("NEWSLETTER_RATE_LIMIT_PER_IP", default=20)
NEWSLETTER_RATE_LIMIT_EMAIL_WINDOW = env.int(
    "NEWSLETTER_RATE_LIMIT_EMAIL_WINDOW", default=86400
)
NEWSLETTER_RATE_LIMIT_PER_EMAIL = env.int("NEWSLETTER_RATE_LIMIT_PER_EMAIL", default=5)
# --- end Newsletter -----------------------------------------------------------------

# Reverse proxies in front of the site: the client address is read that many hops
# from the right of X-Forwarded-For (operations.proxies). AXES_PROXY_COUNT is the
# setting's earlier name.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0)
)

# Production hardening, on unless DEBUG: `manage.py check --deploy` reports nothing.
# Cookies only travel over HTTPS; neither is readable from JavaScript (none needs to).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
# Plain HTTP is redirected to HTTPS, except the health check, which load balancers
# probe over plain HTTP from inside the network.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy, Django learns the scheme from this header; the
# proxy must set (never pass through) X-Forwarded-Proto, or the redirect loops.
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
# Preloading is a promise browsers ship for months and is hard to take back, so it is
# an explicit opt-in per domain; until then its reminder (W021) is expected.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# An occupation's admin page posts ~3.6 fields per technology row, and Software
# Developers has 426 rows: Django's 1,000-field default refused its save. Still a
# bound (and DATA_UPLOAD_MAX_MEMORY_SIZE stays 2.5 MB).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000

# Content-Security-Policy (django-csp): only this site's own files, no inline script
# or style anywhere. (Django's admin writes one inline <style>, on a changelist whose
# admin turns both action bars off; none here does, and a test opens every
# changelist to keep it so.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Powerful browser features this site never uses, switched off for it and any frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Admin brute-force protection (django-axes): after AXES_FAILURE_LIMIT failed logins
# for one username from one client, that pair is locked out for the cool-off time.
# Keyed on the pair, so a stranger cannot lock the real editor out from elsewhere.
# The client is the one operations.proxies.client_network counts, as for the
# newsletter's signup limit: an IPv6 one by its /64, whose every address is its.
AXES_CLIENT_IP_CALLABLE = "operations.proxies.client_network"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env.int("AXES_COOLOFF_MINUTES", default=15)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "adminsite.login.locked_out"
AXES_USERNAME_CALLABLE = "adminsite.login.username_key"
# Attempts are inspected and reset with `manage.py axes_reset` rather than in the
# admin, whose every registered model is expected to be editable.
AXES_ENABLE_ADMIN = False

# Editorial workflow: revision history (django-simple-history) and CSV/XLSX import and
# export in the admin (django-import-export). An import runs in one transaction and
# stores nothing if any row is invalid; importing needs the model's change
# permission, exporting its view permission.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# The uploaded file waits between the preview and "Confirm import" in the cache,
# which every app server shares: in a temporary folder, a confirmation reaching
# another server than the upload found no file.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
# A control character stored before the forms refused them (a workbook cannot
# hold one) is exported as U+FFFD rather than failing the whole export.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # One JSON object per line (errors with their traceback), for a collector.
        "json": {"()": "operations.log_format.JSONFormatter"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["stderr"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler, which prints what DEBUG logs: every
        # message of Django's was printed twice, once more through the root's.
        "django": {"level": "INFO"},
        # django-axes announces itself at every start and logs every sign-in at
        # INFO; its warnings (failed sign-ins, lockouts) are what an operator wants.
        "axes": {"level": "WARNING"},
        # A request for a host the site does not serve: scanners send them all day,
        # each an error with a traceback. The 400 answers them; the access log
        # still shows them.
        "django.security.DisallowedHost": {"level": "CRITICAL"},
    },
}
