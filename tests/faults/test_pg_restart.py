"""The PostgreSQL server restarted in the middle of a load."""

import pytest

from .loadclient import Load
from .servers import CHONGQING, PG_ENV, saved_references, script, wait_until

pytestmark = pytest.mark.faults

HEADING = {"en": "The portal is briefly unavailable", "zh-hans": "平台暂时无法访问"}
HTML_LANG = {"en": '<html lang="en">', "zh-hans": '<html lang="zh-Hans">'}


def test_a_database_restart_shows_503_pages_and_the_portal_recovers_alone(
    fresh_portal, gunicorn, figures
):
    # Persistent connections: the harder case, a broken one must be dropped.
    env = fresh_portal("postgresql", PORTAL_DB_CONN_MAX_AGE=60)
    server = gunicorn(env, workers=3)
    master, workers = server.process.pid, server.worker_pids()

    # Visitors try an inquiry again for long enough to outlast the restart.
    load = Load(
        [server.url], slug=CHONGQING, clients=16, per_client=6, tries=120, pause=0.25
    ).start()
    load.wait_for_shown(load.total // 4)

    script("postgres.sh", "stop", env=PG_ENV)
    # Down until visitors of both languages have met the 503 page.
    wait_until(
        lambda: (
            {lang for lang, _retry, _html in load.tally.unavailable}
            >= {"en", "zh-hans"}
        ),
        60,
        "503 pages in both languages",
    )
    assert server.healthz() == 503
    script("postgres.sh", "start", env=PG_ENV)
    server.wait_healthy(timeout=60)
    tally = load.join()

    saved = saved_references(env)
    figures(
        f"{tally.summary()}; saved {len(saved)}; 503 pages {len(tally.unavailable)}"
    )
    # Never a traceback or a 500: a 503 page in the visitor's language.
    assert tally.failures == []
    assert 500 not in tally.statuses
    for language, retry_after, html in tally.unavailable:
        assert HTML_LANG[language] in html
        assert HEADING[language] in html
        assert "Traceback" not in html and "psycopg" not in html
        assert retry_after == "30"
    # Nothing shown was lost, and every inquiry was shown in the end.
    assert set(tally.shown) <= saved
    assert tally.gave_up == 0
    assert tally.refused == []
    assert len(tally.shown) == load.total
    # The portal recovered without a restart of its own.
    assert server.process.pid == master
    assert server.worker_pids() == workers
