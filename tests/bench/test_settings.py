"""Only the bench's settings know about the benchmark: the portal's own
settings install no bench app, mount no bench view and know no bench command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import get_resolver

import bench.settings
import portal.settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def test_the_bench_settings_install_the_bench_app_and_its_urls():
    assert "bench" in bench.settings.INSTALLED_APPS
    assert bench.settings.ROOT_URLCONF == "bench.urls"
    # Everything else of the portal is there, in the same order.
    assert bench.settings.INSTALLED_APPS[:-1] == portal.settings.INSTALLED_APPS


def test_the_portals_settings_know_nothing_of_the_benchmark():
    assert "bench" not in portal.settings.INSTALLED_APPS
    assert portal.settings.ROOT_URLCONF == "portal.urls"
    assert not hasattr(portal.settings, "BENCHMARK_VIEW")


@pytest.mark.urls("bench.urls")
def test_the_bench_urls_serve_the_portal_as_it_is(client, chongqing):
    assert client.get("/healthz").status_code == 200
    assert client.get(f"/zh-hans/institutions/{chongqing.slug}/").status_code == 200
    assert client.get("/").status_code == 302
    # The portal's error pages (the 503 of a database outage is handler500's).
    resolver = get_resolver("bench.urls")
    for status in (400, 404, 500):
        assert resolver.resolve_error_handler(status) == get_resolver(
            "portal.urls"
        ).resolve_error_handler(status)


@pytest.mark.parametrize(
    ("settings_module", "known"),
    [("portal.settings", False), ("bench.settings", True)],
)
def test_the_bench_commands_exist_only_under_the_bench_settings(
    settings_module, known, tmp_path
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PORTAL_DEBUG": "1",
        "BENCH_VAR_DIR": str(tmp_path),
    }
    completed = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = completed.stdout.split()
    assert "load_seeds" in commands
    assert ("generate_scale_data" in commands) is known
    assert ("time_admin" in commands) is known
