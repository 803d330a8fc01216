"""Settings for coprod, read from the environment (see .env.example)."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from coprod import room

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. `make run` sets DEBUG=1 for local use."
        )
    # Only for local development: a fixed key would let anyone forge sessions in production.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

# Room mode (`make run HOST=0.0.0.0`, README): the address the server listens on and its
# port, as the Makefile passes them. Listening on every interface allows this machine's
# LAN addresses too, and phones join at ROOM_URL; the default 127.0.0.1 adds nothing.
# The names are the project's own, so a deployment's unrelated HOST variable adds nothing.
HOST = os.environ.get("COPROD_HOST", "127.0.0.1")
PORT = os.environ.get("COPROD_PORT", "8000")
ROOM_HOSTS, ROOM_URL = room.room_mode(HOST, PORT, room.lan_ipv4_addresses)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]") + ROOM_HOSTS
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rules",
    "markdownx",
    # deliberation before django_tasks_db: its `db_worker` (the worker plus the timed
    # work) takes the place of the package's command of the same name.
    "deliberation",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coprod.urls"
ASGI_APPLICATION = "asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default, in WAL mode with a busy timeout so that ballots arriving together
# wait for each other instead of failing with "database is locked".
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DB_POOL", default=True
    ):
        # A pool of PostgreSQL connections per daphne process (psycopg_pool), shared by
        # its request threads: kept connections (CONN_MAX_AGE) were one per thread, and
        # two processes serving 50 phones held 98 connections, then refused joins with
        # "too many clients". A request waits up to DB_POOL_TIMEOUT seconds for a free
        # connection. Size it so that processes x DB_POOL_MAX_SIZE stays below the
        # server's max_connections (100 by default), with room for cron and psql.
        # Django's pool needs CONN_MAX_AGE = 0: a connection goes back after each request.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "20")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "30")),
        }
    else:
        # Without the pool (DB_POOL=0, e.g. behind PgBouncer), connections may be kept.
        DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
else:
    DATABASES = {
        "default": {
            # Django's SQLite, with this process's writers queued in turn (coprod/db/sqlite3).
            "ENGINE": "coprod.db.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Kept (each of daphne's threads keeps its own): opening one, with its
            # pragmas and functions, was over a third of a phone's CPU when 1,000 phones
            # reconnected at once (bench/phones.py). In WAL mode every statement outside
            # a transaction reads the latest commit, so a kept connection sees what
            # other connections and processes wrote.
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "600")),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not memory, so a test daphne process can share the test database.
            "TEST": {"NAME": str(BASE_DIR / ".test-db.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The channel layer: in memory for one process, Redis for several.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Sized for a burst of 1,000 ballots: the in-memory layer silently drops past its capacity.
CHANNEL_CAPACITY = int(os.environ.get("CHANNEL_CAPACITY", "2000"))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer lost nothing in bursts and scaled best across processes
            # (DESIGN.md). Its per-channel queues are unbounded, so it takes no capacity;
            # the pool size is set explicitly, as redis-py's default of 100 ran out.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": int(os.environ.get("REDIS_MAX_CONNECTIONS", "200")),
                    }
                ],
                "prefix": os.environ.get("CHANNEL_PREFIX", "coprod"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "deliberation.layers.InMemoryLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY, "expiry": 30},
        }
    }

# The cache holds rate-limit counts (deliberation/throttle.py): in this process's memory
# by default, in Redis with REDIS_URL so that several daphne processes share them.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CHANNEL_PREFIX", "coprod"),
            # A Redis that is down must answer at once, not hold up every join page.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "deliberation:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind a TLS proxy (README, "Behind a proxy"): the header it sets to say the request
# came over HTTPS, e.g. PROXY_SSL_HEADER=X-Forwarded-Proto. Only set it if the proxy
# always sets or strips this header, or anyone could claim HTTPS.
PROXY_SSL_HEADER = os.environ.get("PROXY_SSL_HEADER", "").strip()
if PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy on every page: scripts and styles only from our own static
# files (no inline <script>, no on...= handlers), nothing from other sites, no framing.
# Inline style *attributes* stay allowed (style-src-attr): result bars set their width
# with one, and an attribute cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Django 6.1's MAILERS replaces EMAIL_BACKEND. The console backend prints mail, so a
# local run needs no mail server; production names e.g. the SMTP backend here.
MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith(".smtp.EmailBackend"):
    # The mail server: STARTTLS on port 587 unless told otherwise.
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=True),
        "timeout": 30,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "coprod@localhost")
# Where links in emails point (emails are sent by the worker, with no request): by
# default the address and port `make run` was given (COPROD_HOST, COPROD_PORT).
SITE_URL = (
    os.environ.get("SITE_URL") or ROOM_URL or f"http://{room.local_host(HOST)}:{PORT}"
).rstrip("/")

# Background work (deliberation/tasks.py) runs in `manage.py db_worker`, from a queue
# kept in the database: timed opening and closing of votes between meetings, digests,
# retries of failed emails, and sending summaries and notification emails.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# How often the worker does the timed work (seconds); a vote between meetings also
# gets a run of its own at the minute it opens and at the minute it closes.
TICK_SECONDS = int(os.environ.get("COPROD_TICK_SECONDS", "60"))
# The hour (local time) of the daily digest of new proposals and comments.
DIGEST_HOUR = int(os.environ.get("COPROD_DIGEST_HOUR", "17"))

# Uploaded proposal photos. They are never served from a public /media/ address: a
# view checks that the reader is a member of the forum (outsiders see nothing), in
# DEBUG, in tests and in production alike. Keep MEDIA_ROOT outside any web root.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
PROPOSAL_PHOTO_MAX_BYTES = int(os.environ.get("PROPOSAL_PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))

# Request bodies over these sizes are refused with 413 before they are read: by
# coprod.server (daphne, as soon as the headers or the running count say so) and by
# coprod.limits.BodyLimit (any ASGI server). A form with photos may carry four of them
# (deliberation.services.proposals.MAX_PHOTOS) and the multipart wrapping; every other
# form is words only, and 20,000 letters of Welsh, percent-encoded, stay under 1 MB.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(1024 * 1024)))
MAX_UPLOAD_REQUEST_BYTES = int(
    os.environ.get("MAX_UPLOAD_REQUEST_BYTES", str(4 * PROPOSAL_PHOTO_MAX_BYTES + 1024 * 1024))
)
# Django's own checks behind those: the words of a form, the files kept in memory
# before they go to a temporary file, how many fields (a supporter may tick many
# members) and how many files one request may hold.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FIELDS", "1000"))
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# django-markdownx: the live preview renders through our sanitiser (nh3 allow-list);
# its own image upload is switched off (photos go through the proposal form, which
# re-encodes them), and its JavaScript is served from static, never a CDN.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "deliberation.markdown.render"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdownx/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 600
MARKDOWNX_EDITOR_RESIZABLE = False

# Size limit of one websocket message from a client, in bytes.
WS_MAX_MESSAGE_BYTES = 4096
# Messages one person's websockets in one meeting may send, per process: a burst, then a
# steady rate (a token bucket the person's sockets share, so reconnecting gains nothing). An
# honest phone sends one message per vote, a supporter one per person they vote with,
# and a phone back online resends its queue: well under 20 at once or 5 a second.
WS_RATE_BURST = int(os.environ.get("WS_RATE_BURST", "20"))
WS_RATE_PER_SECOND = float(os.environ.get("WS_RATE_PER_SECOND", "5"))
# Messages refused as too fast, with no quiet pause between, before the socket closes.
WS_RATE_CLOSE_AFTER = int(os.environ.get("WS_RATE_CLOSE_AFTER", "50"))
# Open sockets one person may hold in one meeting, per daphne process; the oldest closes.
WS_MAX_SOCKETS_PER_PERSON = int(os.environ.get("WS_MAX_SOCKETS_PER_PERSON", "5"))
# New sockets one person may open in one meeting, per process: a burst, then a steady
# rate. A phone reconnects with a back-off of 1 to 30 s, far below this.
WS_CONNECT_BURST = int(os.environ.get("WS_CONNECT_BURST", "20"))
WS_CONNECT_PER_SECOND = float(os.environ.get("WS_CONNECT_PER_SECOND", "0.5"))
# How often the coalescer may send tallies: seconds between sends.
TALLY_INTERVAL_CONSOLE = 0.2
TALLY_INTERVAL_PHONE = 1.0
# Seconds the part of a phone's page that every phone of a meeting shares is kept
# (deliberation/selectors/meetings.py, phone_snapshot); 0 builds it for every page.
PHONE_SNAPSHOT_SECONDS = float(os.environ.get("PHONE_SNAPSHOT_SECONDS", "1"))
# Seconds between heartbeats carrying the meeting's version to every screen, so a screen
# that missed a broadcast (Redis restarting) catches up by itself.
HEARTBEAT_SECONDS = float(os.environ.get("HEARTBEAT_SECONDS", "5"))

# Secret tokens in paths (personal, projector and unsubscribe links) are redacted from
# every log line (coprod/logredact.py). Django's own "django" handlers (console in DEBUG,
# mail to ADMINS) are taken away: its request log reaches ours, through the filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "coprod.logredact.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # WeasyPrint and fontTools narrate every PDF step by step at INFO and DEBUG.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
