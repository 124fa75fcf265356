"""SkillsFund settings: one file, driven by environment variables (see .env.example).

Defaults are safe: DEBUG is off unless DJANGO_DEBUG says otherwise, and with DEBUG off the app refuses to
start without DJANGO_SECRET_KEY. With no DATABASE_URL the app runs on a SQLite file under var/.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env file is a convenience for development; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value (see .env.example), "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SKILLSFUND_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "accounts.apps.SkillsFundAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "programs",
    "employers",
    "grants",
    "reporting",
]
# The demo data (`make demo`, the tests): on by default only with DJANGO_DEBUG, never in production.
DEMO_APP = env.bool("SKILLSFUND_DEMO_APP", default=DEBUG)
if DEMO_APP:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before the session: a NUL in a cookie, header, address, query or form never reaches the database.
    "core.middleware.RefuseMalformedRequestsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.LoginRequiredByDefaultMiddleware",
    # Axes last, so it sees the outcome of authentication in the views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "reporting.context_processors.navigation",
            ],
        },
    },
]
# Every form renders through our accessible templates (labels, hints, linked errors, error summary).
FORM_RENDERER = "core.forms.AccessibleFormRenderer"

# Database: SQLite file by default, PostgreSQL in production via DATABASE_URL=postgres://...
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation costs ~170 ms on each report aggregate and saves nothing on these short queries
        # (benchmarks/README.md); a DATABASE_URL "options" parameter still wins.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
        # Server-side binding: psycopg sends each query and its parameters apart, so PostgreSQL parses
        # and plans a repeated query once per connection (psycopg prepares it from its fifth use) and
        # Python no longer quotes every value into the SQL text: a few per cent more requests per second
        # under load (docs/quality.md). Turn it off behind a pooler that cannot keep prepared statements
        # (PgBouncer in transaction mode before 1.21): DATABASE_SERVER_SIDE_BINDING=false.
        DATABASES["default"]["OPTIONS"].setdefault(
            "server_side_binding", env.bool("DATABASE_SERVER_SIDE_BINDING", default=True)
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
EMAIL_VERIFICATION_MAX_AGE = timedelta(days=3)

# Throttling and lock-out of repeated failed sign-ins (django-axes).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_CALLABLE = "accounts.auth.axes_username"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1", "new_password2"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = env.str("SKILLSFUND_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private uploads live outside the static tree and are never served from a public URL.
MEDIA_ROOT = Path(env.str("SKILLSFUND_MEDIA_ROOT", default=str(VAR_DIR / "uploads")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
UPLOAD_MAX_BYTES = env.int("SKILLSFUND_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# Pledges: flag "in name only" when verified hires without a degree are below this share of verified
# hires (after roles were converted and two quarters verified). See employers/selectors.py.
EMPLOYER_IN_NAME_ONLY_SHARE = env.float("EMPLOYER_IN_NAME_ONLY_SHARE", default=0.10)
if not 0 <= EMPLOYER_IN_NAME_ONLY_SHARE <= 1:
    raise ImproperlyConfigured("EMPLOYER_IN_NAME_ONLY_SHARE must be a share between 0 and 1, like 0.10.")

# Reporting: counts from 1 to this number minus one are suppressed in every published figure (pages, PDFs,
# CSVs, API), with complementary suppression; see core/suppression.py.
REPORTING_SUPPRESSION_THRESHOLD = env.int("REPORTING_SUPPRESSION_THRESHOLD", default=10)
if REPORTING_SUPPRESSION_THRESHOLD < 1:
    raise ImproperlyConfigured("REPORTING_SUPPRESSION_THRESHOLD must be a whole number, 1 or more, e.g. 10.")

# Exports: a job queued or running longer than this many minutes is shown as stopped (its worker died) and
# can be started again. Open data: the funder's identifier in the 360Giving export (an org-id.guide id).
EXPORT_STALE_MINUTES = env.int("EXPORT_STALE_MINUTES", default=30)
OPEN_DATA_FUNDER_ID = env.str("OPEN_DATA_FUNDER_ID", default="")

# Report summaries (reporting.summaries): dashboards of a system with at least REPORTING_SUMMARIES_FROM
# submitted applications read pre-aggregated tables built by `refresh_report_summaries` (schedule it every
# 15 minutes), as long as the last build is at most REPORTING_SUMMARY_MAX_AGE_MINUTES old; otherwise live.
REPORTING_SUMMARIES_FROM = env.int("REPORTING_SUMMARIES_FROM", default=50_000)
REPORTING_SUMMARY_MAX_AGE_MINUTES = env.int("REPORTING_SUMMARY_MAX_AGE_MINUTES", default=60)
if REPORTING_SUMMARIES_FROM < 0 or REPORTING_SUMMARY_MAX_AGE_MINUTES < 1:
    raise ImproperlyConfigured(
        "REPORTING_SUMMARIES_FROM must be 0 or more and REPORTING_SUMMARY_MAX_AGE_MINUTES 1 or more."
    )

# Mail: console in development, SMTP when EMAIL_URL says so.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SkillsFund <no-reply@skillsfund.example.gov>")

# Background work: Django Tasks API, database backend; `manage.py db_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header.
        "accounts.auth.TokenAuthentication",  # DRF's, with the user's roles in the same query
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    # JSON only, as the schema says (people read the API at /api/docs/; no browsable HTML variant).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Bodies are JSON (form encoding cannot tell a list, a number or null from text), read by DRF's JSON
    # parser refusing control characters (NUL...) with a 400 naming the field. Uploads name their own
    # multipart parser (core.parsers.MultiPartParser).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "20/minute"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SkillsFund API",
    "DESCRIPTION": "Programs, credentials, grant applications, employers and reports of SkillsFund.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"RoleEnum": "accounts.roles.Role.choices"},
    # The schema made exact: every status DRF can answer, closed request bodies (core.schema).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.exact_schema"],
}

# Security headers. Production values pass `manage.py check --deploy --fail-level WARNING`.
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 8)
# Sessions stay in the database (one indexed read per page; the API uses tokens and no session). Signed
# cookies cannot be revoked at sign-out; cached_db with a per-process memory cache would let another
# worker honour a session after its sign-out. Measured in docs/quality.md: not where the time goes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto, set DJANGO_SECURE_PROXY_SSL_HEADER=true.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False

# Content-Security-Policy: our own origin only, no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "skillsfund.security": {"level": "INFO"},
        "axes": {"level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
