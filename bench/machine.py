"""What machine and software a measurement came from, for the report."""

import os
import platform
import subprocess
from pathlib import Path


def cpu_model(cpuinfo=Path("/proc/cpuinfo")):
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib(meminfo=Path("/proc/meminfo")):
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def git_commit(base_dir):
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%h %s"],
            cwd=base_dir,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def database_version(connection):
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{minor}"
    return connection.vendor


def describe(base_dir):
    """The machine, the software and the load on the machine right now."""
    import django
    from django.db import connection

    try:
        wrk = subprocess.run(
            ["wrk", "--version"], capture_output=True, text=True, check=False
        )
        wrk_version = (wrk.stdout or wrk.stderr).split("[")[0].strip()
    except OSError:
        wrk_version = None
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database_version(connection),
        "wrk": wrk_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "commit": git_commit(base_dir),
    }
