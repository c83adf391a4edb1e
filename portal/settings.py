"""Settings for the portal.

One file for every environment: production differs only by environment
variables, read by the strict helpers below. Defaults are safe: debug is off
unless asked for, the database is an SQLite file under ``var/``, and mail
without a mail server stays on the machine (the console, or files in
``var/mail/`` with debug off).
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a yes/no value, not {raw!r}")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
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


def url_prefix(name, default):
    """A path prefix from the environment, such as ``staff/``: one or more
    URL-safe segments, no leading slash, one trailing slash."""
    raw = env_str(name, default).strip().strip("/")
    segments = raw.split("/")
    if not re.fullmatch(r"[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*", raw) or (
        {".", ".."} & set(segments)
    ):
        raise ImproperlyConfigured(
            f"{name} must be a path such as 'staff/', not {raw!r}"
        )
    return raw + "/"


DEBUG = env_bool("PORTAL_DEBUG", False)

# The key comes from the environment or, failing that, from a file of this
# installation's own (`make run` and `make serve` write a random one to
# var/secret_key); never from a value written in the code.
SECRET_KEY = env_str("PORTAL_SECRET_KEY")
SECRET_KEY_FILE = Path(env_str("PORTAL_SECRET_KEY_FILE", str(VAR_DIR / "secret_key")))
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
# Addresses of reverse proxies whose X-Forwarded-For we believe. Empty: the
# client address is the socket's peer, whatever headers say.
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
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=env_int("PORTAL_DB_CONN_MAX_AGE", 0),
        # A persistent connection that the database server dropped (a restart)
        # is noticed at the start of the next request and reopened.
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

# A cache that every server process shares: the rate limits count in it.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }
# Whole public pages (portal/pagecache.py), shared by every server process:
# files under var/cache/pages, so that a hit needs no database connection,
# or Redis under a prefix of their own.
if REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pages",
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "pages",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
# Template fragments ({% cache %}: the home page's college cards, keyed on
# the college's updated_at) in each process's memory: a key names what the
# fragment shows, so it is never stale and needs no sharing. In development
# a template edited under the running server must show at once: none kept.
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

# Signing in to the admin. After AXES_FAILURE_LIMIT failures for one account
# from one client address, that pair may not sign in (not even with the right
# password) until AXES_COOLOFF_TIME has passed since the last attempt. The
# address is the one the rate limits use (portal/client_ip.py), so
# X-Forwarded-For counts only from PORTAL_TRUSTED_PROXIES. A superuser can
# lift a lockout early with `python manage.py axes_reset_username USERNAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PORTAL_SIGNIN_FAILURE_LIMIT", 5)
# And one address, whatever the accounts, after this many failures within the
# cool-off (portal.admin_access.SignInHandler); 0 turns it off.
PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_HANDLER = "portal.admin_access.SignInHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PORTAL_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_address"
AXES_LOCKOUT_CALLABLE = "portal.admin_access.locked_out"
AXES_RESET_ON_SUCCESS = True
# Keep no more about people than the lockout needs: no record of each
# successful sign-in, no user agents in the log (usernames and addresses in
# it are masked), and no pages in the admin listing attempts.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# A session lasts this long from its last save. Staff sessions are saved
# again on each admin request (portal/admin_access.py), so this is how long
# a member of staff may be idle before being signed out.
SESSION_COOKIE_AGE = env_int("PORTAL_SESSION_IDLE_MINUTES", 120) * 60

# Languages. Slugs are never translated: the language lives in the URL prefix.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("PORTAL_TIME_ZONE", "Asia/Shanghai")
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Country names, where django-countries' are not what a portal of Chinese
# colleges must show. Each English name is a msgid: its Chinese is in our
# catalogue, which Django reads before django-countries' own. Where only the
# Chinese was wrong the English stays django-countries' msgid. The order
# readers expect (pinyin on Chinese pages) is portal.countries.sorted_countries.
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
STATIC_ROOT = Path(env_str("PORTAL_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("PORTAL_MEDIA_ROOT", str(VAR_DIR / "media")))
# Applicants' documents: a private folder, outside MEDIA_ROOT, never served
# by a URL of its own (only by the admin's attachment view). Several servers
# point "attachments" at shared or S3-compatible storage (django-storages)
# by changing this setting alone.
ATTACHMENTS_ROOT = Path(
    env_str("PORTAL_ATTACHMENTS_ROOT", str(VAR_DIR / "private" / "attachments"))
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

# E-mail goes to the mail server that PORTAL_EMAIL_HOST names. Without one,
# nothing needs a mail server and nothing leaves the machine: with debug on
# mail is shown on the console; with it off (`make serve`) it holds
# applicants' words and must stay out of the server's log, so each mail is a
# file in var/mail/ (owner-only, like all of var/), and `check --deploy` says
# that mail reaches nobody (portal/checks.py).
EMAIL_HOST = env_str("PORTAL_EMAIL_HOST")
if EMAIL_HOST:
    _mail_default = "smtp"
else:
    _mail_default = "console" if DEBUG else "filebased"
EMAIL_BACKEND = env_str(
    "PORTAL_EMAIL_BACKEND", f"django.core.mail.backends.{_mail_default}.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_PORT = env_int("PORTAL_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("PORTAL_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("PORTAL_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("PORTAL_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("PORTAL_EMAIL_TIMEOUT", 15)
DEFAULT_FROM_EMAIL = env_str("PORTAL_DEFAULT_FROM_EMAIL", "admissions@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail that failed is tried again by `manage.py send_pending_mail` (cron):
# first after this many seconds, then after twice as long each time (at most
# six hours), until it has failed this many times.
MAIL_RETRY_SECONDS = env_int("PORTAL_MAIL_RETRY_SECONDS", 300)
MAIL_MAX_ATTEMPTS = env_int("PORTAL_MAIL_MAX_ATTEMPTS", 10)

# The public address of the site, for canonical links, sitemaps and mail.
SITE_URL = env_str("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Where the admin answers. Another path keeps robots that try /admin/ away
# from the sign-in page. It must not start like the public pages' URLs.
ADMIN_PATH = url_prefix("PORTAL_ADMIN_PATH", "admin/")
if ADMIN_PATH.split("/")[0] in {
    *(code for code, _name in LANGUAGES),
    "i18n",
    STATIC_URL.strip("/"),
    MEDIA_URL.strip("/"),
}:
    raise ImproperlyConfigured(
        f"PORTAL_ADMIN_PATH {ADMIN_PATH!r} would hide public pages"
    )

# Inquiry rate limit per client address: this many in this many seconds;
# 0 turns it off.
INQUIRY_RATE_LIMIT = env_int("PORTAL_INQUIRY_RATE_LIMIT", 5)
INQUIRY_RATE_WINDOW = env_int("PORTAL_INQUIRY_RATE_WINDOW", 600)
# Posts the form refuses (typos, robots) count apart, against a more
# generous limit: a student's mistakes do not use up the limit above.
INQUIRY_INVALID_RATE_LIMIT = env_int("PORTAL_INQUIRY_INVALID_RATE_LIMIT", 30)
INQUIRY_INVALID_RATE_WINDOW = env_int("PORTAL_INQUIRY_INVALID_RATE_WINDOW", 600)

# Retention, as the privacy notice states it (`manage.py purge_inquiries
# --apply`, daily from cron): a closed inquiry is anonymised this many days
# after its last status change, an open one after this many days untouched.
PORTAL_RETENTION_CLOSED_DAYS = env_int("PORTAL_RETENTION_CLOSED_DAYS", 365)
PORTAL_RETENTION_UNTOUCHED_DAYS = env_int("PORTAL_RETENTION_UNTOUCHED_DAYS", 730)
# Backups keep what the purge removed: `make backup` keeps only the newest
# this many archives.
PORTAL_BACKUP_KEEP = env_int("PORTAL_BACKUP_KEEP", 14)

# The privacy notice's version, stored with each applicant's consent. It must
# change with the text of applications/templates/applications/privacy.html:
# the hash beside it is that file's SHA-256, which a test compares, so that
# the text cannot change without a new version (change both together).
PRIVACY_NOTICE_VERSION = "2026-12-05"
PRIVACY_NOTICE_SHA256 = (
    "0b5b121e2bed1d5e5f463d4fbf8762ccdd265737fa251cedc5b5c062497f9e22"
)

# Security. HTTPS settings follow PORTAL_HTTPS so that `make serve` on plain
# http://127.0.0.1 still works, while a real deployment sets it.
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

# Logs: one JSON line a record on standard error, each with the id of its
# request (portal.request_log writes one access line a request). Django's own
# loggers go through the same handler: no mail to ADMINS (it would carry the
# request's POST data) and no runserver line (it carries the query string).
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
    "root": {"handlers": ["console"], "level": env_str("PORTAL_LOG_LEVEL", "INFO")},
}
