"""One prospect read whole, as the card and the command line's ``show`` present it: the row,
why it needs attention, the checklist it works on, its moves and its activities, read in one
transaction so the parts agree. :class:`~onboard_desk.services.prospects.ProspectService`
offers it to the front ends (``desk.prospects.details(...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.pipeline import Flag, PipelineConfig, Position, Stage, flags_for
from onboard_desk.services.timeline import TimelineEntry, build_timeline
from onboard_desk.storage import checklist as checklists
from onboard_desk.storage import store
from onboard_desk.storage.checklist import StageChecklist
from onboard_desk.storage.models import Activity, Prospect, StageChange
from onboard_desk.storage.store import position_of

__all__ = ["ProspectDetails", "prospect_details", "prospect_flags"]


def prospect_flags(
    prospect: Prospect, *, now: datetime, config: PipelineConfig | None = None
) -> frozenset[Flag]:
    """Why an open prospect needs attention (overdue, no next action, stale) at ``now``."""
    due = prospect.next_action_due
    return flags_for(
        stage=Stage(prospect.stage),
        next_action_due=as_utc(due) if due is not None else None,
        stage_entered_at=as_utc(prospect.stage_entered_at),
        now=now,
        config=config,
    )


@dataclass(frozen=True)
class ProspectDetails:
    """One prospect as the card and the command line's ``show`` present it, read in one
    transaction so its parts agree: the row, where it stands and why it needs attention,
    the checklist it works on, its moves and its activities."""

    prospect: Prospect
    flags: frozenset[Flag]
    checklist: StageChecklist
    #: Moves, oldest first.
    history: list[StageChange]
    #: Activities, newest first (the newest ``activity_limit`` when one was asked for).
    activities: list[Activity]
    #: The moment the flags were computed for.
    now: datetime

    @property
    def position(self) -> Position:
        return position_of(self.prospect)

    @property
    def timeline(self) -> list[TimelineEntry]:
        """Moves and activities as one list of events, newest first."""
        return build_timeline(self.history, self.activities)


def prospect_details(
    session: Session,
    *,
    prospect_id: int,
    config: PipelineConfig,
    now: datetime | None = None,
    activity_limit: int | None = None,
) -> ProspectDetails:
    """Everything about one prospect (NotFoundError when there is no such prospect)."""
    now = now or utcnow()
    prospect = store.get_prospect(session, prospect_id)
    return ProspectDetails(
        prospect=prospect,
        flags=prospect_flags(prospect, now=now, config=config),
        checklist=checklists.stage_checklist(
            session,
            prospect_id=prospect_id,
            stage=checklists.checklist_stage(prospect),
            config=config,
        ),
        history=store.stage_history(session, prospect_id),
        activities=store.activities_of(session, prospect_id, limit=activity_limit),
        now=now,
    )
