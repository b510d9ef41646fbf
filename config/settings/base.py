"""Settings shared by every environment; everything deploy-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
# Earlier keys, newest first, still accepted for sessions and signed links while a new SECRET_KEY rolls out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Other origins (scheme and host) whose forms may post here; the site's own origin needs no entry.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "declarations",
    "workflow",
    "api",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.navigation.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL selects the database (postgres://... in production and CI); SQLite when unset.
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL so concurrent writers queue instead of failing "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and object permissions ----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Django's username and password check, refused while the username or the client address is locked out
    # after too many failures (workflow.accounts); first, so that force_login and the sessions use it.
    "workflow.accounts.ThrottledModelBackend",
    # Review scope of declarations (ЭБАТ organisation subtrees, per-filing agency grants): the policy module.
    "workflow.policies.ReviewScopeBackend",
    # Other per-object grants (guardian's direct foreign-key tables).
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; the public gets nothing from guardian.
GUARDIAN_RAISE_403 = False
# Wherever a password is chosen (the invitation page, the admin): not like the user's name or e-mail, at least
# 8 characters, not one of the 20,000 most common, not only digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

# --- Cookies and browser protections (every environment; production adds HTTPS-only cookies and HSTS) ---------
SESSION_COOKIE_HTTPONLY = True  # page scripts never read the session cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"  # with the CSP's frame-ancestors 'none': no page is framed, anywhere
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # addresses (with ids in them) are not sent to other sites
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Sign-in protection (workflow.accounts) ------------------------------------------------------------
# After LOGIN_FAILURE_LIMIT failed sign-ins for one username within LOGIN_FAILURE_WINDOW_MINUTES, or
# LOGIN_FAILURE_LIMIT_PER_IP from one client address (offices share an address, hence a larger number),
# every sign-in for that username or from that address is refused for LOGIN_LOCKOUT_MINUTES, even with the
# right password. It covers every form and endpoint that checks a password: the sign-in page, the admin's,
# and the API's token endpoint. A successful sign-in clears the username's failures.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_IP = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_IP", "50"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
if min(LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_LIMIT_PER_IP, LOGIN_FAILURE_WINDOW_MINUTES, LOGIN_LOCKOUT_MINUTES) < 1:
    raise ImproperlyConfigured("The LOGIN_FAILURE_* and LOGIN_LOCKOUT_MINUTES settings must be positive whole numbers.")
# How many reverse proxies (each appending to X-Forwarded-For) stand between the clients and the app. With 0
# the client address is the connection's; behind one proxy, set 1, or every client shares the proxy's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "mn"
LANGUAGES = [("mn", _("Mongolian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ulaanbaatar"

# --- Content Security Policy (django-csp; config.csp relaxes it for the API documentation pages only) -------
# Every page loads its scripts and style sheets from the site itself: no inline script or style, no other
# origin, never framed. On in every environment, so that a page breaking it shows during development.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

# --- E-mail -----------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@declarations.local")
# The address people reach the site at; links in e-mails (invitations) are built from it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# How long an invitation link stays valid (Django's password-reset token), in seconds: 14 days.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("INVITATION_TIMEOUT", str(14 * 24 * 3600)))

# --- Filing obligations (DESIGN §6) ---------------------------------------------------------------------
# The rules that create filing obligations, as data: ``workflow.obligations`` reads this table and never
# branches on the kind. A rule gives the due date either as an offset (``days_after_event``: that many days
# after the event the obligation follows) or as a fixed date (``due_month`` and ``due_day`` of the year
# ``years_after_period`` after the obligation's period; 29 February falls back to the month's last day).
# Whatever the rule, the deadline ends at 24:00 Asia/Ulaanbaatar on the due date. A kind left out of
# OBLIGATION_KINDS is off: no obligation of that kind is created (existing ones stay as they are).


def month_day(value: str, *, name: str) -> tuple[int, int]:
    """A calendar day of the year given as ``MM-DD`` (e.g. ``02-15``)."""
    month, _sep, day = value.strip().partition("-")
    if not (month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        raise ValueError(f"{name} must be a day of the year as MM-DD, not {value!r}.")
    return int(month), int(day)


OBLIGATION_KINDS = env_list("OBLIGATION_KINDS", ["appointment", "annual", "significant_change", "preliminary"])
_annual_due = month_day(os.environ.get("OBLIGATION_ANNUAL_DUE", "02-15"), name="OBLIGATION_ANNUAL_DUE")
OBLIGATION_RULES = {
    # On appointment: within 30 days of the appointment date, the position's start date
    # (Anti-Corruption Law art. 10.3; Conflict of Interest Law art. 23.3).
    "appointment": {
        "enabled": "appointment" in OBLIGATION_KINDS,
        "days_after_event": int(os.environ.get("OBLIGATION_APPOINTMENT_DAYS", "30")),
    },
    # Annual: by 15 February of the year after the declared year (the period), for every position that
    # requires a declaration and is held on 31 December of the declared year (``held_on_*``): an official
    # appointed during the year files for it, one whose position ended before its last day does not (same
    # articles: Anti-Corruption Law art. 10.3; Conflict of Interest Law art. 23.3).
    "annual": {
        "enabled": "annual" in OBLIGATION_KINDS,
        "due_month": _annual_due[0],
        "due_day": _annual_due[1],
        "years_after_period": 1,
        "held_on_month": 12,
        "held_on_day": 31,
    },
    # Significant change in assets or income: 30 days after the change date given in the report. No statute
    # fixes this deadline: it is organisation practice, hence configurable (DESIGN §6).
    "significant_change": {
        "enabled": "significant_change" in OBLIGATION_KINDS,
        "days_after_event": int(os.environ.get("OBLIGATION_SIGNIFICANT_CHANGE_DAYS", "30")),
    },
    # Preliminary declaration (ХАСУМ): before the appointment is recorded (Conflict of Interest Law; the
    # appointment itself waits for the agency's conclusion). The days after the nomination are practice,
    # leaving the agency time to conclude.
    "preliminary": {
        "enabled": "preliminary" in OBLIGATION_KINDS,
        "days_after_event": int(os.environ.get("OBLIGATION_PRELIMINARY_DAYS", "7")),
    },
}

# --- API ----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's parsers, refusing bodies nested too deeply or holding NUL or lone surrogates (a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser", "api.parsers.FormParser", "api.parsers.MultiPartParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Conflict-of-interest declarations API",
    "DESCRIPTION": "Declarations of interests, assets and income (ХАСХОМ): filing, review and publication.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DeclarationStateEnum": "declarations.models.filings.DeclarationState",
        "DeclarationKindEnum": "declarations.models.filings.DeclarationKind",
        "NoticeStateEnum": "declarations.models.notices.NoticeState",
        "RedFlagKindEnum": "declarations.models.notices.RedFlagKind",
        "TenderStateEnum": "declarations.models.tenders.TenderState",
        "MemberKindEnum": "declarations.models.tenders.MemberKind",
        "NominationStateEnum": "declarations.models.nominations.NominationState",
        "ConclusionFindingEnum": "declarations.models.nominations.ConclusionFinding",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Reminders and background work (workflow.reminders, workflow.tasks, config.celery) -----------------
# Reminders go out this many days before a filing's due date, and again on the day itself.
try:
    REMINDER_DAYS_BEFORE = tuple(sorted({int(days) for days in env_list("REMINDER_DAYS_BEFORE", ["14", "3"])}))
except ValueError:
    raise ImproperlyConfigured("REMINDER_DAYS_BEFORE must be whole numbers of days, comma-separated.") from None
if any(days < 1 for days in REMINDER_DAYS_BEFORE):
    raise ImproperlyConfigured("REMINDER_DAYS_BEFORE must be positive: the reminder on the day is always sent.")
# The local hour (Asia/Ulaanbaatar) at which beat starts the daily jobs.
DAILY_JOBS_HOUR = int(os.environ.get("DAILY_JOBS_HOUR", "7"))
if not 0 <= DAILY_JOBS_HOUR <= 23:
    raise ImproperlyConfigured("DAILY_JOBS_HOUR must be an hour from 0 to 23.")
# Redis is the broker in production. Without it (the embedded default) tasks run in-process when called,
# so `make run` needs no broker; the daily jobs then run from `manage.py run_daily_jobs` (cron).
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache holds the sign-in failure counters: with Redis every app server counts the same failures; without
# it (the embedded default, one process) the process's memory does.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "coi"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "coi"}
    )
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it ends, so one a dying worker held is delivered again; the daily jobs are
# idempotent, so running one twice costs nothing but time.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    # Overdue first, so the list the authorised officials get counts the obligations that ended yesterday.
    "mark-overdue-and-notify": {
        "task": "workflow.tasks.mark_overdue_and_notify",
        "schedule": crontab(hour=DAILY_JOBS_HOUR, minute=0),
    },
    "send-reminders": {"task": "workflow.tasks.send_reminders", "schedule": crontab(hour=DAILY_JOBS_HOUR, minute=5)},
}
