"""Receiving an inquiry: the duplicate check behind the form."""

import datetime

import pytest
from django.utils import timezone

from applications.services import find_duplicate
from tests.factories import make_inquiry

pytestmark = pytest.mark.django_db


def test_it_finds_the_latest_inquiry_from_the_address_whatever_its_case(
    chongqing, django_assert_num_queries
):
    now = timezone.now()
    make_inquiry(chongqing, email="ana@example.com", created_at=now)
    later = make_inquiry(
        chongqing,
        email="Ana@Example.com",
        created_at=now + datetime.timedelta(minutes=1),
    )
    with django_assert_num_queries(1):
        found = find_duplicate(
            chongqing, "ANA@EXAMPLE.COM", before=now + datetime.timedelta(minutes=2)
        )
    assert (found.pk, found.reference) == (later.pk, later.reference)


def test_each_call_looks_at_its_own_college_address_and_window(chongqing, jinhua):
    # The SQL is compiled once: each call's values must take the samples'
    # places, not the first call's.
    now = timezone.now()
    day = datetime.timedelta(days=1)
    old = make_inquiry(chongqing, email="ana@example.com", created_at=now - 31 * day)
    recent = make_inquiry(chongqing, email="ana@example.com", created_at=now - day)
    other = make_inquiry(jinhua, email="bo@example.com", created_at=now - day)

    assert find_duplicate(chongqing, "ana@example.com", before=now).pk == recent.pk
    assert find_duplicate(chongqing, "ana@example.com", before=now - 2 * day).pk == (
        old.pk
    )
    assert find_duplicate(chongqing, "ana@example.com", before=now - 40 * day) is None
    assert (
        find_duplicate(chongqing, "ana@example.com", before=now - 30 * day).pk == old.pk
    )
    assert find_duplicate(jinhua, "ana@example.com", before=now) is None
    assert find_duplicate(jinhua, "BO@example.com", before=now).pk == other.pk
    assert find_duplicate(chongqing, "bo@example.com", before=now) is None


def test_a_later_inquiry_is_not_a_duplicate_of_an_earlier_one(chongqing):
    now = timezone.now()
    make_inquiry(chongqing, created_at=now + datetime.timedelta(seconds=1))
    assert find_duplicate(chongqing, "xiaoming@example.com", before=now) is None


def test_a_wildcard_in_the_address_matches_only_itself(chongqing):
    make_inquiry(chongqing, email="a_b@example.com")
    assert find_duplicate(chongqing, "axb@example.com") is None
    assert find_duplicate(chongqing, "a%@example.com") is None
    assert find_duplicate(chongqing, "A_B@example.com") is not None
