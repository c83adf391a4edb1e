"""The portal's settings as the tests need them: fast, quiet, self-contained."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("PORTAL_SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("PORTAL_HTTPS", "0")

from portal.settings import *  # noqa: E402,F403

# The bench app (its commands and views) is installed by bench/settings.py
# only; the tests of tests/bench/ need it importable and its commands known.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Applicants' documents in a folder of the test run's own.
ATTACHMENTS_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-attachments-"))
STORAGES = {
    **STORAGES,  # noqa: F405
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": ATTACHMENTS_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
    },
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template_fragments",
    },
}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# whitenoise warns about a missing STATIC_ROOT; a fresh clone has none yet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
