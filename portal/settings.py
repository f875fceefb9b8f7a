"""Settings for the Renkei Portal, read from the environment only.

With nothing set the portal runs as a self-contained demo: SQLite under ./var, Celery tasks
executed in-process, a local-memory cache and e-mail printed to the console.
DATABASE_URL switches to PostgreSQL, REDIS_URL to Redis (Celery broker and cache).
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A typo must not switch a safety setting off: anything but a boolean word is refused."""
    value = env_str(name).lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env_str(name).split(",") if item.strip()]


def sqlite_database(name) -> dict:
    """The embedded database, set up for a threaded server: readers never wait for the writer
    (WAL), a write transaction takes its lock when it begins, so two writers queue for the busy
    timeout instead of failing with "database is locked" when one upgrades a read lock."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20),
        },
    }


def database_from_url(url: str, sqlite_default: Path) -> dict:
    """Turns postgres://user:pass@host:port/name or sqlite:///path into a DATABASES entry."""
    if not url:
        return sqlite_database(sqlite_default)
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL must name the database, e.g. .../renkei")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            # A new connection costs a request 10–30 ms (connecting, the server's catalogue
            # caches); the health check replaces one the server dropped.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        return sqlite_database(unquote(parts.path) or sqlite_default)
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


DEBUG = env_bool("DEBUG", True)
# Demo mode shows the demo logins on the login page; never on in production by default.
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(env_str("DATA_DIR") or BASE_DIR / "var")
# Uploaded and generated files; outside the static root, served only through checked views.
PRIVATE_MEDIA_ROOT = DATA_DIR / "private"

INSTALLED_APPS = [
    "portal.apps.PortalConfig",
    "collaboration.apps.CollaborationConfig",
    "surveys.apps.SurveysConfig",
    "meetings.apps.MeetingsConfig",
    "devtools.apps.DevtoolsConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    # Django REST framework is used without being listed: the API renders JSON only (no
    # templates), and its catalogue would replace Django's own Japanese form messages.
    "drf_spectacular",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "portal.lib.audit.AuditContextMiddleware",
    "portal.middleware.ErrorPagesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]
if env_bool("PORTAL_COUNT_QUERIES", False):
    MIDDLEWARE.insert(0, "portal.middleware.QueryCountMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL"), DATA_DIR / "portal.sqlite3"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded demo keeps its database in the data folder; create it on first start.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"

# The read-only API (/api/v1/): published data for anyone, so no sign-in of its own (who may
# open it at all is the public site's rule on each view), JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Renkei Portal API",
    "DESCRIPTION": "Published collaboration initiatives of Yamagata Prefecture and its 35 "
                   "municipalities, the policy's framework and the municipalities. Read only. "
                   "Data under CC BY 4.0.",
    "VERSION": "1",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses logins for locked-out users and addresses before checking the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (portal/logins.py): a user name is locked at the address the failures came
# from, never everywhere; an address is throttled only at a limit a shared gateway never reaches.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 200)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_HOURS", 1)
AXES_RESET_ON_SUCCESS = True
# Attempts refused while locked are not counted: the lock ends an hour after the last real try.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "portal.logins.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "portal.auth_views.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_VERBOSE = False
# How many proxies in front of gunicorn append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
# An expired form gets the portal's page instead of Django's English one.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
# How long the link in an account invitation lets its holder set a first password.
ACCOUNT_INVITATION_DAYS = env_int("ACCOUNT_INVITATION_DAYS", 5)
ACCOUNT_IMPORT_MAX_BYTES = env_int("ACCOUNT_IMPORT_MAX_BYTES", 2 * 1024 * 1024)

# Sessions live in the database so a Redis outage logs nobody out; portal.sessions reads them
# through the cache while Redis answers. SESSION_ENGINE lets the benchmark compare engines.
SESSION_ENGINE = env_str("SESSION_ENGINE", "portal.sessions")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.lib.redis_cache.KeptClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renkei",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off: every page is built afresh (portal/lib/caching.py), the same page, slower.
PAGE_CACHE = env_bool("PAGE_CACHE", True)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down costs a request milliseconds: one connection attempt, bounded, no
# retries; the work waits in the outbox (portal/lib/outbox.py) until the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1, "socket_timeout": 5, "max_retries": 0,
    # A message taken by a worker that was killed returns to the queue after this long.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE: dict = {
    # Planned survey reminders: each sweep claims what is due, so running it often is harmless.
    "survey-reminders": {"task": "surveys.tasks.sweep_reminders", "schedule": 15 * 60},
    "report-clean-up": {"task": "portal.tasks.clean_up_reports", "schedule": 60},
    "outbox-relay": {"task": "portal.tasks.relay_outbox", "schedule": 60},
    # Hand-overs: accounts whose last day has passed; hourly, so a missed run catches up.
    "account-deactivations": {"task": "portal.tasks.deactivate_due_accounts",
                              "schedule": 60 * 60},
    # The similar-cases index afresh: single changes are indexed as they happen, but shift
    # every other weight a little.
    "similar-cases-rebuild": {"task": "collaboration.tasks.rebuild_similarity_index",
                              "schedule": 24 * 60 * 60},
}
# A report being built whose worker has not been heard from for this long has lost its
# worker; one queued this long was lost by the broker. Either is failed and may be retried.
REPORT_STALE_SECONDS = env_int("REPORT_STALE_SECONDS", 120)
REPORT_QUEUED_STALE_SECONDS = env_int("REPORT_QUEUED_STALE_SECONDS", 600)
# The address the portal is reached at, for links in e-mails sent by workers.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# The Japanese font every PDF and chart picture is drawn in (IPAex Gothic, shipped with the
# portal under the IPA Font License); the check portal.W101 warns when it cannot be used.
PDF_FONT_FILE = Path(env_str("PDF_FONT_FILE") or BASE_DIR / "portal" / "fonts" / "ipaexg.ttf")

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "renkei-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The sender people see on the portal's notices, and the organizer of meeting invitations.
PORTAL_FROM_NAME = env_str("PORTAL_FROM_NAME", "山形県 連携ポータル")
PORTAL_FROM_EMAIL = f"{PORTAL_FROM_NAME} <{DEFAULT_FROM_EMAIL}>"
MEETING_ORGANIZER_EMAIL = env_str("MEETING_ORGANIZER_EMAIL", DEFAULT_FROM_EMAIL)
MEETING_ORGANIZER_NAME = env_str("MEETING_ORGANIZER_NAME",
                                 "山形県 企画振興部 県・市町村連携推進会議事務局")

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# Attachments larger than this are refused (in bytes).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Statistics files larger than this are refused before they are parsed.
STATISTICS_UPLOAD_MAX_BYTES = env_int("STATISTICS_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
# Office files (xlsx, docx, pptx) are zip packages: one that would inflate past this, holds
# more parts than this, or has a large part compressed more than this many times is refused.
OFFICE_MAX_UNCOMPRESSED_BYTES = env_int("OFFICE_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
OFFICE_MAX_MEMBERS = env_int("OFFICE_MAX_MEMBERS", 10_000)
OFFICE_MAX_COMPRESSION_RATIO = env_int("OFFICE_MAX_COMPRESSION_RATIO", 200)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Only the portal's own files: no inline script or style, no CDN, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Preloading binds every subdomain of the prefecture's domain to HTTPS for good; that is the
# domain owner's decision (SECURE_HSTS_PRELOAD=1), so the deploy check does not ask for it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Container health checks call /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # The TLS-terminating proxy in front of gunicorn sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each step of every PDF at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
