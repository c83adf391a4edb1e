"""Settings for the portal: one file for every environment, production
differing only by the environment variables read below. Defaults are safe:
debug off, an SQLite file under ``var/``, mail kept on the machine."""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a yes/no value, not {raw!r}")


def env_int(name, default):
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}"
        ) from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("PORTAL_DEBUG", False)

# From the environment or this installation's own file (`make run` and `make
# serve` write a random one); never a value written in the code.
SECRET_KEY = os.environ.get("PORTAL_SECRET_KEY", "")
SECRET_KEY_FILE = Path(os.environ.get("PORTAL_SECRET_KEY_FILE", VAR_DIR / "secret_key"))
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PORTAL_SECRET_KEY is required when PORTAL_DEBUG is off "
            f"(or a key in {SECRET_KEY_FILE})."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list(
    "PORTAL_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
# Proxies whose X-Forwarded-For is believed (portal/client_ip.py).
TRUSTED_PROXIES = env_list("PORTAL_TRUSTED_PROXIES")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    "portal.apps.PortalAdminConfig",  # django.contrib.admin, see admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "axes",
    "csp",
    "portal",
    "institutions",
    "applications",
]

MIDDLEWARE = [
    # First: it gives the request its id and logs the response the visitor got.
    "portal.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A cached public page is answered here, before sessions, locale, CSRF
    # and the URL resolver run (portal/pagecache.py).
    "portal.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Before the CSRF check reads the body: a public form post that is not
    # UTF-8 or not a form at all gets a 400 that says so.
    "portal.form_body.FormBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff stay signed in while they use the admin, and no longer.
    "portal.admin_access.StaffSessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=env_int("PORTAL_DB_CONN_MAX_AGE", 0),
        # A kept connection that the server dropped (a restart) is reopened.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (several gunicorn workers) wait for the lock instead
    # of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# "default" (the rate limits) and "pages" (portal/pagecache.py) are shared by
# every server process; a page hit on files needs no database connection.
REDIS_URL = os.environ.get("REDIS_URL", "")
_REDIS = "django.core.cache.backends.redis.RedisCache"
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": _REDIS, "LOCATION": REDIS_URL},
        "pages": {"BACKEND": _REDIS, "LOCATION": REDIS_URL, "KEY_PREFIX": "pages"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache" / "pages",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }
# {% cache %} fragments are keyed on what they show, so never stale: each
# process keeps its own, and none in development, where templates change.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    if DEBUG
    else "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template_fragments",
    "OPTIONS": {"MAX_ENTRIES": 4000},
}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"  # noqa: E501
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin sign-in lockouts (django-axes): per account and client address, the
# address as the rate limits see it (portal/client_ip.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PORTAL_SIGNIN_FAILURE_LIMIT", 5)
# Per address on any accounts (portal.admin_access.SignInHandler); 0: off.
PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_HANDLER = "portal.admin_access.SignInHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PORTAL_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_address"
AXES_LOCKOUT_CALLABLE = "portal.admin_access.locked_out"
AXES_RESET_ON_SUCCESS = True
# Keep no more about people than the lockout needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# From a session's last save, which each admin request renews
# (portal/admin_access.py): how long staff may be idle.
SESSION_COOKIE_AGE = env_int("PORTAL_SESSION_IDLE_MINUTES", 120) * 60

# The language lives in the URL prefix; slugs are never translated.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("PORTAL_TIME_ZONE", "Asia/Shanghai")
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Country names where django-countries' are not what a portal of Chinese
# colleges must show; the Chinese is in our catalogue, read before theirs.
COUNTRIES_OVERRIDE = {
    "TW": _("Taiwan, China"),
    "HK": _("Hong Kong SAR, China"),
    "MO": _("Macao SAR, China"),
    "AS": _("American Samoa"),
    "AW": _("Aruba"),
    "BA": _("Bosnia and Herzegovina"),
    "BS": _("Bahamas (The)"),
    "BW": _("Botswana"),
    "CC": _("Cocos (Keeling) Islands"),
    "DM": _("Dominica"),
    "DO": _("Dominican Republic"),
    "GF": _("French Guiana"),
    "KG": _("Kyrgyzstan"),
    "KM": _("Comoros"),
    "LR": _("Liberia"),
    "MK": _("North Macedonia"),
    "ML": _("Mali"),
    "NP": _("Nepal"),
    "RE": _("Réunion"),
    "SJ": _("Svalbard and Jan Mayen"),
    "SR": _("Suriname"),
    "TJ": _("Tajikistan"),
    "TT": _("Trinidad and Tobago"),
    "WS": _("Samoa"),
}

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("PORTAL_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("PORTAL_MEDIA_ROOT", VAR_DIR / "media"))
# Applicants' documents: private, outside MEDIA_ROOT, served only by the
# admin's attachment view. Several servers point "attachments" at shared storage.
ATTACHMENTS_ROOT = Path(
    os.environ.get("PORTAL_ATTACHMENTS_ROOT", VAR_DIR / "private" / "attachments")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": ATTACHMENTS_ROOT,
            "base_url": "/attachments-are-not-served/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded logos and covers, checked by institutions.images.
MAX_IMAGE_UPLOAD_BYTES = env_int("PORTAL_MAX_IMAGE_BYTES", 5 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o644

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Without a mail server nothing leaves the machine. With debug off, mail holds
# applicants' words and must stay out of the server's log: files in var/mail/.
EMAIL_HOST = os.environ.get("PORTAL_EMAIL_HOST", "")
_mail = "smtp" if EMAIL_HOST else "console" if DEBUG else "filebased"
EMAIL_BACKEND = os.environ.get(
    "PORTAL_EMAIL_BACKEND", f"django.core.mail.backends.{_mail}.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_PORT = env_int("PORTAL_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("PORTAL_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PORTAL_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PORTAL_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("PORTAL_EMAIL_TIMEOUT", 15)
DEFAULT_FROM_EMAIL = os.environ.get("PORTAL_DEFAULT_FROM_EMAIL", "admissions@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# `manage.py send_pending_mail` retries failed mail, doubling this wait.
MAIL_RETRY_SECONDS = env_int("PORTAL_MAIL_RETRY_SECONDS", 300)
MAIL_MAX_ATTEMPTS = env_int("PORTAL_MAIL_MAX_ATTEMPTS", 10)

# The public address of the site, for canonical links, sitemaps and mail.
SITE_URL = os.environ.get("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Another path keeps robots that try /admin/ away from the sign-in page.
ADMIN_PATH = os.environ.get("PORTAL_ADMIN_PATH", "admin/").strip().strip("/")
if not re.fullmatch(r"[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*", ADMIN_PATH) or (
    {".", ".."} & set(ADMIN_PATH.split("/"))
):
    raise ImproperlyConfigured(
        f"PORTAL_ADMIN_PATH must be a path such as 'staff/', not {ADMIN_PATH!r}"
    )
ADMIN_PATH += "/"
if ADMIN_PATH.split("/")[0] in {*dict(LANGUAGES), "i18n", "static", "media"}:
    raise ImproperlyConfigured(
        f"PORTAL_ADMIN_PATH {ADMIN_PATH!r} would hide public pages"
    )

# Inquiries per client address and window in seconds; 0 turns it off.
INQUIRY_RATE_LIMIT = env_int("PORTAL_INQUIRY_RATE_LIMIT", 5)
INQUIRY_RATE_WINDOW = env_int("PORTAL_INQUIRY_RATE_WINDOW", 600)
# Refused posts count apart, so a student's typos do not use up the limit.
INQUIRY_INVALID_RATE_LIMIT = env_int("PORTAL_INQUIRY_INVALID_RATE_LIMIT", 30)
INQUIRY_INVALID_RATE_WINDOW = env_int("PORTAL_INQUIRY_INVALID_RATE_WINDOW", 600)

# Retention as the privacy notice states it (`manage.py purge_inquiries`).
PORTAL_RETENTION_CLOSED_DAYS = env_int("PORTAL_RETENTION_CLOSED_DAYS", 365)
PORTAL_RETENTION_UNTOUCHED_DAYS = env_int("PORTAL_RETENTION_UNTOUCHED_DAYS", 730)
# Backups keep what the purge removed, so only the newest are kept.
PORTAL_BACKUP_KEEP = env_int("PORTAL_BACKUP_KEEP", 14)

# Stored with each consent. A test compares the hash with privacy.html's, so
# the notice cannot change without a new version.
PRIVACY_NOTICE_VERSION = "2026-12-05"
PRIVACY_NOTICE_SHA256 = (
    "0b5b121e2bed1d5e5f463d4fbf8762ccdd265737fa251cedc5b5c062497f9e22"
)

# PORTAL_HTTPS off lets `make serve` work on plain http://127.0.0.1.
HTTPS = env_bool("PORTAL_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and env_bool("PORTAL_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("PORTAL_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads a cookie; the language cookie travels like the rest.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = env_list("PORTAL_CSRF_TRUSTED_ORIGINS")
if env_bool("PORTAL_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

ADMINS = [("Portal admin", a) for a in env_list("PORTAL_ADMINS")]

# Content-Security-Policy: nothing inline, nothing from elsewhere. Styles
# live in static files; the dashboard's bars are SVG, not style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# One JSON line a record on standard error. Django's loggers too: no mail to
# ADMINS (it would carry POST data), no runserver line (the query string).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logging_format.RequestIdFilter"}},
    "formatters": {"json": {"()": "portal.logging_format.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        # The access line says it already; 5xx still come with their traceback.
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": [], "propagate": False},
        # SQL with its parameters (names, addresses) even at PORTAL_LOG_LEVEL=DEBUG.
        "django.db.backends": {"level": "INFO"},
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("PORTAL_LOG_LEVEL", "INFO"),
    },
}
