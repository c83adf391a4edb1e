"""The production-like server that the benchmark and the audit measure.

gunicorn with sync workers, DEBUG off, whitenoise serving the collected static
files, on 127.0.0.1 and a port nobody else uses. Everything comes through the
same environment variables as a deployment (see README, Settings).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(var_dir, database_url, port, extra=None):
    """The environment of a production-like portal on its own database.

    ``var_dir`` holds whatever the run writes besides the database: uploaded
    media and the mail folder. Mail goes to Django's dummy backend: the
    messages are still built (templates, both languages), only not handed to
    an SMTP server, which the bench does not have and whose latency is not
    the portal's.
    """
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "BENCH_VAR_DIR": str(var_dir),
            "PORTAL_DEBUG": "0",
            "PORTAL_HTTPS": "0",
            "PORTAL_ALLOWED_HOSTS": f"{HOST},localhost",
            "PORTAL_SITE_URL": f"http://{HOST}:{port}",
            "DATABASE_URL": database_url,
            "PORTAL_MEDIA_ROOT": str(Path(var_dir) / "media"),
            "PORTAL_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


class Server:
    """gunicorn on ``port``, started by ``start()`` and ended by ``stop()``.

    The access log is off: writing one line per request would be part of
    what is measured. Errors go to ``log_path``.
    """

    def __init__(self, env, port, workers, log_path):
        self.env = env
        self.port = port
        self.workers = workers
        self.log_path = Path(log_path)
        self.process = None

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    def start(self, timeout=60):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        command = [
            str(VENV_BIN / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            # Long enough for a request that waits on SQLite's write lock.
            "--timeout",
            "60",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log_path}")
            if self._answers("/healthz") and len(self.worker_pids()) == self.workers:
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(
            f"gunicorn did not answer in {timeout}s; see {self.log_path}"
        )

    def _answers(self, path):
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def worker_pids(self):
        """The pids of gunicorn's workers: the children of its master."""
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(child) for child in text.split()]

    def worker_rss_mb(self):
        """Each worker's resident memory (VmRSS) in MiB, by pid."""
        return {pid: read_rss_mb(pid) for pid in self.worker_pids()}

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        # SIGTERM to the master: it ends its workers and waits for them.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def read_rss_mb(pid, proc=Path("/proc")):
    """VmRSS of a process in MiB, from /proc/<pid>/status (None if it is gone)."""
    try:
        status = (proc / str(pid) / "status").read_text()
    except OSError:
        return None
    return parse_vmrss_mb(status)


def parse_vmrss_mb(status_text):
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            kib = int(line.split()[1])
            return round(kib / 1024, 1)
    return None
