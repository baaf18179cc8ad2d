"""Reading one prospect whole through the prospect service: its details, flags, checklist,
moves and activities, the timeline the card shows, and how an edit would be stored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import DEFAULT_CHECKLISTS, Flag, PipelineConfig, Stage
from onboard_desk.services.desk import Desk
from onboard_desk.services.prospects import (
    NotFoundError,
    ValidationError,
    prospect_details,
    prospect_flags,
)
from onboard_desk.services.timeline import build_timeline


@pytest.fixture
def ana(desk: Desk) -> int:
    prospect = desk.prospects.add({"name": "Ana Lopez", "company": "Acme"})
    assert prospect.id is not None
    return prospect.id


def test_details_hold_the_row_its_checklist_moves_and_activities(desk: Desk, ana: int) -> None:
    research = DEFAULT_CHECKLISTS[Stage.OUTREACH][0]
    desk.prospects.tick(ana, Stage.OUTREACH, research)
    desk.prospects.move(ana, Stage.FIRST_CALL)
    desk.prospects.log_activity(ana, "note", text="Decides with the CFO")
    desk.prospects.log_activity(ana, "email", subject="Pricing")

    details = desk.prospects.details(ana)
    assert details.prospect.name == "Ana Lopez"
    assert details.position.stage is Stage.FIRST_CALL
    assert details.checklist.stage is Stage.FIRST_CALL and details.checklist.done == 0
    assert [(h.from_stage, h.to_stage) for h in details.history] == [
        (None, "outreach"),
        ("outreach", "first_call"),
    ]
    assert [a.kind for a in details.activities] == ["email", "note"]  # newest first
    assert [e.what for e in details.timeline] == [
        "Email: Pricing",
        "Note",
        "Moved Outreach → First call",
        "Added in Outreach",
    ]
    assert desk.prospects.timeline(ana) == details.timeline
    assert details.flags == frozenset()  # a proposed next action, not due yet

    back = desk.prospects.move(ana, Stage.OUTREACH)
    assert back.transition.to_stage is Stage.OUTREACH
    items = desk.prospects.details(ana).checklist
    assert (items.items[0].text, items.items[0].ticked) == (research, True)


def test_activity_limit_keeps_the_newest(desk: Desk, ana: int) -> None:
    for number in range(3):
        desk.prospects.log_activity(ana, "note", text=f"Note {number}")
    details = desk.prospects.details(ana, activity_limit=2)
    assert [a.text for a in details.activities] == ["Note 2", "Note 1"]
    assert len(desk.prospects.timeline(ana, limit=1)) == 2  # its creation and one note


def test_flags_say_why_a_prospect_needs_attention(desk: Desk, ana: int) -> None:
    desk.prospects.set_next_action(ana, "Call", utcnow() - timedelta(hours=1))
    assert desk.prospects.details(ana).flags == {Flag.OVERDUE}
    desk.prospects.set_next_action(ana, None, None)
    later = utcnow() + timedelta(days=30)
    details = desk.prospects.details(ana, now=later)
    assert details.flags == {Flag.NO_NEXT_ACTION, Flag.STALE}
    assert details.now == later
    assert prospect_flags(details.prospect, now=later, config=PipelineConfig()) == details.flags
    desk.prospects.move(ana, Stage.LOST, "No budget")
    assert desk.prospects.details(ana, now=later).flags == frozenset()  # closed: no flags


def test_a_missing_prospect_is_a_clear_error(desk: Desk) -> None:
    with pytest.raises(NotFoundError, match="no prospect with id 42"):
        desk.prospects.details(42)


def test_details_compose_in_a_callers_transaction(desk: Desk, ana: int) -> None:
    with desk.writing() as session:
        details = prospect_details(session, prospect_id=ana, config=desk.config)
    assert details.prospect.id == ana
    assert build_timeline(details.history, details.activities) == details.timeline


def test_clean_says_how_an_edit_would_be_stored(desk: Desk) -> None:
    email = desk.prospects.clean({"email": " Ana@ACME.example "})
    assert (email["email"], email["email_key"]) == ("Ana@acme.example", "ana@acme.example")
    phone = desk.prospects.clean({"phone": "(518) 555-0199"}, region="US")
    assert (phone["phone"], phone["phone_key"]) == ("+1 518-555-0199", "+15185550199")
    with pytest.raises(ValidationError, match="not a valid email address"):
        desk.prospects.clean({"email": "ana at acme"})
