"""Checklist ticks in the store layer, on a real SQLite file: tick, untick, per stage,
deletes (the cascade and the undoable delete), and lists changed in the settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import DEFAULT_CHECKLISTS, PipelineConfig, Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import checklist, store
from onboard_desk.storage.models import ChecklistTick, Prospect

CONFIG = PipelineConfig()
RESEARCH, MESSAGE, PROPOSE = DEFAULT_CHECKLISTS[Stage.OUTREACH]
SHOW = DEFAULT_CHECKLISTS[Stage.FIRST_CALL][0]


def _new(session: Session, name: str = "Ana Lopez") -> int:
    prospect = prospect_ops.create_prospect(session, fields={"name": name}, by="tester")
    assert prospect.id is not None
    return prospect.id


def _tick(
    session: Session, pid: int, item: str, *, stage: Stage = Stage.OUTREACH, by: str = "Jamie"
) -> checklist.Tick | None:
    return checklist.tick_item(
        session, prospect_id=pid, stage=stage, item=item, by=by, config=CONFIG
    )


def _shown(
    session: Session, pid: int, stage: Stage = Stage.OUTREACH, config: PipelineConfig = CONFIG
) -> list[tuple[str, str | None]]:
    """(item, who ticked it) for each item of the stage's list as the card shows it."""
    items = checklist.stage_checklist(session, prospect_id=pid, stage=stage, config=config)
    return [(item.text, item.tick.by if item.tick else None) for item in items.items]


def _rows(session: Session) -> list[tuple[int, str, str]]:
    return [
        (row.prospect_id, row.stage, row.item)
        for row in session.exec(select(ChecklistTick).order_by(col(ChecklistTick.id)))
    ]


def test_a_new_prospect_has_an_unticked_list_and_no_rows(session: Session) -> None:
    pid = _new(session)
    items = checklist.stage_checklist(session, prospect_id=pid, stage=Stage.OUTREACH, config=CONFIG)
    assert [item.text for item in items.items] == [RESEARCH, MESSAGE, PROPOSE]
    assert (items.done, items.total) == (0, 3)
    assert _rows(session) == []


def test_tick_stores_who_and_when_and_counts(session: Session) -> None:
    pid = _new(session)
    before = utcnow()
    tick = _tick(session, pid, MESSAGE)
    assert tick is not None
    assert (tick.prospect_id, tick.stage, tick.item, tick.by) == (
        pid,
        Stage.OUTREACH,
        MESSAGE,
        "Jamie",
    )
    assert before <= tick.ticked_at <= utcnow()
    assert _rows(session) == [(pid, "outreach", MESSAGE)]
    session.expire_all()  # read back from the database, not the session's objects
    items = checklist.stage_checklist(session, prospect_id=pid, stage=Stage.OUTREACH, config=CONFIG)
    assert _shown(session, pid) == [(RESEARCH, None), (MESSAGE, "Jamie"), (PROPOSE, None)]
    assert (items.done, items.total) == (1, 3)
    assert items.items[1].tick == tick  # the time survives the round trip exactly


def test_ticking_twice_changes_nothing_and_untick_returns_the_tick(session: Session) -> None:
    pid = _new(session)
    first = _tick(session, pid, RESEARCH, by="Jamie")
    assert _tick(session, pid, RESEARCH, by="Sam") is None
    assert _shown(session, pid)[0] == (RESEARCH, "Jamie")
    removed = checklist.untick_item(session, prospect_id=pid, stage=Stage.OUTREACH, item=RESEARCH)
    assert removed == first
    assert _rows(session) == []
    assert (
        checklist.untick_item(session, prospect_id=pid, stage=Stage.OUTREACH, item=RESEARCH) is None
    )


def test_restore_puts_an_untick_back_with_its_author_and_time(session: Session) -> None:
    pid = _new(session)
    old = utcnow() - timedelta(days=3)
    checklist.tick_item(
        session,
        prospect_id=pid,
        stage=Stage.OUTREACH,
        item=PROPOSE,
        by="Jamie",
        config=CONFIG,
        now=old,
    )
    removed = checklist.untick_item(session, prospect_id=pid, stage=Stage.OUTREACH, item=PROPOSE)
    assert removed is not None
    checklist.restore_tick(session, tick=removed)
    checklist.restore_tick(session, tick=removed)  # a second restore is a no-op
    session.expire_all()
    (tick,) = checklist.ticks_of(session, prospect_id=pid)
    assert (tick.by, tick.ticked_at) == ("Jamie", old)


def test_a_tick_counts_as_a_change_to_the_prospect(session: Session) -> None:
    pid = _new(session)
    later = utcnow() + timedelta(minutes=5)
    _tick(session, pid, RESEARCH)
    checklist.untick_item(session, prospect_id=pid, stage=Stage.OUTREACH, item=RESEARCH, now=later)
    prospect = session.get(Prospect, pid)
    assert prospect is not None and prospect.updated_at == later


def test_an_item_not_on_the_list_or_an_unknown_prospect_is_refused(session: Session) -> None:
    pid = _new(session)
    with pytest.raises(store.ValidationError, match="not on the Outreach checklist"):
        _tick(session, pid, "Bake a cake")
    with pytest.raises(store.ValidationError, match="not on the First call checklist"):
        _tick(session, pid, RESEARCH, stage=Stage.FIRST_CALL)  # another stage's item
    with pytest.raises(store.NotFoundError, match="no prospect with id 999"):
        _tick(session, 999, RESEARCH)
    assert _rows(session) == []


def test_ticks_are_kept_per_stage_and_survive_moves(session: Session) -> None:
    pid = _new(session)
    _tick(session, pid, RESEARCH)
    prospect_ops.move_prospect(session, prospect_id=pid, target=Stage.FIRST_CALL, by="t")
    assert _shown(session, pid, Stage.FIRST_CALL) == [
        (item, None) for item in DEFAULT_CHECKLISTS[Stage.FIRST_CALL]
    ]
    _tick(session, pid, SHOW, stage=Stage.FIRST_CALL)
    prospect_ops.move_prospect(session, prospect_id=pid, target=Stage.OUTREACH, by="t")
    assert _shown(session, pid)[0] == (RESEARCH, "Jamie")
    prospect_ops.move_prospect(session, prospect_id=pid, target=Stage.FIRST_CALL, by="t")
    assert _shown(session, pid, Stage.FIRST_CALL)[0] == (SHOW, "Jamie")


def test_the_same_text_in_two_stages_is_two_items(session: Session) -> None:
    config = replace(
        CONFIG,
        checklists={**CONFIG.checklists, Stage.FIRST_CALL: ("Call", "Confirm interest")},
    )
    config = replace(config, checklists={**config.checklists, Stage.FOLLOW_UP: ("Call",)})
    pid = _new(session)
    checklist.tick_item(
        session, prospect_id=pid, stage=Stage.FIRST_CALL, item="Call", by="J", config=config
    )
    assert _shown(session, pid, Stage.FIRST_CALL, config)[0] == ("Call", "J")
    assert _shown(session, pid, Stage.FOLLOW_UP, config) == [("Call", None)]


def test_lost_prospects_keep_the_checklist_of_the_stage_they_left(session: Session) -> None:
    pid = _new(session)
    prospect_ops.move_prospect(session, prospect_id=pid, target=Stage.FIRST_CALL, by="t")
    prospect_ops.move_prospect(
        session, prospect_id=pid, target=Stage.LOST, reason="No budget", by="t"
    )
    prospect = store.get_prospect(session, pid)
    assert checklist.checklist_stage(prospect) is Stage.FIRST_CALL
    assert CONFIG.checklist(Stage.LOST) == ()


def test_ticks_go_with_a_deleted_prospect_and_come_back_with_it(session: Session) -> None:
    pid = _new(session)
    other = _new(session, "Ben Brown")
    _tick(session, pid, RESEARCH)
    _tick(session, pid, PROPOSE, by="Sam")
    _tick(session, other, RESEARCH)
    session.expire_all()
    before = checklist.ticks_of(session, prospect_id=pid)
    snapshot = prospect_ops.delete_prospect(session, prospect_id=pid)
    assert _rows(session) == [(other, "outreach", RESEARCH)]
    session.expunge_all()
    prospect_ops.restore_prospect(session, deleted=snapshot)
    session.expire_all()
    assert checklist.ticks_of(session, prospect_id=pid) == before
    assert _shown(session, pid) == [(RESEARCH, "Jamie"), (MESSAGE, None), (PROPOSE, "Sam")]


def test_deleting_prospects_in_sql_cascades_to_their_ticks(session: Session) -> None:
    """What an undone import does: a plain DELETE, the foreign key removes the ticks."""
    pid = _new(session)
    other = _new(session, "Ben Brown")
    _tick(session, pid, RESEARCH)
    _tick(session, other, MESSAGE)
    session.commit()
    session.connection().execute(text("DELETE FROM prospect WHERE id = :id"), {"id": pid})
    assert _rows(session) == [(other, "outreach", MESSAGE)]


def test_items_renamed_or_removed_in_the_settings_leave_old_ticks_harmless(
    session: Session,
) -> None:
    pid = _new(session)
    _tick(session, pid, RESEARCH)
    _tick(session, pid, MESSAGE)
    renamed = replace(
        CONFIG,
        checklists={
            **CONFIG.checklists,
            Stage.OUTREACH: ("Research the company", PROPOSE, PROPOSE),  # one line twice
        },
    )
    items = checklist.stage_checklist(
        session, prospect_id=pid, stage=Stage.OUTREACH, config=renamed
    )
    assert [(i.text, i.ticked) for i in items.items] == [
        ("Research the company", False),
        (PROPOSE, False),
    ]
    assert (items.done, items.total) == (0, 2)
    # The old ticks stay, shown nowhere; they can still be taken back.
    assert {t.item for t in checklist.ticks_of(session, prospect_id=pid)} == {RESEARCH, MESSAGE}
    assert checklist.untick_item(session, prospect_id=pid, stage=Stage.OUTREACH, item=MESSAGE)
    # Renaming it back shows the tick again.
    assert _shown(session, pid)[0] == (RESEARCH, "Jamie")
    # A stage whose list was emptied shows nothing, without error.
    emptied = replace(CONFIG, checklists={**CONFIG.checklists, Stage.OUTREACH: ()})
    assert _shown(session, pid, config=emptied) == []


def test_creating_prospects_writes_no_ticks_and_no_trigger_touches_them(
    session: Session,
) -> None:
    """Imports write prospects in bulk: nothing about checklists may run per prospect."""
    for n in range(3):
        _new(session, f"P{n}")
    assert _rows(session) == []
    triggers = (
        session.connection()
        .execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        .all()
    )
    assert triggers  # the search and journey triggers are there ...
    assert not [name for name, sql in triggers if "checklisttick" in sql.lower()]  # ... not ours
