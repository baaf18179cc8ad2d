"""Ticks on the stage checklists: which items of a stage's checklist are done for a prospect.

A stage's checklist is a list of item texts from the settings
(:meth:`PipelineConfig.checklist`); what is stored is a tick per prospect, stage and
item text (:class:`~onboard_desk.storage.models.ChecklistTick`), with who ticked it and when.
The checklist informs and never blocks: no move looks at it.

Ticks are kept per stage, so a prospect that moves on and comes back to a stage finds
that stage's earlier ticks. Reading a checklist asks only for the items on the current
list, so the tick of an item renamed or removed in the settings is shown nowhere (and
comes back if the item is renamed back). Every write returns what undoes it, like the
writes in :mod:`onboard_desk.storage.store`, and leaves committing to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.pipeline import PipelineConfig, Stage
from onboard_desk.storage.models import ChecklistTick, Prospect
from onboard_desk.storage.store import ValidationError, get_prospect


@dataclass(frozen=True)
class Tick:
    """A stored tick, as values: what the card's hover text shows, and what an undone
    untick puts back (with its original author and time)."""

    prospect_id: int
    stage: Stage
    item: str
    ticked_at: datetime
    by: str


@dataclass(frozen=True)
class ChecklistItem:
    """One item of a checklist and its tick, if it has one."""

    text: str
    tick: Tick | None = None

    @property
    def ticked(self) -> bool:
        return self.tick is not None


@dataclass(frozen=True)
class StageChecklist:
    """A stage's checklist as it applies to one prospect: the items in the settings' order."""

    stage: Stage
    items: tuple[ChecklistItem, ...] = ()

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.ticked)

    @property
    def total(self) -> int:
        return len(self.items)


def checklist_stage(prospect: Prospect) -> Stage:
    """The stage whose checklist belongs with the prospect: its own stage, or for a lost
    prospect the stage it was lost from (Lost has no checklist of its own)."""
    stage = Stage(prospect.stage)
    if stage is Stage.LOST and prospect.lost_from:
        return Stage(prospect.lost_from)
    return stage


def _tick(row: ChecklistTick) -> Tick:
    return Tick(row.prospect_id, Stage(row.stage), row.item, as_utc(row.ticked_at), row.by)


def _find(session: Session, prospect_id: int, stage: Stage, item: str) -> ChecklistTick | None:
    return session.exec(
        select(ChecklistTick).where(
            ChecklistTick.prospect_id == prospect_id,
            ChecklistTick.stage == stage.value,
            ChecklistTick.item == item,
        )
    ).first()


def _touch(session: Session, prospect: Prospect, now: datetime) -> None:
    """A tick is work on the prospect: it counts as a change (list order, import undo)."""
    prospect.updated_at = now
    session.add(prospect)


def stage_checklist(
    session: Session, *, prospect_id: int, stage: Stage, config: PipelineConfig
) -> StageChecklist:
    """``stage``'s checklist from ``config`` with this prospect's ticks, in one indexed read.

    An item listed twice in the settings is shown once (one tick would tick both).
    """
    texts = tuple(dict.fromkeys(config.checklist(stage)))
    if not texts:
        return StageChecklist(stage)
    rows = session.exec(
        select(ChecklistTick).where(
            ChecklistTick.prospect_id == prospect_id,
            ChecklistTick.stage == stage.value,
            col(ChecklistTick.item).in_(texts),
        )
    )
    ticks = {row.item: _tick(row) for row in rows}
    return StageChecklist(stage, tuple(ChecklistItem(text, ticks.get(text)) for text in texts))


def ticks_of(session: Session, *, prospect_id: int) -> list[Tick]:
    """Every stored tick of a prospect, in every stage, oldest first; including those whose
    item is on no list any more (which no checklist shows)."""
    rows = session.exec(
        select(ChecklistTick)
        .where(ChecklistTick.prospect_id == prospect_id)
        .order_by(col(ChecklistTick.ticked_at), col(ChecklistTick.id))
    )
    return [_tick(row) for row in rows]


def tick_item(
    session: Session,
    *,
    prospect_id: int,
    stage: Stage,
    item: str,
    by: str,
    config: PipelineConfig,
    now: datetime | None = None,
) -> Tick | None:
    """Tick ``item`` of ``stage``'s checklist; returns the new tick, or None when it was
    ticked already (nothing changes).

    The item must be on the stage's list in ``config``: a list changed in the settings
    since the card was drawn is refused with a message rather than storing a tick that
    no list would show.
    """
    prospect = get_prospect(session, prospect_id)
    if item not in config.checklist(stage):
        raise ValidationError(
            f"“{item}” is not on the {stage.label} checklist (it may have just been "
            "changed in the settings)."
        )
    if _find(session, prospect_id, stage, item) is not None:
        return None
    now = now or utcnow()
    row = ChecklistTick(prospect_id=prospect_id, stage=stage.value, item=item, ticked_at=now, by=by)
    session.add(row)
    _touch(session, prospect, now)
    session.flush()
    return _tick(row)


def untick_item(
    session: Session,
    *,
    prospect_id: int,
    stage: Stage,
    item: str,
    now: datetime | None = None,
) -> Tick | None:
    """Remove the tick of ``item``; returns it (to undo with), or None if it had none.

    No check against the current list: a tick can always be taken back.
    """
    prospect = get_prospect(session, prospect_id)
    row = _find(session, prospect_id, stage, item)
    if row is None:
        return None
    removed = _tick(row)
    session.delete(row)
    _touch(session, prospect, now or utcnow())
    session.flush()
    return removed


def restore_tick(session: Session, *, tick: Tick, now: datetime | None = None) -> None:
    """Put a removed tick back as it was, with its author and time (undoing an untick).

    Not checked against the current list, so an undo works even after the settings
    changed; a tick that is there already is left alone.
    """
    prospect = get_prospect(session, tick.prospect_id)
    if _find(session, tick.prospect_id, tick.stage, tick.item) is not None:
        return
    session.add(
        ChecklistTick(
            prospect_id=tick.prospect_id,
            stage=tick.stage.value,
            item=tick.item,
            ticked_at=tick.ticked_at,
            by=tick.by,
        )
    )
    _touch(session, prospect, now or utcnow())
    session.flush()
