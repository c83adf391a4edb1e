"""A count of the generated request bodies that the property-based tests send
(test_hostile_input.py), reported at the end of the run."""

import time
from collections import Counter

import pytest
from hypothesis import settings

SENT = Counter()
SECONDS = Counter()


@pytest.fixture
def sent_bodies(request):
    """Call it once per body sent; the total shows in pytest's summary."""
    name = request.node.name
    started = time.perf_counter()

    def count():
        SENT[name] += 1
        return SENT[name]

    yield count
    SECONDS[name] += time.perf_counter() - started


def pytest_terminal_summary(terminalreporter):
    if not SENT:
        return
    profile = settings.get_current_profile_name()
    terminalreporter.section(f"hostile input (hypothesis profile {profile!r})")
    for name, sent in SENT.items():
        terminalreporter.write_line(
            f"{sent:6d} bodies in {SECONDS[name]:6.1f} s  {name}"
        )
    terminalreporter.write_line(
        f"{sum(SENT.values()):6d} bodies in {sum(SECONDS.values()):6.1f} s  in all"
    )
