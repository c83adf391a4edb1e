import logging
import os
import stat

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)


def sqlite_owner_only(sender, connection, **kwargs):
    """Keep an SQLite database (applicants' data, password hashes, sessions)
    and its -wal and -shm files owner-only, whatever the server's umask."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if connection.creation.is_in_memory_db(name):
        return
    for path in (name, f"{name}-wal", f"{name}-shm"):
        try:
            if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
        except OSError as error:  # another user's file: say so, serve anyway
            logger.warning("Cannot make %s owner-only: %s", path, error)


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self):
        from . import checks  # noqa: F401  (registers the portal's system checks)

        connection_created.connect(sqlite_owner_only, dispatch_uid="sqlite-owner-only")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the portal's site (``portal.admin_site``)."""

    default = False  # "portal" in INSTALLED_APPS means PortalConfig
    default_site = "portal.admin_site.PortalAdminSite"
