"""The use cases behind Today and the board: what to plan after a contact, a next action
marked done (and undone) in one transaction, and the board's pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onboard_desk.pipeline import Stage, propose_next_action
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.purchases import record_purchase
from onboard_desk.services.desk import Desk
from onboard_desk.services.prospects import Done, NotFoundError, ValidationError
from onboard_desk.storage import store
from tests.retention.conftest import customer, day, prospect


def _regular(desk: Desk) -> int:
    """A customer won on day 0 who bought again on days 120 and 240: every 120 days, so
    the nudge falls at 75 % of the interval, day 330."""
    with desk.writing() as session:
        ada = customer(session, "Ada", won=0)
        for bought in (120, 240):
            record_purchase(
                session,
                prospect_id=ada,
                amount_cents=5_000,
                by="Ann",
                config=RetentionConfig(),
                purchased_at=day(bought),
                now=day(bought),
            )
    return ada


def test_after_a_contact_a_prospect_gets_what_its_stage_proposes(desk: Desk) -> None:
    with desk.writing() as session:
        ada = prospect(session, "Ada", stage=Stage.TRIAL)
    proposal = desk.prospects.proposal_after_contact(ada, now=day(3))
    assert proposal == propose_next_action(Stage.TRIAL, day(3), desk.config)
    assert proposal is not None and proposal.text.startswith("Final check-in")


def test_after_a_contact_a_customer_gets_the_repeat_purchase_nudge(desk: Desk) -> None:
    ada = _regular(desk)
    proposal = desk.prospects.proposal_after_contact(ada, now=day(300))
    assert proposal is not None
    assert proposal.text.startswith("Repeat purchase expected around")
    assert proposal.due == day(330)


def test_the_contact_cap_counts_the_contact_just_made(desk: Desk) -> None:
    ada = _regular(desk)
    # A contact on day 325 allows the next one 14 days later, after the nudge's day 330.
    proposal = desk.prospects.proposal_after_contact(ada, now=day(325))
    assert proposal is not None and proposal.due == day(325) + timedelta(days=14)


def test_a_customer_without_a_cadence_gets_no_proposal(desk: Desk) -> None:
    with desk.writing() as session:
        bo = customer(session, "Bo", won=0)  # one purchase (the win): no cadence yet
    assert desk.prospects.proposal_after_contact(bo, now=day(30)) is None


def test_no_proposal_for_a_prospect_that_is_gone(desk: Desk) -> None:
    with pytest.raises(NotFoundError):
        desk.prospects.proposal_after_contact(404)


def test_done_logs_the_activity_and_plans_the_next_and_undo_takes_both_back(
    desk: Desk,
) -> None:
    with desk.writing() as session:
        ada = prospect(session, "Ada", stage=Stage.FIRST_CALL)
        store.set_next_action(session, prospect_id=ada, action="Call Ada", due=day(1))
    done = Done(
        subject="Call Ada",
        kind="call",
        outcome="connected",
        note="Wants the numbers",
        next_action="Send the numbers",
        next_due=day(2),
    )
    record = desk.prospects.mark_done(ada, done)
    (activity,) = desk.prospects.activities(ada)
    assert activity.id == record.activity_id
    assert (activity.kind, activity.subject, activity.outcome) == ("call", "Call Ada", "connected")
    assert (activity.text, activity.by) == ("Wants the numbers", desk.user)
    prospect_now = desk.prospects.get(ada)
    assert prospect_now.next_action == "Send the numbers"
    assert prospect_now.next_action_due == day(2)
    assert (record.previous.action, record.previous.due) == ("Call Ada", day(1))
    assert record.previous.chosen_at is None  # set by the store, not chosen in the window

    desk.prospects.undo_done(record)
    assert desk.prospects.activities(ada) == []
    back = desk.prospects.get(ada)
    assert (back.next_action, back.next_action_due) == ("Call Ada", day(1))


def test_done_with_nothing_planned_clears_the_next_action(desk: Desk) -> None:
    with desk.writing() as session:
        ada = prospect(session, "Ada")
    desk.prospects.mark_done(ada, Done(subject="Follow up", kind="email"))
    assert desk.prospects.get(ada).next_action is None
    assert [a.kind for a in desk.prospects.activities(ada)] == ["email"]


def test_a_refused_done_changes_nothing(desk: Desk) -> None:
    """The activity and the next action are one transaction: a next action the rules
    refuse leaves no activity behind."""
    with desk.writing() as session:
        ada = prospect(session, "Ada")
    with pytest.raises(ValidationError, match="needs a due date"):
        desk.prospects.mark_done(
            ada, Done(subject="Call", kind="call", next_action="Call again", next_due=None)
        )
    assert desk.prospects.activities(ada) == []


def test_a_board_page_follows_the_last_card_of_the_one_before(desk: Desk) -> None:
    with desk.writing() as session:
        for n in range(9):
            prospect(session, "Same name" if n < 5 else f"Other {n}", stage=Stage.OUTREACH)
    seen: list[int] = []
    after = None
    while True:
        page = desk.lists.board_page(Stage.OUTREACH, after=after, limit=4)
        seen += [c.prospect_id for c in page]
        if len(page) < 4:
            break
        after = (page[-1].name, page[-1].prospect_id)
    assert len(seen) == len(set(seen)) == 9
