"""Settings come from the environment, strictly, with safe defaults."""

import json
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
        PORTAL_EMAIL_HOST="smtp.example.edu.cn",
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


PRODUCTION = {
    "PORTAL_SECRET_KEY": "x7" * 30 + "-a-long-random-production-secret",
    "PORTAL_ALLOWED_HOSTS": "testserver",
    # A private database in memory: the script below migrates it.
    "DATABASE_URL": "sqlite://:memory:",
}

# Run under production settings in a process of its own: the headers and
# cookies of real responses, as JSON.
RESPONSES = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
get_user_model().objects.create_superuser("root", "root@example.com", "pw")
client = Client()

def cookie(response, name):
    morsel = response.cookies[name]
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }

plain = client.get("/robots.txt", secure=False)
page = client.get("/robots.txt", secure=True)
login = client.post(
    "/admin/login/", {"username": "root", "password": "pw"}, secure=True
)
language = client.post("/i18n/setlang/", {"language": "zh-hans"}, secure=True)
print(json.dumps({
    "plain": {"status": plain.status_code, "location": plain.get("Location")},
    "headers": dict(page.headers),
    "cookies": {
        "sessionid": cookie(login, "sessionid"),
        "csrftoken": cookie(login, "csrftoken"),
        "django_language": cookie(language, "django_language"),
    },
}))
"""


def responses(https):
    result = run_manage(
        "shell", "--no-imports", "-c", RESPONSES, PORTAL_HTTPS=https, **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def over_https():
    return responses("1")


@pytest.fixture(scope="module")
def over_http():
    return responses("0")


def test_it_sends_the_security_headers_on_every_response(over_https, over_http):
    for seen in (over_https, over_http):
        headers = seen["headers"]
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "default-src 'self'" in policy


def test_over_https_it_redirects_plain_http_and_sends_hsts(over_https):
    assert over_https["plain"] == {
        "status": 301,
        "location": "https://testserver/robots.txt",
    }
    hsts = over_https["headers"]["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")
    assert "includeSubDomains" in hsts


def test_over_https_every_cookie_is_secure_httponly_and_same_site(over_https):
    for name, flags in over_https["cookies"].items():
        assert flags == {"secure": True, "httponly": True, "samesite": "Lax"}, name


def test_without_https_it_serves_plain_http_with_no_hsts(over_http):
    assert over_http["plain"]["status"] == 200
    assert "Strict-Transport-Security" not in over_http["headers"]
    for name, flags in over_http["cookies"].items():
        assert flags == {"secure": False, "httponly": True, "samesite": "Lax"}, name


def test_check_deploy_names_what_a_deployment_without_https_lacks():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", PORTAL_HTTPS="0", **PRODUCTION
    )
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert f"security.{warning}" in result.stderr


# -- mail ------------------------------------------------------------------------

MAIL = """
import os
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from applications.emails import send_inquiry_mails
from applications.models import Inquiry
from institutions.models import Institution

call_command("migrate", verbosity=0)
college = Institution.objects.create(
    slug="c", name_en="C", admissions_emails="intl@c.example"
)
inquiry = Inquiry.objects.create(
    institution=college, kind="study", full_name="Wanjiru Kamau",
    email="wanjiru@example.com", nationality="KE", language="en",
    consent_at=timezone.now(), message="Private words of the applicant",
)
with override_settings(EMAIL_FILE_PATH=os.environ["MAIL_DIR"]):
    print(settings.EMAIL_BACKEND, send_inquiry_mails(inquiry))
"""


def test_with_debug_off_and_no_mail_server_mail_goes_to_files_not_the_log(tmp_path):
    folder = tmp_path / "mail"
    result = run_manage(
        "shell", "--no-imports", "-c", MAIL, MAIL_DIR=str(folder), **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    log = result.stdout + result.stderr
    assert "Wanjiru" not in log and "Private words" not in log
    assert result.stdout.split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        "True",  # delivered to the folder, which the README names
    ]
    written = "".join(p.read_text() for p in folder.iterdir())
    assert "Wanjiru Kamau" in written and "Private words of the applicant" in written


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"PORTAL_DEBUG": "1"}, "console"),
        ({"PORTAL_DEBUG": "1", "PORTAL_EMAIL_HOST": "smtp.example.edu.cn"}, "smtp"),
        ({}, "filebased"),
        ({"PORTAL_EMAIL_HOST": "smtp.example.edu.cn"}, "smtp"),
    ],
)
def test_a_mail_host_given_is_used_and_otherwise_mail_stays_local(env, backend):
    show = (
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_FILE_PATH)"
    )
    result = run_manage("shell", "--no-imports", "-c", show, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    used, host, folder = result.stdout.split()
    assert used == f"django.core.mail.backends.{backend}.EmailBackend"
    assert host == env.get("PORTAL_EMAIL_HOST", "localhost")
    assert folder == str(ROOT / "var" / "mail")


@pytest.mark.parametrize(
    ("backend", "says"),
    [
        (None, "written to files in"),
        ("django.core.mail.backends.console.EmailBackend", "written to the log"),
        ("django.core.mail.backends.locmem.EmailBackend", "kept in memory"),
        ("django.core.mail.backends.dummy.EmailBackend", "thrown away"),
    ],
)
def test_check_deploy_warns_when_no_mail_server_is_configured(backend, says):
    env = {"PORTAL_EMAIL_BACKEND": backend} if backend else {}
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **env
    )
    assert result.returncode != 0
    assert "portal.W001" in result.stderr
    assert says in result.stderr
    assert "PORTAL_EMAIL_HOST" in result.stderr  # what to do about it


def test_check_deploy_is_quiet_about_mail_while_debugging():
    result = run_manage("check", "--deploy", PORTAL_DEBUG="1")
    assert "portal.W001" not in result.stdout + result.stderr
