"""Real servers for the fault tests: gunicorn, PostgreSQL, Redis, as deployed.

Everything runs as the production settings do (``portal.settings``, debug
off, whitenoise, the manifest of static files), each test with a database
of its own, made from a migrated and seeded template.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CHONGQING = "chongqing-industry-polytechnic-college"

# Our own PostgreSQL cluster and Redis server: the test suite's shared
# PostgreSQL (port 54329) must never be restarted by these tests.
PG_ENV = {"PORTAL_PG_PORT": "54339", "PORTAL_PG_DATA": "/tmp/portal-pg-faults"}
REDIS_ENV = {
    "PORTAL_REDIS_PORT": "63809",
    "PORTAL_REDIS_DIR": "/tmp/portal-redis-faults",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portal_env(database_url, static_root, media_root, **extra):
    """The environment of a production-like portal on ``database_url``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "DJANGO_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        PORTAL_DEBUG="0",
        PORTAL_HTTPS="0",
        PORTAL_SECRET_KEY="fault-tests-only-" + "k" * 40,
        PORTAL_ALLOWED_HOSTS="127.0.0.1,localhost",
        # The load client sends each inquiry from an address of its own.
        PORTAL_TRUSTED_PROXIES="127.0.0.1",
        PORTAL_STATIC_ROOT=str(static_root),
        PORTAL_MEDIA_ROOT=str(media_root),
        PORTAL_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        PORTAL_ADMINS="admissions@example.org",
        PORTAL_LOG_LEVEL="WARNING",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, timeout=300):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def prepare_database(env):
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "load_seeds", "-v", "0")


def query(env, code):
    """Run ``code`` (which sets ``result``) in the portal's own Django, against
    the server's database; return ``result`` through JSON."""
    script = f"import json\n{code}\nprint('RESULT=' + json.dumps(result, default=str))"
    out = manage(env, "shell", "-c", script)
    line = next(line for line in out.splitlines() if line.startswith("RESULT="))
    return json.loads(line.removeprefix("RESULT="))


def saved_references(env):
    return set(
        query(
            env,
            "from applications.models import Inquiry\n"
            "result = list(Inquiry.objects.values_list('reference', flat=True))",
        )
    )


def script(name, *args, env=None):
    """Run scripts/NAME with extra environment; its standard output."""
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / name), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"scripts/{name} {' '.join(args)} failed:\n{result.stderr}"
        )
    return result.stdout.strip()


def psql(sql, port=PG_ENV["PORTAL_PG_PORT"]):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
        timeout=120,
    )


def http_status(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


class Gunicorn:
    """``gunicorn portal.wsgi`` as ``make serve`` runs it, on a port of its own."""

    def __init__(self, env, log_path, workers=3):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log_path = log_path
        self.process = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--graceful-timeout",
                "20",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # A group of its own, so that teardown can end every worker too.
            start_new_session=True,
        )
        self.wait_healthy()
        return self

    def healthz(self):
        return http_status(self.url + "/healthz")

    def wait_healthy(self, timeout=60):
        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log_tail()}")
            return self.healthz() == 200

        wait_until(healthy, timeout, f"{self.url}/healthz to answer 200")

    def worker_pids(self):
        """The master's children, read from /proc."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.add(int(stat.parent.name))
        return pids

    def stop(self, sig=signal.SIGTERM):
        """Stop the master (gracefully by default) and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def close(self):
        self.stop()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, TypeError, AttributeError):
            pass
        if getattr(self, "log", None):
            self.log.close()

    def log_tail(self, lines=40):
        try:
            text = Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])
