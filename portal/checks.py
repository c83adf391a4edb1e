"""System checks of the portal's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks

# Backends that deliver nothing to anybody, and where the mail ends up.
LOCAL_MAIL = {
    "django.core.mail.backends.filebased.EmailBackend": "written to files in {path}",
    "django.core.mail.backends.console.EmailBackend": "written to the log",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory",
    "django.core.mail.backends.dummy.EmailBackend": "thrown away",
}


@checks.register("mail", deploy=True)
def mail_reaches_people(app_configs=None, **kwargs):
    """Fine for trying the portal, not for serving it."""
    where = LOCAL_MAIL.get(settings.EMAIL_BACKEND)
    if settings.DEBUG or where is None:
        return []
    return [
        checks.Warning(
            "No mail server is configured: every mail to applicants and colleges "
            f"is {where.format(path=settings.EMAIL_FILE_PATH)}, not sent.",
            hint="Set PORTAL_EMAIL_HOST (and PORTAL_EMAIL_PORT, "
            "PORTAL_EMAIL_HOST_USER, PORTAL_EMAIL_HOST_PASSWORD, "
            "PORTAL_EMAIL_USE_TLS as your mail server needs), and leave "
            "PORTAL_EMAIL_BACKEND unset.",
            id="portal.W001",
        )
    ]
