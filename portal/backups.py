"""Backups: the database, MEDIA_ROOT and ATTACHMENTS_ROOT in one archive,
``var/backups/portal-YYYYmmdd-HHMMSS.tar.gz``, and back.

The database copy is taken live and consistent: SQLite's online backup, or
``pg_dump`` in its custom format. A restore goes back into the same kind of
database (run ``migrate`` after restoring an older backup into a newer portal).
Attachments on object storage are left to that storage's own copies.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    pass


def _vendor():
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Cannot back up a {connection.vendor} database.")
    connection.ensure_connection()
    return connection.vendor


def _folders():
    """The folders a backup holds, by their names in the archive."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "attachments": Path(settings.ATTACHMENTS_ROOT),
    }


def _pg_run(name, *args):
    # The server's own major version when Debian has it: an older pg_dump
    # refuses a newer server.
    major = connection.pg_version // 10000
    tool = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    tool = str(tool) if tool.exists() else shutil.which(name)
    if not tool:
        raise BackupError(
            f"{name} is missing: install PostgreSQL's client tools "
            f"(apt-get install postgresql-client-{major})."
        )
    db = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
    }
    env = {key: value for key, value in env.items() if value}
    result = subprocess.run([tool, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()}")


def _dump(path):
    if _vendor() == "postgresql":
        _pg_run("pg_dump", "--format=custom", "--no-owner", f"--file={path}")
        return
    with closing(sqlite3.connect(path)) as target:
        # One step: the copy is of a single moment, even while others write.
        connection.connection.backup(target)


def _load(path):
    if _vendor() == "postgresql":
        _pg_run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        )
        return
    with closing(sqlite3.connect(path)) as source:
        # Under SQLite's own locking: others see the old contents or the new.
        source.backup(connection.connection)


def create(directory=None):
    """Write a backup archive into ``directory``; return its path."""
    directory = Path(directory or settings.VAR_DIR / "backups")
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    final = directory / f"portal-{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(dir=directory) as work:
        dump = Path(work) / DUMP_NAMES[_vendor()]
        _dump(dump)
        manifest = {
            "format": FORMAT,
            "created": now.isoformat(),
            "database": connection.vendor,
            "dump": dump.name,
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = Path(work) / final.name
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(work) / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
            for name, folder in _folders().items():
                if folder.is_dir():
                    archive.add(folder, arcname=name)
        # Renamed only when whole: a half-written archive is never a backup.
        os.replace(partial, final)
    final.chmod(0o600)  # it holds applicants' personal data
    return final


def prune(directory, keep=None):
    """Remove all but the newest ``keep`` archives (``PORTAL_BACKUP_KEEP``):
    a backup keeps what the retention purge has since removed."""
    keep = settings.PORTAL_BACKUP_KEEP if keep is None else keep
    if keep <= 0:
        return []
    # The names sort by time.
    removed = sorted(Path(directory).glob("portal-????????-??????.tar.gz"))[:-keep]
    for path in removed:
        path.unlink()
    return removed


def read_manifest(path):
    try:
        with tarfile.open(path, "r:gz") as archive:
            return json.load(archive.extractfile(MANIFEST))
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
        for name, folder in _folders().items():
            if folder.exists():
                shutil.rmtree(folder)
            saved = Path(work) / name
            if saved.is_dir():
                shutil.copytree(saved, folder)
            else:
                folder.mkdir(parents=True)
    return manifest
