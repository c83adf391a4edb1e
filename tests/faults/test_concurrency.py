"""Sixteen visitors sending inquiries at once to gunicorn's workers."""

import pytest

from .loadclient import Load
from .servers import CHONGQING, saved_references

pytestmark = pytest.mark.faults


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_sixteen_visitors_at_once_get_no_error_and_lose_nothing(
    database, fresh_portal, gunicorn, figures
):
    env = fresh_portal(database)
    server = gunicorn(env, workers=3)

    load = Load([server.url], slug=CHONGQING, clients=16, per_client=5, tries=1)
    tally = load.start().join()
    saved = saved_references(env)
    figures(f"{tally.summary()}; saved {len(saved)}")

    assert tally.errors == {}
    assert set(tally.statuses) == {200, 303}, tally.failures[:1]
    assert len(tally.shown) == load.total
    assert len(set(tally.shown)) == load.total
    assert set(tally.shown) == saved
