"""Settings, all read from the environment (see docs/operations.md)."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from tepat.env import database_from_url, envbool, envint, sqlite_database, tepat_home
from tepat.registry.importer.limits import Limits
from tepat.secure import private_umask, secret_key

BASE_DIR = Path(__file__).resolve().parent
TEPAT_HOME = tepat_home()
UPLOAD_DIR = TEPAT_HOME / "uploads"
REPORT_DIR = TEPAT_HOME / "reports"

DEBUG = envbool("TEPAT_DEBUG", "False")
ALLOWED_HOSTS = [h for h in os.getenv("TEPAT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("TEPAT_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "tepat.accounts",
    "tepat.regions",
    "tepat.registry",
    "tepat.programs",
    "tepat.indicators",
    "tepat.verivali",
    "tepat.meetings",
    "tepat.pockets",
    "tepat.reports",
    "tepat.linkage",
    "tepat.web",
    "tepat.jobs",
    "tepat.api",
    "ninja",  # Django Ninja: its Swagger UI static files (tepat/api/templates/api/docs.html)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tepat.web.security.headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tepat.web.middleware.language",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tepat.web.security.refresh_session",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tepat.urls"
WSGI_APPLICATION = "tepat.wsgi.application"
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
            ]
        },
    }
]

_database_url = os.getenv("TEPAT_DATABASE_URL", "")
DATABASES = {"default": database_from_url(_database_url) if _database_url else sqlite_database(TEPAT_HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_MAX_FAILURES = envint("TEPAT_LOGIN_MAX_FAILURES", "5")
LOGIN_LOCK_SECONDS = envint("TEPAT_LOGIN_LOCK_SECONDS", "900")

# --- Security (docs/operations.md#security) ---------------------------------------------------------------
# Files 0600 and folders 0700 for everything this process creates; the secret key from TEPAT_SECRET_KEY(_FILE)
# or generated once into $TEPAT_HOME/secret_key (0600).
private_umask()
SECRET_KEY = secret_key(TEPAT_HOME)
# Behind a reverse proxy that terminates HTTPS: cookies only over HTTPS, and the proxy's X-Forwarded-Proto
# tells Django the request was secure (the proxy must set it and strip a client's own).
TEPAT_HTTPS = envbool("TEPAT_HTTPS", os.getenv("TEPAT_SECURE_COOKIES", "False"))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TEPAT_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TEPAT_HTTPS else None
SECURE_HSTS_SECONDS = envint("TEPAT_HSTS_SECONDS", "0") if TEPAT_HTTPS else 0
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # no script reads either cookie
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# A session ends after a working day without a request (9 hours by default). Requests extend it through
# tepat.web.security.refresh_session, which rewrites the session at most every TEPAT_SESSION_REFRESH_SECONDS
# (not SESSION_SAVE_EVERY_REQUEST: one database write per page would wait on a running SQLite import).
SESSION_COOKIE_AGE = envint("TEPAT_SESSION_IDLE_SECONDS", str(9 * 3600))
TEPAT_SESSION_REFRESH_SECONDS = envint("TEPAT_SESSION_REFRESH_SECONDS", "300")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Sent on every response by tepat.web.security.headers: scripts and styles only from our own static files.
TEPAT_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# --- end of security block -----------------------------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TEPAT_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = TEPAT_HOME / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = UPLOAD_DIR
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
TEPAT_MAX_UPLOAD_BYTES = envint("TEPAT_MAX_UPLOAD_MB", "200") * 1024 * 1024
# "worker" hands long jobs to worker processes (tepat worker; tepat serve starts one); "sync" runs them in the request (tests).
TEPAT_IMPORT_RUNNER = os.getenv("TEPAT_IMPORT_RUNNER", "worker")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TEPAT_WORKERS = envint(
    "TEPAT_WORKERS", "1"
)  # worker processes `tepat serve` starts (0: none, run `tepat worker` yourself)
TEPAT_JOB_MEMORY_MB = envint("TEPAT_JOB_MEMORY_MB", "4096")  # address space of one worker process (0: no cap)
TEPAT_JOB_NICE = envint("TEPAT_JOB_NICE", "10")  # jobs yield the cores to page requests (tepat.jobs.worker)
TEPAT_JOB_HEARTBEAT_SECONDS = envint("TEPAT_JOB_HEARTBEAT_SECONDS", "5")
TEPAT_JOB_STALE_SECONDS = envint(
    "TEPAT_JOB_STALE_SECONDS", "120"
)  # a job on another host without a beat for this long is dead
# Downloads (tepat.jobs.exports): a table of more rows than this, and every document, is made by the worker.
TEPAT_EXPORT_JOB_ROWS = envint("TEPAT_EXPORT_JOB_ROWS", "20000")
TEPAT_EXPORT_KEEP_HOURS = envint("TEPAT_EXPORT_KEEP_HOURS", "24")  # a made file is removed after this long
# Limits every input file is checked against before its cells are read (docs/operations.md#limits).
TEPAT_IMPORT_LIMITS = Limits.from_env()
TEPAT_ODK_MAX_ATTACHMENT_MB = envint("TEPAT_ODK_MAX_ATTACHMENT_MB", "50")
TEPAT_PAGE_SIZE = envint("TEPAT_PAGE_SIZE", "50")
# The JSON API (docs/api.md): page sizes, rows per realisasi request, requests per token per minute, token validity.
TEPAT_API_PAGE_SIZE = envint("TEPAT_API_PAGE_SIZE", "100")
TEPAT_API_MAX_PAGE_SIZE = envint("TEPAT_API_MAX_PAGE_SIZE", "1000")
TEPAT_API_MAX_ROWS = envint("TEPAT_API_MAX_ROWS", "10000")
TEPAT_API_RATE_PER_MINUTE = envint("TEPAT_API_RATE_PER_MINUTE", "120")
TEPAT_API_TOKEN_DAYS = envint("TEPAT_API_TOKEN_DAYS", "90")
TEPAT_API_TOKEN_MAX_DAYS = envint("TEPAT_API_TOKEN_MAX_DAYS", "366")
# The kabupaten/kota (or province) this installation serves: its Kemendagri code, which also selects its
# city pack (tepat/regions/packs/<code>/; default: packs/default.txt). See docs/operations.md "Region".
from tepat.regions.pack import selected_code as _region_code  # noqa: E402

TEPAT_REGION_CODE = _region_code()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("TEPAT_LOG_LEVEL", "WARNING")},
}
