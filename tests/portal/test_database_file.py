"""The SQLite database holds applicants' data, password hashes and sessions:
the file and its -wal and -shm companions are readable by their owner only,
however the portal was started."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Writes (so that the -wal and -shm files exist), then prints every file of
# the database's folder with its mode while the connection is still open.
WRITE_AND_LIST = """
import os, stat
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS t (x)")
    cursor.execute("INSERT INTO t VALUES (1)")
folder = os.path.dirname(connection.settings_dict["NAME"])
for name in sorted(os.listdir(folder)):
    print(name, oct(stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode)))
"""


def files_and_modes(database):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", WRITE_AND_LIST],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=60,
        # Started by hand from a usual shell: new files readable by everyone.
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split() for line in result.stdout.splitlines())


def test_a_new_database_and_its_wal_and_shm_files_are_the_owners_alone(tmp_path):
    seen = files_and_modes(tmp_path / "portal.sqlite3")
    assert set(seen) == {"portal.sqlite3", "portal.sqlite3-wal", "portal.sqlite3-shm"}
    assert set(seen.values()) == {"0o600"}, seen


def test_a_database_left_readable_by_everyone_is_closed(tmp_path):
    database = tmp_path / "portal.sqlite3"
    database.touch()
    database.chmod(0o644)
    files_and_modes(database)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
