"""Fixtures shared by every test: the seed colleges and a small cast of users.

The cast:
- ``visitor``: nobody signed in (use the plain ``client``).
- ``root``: a superuser, who sees everything.
- ``chen``: an admissions officer of Chongqing Industry Polytechnic College.
- ``jin``: an admissions officer of Jinhua Polytechnic.
"""

import os

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from institutions.models import Institution

# Generated examples (hypothesis, tests/applications/test_hostile_input.py):
# `make test` runs a tenth of them ("default"), `make fuzz` all of them
# ("ci-fuzz", PORTAL_FUZZ=1), as .ci/run does. Both derandomised: a run sends
# the same bodies as the run before, so a failure is the code's, not luck's;
# print_blob shows how to replay a failing example.
hypothesis_settings.register_profile(
    "default",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
)
hypothesis_settings.register_profile(
    "ci-fuzz", parent=hypothesis_settings.get_profile("default"), max_examples=1000
)
hypothesis_settings.load_profile(
    "ci-fuzz" if os.environ.get("PORTAL_FUZZ") == "1" else "default"
)

CHONGQING = "chongqing-industry-polytechnic-college"
JINHUA = "jinhua-polytechnic"
# create_officer holds it to the password validators, as the admin does.
OFFICER_PASSWORD = "Lantern-Harbour-42"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # A request leaves its language active in the thread; start each test in
    # the default language so that one test's Chinese cannot leak into another.
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters live in the cache, whole pages in the pages cache,
    # template fragments (the college cards) in their own; each test starts with none.
    for name in ("default", "pages", "template_fragments"):
        caches[name].clear()
    yield
    for name in ("default", "pages", "template_fragments"):
        caches[name].clear()


@pytest.fixture
def seeded(db):
    call_command("load_seeds", verbosity=0)
    return {i.slug: i for i in Institution.objects.all()}


@pytest.fixture
def chongqing(seeded):
    return seeded[CHONGQING]


@pytest.fixture
def jinhua(seeded):
    return seeded[JINHUA]


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw")


def make_officer(username, institution):
    call_command(
        "create_officer",
        username,
        institution.slug,
        "--password",
        OFFICER_PASSWORD,
        verbosity=0,
    )
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@pytest.fixture
def chen(chongqing):
    return make_officer("chen", chongqing)


@pytest.fixture
def jin(jinhua):
    return make_officer("jin", jinhua)
