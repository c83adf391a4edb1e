"""Settings come from the environment, strictly, with safe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PORTAL_") and k != "DATABASE_URL"
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_reports_nothing_for_a_deployment_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PORTAL_SECRET_KEY="x7" * 30 + "-a-long-random-production-secret",
        PORTAL_ALLOWED_HOSTS="portal.example.edu.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = run_manage("check", PORTAL_SECRET_KEY_FILE=str(tmp_path / "none"))
    assert result.returncode != 0
    assert "PORTAL_SECRET_KEY is required" in result.stderr


def test_it_reads_the_installations_own_key_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("k" * 60 + "\n")
    show = "from django.conf import settings as s; print(len(s.SECRET_KEY))"
    result = run_manage(
        "shell", "--no-imports", "-c", show, PORTAL_SECRET_KEY_FILE=str(key_file)
    )
    assert result.stdout.strip() == "60", result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_it_refuses_a_debug_value_it_does_not_understand(value):
    result = run_manage("check", PORTAL_DEBUG=value)
    assert result.returncode != 0
    assert "PORTAL_DEBUG must be a yes/no value" in result.stderr


def test_it_uses_an_sqlite_file_under_var_by_default():
    show = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['OPTIONS']['transaction_mode'])"
    )
    result = run_manage("shell", "--no-imports", "-c", show, PORTAL_DEBUG="1")
    assert result.returncode == 0, result.stderr
    engine, name, mode = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "var" / "portal.sqlite3")
    assert mode == "IMMEDIATE"


def test_it_takes_the_database_from_database_url():
    show = (
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        PORTAL_DEBUG="1",
        DATABASE_URL="postgres://u:p@db.example/x",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"
