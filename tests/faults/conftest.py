"""Fixtures of the fault tests: real servers, each test on a database of its own.

The slow tests here are marked ``faults``: ``make test`` leaves them out and
``make test-faults`` runs them. A server that cannot be installed or started
fails the test; nothing is skipped.
"""

import itertools
import shutil

import pytest

from . import servers

FIGURES = []


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("fault tests: inquiries sent and found")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def figures(request):
    """Record a line for the summary at the end of the run."""

    def record(text):
        FIGURES.append(f"{request.node.name}: {text}")

    return record


@pytest.fixture(scope="session")
def faults_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="session")
def static_root(faults_dir):
    """collectstatic once: debug off serves hashed, compressed files."""
    root = faults_dir / "static"
    env = servers.portal_env("sqlite:///unused", root, faults_dir / "media")
    servers.manage(env, "collectstatic", "--no-input", "-v", "0")
    return root


@pytest.fixture(scope="session")
def sqlite_template(faults_dir, static_root):
    path = faults_dir / "template.sqlite3"
    env = servers.portal_env(f"sqlite:///{path}", static_root, faults_dir / "media")
    servers.prepare_database(env)
    return path


@pytest.fixture(scope="session")
def pg_cluster():
    """Our own PostgreSQL server (installed from Debian if missing) with a
    migrated and seeded template database; stopped at the end."""
    url = servers.script("postgres.sh", "start", env=servers.PG_ENV)
    base = url.rsplit("/", 1)[0]
    servers.psql("DROP DATABASE IF EXISTS faults_template")
    servers.psql("CREATE DATABASE faults_template OWNER portal")
    yield base
    servers.script("postgres.sh", "stop", env=servers.PG_ENV)


_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_template(pg_cluster, faults_dir, static_root):
    env = servers.portal_env(
        f"{pg_cluster}/faults_template", static_root, faults_dir / "media"
    )
    servers.prepare_database(env)
    return "faults_template"


@pytest.fixture
def fresh_portal(request, tmp_path, static_root):
    """``fresh_portal(database, **settings)``: the environment of a portal on a
    fresh copy of the seeded database, "sqlite" or "postgresql"."""
    made = []

    def make(database, **extra):
        media = tmp_path / "media"
        if database == "sqlite":
            path = tmp_path / f"portal-{len(made)}.sqlite3"
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            url = f"sqlite:///{path}"
        elif database == "postgresql":
            base = request.getfixturevalue("pg_cluster")
            template = request.getfixturevalue("pg_template")
            name = f"faults_{next(_numbers)}"
            servers.psql(f"DROP DATABASE IF EXISTS {name}")
            servers.psql(f"CREATE DATABASE {name} OWNER portal TEMPLATE {template}")
            made.append(name)
            url = f"{base}/{name}"
        else:
            raise ValueError(database)
        return servers.portal_env(url, static_root, media, **extra)

    yield make
    for name in made:
        servers.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def gunicorn(tmp_path):
    """``gunicorn(env, workers=3)``: a started server, stopped at teardown."""
    started = []

    def start(env, workers=3):
        server = servers.Gunicorn(
            env, tmp_path / f"gunicorn-{len(started)}.log", workers=workers
        )
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.close()


@pytest.fixture(scope="session")
def redis_url():
    url = servers.script("redis.sh", "start", env=servers.REDIS_ENV)
    yield url
    servers.script("redis.sh", "stop", env=servers.REDIS_ENV)
