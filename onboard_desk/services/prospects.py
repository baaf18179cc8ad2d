"""Prospects with all their consequences: add, edit, move, delete and restore, log an
activity, set the next action, mark a next action done (and propose what follows a
contact), tick the checklist, and read one prospect (its details and timeline, as the card
and the command line's ``show`` present it).

The store writes rows; this module decides what a change means. A win issues the
customer's referral code, records the first purchase and converts the referral that
brought them; undoing the win takes those back; a prospect added with a referral code is
linked to its customer; a delete takes the retention rows along so that its undo puts
every one of them back (:mod:`onboard_desk.retention.lifecycle`). Every front end (the
window, the command line, undo) comes through here, so none of them can forget a
consequence.

The session-level functions leave committing to the caller and return what undoes them;
:class:`ProspectService` runs each in a transaction of its own for the front ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import (
    MoveCheck,
    NextActionProposal,
    PipelineConfig,
    Position,
    Stage,
    check_move,
)
from onboard_desk.retention import lifecycle, referrals
from onboard_desk.retention.config import RetentionConfig, load_retention_config
from onboard_desk.services.details import ProspectDetails, prospect_details, prospect_flags
from onboard_desk.services.timeline import MAX_ACTIVITIES, TimelineEntry, build_timeline
from onboard_desk.storage import checklist as checklists
from onboard_desk.storage import store
from onboard_desk.storage.checklist import ChecklistItem, StageChecklist, Tick
from onboard_desk.storage.duplicates import LikelyDuplicate, find_likely_duplicates
from onboard_desk.storage.models import Activity, Prospect, StageChange
from onboard_desk.storage.next_actions import NextActionState
from onboard_desk.storage.store import (
    ACTIVITY_KINDS,
    CALL_OUTCOMES,
    EDITABLE_FIELDS,
    MoveResult,
    NotFoundError,
    ValidationError,
    clean_fields,
    position_of,
)

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

__all__ = [
    "ACTIVITY_KINDS",
    "CALL_OUTCOMES",
    "EDITABLE_FIELDS",
    "MAX_ACTIVITIES",
    "ChecklistItem",
    "DeletedProspect",
    "Done",
    "DoneRecord",
    "LikelyDuplicate",
    "MoveResult",
    "NextActionState",
    "NotFoundError",
    "Prospect",
    "ProspectDetails",
    "ProspectService",
    "StageChecklist",
    "Tick",
    "TimelineEntry",
    "ValidationError",
    "clean_fields",
    "create_prospect",
    "delete_prospect",
    "mark_done",
    "move_prospect",
    "position_of",
    "proposal_after_contact",
    "prospect_details",
    "prospect_flags",
    "restore_prospect",
    "revert_move",
    "undo_done",
]


@dataclass(frozen=True)
class DeletedProspect:
    """Everything a delete took away, enough to put the prospect back with the same id:
    its own rows (the store's snapshot) and its retention rows."""

    snapshot: store.ProspectSnapshot
    retention: lifecycle.RetentionRows

    @property
    def prospect_id(self) -> int:
        return int(self.snapshot.prospect["id"])


# --- session-level use cases ----------------------------------------------------------------


def create_prospect(
    session: Session,
    *,
    fields: Mapping[str, Any],
    by: str,
    stage: Stage = Stage.OUTREACH,
    config: PipelineConfig | None = None,
    now: datetime | None = None,
    region: str | None = None,
    referral_code: str | None = None,
    retention: RetentionConfig | None = None,
) -> Prospect:
    """Add a prospect with its creation in the history and its proposed next action.

    With ``referral_code`` the prospect is linked to the code's holder and its channel is
    Referral, with the rewards ``retention`` gives; a code nobody has raises before anything
    is written. A prospect created straight into Won is a customer and gets a code of its
    own.
    """
    now = now or utcnow()
    if referral_code is not None:
        referrals.find_code(session, referral_code)
    prospect = store.create_prospect(
        session, fields=fields, by=by, stage=stage, config=config, now=now, region=region
    )
    assert prospect.id is not None
    if referral_code is not None:
        referrals.link_referral(
            session,
            referred_id=prospect.id,
            code=referral_code,
            config=retention or load_retention_config(session),
            now=now,
        )
    if stage is Stage.WON:
        lifecycle.on_created_customer(session, prospect_id=prospect.id, now=now)
    return prospect


def move_prospect(
    session: Session,
    *,
    prospect_id: int,
    target: Stage,
    by: str,
    reason: str | None = None,
    config: PipelineConfig | None = None,
    now: datetime | None = None,
) -> MoveResult:
    """Move a prospect if the pipeline rules allow it (else PipelineError), with the new
    stage's proposed next action; a win runs the customer's consequences."""
    now = now or utcnow()
    result = store.move_prospect(
        session,
        prospect_id=prospect_id,
        target=target,
        by=by,
        reason=reason,
        config=config,
        now=now,
    )
    if result.transition.to_stage is Stage.WON:
        prospect = store.get_prospect(session, prospect_id)
        lifecycle.on_won(session, prospect=prospect, change_id=result.change_id, now=now, by=by)
    return result


def revert_move(session: Session, *, result: MoveResult) -> None:
    """Undo the prospect's latest move (see :func:`onboard_desk.storage.store.revert_move`);
    undoing a win takes its purchase and referral conversion back."""
    store.revert_move(session, result=result)
    if result.transition.to_stage is Stage.WON:
        lifecycle.on_win_reverted(
            session, prospect_id=result.prospect_id, change_id=result.change_id
        )


def delete_prospect(session: Session, *, prospect_id: int) -> DeletedProspect:
    """Delete a prospect with everything that belongs to it: history, activities, checklist
    ticks, purchases, survey answers, its referral code and the referrals it made or came
    through. Returns what :func:`restore_prospect` puts back."""
    store.get_prospect(session, prospect_id)  # NotFoundError before anything is taken
    retention = lifecycle.take_rows(session, prospect_id=prospect_id)
    snapshot = store.delete_prospect(session, prospect_id=prospect_id)
    return DeletedProspect(snapshot, retention)


def restore_prospect(session: Session, *, deleted: DeletedProspect) -> Prospect:
    """Put a deleted prospect back exactly as it was, with the same id."""
    prospect = store.restore_prospect(session, snapshot=deleted.snapshot)
    lifecycle.put_back(session, rows=deleted.retention)
    return prospect


# --- the service the front ends call --------------------------------------------------------


class ProspectService:
    """Prospect use cases, each in a transaction of its own, as the current user."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # reads

    def get(self, prospect_id: int) -> Prospect:
        """The prospect's stored row (detached: change it through this service)."""
        with self._desk.reading() as session:
            return store.get_prospect(session, prospect_id)

    def history(self, prospect_id: int) -> list[StageChange]:
        """The prospect's moves, oldest first."""
        with self._desk.reading() as session:
            return store.stage_history(session, prospect_id)

    def activities(self, prospect_id: int, *, limit: int | None = None) -> list[Activity]:
        """The prospect's activities, newest first."""
        with self._desk.reading() as session:
            return store.activities_of(session, prospect_id, limit=limit)

    def position(self, prospect_id: int) -> Position:
        """Where the prospect stands: its stage, and for a lost one where it was lost from."""
        return position_of(self.get(prospect_id))

    def check_move(self, position: Position, target: Stage) -> MoveCheck:
        """Whether the move is allowed, needs a reason, or is refused (and why)."""
        return check_move(position, target)

    def checklist(self, prospect: Prospect) -> StageChecklist:
        """The checklist of the stage the prospect works on, with its ticks."""
        with self._desk.reading() as session:
            return checklists.stage_checklist(
                session,
                prospect_id=int(prospect.id or 0),
                stage=checklists.checklist_stage(prospect),
                config=self._desk.config,
            )

    # writes

    def add(
        self,
        fields: Mapping[str, Any],
        *,
        stage: Stage = Stage.OUTREACH,
        region: str | None = None,
        referral_code: str | None = None,
    ) -> Prospect:
        desk = self._desk
        with desk.writing() as session:
            return create_prospect(
                session,
                fields=fields,
                by=desk.user,
                stage=stage,
                config=desk.config,
                region=desk.region if region is None else region,
                referral_code=referral_code,
                retention=desk.retention_config if referral_code else None,
            )

    def edit(
        self, prospect_id: int, changes: Mapping[str, Any], *, region: str | None = None
    ) -> dict[str, Any]:
        """Apply edits; returns the previous values (what :meth:`edit` undoes them with).
        Phone numbers without a country code are read in ``region``, else the database's."""
        desk = self._desk
        with desk.writing() as session:
            return store.update_prospect(
                session,
                prospect_id=prospect_id,
                changes=changes,
                region=desk.region if region is None else region,
            )

    def move(self, prospect_id: int, target: Stage, reason: str | None = None) -> MoveResult:
        desk = self._desk
        with desk.writing() as session:
            return move_prospect(
                session,
                prospect_id=prospect_id,
                target=target,
                by=desk.user,
                reason=reason,
                config=desk.config,
            )

    def revert_move(self, result: MoveResult) -> None:
        with self._desk.writing() as session:
            revert_move(session, result=result)

    def delete(self, prospect_id: int) -> DeletedProspect:
        with self._desk.writing() as session:
            return delete_prospect(session, prospect_id=prospect_id)

    def restore(self, deleted: DeletedProspect) -> Prospect:
        with self._desk.writing() as session:
            return restore_prospect(session, deleted=deleted)

    def set_next_action(
        self, prospect_id: int, action: str | None, due: datetime | None
    ) -> NextActionState:
        """Set (or with ``action=None`` clear) the next action the user chose; returns the
        previous one. For a few minutes no proposal replaces it (a move, a sent email)."""
        with self._desk.writing() as session:
            return store.set_next_action(
                session, prospect_id=prospect_id, action=action, due=due, chosen_at=utcnow()
            )

    def restore_next_action(self, prospect_id: int, state: NextActionState) -> None:
        """Put back a next action as it was (what :meth:`set_next_action` returned)."""
        with self._desk.writing() as session:
            store.set_next_action(
                session,
                prospect_id=prospect_id,
                action=state.action,
                due=state.due,
                chosen_at=state.chosen_at,
            )

    def log_activity(self, prospect_id: int, kind: str, **fields: Any) -> Activity:
        """Record a call, email, meeting or note by the current user."""
        with self._desk.writing() as session:
            return store.log_activity(
                session, prospect_id=prospect_id, kind=kind, by=self._desk.user, **fields
            )

    def delete_activity(self, activity_id: int) -> None:
        with self._desk.writing() as session:
            store.delete_activity(session, activity_id=activity_id)

    def tick(self, prospect_id: int, stage: Stage, item: str) -> Tick | None:
        with self._desk.writing() as session:
            return checklists.tick_item(
                session,
                prospect_id=prospect_id,
                stage=stage,
                item=item,
                by=self._desk.user,
                config=self._desk.config,
            )

    def untick(self, prospect_id: int, stage: Stage, item: str) -> Tick | None:
        with self._desk.writing() as session:
            return checklists.untick_item(session, prospect_id=prospect_id, stage=stage, item=item)

    def restore_tick(self, tick: Tick) -> None:
        with self._desk.writing() as session:
            checklists.restore_tick(session, tick=tick)

    # whole-prospect reads

    def details(
        self,
        prospect_id: int,
        *,
        activity_limit: int | None = None,
        now: datetime | None = None,
    ) -> ProspectDetails:
        """The prospect with its flags, checklist, moves and (the newest ``activity_limit``)
        activities, read together (NotFoundError when it is gone)."""
        with self._desk.reading() as session:
            return prospect_details(
                session,
                prospect_id=prospect_id,
                config=self._desk.config,
                now=now,
                activity_limit=activity_limit,
            )

    def timeline(self, prospect_id: int, *, limit: int = MAX_ACTIVITIES) -> list[TimelineEntry]:
        """The prospect's moves and newest ``limit`` activities as events, newest first."""
        with self._desk.reading() as session:
            return build_timeline(
                store.stage_history(session, prospect_id),
                store.activities_of(session, prospect_id, limit=limit),
            )

    def clean(self, changes: Mapping[str, Any], *, region: str | None = None) -> dict[str, Any]:
        """The edits as they would be stored (trimmed, normalised), or ValidationError with
        what to correct; numbers without a country code are read in ``region``, else the
        database's (and kept as written when it has none)."""
        return clean_fields(changes, region=self._desk.region if region is None else region)

    # a next action done (the Today screen's one click)

    def proposal_after_contact(
        self, prospect_id: int, *, now: datetime | None = None
    ) -> NextActionProposal | None:
        """What to plan after a contact with the prospect now (see
        :func:`proposal_after_contact`)."""
        desk = self._desk
        with desk.reading() as session:
            return proposal_after_contact(
                session,
                prospect_id=prospect_id,
                config=desk.config,
                retention=desk.retention_config,
                now=now,
            )

    def mark_done(self, prospect_id: int, done: Done) -> DoneRecord:
        """Log a done next action and plan the following one, in one transaction."""
        with self._desk.writing() as session:
            return mark_done(session, prospect_id=prospect_id, done=done, by=self._desk.user)

    def undo_done(self, record: DoneRecord) -> None:
        with self._desk.writing() as session:
            undo_done(session, record=record)

    # who may be there already (the New-prospect dialog's check)

    def likely_duplicates(
        self,
        name: str,
        company: str = "",
        email: str = "",
        phone: str = "",
        *,
        region: str | None = None,
        exclude_id: int | None = None,
    ) -> list[LikelyDuplicate]:
        """Prospects that are probably the person described, strongest match first (the
        duplicate rule of :mod:`onboard_desk.storage.duplicates`, the import's too).

        Nothing is looked up (and nothing found) without an email, a phone, or a name with
        its company: a name alone matches too many people to warn about.
        """
        name, company, email, phone = (v.strip() for v in (name, company, email, phone))
        if not (email or phone or (name and company)):
            return []
        with self._desk.reading() as session:
            return find_likely_duplicates(
                session,
                name,
                company,
                email,
                phone,
                region=self._desk.region if region is None else region,
                exclude_id=exclude_id,
            )


# --- a next action done: what happened, and what comes next ---------------------------------


@dataclass(frozen=True)
class Done:
    """A next action the salesperson did: the activity it was (``kind``, with a call's
    ``outcome`` and a ``note``; its subject is the action's text) and the next action
    planned after it (``next_action`` None: nothing planned for now)."""

    subject: str
    kind: str
    outcome: str = ""
    note: str = ""
    next_action: str | None = None
    next_due: datetime | None = None


@dataclass(frozen=True)
class DoneRecord:
    """What :func:`mark_done` wrote, enough for :func:`undo_done` to take it back: the
    activity logged and the next action it replaced."""

    prospect_id: int
    activity_id: int
    previous: NextActionState


def proposal_after_contact(
    session: Session,
    *,
    prospect_id: int,
    config: PipelineConfig,
    retention: RetentionConfig,
    now: datetime | None = None,
) -> NextActionProposal | None:
    """The next action to propose once the salesperson has been in touch with the prospect
    (the one rule: :func:`onboard_desk.retention.proposals.after_contact`)."""
    # Imported here: every screen that moves a prospect loads this module, few ask this.
    from onboard_desk.retention.proposals import after_contact

    return after_contact(
        session, prospect_id=prospect_id, config=config, retention=retention, now=now
    )


def mark_done(session: Session, *, prospect_id: int, done: Done, by: str) -> DoneRecord:
    """Log ``done``'s activity and set (or clear) the next action, together: a done next
    action is never logged without its successor being planned, nor the other way round."""
    activity = store.log_activity(
        session,
        prospect_id=prospect_id,
        kind=done.kind,
        by=by,
        subject=done.subject,
        text=done.note,
        outcome=done.outcome,
    )
    assert activity.id is not None
    # The salesperson confirmed (or wrote) what comes next: it is their choice.
    previous = store.set_next_action(
        session,
        prospect_id=prospect_id,
        action=done.next_action,
        due=done.next_due,
        chosen_at=utcnow(),
    )
    return DoneRecord(prospect_id, activity.id, previous)


def undo_done(session: Session, *, record: DoneRecord) -> None:
    """Take back :func:`mark_done`: the activity goes and the previous next action returns."""
    store.delete_activity(session, activity_id=record.activity_id)
    action, due, chosen_at = record.previous
    store.set_next_action(
        session, prospect_id=record.prospect_id, action=action, due=due, chosen_at=chosen_at
    )
