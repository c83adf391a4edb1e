"""A gunicorn worker killed (SIGKILL) in the middle of a load."""

import os
import signal

import pytest

from .loadclient import Load
from .servers import CHONGQING, saved_references, wait_until

pytestmark = pytest.mark.faults


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_killed_worker_is_replaced_and_no_reference_shown_is_lost(
    database, fresh_portal, gunicorn, figures
):
    env = fresh_portal(database)
    server = gunicorn(env, workers=3)
    master = server.process.pid

    load = Load([server.url], slug=CHONGQING, clients=16, per_client=6).start()
    killed = []
    for progress in (load.total // 4, load.total // 2):
        load.wait_for_shown(progress)
        victim = max(server.worker_pids())  # the youngest: busy with requests
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)
    tally = load.join()

    saved = saved_references(env)
    figures(f"{tally.summary()}; saved {len(saved)}; workers killed {len(killed)}")
    # Every reference a visitor saw is in the database ...
    assert set(tally.shown) <= saved
    # ... each inquiry was shown in the end (a visitor whose request died
    # sent it again), and nobody met a server error.
    assert tally.gave_up == 0
    assert tally.refused == []
    assert len(tally.shown) == load.total
    assert tally.failures == []
    # The master replaced the workers by itself.
    assert server.process.poll() is None and server.process.pid == master
    wait_until(
        lambda: len(server.worker_pids() - set(killed)) == 3, 30, "three new workers"
    )
    assert server.healthz() == 200
