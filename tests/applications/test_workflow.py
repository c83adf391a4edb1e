"""The status workflow: every allowed and every refused move, with its event."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import Inquiry, InquiryEvent, Message
from tests.factories import make_inquiry

Status = Inquiry.Status

ALLOWED = sorted(
    (old, new) for old, targets in Inquiry.TRANSITIONS.items() for new in targets
)
REFUSED = sorted(
    (old, new)
    for old in Status.values
    for new in Status.values
    if new not in Inquiry.TRANSITIONS.get(old, set())
)


def test_it_keeps_the_table_of_moves_as_the_issue_describes():
    assert Inquiry.TRANSITIONS == {
        "new": {"in_review", "withdrawn", "spam"},
        "in_review": {"contacted", "more_info", "withdrawn", "spam"},
        "contacted": {"application_invited", "more_info", "withdrawn", "spam"},
        "more_info": {"in_review", "withdrawn", "spam"},
        "application_invited": {"enrolled", "declined", "withdrawn", "spam"},
    }
    assert set(Inquiry.CLOSED_STATUSES).isdisjoint(Inquiry.TRANSITIONS)


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_it_makes_every_allowed_move_and_records_it(chongqing, chen, old, new):
    inquiry = make_inquiry(chongqing, status=old)
    before = inquiry.status_changed_at

    # "More information needed" is reached only with the message asking.
    message = Message(inquiry=inquiry, body="Please send your passport.")
    event = inquiry.transition_to(
        new, by=chen, note="Phoned on Monday", message=message
    )

    inquiry.refresh_from_db()
    assert inquiry.status == new
    assert inquiry.status_changed_at > before
    assert list(inquiry.events.values_list("from_status", "to_status")) == [(old, new)]
    assert event.by == chen
    assert event.note == "Phoned on Monday"
    assert event.at == inquiry.status_changed_at


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_it_refuses_every_other_move_and_records_nothing(chongqing, chen, old, new):
    inquiry = make_inquiry(chongqing, status=old)

    with pytest.raises(ValidationError) as refused:
        inquiry.transition_to(new, by=chen)

    assert refused.value.code == "illegal_transition"
    assert str(Status(old).label) in refused.value.messages[0]
    inquiry.refresh_from_db()
    assert inquiry.status == old
    assert not InquiryEvent.objects.exists()


@pytest.mark.parametrize("closed", Inquiry.CLOSED_STATUSES)
def test_it_lets_a_superuser_reopen_a_closed_inquiry(chongqing, root, closed):
    inquiry = make_inquiry(chongqing, status=closed)

    inquiry.transition_to(Inquiry.REOPEN_TO, by=root, note="Wrongly marked")

    inquiry.refresh_from_db()
    assert inquiry.status == Status.IN_REVIEW
    event = inquiry.events.get()
    assert (event.from_status, event.to_status, event.by) == (closed, "in_review", root)
    assert event.note == "Wrongly marked"


@pytest.mark.parametrize("closed", Inquiry.CLOSED_STATUSES)
def test_it_lets_a_superuser_reopen_only_to_in_review(chongqing, root, closed):
    inquiry = make_inquiry(chongqing, status=closed)

    with pytest.raises(ValidationError):
        inquiry.transition_to(Status.CONTACTED, by=root)

    assert not inquiry.events.exists()


@pytest.mark.parametrize("closed", Inquiry.CLOSED_STATUSES)
def test_it_does_not_let_an_officer_reopen(chongqing, chen, closed):
    inquiry = make_inquiry(chongqing, status=closed)

    with pytest.raises(ValidationError):
        inquiry.transition_to(Status.IN_REVIEW, by=chen)

    inquiry.refresh_from_db()
    assert inquiry.status == closed
    assert not inquiry.events.exists()


def test_it_refuses_an_officer_of_another_college(chongqing, jin):
    inquiry = make_inquiry(chongqing)

    with pytest.raises(PermissionDenied):
        inquiry.transition_to(Status.IN_REVIEW, by=jin)

    inquiry.refresh_from_db()
    assert inquiry.status == Status.NEW
    assert not inquiry.events.exists()


def test_it_offers_a_superuser_the_reopen_move_only(chongqing, root, chen):
    inquiry = make_inquiry(chongqing, status=Status.ENROLLED)

    assert inquiry.allowed_moves(chen) == set()
    assert inquiry.allowed_moves(root) == {Status.IN_REVIEW}


def test_it_walks_the_whole_way_with_one_event_per_step(chongqing, chen):
    inquiry = make_inquiry(chongqing)
    for step in ("in_review", "contacted", "application_invited", "enrolled"):
        inquiry.transition_to(step, by=chen)

    assert list(inquiry.events.values_list("from_status", "to_status")) == [
        ("new", "in_review"),
        ("in_review", "contacted"),
        ("contacted", "application_invited"),
        ("application_invited", "enrolled"),
    ]


def test_it_scopes_the_inquiries_an_officer_may_see(chongqing, jinhua, chen, root):
    mine = make_inquiry(chongqing)
    theirs = make_inquiry(jinhua)

    assert list(Inquiry.objects.for_staff(chen)) == [mine]
    assert set(Inquiry.objects.for_staff(root)) == {mine, theirs}
    chen.is_active = False
    assert not Inquiry.objects.for_staff(chen).exists()


@pytest.mark.parametrize("old", ["in_review", "contacted"])
def test_more_information_is_asked_for_only_with_a_message(chongqing, chen, old):
    inquiry = make_inquiry(chongqing, status=old)
    for message in (None, Message(inquiry=inquiry, body="  \n ")):
        with pytest.raises(ValidationError) as refused:
            inquiry.transition_to(Status.MORE_INFO, by=chen, message=message)
        assert refused.value.code == "message_required"
    inquiry.refresh_from_db()
    assert inquiry.status == old
    assert not inquiry.events.exists()
