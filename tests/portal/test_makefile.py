"""What `make run` and `make serve` hand to the portal, and what they leave in var/.

The real Makefile runs in a directory of its own, with stand-ins for Python
(which note each manage.py command, the umask and the site address it was
given) and for gunicorn; nothing is installed or served.
"""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PYTHON = """#!/bin/sh
if [ "$1" = manage.py ]; then
  shift
  echo "$* umask=$(umask) site=${PORTAL_SITE_URL:-unset}" >> calls.log
  [ "$1" = migrate ] && echo data > var/portal.sqlite3
  exit 0
fi
exec python3 "$@"
"""
GUNICORN = """#!/bin/sh
echo "gunicorn $* umask=$(umask) site=${PORTAL_SITE_URL:-unset}" >> calls.log
"""


@pytest.fixture
def checkout(tmp_path):
    if not shutil.which("make"):
        pytest.fail("GNU make is needed: apt-get install make")
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    for path, text in (
        (tmp_path / "python", PYTHON),
        (venv / "bin/gunicorn", GUNICORN),
    ):
        path.write_text(text)
        path.chmod(0o755)
    (venv / ".runtime").touch()  # newer than requirements.txt: "installed"
    return tmp_path


def make(checkout, *args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    result = subprocess.run(
        ["make", "--no-print-directory", f"PY={checkout / 'python'}", *args],
        cwd=checkout,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        # As a usual login shell has it: files readable by everyone.
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return (checkout / "calls.log").read_text().splitlines()


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("target", ["run", "serve"])
def test_the_site_address_follows_the_port_served_on(checkout, target):
    served = make(checkout, target, "PORT=8100")[-1]
    assert "127.0.0.1:8100" in served.split(" umask=")[0]  # what is served
    assert "site=http://127.0.0.1:8100" in served  # what links name


def test_a_site_address_that_is_set_is_kept(checkout):
    calls = make(checkout, "serve", "PORT=8100", PORTAL_SITE_URL="https://x.edu.cn")
    assert calls[-1].startswith("gunicorn") and "site=https://x.edu.cn" in calls[-1]


@pytest.mark.parametrize("target", ["run", "serve"])
def test_everything_made_under_var_is_the_owners_alone(checkout, target):
    calls = make(checkout, target)
    assert calls and all("umask=0077" in c for c in calls), calls
    var = checkout / "var"
    assert mode(var) == 0o700
    for path in var.rglob("*"):
        assert mode(path) & 0o077 == 0, path


def test_a_var_folder_open_to_everyone_is_closed(checkout):
    (checkout / "var").mkdir(mode=0o755)
    (checkout / "var").chmod(0o755)
    make(checkout, "run")
    assert mode(checkout / "var") == 0o700
