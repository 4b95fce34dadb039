"""Quizbuilder settings: one module, read from the environment.

Safe by default: without DJANGO_DEBUG the site runs as in production and needs a
DJANGO_SECRET_KEY. `make run`, `make messages` and the tests turn debug on (Makefile,
pyproject.toml's pytest env); production sets the variables listed in README.md.
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from pathlib import Path

import environ
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# A deployment that forgets DJANGO_DEBUG must not show tracebacks and settings to the world.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    # The "django-insecure-" prefix makes `check --deploy` flag this key if it ever ships.
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY",
        default="django-insecure-dev-only-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
    )
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
    if not SECRET_KEY:
        # Refuse to start, in one sentence an operator can act on rather than a traceback.
        sys.exit(
            "Quizbuilder: DJANGO_SECRET_KEY is not set. In production set it to a long random "
            "value (python -c 'import secrets; print(secrets.token_urlsafe(64))'); for "
            "development set DJANGO_DEBUG=true (make run does), which uses a development key."
        )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="Quizbuilder")
# The mark beside the site's name in the header: an absolute URL, or a path under static/
# (default: the site's icon). Its host must be allowed by CSP_IMG_SRC when it is elsewhere.
SITE_LOGO_URL = env("SITE_LOGO_URL", default="favicon.svg")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# Under /api/ a CSRF refusal answers JSON like every other API error (core.api).
CSRF_FAILURE_VIEW = "core.api.error_csrf"

DATA_DIR = Path(env("DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "nested_admin",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_htmx",
    # django-ninja: the JSON API; here for its Swagger UI template and static files (/api/docs/).
    "ninja",
    "accounts",
    "core",
    "quizzes",
    "sharing",
    "integrations",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "core.visitors.VisitorMiddleware",
    "quizzes.taking.ratelimit.RetryAfterMiddleware",  # every 429 carries Retry-After
]

ROOT_URLCONF = "quizbuilder.urls"
WSGI_APPLICATION = "quizbuilder.wsgi.application"
ASGI_APPLICATION = "quizbuilder.asgi.application"

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
                "quizzes.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'quizbuilder.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker write at the same time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so that a real worker process in the tests sees the test data.
    # One file per test run, so that two runs at once never share (and corrupt) a database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every query here is a short one (benchmarks/stats_scale.py): no JIT, which compiles a
    # query whose estimate looks costly (the stats' grouped queries over a day's rows) for
    # ~100 ms where it runs in 10, and no parallel workers, which take longer to start than
    # such a query takes and compete with the other requests for the same cores.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options",
        env("DATABASE_PG_OPTIONS", default="-c jit=off -c max_parallel_workers_per_gather=0"),
    )
# Persistent connections: reopening (and re-running the PRAGMAs above) on every request costs
# more than a cached page takes to serve.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, checking a connection's health only after it sat idle (quizbuilder/postgres).
    DATABASES["default"]["ENGINE"] = "quizbuilder.postgres"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Seconds a cache call waits to connect to Redis, or for its answer, before it counts as a miss
# (quizbuilder/cache.py): a Redis that is down or unreachable costs a page at most this much.
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "quizbuilder.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="qb"),
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
else:
    # Django's LocMemCache, with the in-process copies the Redis cache keeps (quizbuilder/cache.py).
    CACHES = {"default": {"BACKEND": "quizbuilder.cache.LocalMemoryCache"}}

# Celery: Redis when configured; otherwise kombu's filesystem transport in DATA_DIR, which needs
# no server yet is consumed by a real worker process (tasks never run eagerly by default).
BROKER_DIR = DATA_DIR / "broker"
# No task runs longer than this: the longest, a card render, takes well under a second, so a
# stuck one (a hung storage call) is stopped, marked failed and retried later. The soft limit
# raises inside the task first so it can fail cleanly; the hard one kills the pool process.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 10)
# Redis hands an unacknowledged message (acks_late) to another worker only after the
# visibility timeout, so a SIGKILLed worker's card waits that long. It must outlast the longest
# task plus its longest retry countdown (sharing.tasks RETRY: 60 s), or a slow task would run
# twice: the task time limit + 60 s + 120 s of margin (300 s by default, not kombu's hour).
BROKER_VISIBILITY_TIMEOUT = CELERY_TASK_TIME_LIMIT + 60 + 120
if REDIS_URL:
    # quizbuilder/redisbroker.py: kombu's Redis transport with the fix that keeps a worker
    # alive when Redis goes away with a task in flight (rediss:// keeps kombu's own).
    CELERY_BROKER_URL = re.sub(r"^redis://", "qbredis://", REDIS_URL)
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        # Workers look for messages past that timeout every 10 s (kombu's default scans only
        # every 10th time, 100 s); one ZRANGE on an index each time.
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
else:
    for sub in ("in", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    # quizbuilder/fsbroker.py: kombu's filesystem transport with atomic message files.
    CELERY_BROKER_URL = "qbfs://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcast (pidbox) exchanges: kombu's default is ./control in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The filesystem transport polls its folder; 1 s by default, 50 ms keeps a card's
        # latency after the response POST low for an idle worker (an idle poll is a listdir).
        "polling_interval": 0.05,
    }
    CELERY_RESULT_BACKEND = None
# Extra kombu transport options as JSON (tests shorten Redis' visibility_timeout with it).
CELERY_BROKER_TRANSPORT_OPTIONS.update(env.json("CELERY_TRANSPORT_OPTIONS", default={}))
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fixup closes the database connection before and after every task unless this
# is set: a new connection per card (on PostgreSQL a new server process, a third of a card's
# time). Kept for this many tasks (closed after twice as many), and tidied after each task as
# after a request (quizbuilder/celery.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=500)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses its broker reconnects for as long as it takes (Celery's default gives up
# after 100 tries, about an hour, and the worker exits): cards wait, then catch up.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = "UTC"
# Webhook deliveries have a queue of their own: a backlog of slow receivers (each may hold a
# worker up to 10 s) never delays card rendering on the default queue. A
# worker started without --queues consumes both (task_queues); a busy site may run one per
# queue. CELERY_WEBHOOKS_QUEUE renames it (tests give their workers queues of their own).
CELERY_TASK_DEFAULT_QUEUE = "celery"
WEBHOOKS_QUEUE = env("CELERY_WEBHOOKS_QUEUE", default="webhooks")
CELERY_TASK_QUEUES = [Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(WEBHOOKS_QUEUE)]
CELERY_TASK_ROUTES = {"webhooks.tasks.*": {"queue": WEBHOOKS_QUEUE}}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# A card that failed (a storage outage) is drawn again by the periodic card job (every 10
# minutes) 1 min, 5 min, 30 min, 2 h, then every 12 h after a failed run
# (sharing.cards.jobs.CARD_RETRY_BACKOFF); after this many failed runs it stays failed, with its
# error shown to editors.
CARD_RETRY_MAX_ATTEMPTS = env.int("CARD_RETRY_MAX_ATTEMPTS", default=5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS L2 (2.1.1): at least 12 characters, and none of the 20,000 common passwords.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
SITE_ID = 1
LOGIN_REDIRECT_URL = "quizzes:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_OPEN = env.bool("ACCOUNT_SIGNUP_OPEN", default=False)
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP), security keys and
# passkeys (WebAuthn), and recovery codes. accounts/middleware.py sends staff without an
# authenticator from /admin/ to the set-up page (and editors from the studio, when
# MFA_REQUIRED_FOR_EDITORS is set).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# Browsers offer WebAuthn only to https pages and to http://localhost / 127.0.0.1, which is
# what `make run` serves; allauth refuses plain http unless told, so it is told only in debug.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = SITE_NAME
# One 30 s step either side: phones' clocks drift (RFC 6238, section 5.2); a used code is
# refused for the rest of its window all the same.
MFA_TOTP_TOLERANCE = 1
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
MFA_REQUIRED_FOR_EDITORS = env.bool("MFA_REQUIRED_FOR_EDITORS", default=False)
# Editors' API tokens expire (accounts/tokens.py): after this many days unless the editor
# chooses otherwise when making one, and never later than the maximum.
API_TOKEN_DAYS_DEFAULT = env.int("API_TOKEN_DAYS_DEFAULT", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
# A logged-in session ends after this many seconds without a request (accounts/middleware.py).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 60 * 60)
# Database sessions that ignore a cookie which cannot be a session key (a NUL in it was a 500
# on PostgreSQL).
SESSION_ENGINE = "accounts.sessions"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Quizbuilder <noreply@localhost>")
if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if AWS_STORAGE_BUCKET_NAME:
    # S3-compatible media (AWS, R2, MinIO...): card images get a year-long cache header there.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

# Upload and request limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5_000_000)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=20_000_000)
API_MAX_BODY_BYTES = 65536
# Webhooks (webhooks/, spec/integrations.md): the first retry waits this long, each later one
# twice the one before (at most an hour); the delivery log is kept WEBHOOK_LOG_DAYS days.
# Private, loopback and link-local receivers are refused unless WEBHOOK_ALLOW_PRIVATE_HOSTS
# (a receiver on this machine, in development and tests).
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=10.0)
WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)
WEBHOOK_LOG_DAYS = env.int("WEBHOOK_LOG_DAYS", default=30)

# Visitors, privacy and abuse limits (core/visitors.py, quizzes/taking/ratelimit.py).
VISITOR_COOKIE_NAME = "qb_visitor"
VISITOR_COOKIE_MAX_AGE = 60 * 60 * 24 * 365
RESULT_RETENTION_DAYS_DEFAULT = env.int("RESULT_RETENTION_DAYS_DEFAULT", default=30)
# The most days a quiz version may keep raw answers: import and the admin refuse more, and a
# stored value above it (a legacy row, a lowered maximum) is clamped to it when used.
RESULT_RETENTION_DAYS_MAX = env.int("RESULT_RETENTION_DAYS_MAX", default=365)
# Raw stats events (views, answers, clicks, previews) are deleted after this many days, once
# their day is rolled up (sharing/stats/purge.py); never fewer than the visitor cookie lives.
STATS_RAW_RETENTION_DAYS = env.int("STATS_RAW_RETENTION_DAYS", default=400)
RATELIMIT_SUBMISSIONS_PER_VISITOR = env("RATELIMIT_SUBMISSIONS_PER_VISITOR", default="30/h")
RATELIMIT_SUBMISSIONS_PER_IP = env("RATELIMIT_SUBMISSIONS_PER_IP", default="120/h")
# Views, starts (a take's first answer) and share-page clicks are limited too, so that one address
# cannot flood the stats (issue 9, finding 6); the per-IP figures leave room for a few people
# behind one NAT. A share page past its limit is still shown, only not counted.
RATELIMIT_VIEWS_PER_IP = env("RATELIMIT_VIEWS_PER_IP", default="300/h")
RATELIMIT_STARTS_PER_VISITOR = env("RATELIMIT_STARTS_PER_VISITOR", default="30/h")
RATELIMIT_STARTS_PER_IP = env("RATELIMIT_STARTS_PER_IP", default="120/h")
RATELIMIT_CLICKS_PER_VISITOR = env("RATELIMIT_CLICKS_PER_VISITOR", default="60/h")
RATELIMIT_CLICKS_PER_IP = env("RATELIMIT_CLICKS_PER_IP", default="120/h")
RATELIMIT_ENABLED = env.bool("RATELIMIT_ENABLED", default=True)

# --- Trusted proxies (core/visitors.py client_address) ---------------------------------
# X-Forwarded-For is believed only through these: TRUSTED_PROXY_COUNT proxies in front of the
# app (1 behind the README's nginx), and/or TRUSTED_PROXIES, the addresses or CIDRs they
# connect from. Parsed here so that a typo stops the start, not every request.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(p, strict=False)) for p in env.list("TRUSTED_PROXIES", default=[])
]
# allauth asks the account adapter (accounts/adapters.py), which asks client_address; its own
# setting is kept equal for any allauth code that reads it directly.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
API_ALLOWED_ORIGINS = env.list("API_ALLOWED_ORIGINS", default=[])
DEMO_EDITOR_EMAIL = "editor@example.com"

# Security headers; `check --deploy` is clean when DJANGO_DEBUG=false.
# No page may be framed (X-Frame-Options and CSP frame-ancestors), except a view built to be
# embedded, which says so with both decorators:
#     from csp.decorators import csp_replace
#     from django.views.decorators.clickjacking import xframe_options_exempt
#
#     @xframe_options_exempt
#     @csp_replace({"frame-ancestors": ["https:"]})
#     def quiz_embed(request, slug): ...
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Our own cookies (the visitor id, the share code that brought a friend) and the language
# cookie follow the session cookie: HTTPS-only in production (`make run` serves plain HTTP;
# there they are Secure when the request is), never sent on cross-site subrequests, and out
# of reach of scripts, none of which reads them (the language switch is a form).
VISITOR_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# Browser features no page uses are off for the site and anything it might embed; kept: the
# Copy buttons (clipboard-write), the phone's share sheet (web-share) and passkeys/security
# keys for two-factor sign-in (publickey-credentials-*), all for this origin only. Only names
# Chromium knows everywhere: it warns in the console about others (web-share is unknown on
# desktop Linux, but phones share through it).
PERMISSIONS_POLICY: dict[str, list[str] | str] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "gamepad": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "local-fonts": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
    "clipboard-write": "self",
    "web-share": "self",
    "publickey-credentials-create": "self",
    "publickey-credentials-get": "self",
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *env.list("CSP_IMG_SRC", default=[])],
        "script-src": [SELF],
        "style-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https:"],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
