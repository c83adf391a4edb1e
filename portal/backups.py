"""Backups: the database, the uploaded images and the applicants' documents
in one archive, and back.

An archive (``var/backups/portal-YYYYmmdd-HHMMSS.tar.gz``) holds:

- ``manifest.json``: when, from which kind of database, and what is inside;
- ``database.sqlite3``, made with SQLite's online backup (a consistent copy
  while the portal keeps serving), or ``database.pgdump``, made by
  ``pg_dump`` in its custom format (one snapshot, also taken live);
- ``media/``: everything under ``MEDIA_ROOT`` (logos, covers, renditions);
- ``attachments/``: the applicants' documents, everything under
  ``ATTACHMENTS_ROOT`` (when they are kept in a folder of this machine; on
  object storage, that storage keeps its own copies).

A restore replaces the database's contents, ``MEDIA_ROOT`` and
``ATTACHMENTS_ROOT`` with the archive's. It goes back into the same kind of
database it came from, at the same version of the code (run ``migrate``
afterwards when restoring an older backup into a newer portal).
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
ATTACHMENTS = "attachments"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    pass


def default_directory():
    return settings.VAR_DIR / "backups"


def _vendor():
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Cannot back up a {connection.vendor} database.")
    return connection.vendor


# PostgreSQL ---------------------------------------------------------------


def _pg_tool(name):
    """``pg_dump`` or ``pg_restore`` of the server's own major version when
    Debian has it installed (an older one refuses a newer server), else the
    one on the PATH."""
    connection.ensure_connection()
    major = connection.pg_version // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is missing: install PostgreSQL's client tools "
            f"(apt-get install postgresql-client-{major})."
        )
    return found


def _pg_env():
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": db.get("HOST") or "",
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": db.get("USER") or "",
            "PGPASSWORD": db.get("PASSWORD") or "",
            "PGDATABASE": db["NAME"],
        }
    )
    return {key: value for key, value in env.items() if value != ""}


def _run(command):
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


# Both ---------------------------------------------------------------------


def _dump(path):
    if _vendor() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            # One step: the copy is of a single moment, even while others write.
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"])


def _load(path):
    if _vendor() == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            # Into the live database, under SQLite's own locking: other
            # connections see the old contents or the new, never a mixture.
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ]
        )


def create(directory=None):
    """Write a backup archive into ``directory``; return its path."""
    directory = Path(directory or default_directory())
    directory.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    now = timezone.now()
    final = directory / f"portal-{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(dir=directory) as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        _dump(dump)
        manifest = {
            "format": FORMAT,
            "created": now.isoformat(),
            "database": vendor,
            "dump": dump.name,
        }
        partial = Path(work) / final.name
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for folder, name in _folders():
                if folder.is_dir():
                    archive.add(folder, arcname=name)
        # Renamed only when whole: a half-written archive is never mistaken
        # for a backup.
        os.replace(partial, final)
    final.chmod(0o600)  # it holds applicants' personal data
    return final


def prune(directory=None, keep=None):
    """Remove all but the newest ``keep`` archives (``PORTAL_BACKUP_KEEP``) in
    ``directory``: a backup keeps what the retention purge has since removed,
    so old ones may not be kept for ever. Returns the paths removed."""
    keep = settings.PORTAL_BACKUP_KEEP if keep is None else keep
    if keep <= 0:
        return []
    directory = Path(directory or default_directory())
    # The names sort by time: portal-YYYYmmdd-HHMMSS.tar.gz.
    archives = sorted(directory.glob("portal-????????-??????.tar.gz"))
    removed = archives[:-keep]
    for path in removed:
        path.unlink()
    return removed


def read_manifest(path):
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            return json.load(member)
    except (OSError, KeyError, tarfile.TarError, ValueError, TypeError) as exc:
        raise BackupError(f"{path} is not a portal backup ({exc}).") from None


def restore(path):
    """Replace the database's contents, MEDIA_ROOT and ATTACHMENTS_ROOT with
    those of a backup."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has an unknown format: {manifest.get('format')}.")
    vendor = _vendor()
    if manifest.get("database") != vendor:
        raise BackupError(
            f"{path} holds a {manifest.get('database')} database; this portal "
            f"runs on {vendor}."
        )
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(path, "r:gz") as archive:
            # "data": no absolute paths, links out of the folder or devices.
            archive.extractall(work, filter="data")
        dump = Path(work) / manifest["dump"]
        if dump.name != DUMP_NAMES[vendor] or not dump.is_file():
            raise BackupError(f"{path} lacks its database dump.")
        _load(dump)
        for folder, name in _folders():
            if folder.exists():
                shutil.rmtree(folder)
            saved = Path(work) / name
            if saved.is_dir():
                shutil.copytree(saved, folder)
            else:
                folder.mkdir(parents=True)
    return manifest


def _folders():
    """The folders a backup holds, with their names in the archive."""
    return [
        (Path(settings.MEDIA_ROOT), MEDIA),
        (Path(settings.ATTACHMENTS_ROOT), ATTACHMENTS),
    ]
