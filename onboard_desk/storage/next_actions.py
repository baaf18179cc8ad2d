"""Next actions as stored: who chose one and when, and how busy a day already is.

Two things the pipeline's proposal rule needs from the database:

- **How many next actions a day holds** (:func:`taken_slots`), so a proposal for that day
  takes the next free slot of the working hours instead of stacking on the first one
  (:meth:`onboard_desk.domain.workhours.WorkingHours.due_after`). One indexed count.
- **Whether a person chose the current next action** (``next_action_chosen_at``), so a
  proposal made a few minutes later is offered rather than applied
  (:func:`onboard_desk.pipeline.proposal_may_replace`).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import as_utc
from onboard_desk.pipeline import (
    NextActionProposal,
    PipelineConfig,
    Stage,
    StageEntry,
    enter_stage,
    proposal_may_replace,
    propose_next_action,
)
from onboard_desk.storage.models import Prospect


class NextActionState(NamedTuple):
    """A prospect's next action as stored: what, when, and when a person chose it (None:
    proposed by the app or imported). What a write returns to be undone with."""

    action: str | None
    due: datetime | None
    chosen_at: datetime | None = None

    @classmethod
    def of(cls, prospect: Prospect) -> NextActionState:
        return cls(prospect.next_action, prospect.next_action_due, prospect.next_action_chosen_at)


def taken_slots(
    session: Session, *, due: datetime, config: PipelineConfig, exclude_id: int | None = None
) -> int:
    """How many prospects have a next action due in the working hours of ``due``'s day
    (leaving out ``exclude_id``, whose action is being replaced)."""
    start, end = config.working_hours.window_around(due)
    statement = select(func.count()).where(
        col(Prospect.next_action_due) >= start, col(Prospect.next_action_due) < end
    )
    if exclude_id is not None:
        statement = statement.where(col(Prospect.id) != exclude_id)
    return int(session.exec(statement).one())


def spread_proposal(
    session: Session,
    *,
    stage: Stage,
    at: datetime,
    config: PipelineConfig,
    exclude_id: int | None = None,
) -> NextActionProposal | None:
    """What entering (or working in) ``stage`` at ``at`` proposes, in the first free slot of
    the day it falls on: the pipeline's rule, told how busy that day is."""
    first = propose_next_action(stage, at, config)
    if first is None:
        return None
    taken = taken_slots(session, due=first.due, config=config, exclude_id=exclude_id)
    return propose_next_action(stage, at, config, slot=taken) if taken else first


def spread_entry(
    session: Session,
    *,
    stage: Stage,
    at: datetime,
    config: PipelineConfig,
    trial_ends_at: datetime | None = None,
    exclude_id: int | None = None,
) -> StageEntry:
    """What entering ``stage`` at ``at`` sets (:func:`onboard_desk.pipeline.enter_stage`),
    its proposal in the first free slot of the day it falls on."""
    entry = enter_stage(stage, at, config, trial_ends_at=trial_ends_at)
    if entry.next_action is None:
        return entry
    taken = taken_slots(session, due=entry.next_action.due, config=config, exclude_id=exclude_id)
    return (
        enter_stage(stage, at, config, trial_ends_at=trial_ends_at, slot=taken) if taken else entry
    )


def chosen_recently(prospect: Prospect, now: datetime) -> bool:
    """Whether a person chose the prospect's next action so recently that a proposal must
    not replace it."""
    chosen = prospect.next_action_chosen_at
    if not prospect.next_action or chosen is None:
        return False
    return not proposal_may_replace(as_utc(chosen), as_utc(now))
