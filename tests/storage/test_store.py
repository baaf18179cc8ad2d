"""Writes through the store on a real SQLite file: create, edit, move, log, undo data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import (
    PipelineConfig,
    PipelineError,
    Stage,
    replay,
)
from onboard_desk.storage import store
from onboard_desk.storage.models import Activity, Prospect, StageChange
from tests.workday import working_morning


def _new(session: Session, **fields: object) -> Prospect:
    values = {"name": "Ana Lopez", "company": "Acme", **fields}
    return store.create_prospect(session, fields=values, by="tester")


def test_create_normalises_contact_fields_and_records_creation(session: Session) -> None:
    prospect = _new(session, email=" Ana@Example.COM ", phone="+49 30 1234567", tags="a, b,A")
    assert prospect.email == "Ana@example.com" and prospect.email_key == "ana@example.com"
    assert prospect.phone_key == "+49301234567"
    assert prospect.tags == "a,b"
    assert prospect.owner == "tester"
    assert prospect.next_action and prospect.next_action_due is not None
    history = store.stage_history(session, prospect.id or 0)
    assert [(h.from_stage, h.to_stage, h.kind) for h in history] == [(None, "outreach", "create")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "needs a name"),
        ({"email": "not-an-address"}, "not a valid email"),
        ({"phone": "12"}, "phone number"),
        ({"channel": "fax"}, "Unknown channel"),
        ({"currency": "Euro"}, "three-letter"),
    ],
)
def test_invalid_fields_are_refused_and_nothing_is_written(
    session: Session, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(store.ValidationError, match=message):
        store.create_prospect(session, fields={"name": "X", **fields}, by="t")
    assert session.exec(select(Prospect)).all() == []


def test_update_returns_previous_values_for_undo(session: Session) -> None:
    prospect = _new(session, email="a@b.example")
    previous = store.update_prospect(
        session, prospect_id=prospect.id or 0, changes={"email": "c@d.example", "title": "CEO"}
    )
    assert previous == {"email": "a@b.example", "title": ""}
    assert prospect.email_key == "c@d.example"
    store.update_prospect(session, prospect_id=prospect.id or 0, changes=previous)
    assert prospect.email == "a@b.example" and prospect.title == ""


def test_move_records_history_and_proposes_the_stage_next_action(session: Session) -> None:
    prospect = _new(session)
    pid = prospect.id or 0
    now = utcnow()
    for target in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL):
        store.move_prospect(session, prospect_id=pid, target=target, by="tester", now=now)
    assert prospect.stage == "trial"
    assert prospect.next_action_due == working_morning(now, 3)
    assert prospect.trial_ends_at == now + timedelta(days=14)
    history = store.stage_history(session, pid)
    assert (
        replay((Stage(h.from_stage or ""), Stage(h.to_stage)) for h in history[1:]).stage
        is Stage.TRIAL
    )


def test_check_in_delay_comes_from_config(session: Session) -> None:
    prospect = _new(session)
    now = utcnow()
    config = PipelineConfig(check_in_delay_days=5)
    store.move_prospect(
        session,
        prospect_id=prospect.id or 0,
        target=Stage.TRIAL,
        by="t",
        reason="Hot lead",
        config=config,
        now=now,
    )
    assert prospect.next_action_due == working_morning(now, 5)


def test_illegal_move_changes_nothing(session: Session) -> None:
    prospect = _new(session)
    with pytest.raises(PipelineError, match="give a reason"):
        store.move_prospect(session, prospect_id=prospect.id or 0, target=Stage.PAYMENT, by="t")
    assert prospect.stage == "outreach"
    assert len(store.stage_history(session, prospect.id or 0)) == 1


def test_lose_and_reopen(session: Session) -> None:
    prospect = _new(session)
    pid = prospect.id or 0
    store.move_prospect(session, prospect_id=pid, target=Stage.FIRST_CALL, by="t")
    store.move_prospect(session, prospect_id=pid, target=Stage.LOST, by="t", reason="No budget")
    assert (prospect.stage, prospect.lost_from, prospect.lost_reason) == (
        "lost",
        "first_call",
        "No budget",
    )
    assert prospect.next_action is None
    store.move_prospect(session, prospect_id=pid, target=Stage.FIRST_CALL, by="t")
    assert prospect.stage == "first_call" and prospect.lost_from is None and prospect.next_action


def test_revert_move_restores_position_and_drops_the_history_row(session: Session) -> None:
    prospect = _new(session)
    pid = prospect.id or 0
    before = (prospect.stage, prospect.next_action, prospect.next_action_due)
    result = store.move_prospect(session, prospect_id=pid, target=Stage.FIRST_CALL, by="t")
    store.revert_move(session, result=result)
    assert (prospect.stage, prospect.next_action, prospect.next_action_due) == before
    assert len(store.stage_history(session, pid)) == 1


def test_only_the_latest_move_can_be_reverted(session: Session) -> None:
    prospect = _new(session)
    pid = prospect.id or 0
    first = store.move_prospect(session, prospect_id=pid, target=Stage.FIRST_CALL, by="t")
    store.move_prospect(session, prospect_id=pid, target=Stage.FOLLOW_UP, by="t")
    with pytest.raises(PipelineError, match="undo the later move first"):
        store.revert_move(session, result=first)


def test_next_action_requires_a_due_date_and_can_be_cleared(session: Session) -> None:
    prospect = _new(session)
    pid = prospect.id or 0
    with pytest.raises(store.ValidationError, match="due date"):
        store.set_next_action(session, prospect_id=pid, action="Call", due=None)
    due = utcnow() + timedelta(days=2)
    store.set_next_action(session, prospect_id=pid, action="Call back", due=due)
    assert (prospect.next_action, prospect.next_action_due) == ("Call back", due)
    store.set_next_action(session, prospect_id=pid, action=None, due=None)
    assert prospect.next_action is None and prospect.next_action_due is None


def test_activities_are_logged_newest_first_with_the_stage(session: Session) -> None:
    prospect = _new(session)
    pid = prospect.id or 0
    earlier = utcnow() - timedelta(hours=2)
    store.log_activity(
        session, prospect_id=pid, kind="note", by="t", text="old", occurred_at=earlier
    )
    store.log_activity(
        session, prospect_id=pid, kind="call", by="t", outcome="reached", duration_seconds=300
    )
    timeline = store.activities_of(session, pid)
    assert [a.kind for a in timeline] == ["call", "note"]
    assert timeline[0].stage == "outreach" and timeline[0].duration_seconds == 300
    with pytest.raises(store.ValidationError, match="not an activity"):
        store.log_activity(session, prospect_id=pid, kind="fax", by="t")
    with pytest.raises(store.ValidationError, match="needs a due time"):
        store.log_activity(session, prospect_id=pid, kind="call", by="t", status="planned")


def test_delete_and_restore_puts_everything_back(session: Session) -> None:
    prospect = _new(session, email="keep@me.example")
    pid = prospect.id or 0
    store.move_prospect(session, prospect_id=pid, target=Stage.FIRST_CALL, by="t")
    store.log_activity(session, prospect_id=pid, kind="call", by="t")
    snapshot = store.delete_prospect(session, prospect_id=pid)
    assert session.get(Prospect, pid) is None
    assert session.exec(select(StageChange).where(StageChange.prospect_id == pid)).all() == []
    session.expunge_all()
    restored = store.restore_prospect(session, snapshot=snapshot)
    assert (
        restored.id == pid
        and restored.email == "keep@me.example"
        and restored.stage == "first_call"
    )
    assert len(store.stage_history(session, pid)) == 2
    assert len(session.exec(select(Activity).where(Activity.prospect_id == pid)).all()) == 1


def test_unknown_prospect_has_a_clear_message(session: Session) -> None:
    with pytest.raises(store.NotFoundError, match="no prospect with id 42"):
        store.get_prospect(session, 42)
