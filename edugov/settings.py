"""One settings module, read from the environment (see .env.example).

Defaults give the embedded setup a newcomer gets: SQLite, no Redis, Celery tasks run eagerly.
"""
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from edugov import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.boolean("DEBUG", default=False)
SECRET_KEY = env.secret_key("SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = env.csv("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.csv("CSRF_TRUSTED_ORIGINS", default=[])

# Transport and browser security. With DEBUG off every default is the production one (HTTPS only); a
# deployment turns a setting off explicitly, never on by remembering to. See README "Security".
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.boolean("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.boolean("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", default=12 * 3600)  # one working day, not Django's 2 weeks
SECURE_REFERRER_POLICY = env.string("SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = env.string("SECURE_CROSS_ORIGIN_OPENER_POLICY", default="same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = env.string("X_FRAME_OPTIONS", default="DENY")
# Opt-in: only behind a proxy that always sets (overwrites) X-Forwarded-Proto; trusted blindly otherwise,
# any client could claim HTTPS.
if env.boolean("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Scripts only from our own static files (no inline script, no eval). Plotly inserts <style> elements,
# hence 'unsafe-inline' for styles only; its PNG download needs data:/blob: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"] if X_FRAME_OPTIONS == "SAMEORIGIN" else ["'none'"],  # agree with X-Frame-Options
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "edugov",
    "plans",
    "indicators",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "edugov.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "edugov.accounts.MustChangePasswordMiddleware",
    # Last, as django-axes requires: it turns a lock-out noticed during the view into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "edugov.urls"
WSGI_APPLICATION = "edugov.wsgi.application"

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
                "edugov.context_processors.role",
                "edugov.context_processors.notices",
                "plans.context.plan_switcher",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.string("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.integer("DB_CONN_MAX_AGE", default=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.integer("PASSWORD_MIN_LENGTH", default=10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes counts failed log-ins (log-in page, /admin/login/, /api/token/) and must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# One account from one address is locked after N failures for a fixed cool-off. Not by address alone:
# a school or the bureau often sits behind one NAT address, and one typist must not lock out the rest.
AXES_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lock-out; trying again meanwhile neither counts nor extends it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "edugov.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "edugov.lockout.client_ip"
AXES_VERBOSE = False  # no banner on every manage.py command
# Behind nginx every request comes from the proxy: count the proxies that append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", default=0)
# An API token older than this is refused (401); /api/token/ then hands out a new one.
TOKEN_TTL_HOURS = env.integer("TOKEN_TTL_HOURS", default=24)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Serve straight from static/ too, so gunicorn works without collectstatic on an intranet box.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Evidence files and Excel uploads: limits that the forms and the API enforce.
EVIDENCE_MAX_BYTES = env.integer("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
EXCEL_MAX_BYTES = env.integer("EXCEL_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

EMAIL_BACKEND = env.string("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", default="edugov@localhost")

REST_FRAMEWORK = {
    # Token first: DRF answers a missing or expired credential with the first class's challenge, so
    # 401 + "WWW-Authenticate: Token" (session auth has no challenge and would make it a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "edugov.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "edugov.schema.ErrorAutoSchema",  # declares the 4xx answers too
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.string("API_THROTTLE_ANON", default="30/minute"),
        "user": env.string("API_THROTTLE_USER", default="300/minute"),
        # /api/token/ takes a password: per address, stricter than anything else
        "token": env.string("API_THROTTLE_TOKEN", default="10/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "edugov API",
    "DESCRIPTION": "教育现代化实施方案跟踪系统 API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"ItemStatusEnum": "plans.models.ItemStatus"},
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# Celery: without REDIS_URL, tasks run eagerly in-process (the embedded default).
REDIS_URL = env.string("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# An unacknowledged message (its worker's main process died) comes back after this, not Redis' default hour;
# it must exceed the longest countdown (ROLLUP_DEBOUNCE_SECONDS). Tasks are idempotent, so a second
# delivery of a slow task only repeats work.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.integer("CELERY_VISIBILITY_TIMEOUT", default=900)}
# Every periodic schedule lives here.
CELERY_BEAT_SCHEDULE = {
    "nightly-rollup": {
        "task": "indicators.tasks.rollup_all",
        "schedule": crontab(hour=2, minute=0),
    },
    "rollup-sweep": {  # runs whose message was lost (broker down) or whose worker died
        "task": "indicators.tasks.rollup_sweep",
        "schedule": 60.0,
    },
    "daily-submission-reminders": {
        "task": "indicators.tasks.send_submission_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "daily-overdue-item-notices": {
        "task": "edugov.tasks.notify_overdue_items",
        "schedule": crontab(hour=8, minute=40),
    },
}
# Several approvals within this window cause one rollup, not many.
ROLLUP_DEBOUNCE_SECONDS = env.integer("ROLLUP_DEBOUNCE_SECONDS", default=60)
# A scheduled run this long past its window was never queued; a running run this long has lost its worker.
ROLLUP_STALE_SECONDS = env.integer("ROLLUP_STALE_SECONDS", default=120)
ROLLUP_RUNNING_TIMEOUT_SECONDS = env.integer("ROLLUP_RUNNING_TIMEOUT_SECONDS", default=1800)
# Rendered dashboards are cached per data version (reports/cache.py); 0 turns that off.
DASHBOARD_CACHE_SECONDS = env.integer("DASHBOARD_CACHE_SECONDS", default=60)
REMINDER_DAYS_BEFORE = env.integer("REMINDER_DAYS_BEFORE", default=3)
# 义务教育优质均衡 standards (indicators/balance.py): a province's stricter file; empty: the national one.
YOUZHI_STANDARDS_FILE = env.string("YOUZHI_STANDARDS_FILE", default="")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", default="INFO")},
}

SITE_NAME = _("教育现代化实施方案跟踪")

# Hostile files (README "Security"). An .xlsx is a zip: what it may unpack to, in total, and how much
# better than a real spreadsheet (10–15×) a large member may compress before it is taken for a zip bomb.
EXCEL_MAX_UNCOMPRESSED_BYTES = env.integer("EXCEL_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
EXCEL_MAX_COMPRESSION_RATIO = env.integer("EXCEL_MAX_COMPRESSION_RATIO", default=100)
# An upload previewed but never confirmed is deleted after this many hours (clean_excel_uploads).
EXCEL_UPLOAD_MAX_AGE_HOURS = env.integer("EXCEL_UPLOAD_MAX_AGE_HOURS", default=24)
# Appended here rather than in the dict above, which another change was editing; still the one settings module.
CELERY_BEAT_SCHEDULE["clean-excel-uploads"] = {
    "task": "indicators.tasks.clean_excel_uploads",
    "schedule": crontab(minute=15),  # hourly: an abandoned upload lives at most an hour past its age limit
}
