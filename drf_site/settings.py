"""Settings for the Digital Resilience Framework site.

One file, configured by environment variables. The defaults suit a laptop: DEBUG on, SQLite,
console email. Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and
a real EMAIL_BACKEND (README.md, "Production deployment", lists every variable).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


def envbool(name: str, default: str) -> bool:
    """A yes/no setting. Anything but a known word stops start-up: a typo such as
    SECURE_COOKIES=ture must not quietly turn a protection off."""
    value = os.environ.get(name, default).strip().lower()
    if value not in TRUE_WORDS + FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name}={os.environ.get(name)!r} is not a yes/no value. "
            f"Use one of {', '.join(TRUE_WORDS)} or {', '.join(w for w in FALSE_WORDS if w)}."
        )
    return value in TRUE_WORDS


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "1")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# Our page, in the site's layout, which also keeps what a section form carried.
CSRF_FAILURE_VIEW = "drf_site.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "axes",
    "django_tasks_db",
    "framework",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Outside the session and auth layers, so they see the final status of every page but the
    # static files, and reading request.user there changes no header.
    "drf_site.middleware.RequestLogMiddleware",
    "drf_site.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into our lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "drf_site.urls"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "drf_site.wsgi.application"

# Connections are kept for DATABASE_CONN_MAX_AGE seconds rather than opened for every request
# (on PostgreSQL that nearly doubles throughput), and checked before each request reuses one, so
# the app recovers by itself once a restarted database is back.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "600"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people saving at once: each write transaction takes the write lock when it begins
    # (IMMEDIATE) and waits up to 20 s for it, instead of failing with "database is locked" when
    # a read lock is upgraded mid-transaction; WAL lets reads carry on during a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After AXES_FAILURE_LIMIT failed logins, the account (from anywhere) and the address (for every
# account) are refused for AXES_COOLOFF_MINUTES. The login form's email address is normalised
# as the form does, so "Owner@X" and "owner@x" count as one account.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "assessments.validators.login_username"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# The client's address, for the lockout and the rate limits (drf_site/client_address.py).
# Directly on the internet it is the connection's own. Behind TRUSTED_PROXY_COUNT reverse proxies,
# each of which appends the address it saw to X-Forwarded-For, it is that header's entry that
# many places from the right: otherwise every client would share the proxy's address (and one
# person's typos would lock out a whole school), while trusting the header without a proxy would
# let anyone choose their address.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
AXES_CLIENT_IP_CALLABLE = "drf_site.client_address.client_address"
# Rate limits (count, per seconds), counted in the database so they hold across app servers.
RATE_LIMITS = {
    "password-reset-address": (envint("RATE_LIMIT_RESET_PER_ADDRESS", "3"), 3600),
    "password-reset-client": (envint("RATE_LIMIT_RESET_PER_CLIENT", "20"), 3600),
    "signup-address": (envint("RATE_LIMIT_SIGNUP_PER_ADDRESS", "3"), 3600),
    "signup-client": (envint("RATE_LIMIT_SIGNUP_PER_CLIENT", "10"), 3600),
    "invitation-organisation": (envint("RATE_LIMIT_INVITES_PER_ORGANISATION", "20"), 3600),
    "invitation-user": (envint("RATE_LIMIT_INVITES_PER_USER", "30"), 3600),
    # A local authority invites all of its schools at once: more than an organisation invites.
    "invitation-group": (envint("RATE_LIMIT_INVITES_PER_GROUP", "100"), 3600),
    "invitation-group-user": (envint("RATE_LIMIT_INVITES_PER_GROUP_USER", "100"), 3600),
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:home"
LOGOUT_REDIRECT_URL = "framework:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Stored PDFs go through the default storage: the disk under MEDIA_ROOT, or with
# STORAGE_BACKEND=s3 an S3-compatible object store shared by every app server (django-storages;
# drf_site/checks.py names any missing variable).
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem").strip().lower()
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Empty: boto3 finds credentials itself (e.g. an instance role).
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": None,
            "file_overwrite": True,
            "querystring_auth": True,
        },
    }
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND={STORAGE_BACKEND!r} is not known. Use filesystem or s3."
    )

# Heavy work (PDF rendering) runs in `manage.py db_worker` (django-tasks-db), off the request
# path; `make run` starts one beside the development server. TASKS_BACKEND=immediate runs tasks
# inline in the request instead, for a set-up without a worker (tests use it).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is not known. Use {' or '.join(TASKS_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}
# A PDF render in the worker runs in a child process with these limits; a render still marked
# running after twice the time limit had its worker die, and the next request for it retries.
PDF_RENDER_TIME_LIMIT = envint("PDF_RENDER_TIME_LIMIT", "120")
PDF_RENDER_MEMORY_LIMIT_MB = envint("PDF_RENDER_MEMORY_LIMIT_MB", "2048")

# Form and widget templates are looked up like any other template, so templates/ can hold its
# own (the walk-through's date input); "django.forms" above provides Django's built-in ones.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Console email by default (invitations and password resets print to the terminal); set
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_* variables for SMTP.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", "587"),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", "1"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Digital Resilience <noreply@localhost>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Read whatever DEBUG is, so a typo stops start-up on a laptop too, not first in production.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "0" if DEBUG else "1")
# HTTPS only, with DEBUG off. Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=1
# so that X-Forwarded-Proto says which requests came over HTTPS: only then, since any client can
# send that header where no proxy overwrites it. /healthz is left on plain HTTP for probes.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if envbool("SECURE_PROXY_SSL_HEADER", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")

# Content-Security-Policy: only this site's own files. No inline style or script anywhere (no
# 'unsafe-inline'); the admin's few inline blocks carry the per-request nonce. Bootstrap draws
# its form controls with data: SVG images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# /healthz reports unhealthy when the oldest task ready to run has waited longer than this
# (seconds): no worker is taking tasks, so PDFs and emails are stuck.
HEALTHZ_MAX_TASK_WAIT = envint("HEALTHZ_MAX_TASK_WAIT", "300")

# Links in invitations and password resets must reach people, not the server log.
DEVELOPMENT_EMAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("console", "locmem", "dummy", "filebased")
}
if not DEBUG and EMAIL_BACKEND_PATH in DEVELOPMENT_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND_PATH} cannot send email, and DJANGO_DEBUG is off: "
        "invitation and password reset links would only be written to the log. Set "
        "EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST (see README.md)."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # WeasyPrint and fontTools are chatty about CSS they ignore; keep the console readable.
    "loggers": {
        # One JSON line per request (drf_site.middleware): on by default with DEBUG off, where
        # runserver's own request lines are not there.
        "drf_site.requests": {
            "level": os.environ.get("REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO")
        },
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
