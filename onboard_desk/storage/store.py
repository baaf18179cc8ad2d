"""Writes and single-prospect reads: create, edit, move, log, next action, delete/restore.

Persistence only: each function writes the prospect and its own rows (history, activities,
checklist ticks) and nothing else. What a change means beyond that (a win records a
purchase and converts a referral, a delete takes the retention rows along) is decided by
:mod:`onboard_desk.services.prospects`, which calls these functions and the features'
consequences in one transaction. The store imports nothing above it.

Every function takes the session as a keyword argument and leaves committing to the
caller, so a caller can group several calls in one transaction. Each write returns what is
needed to undo it, which the window's undo stack uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from onboard_desk.domain import contacts, matching
from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.errors import UserError
from onboard_desk.pipeline import (
    Channel,
    MoveKind,
    NextActionProposal,
    PipelineConfig,
    PipelineError,
    Position,
    Stage,
    Transition,
    parse_channel,
    plan_move,
)
from onboard_desk.storage.models import (
    Activity,
    ChecklistTick,
    Prospect,
    StageChange,
)
from onboard_desk.storage.next_actions import NextActionState, chosen_recently, spread_entry

ACTIVITY_KINDS = ("call", "email", "meeting", "note")
ACTIVITY_STATUSES = ("planned", "done")
CALL_OUTCOMES = ("reached", "voicemail", "no answer", "wrong number")


class NotFoundError(UserError, LookupError):
    """No prospect with that id; the message is for the user."""


class ValidationError(UserError, ValueError):
    """Input a user must correct; the message says what and why."""


#: Fields a user may edit directly (stage, next action and history have their own calls).
EDITABLE_FIELDS = (
    "name",
    "company",
    "title",
    "email",
    "phone",
    "channel",
    "owner",
    "value_cents",
    "currency",
    "tags",
    "notes",
    "do_not_contact",
    "trial_ends_at",
)


def get_prospect(session: Session, prospect_id: int) -> Prospect:
    prospect = session.get(Prospect, prospect_id)
    if prospect is None:
        raise NotFoundError(f"There is no prospect with id {prospect_id}.")
    return prospect


def _clean(field_name: str, value: Any, region: str | None) -> dict[str, Any]:
    """Validated column values for one edited field (email, phone and company also set
    their duplicate-check keys)."""
    if field_name == "name":
        text = str(value or "").strip()
        if not text:
            raise ValidationError("A prospect needs a name.")
        if len(text) > 200:
            raise ValidationError("A name can be at most 200 characters.")
        return {"name": text}
    if field_name == "email":
        try:
            email = contacts.normalize_email(str(value or ""))
        except contacts.ContactError as exc:
            raise ValidationError(str(exc)) from None
        return {"email": email, "email_key": matching.email_key(email)}
    if field_name == "phone":
        try:
            display, key = contacts.normalize_phone(str(value or ""), region)
        except contacts.ContactError as exc:
            raise ValidationError(str(exc)) from None
        return {"phone": display, "phone_key": key}
    if field_name == "channel":
        if isinstance(value, Channel):
            return {"channel": value.value}
        try:
            return {"channel": parse_channel(str(value or "other")).value}
        except PipelineError as exc:
            raise ValidationError(str(exc)) from None
    if field_name == "value_cents":
        if value is not None and (not isinstance(value, int) or value < 0):
            raise ValidationError("A deal value must be a positive amount.")
        return {"value_cents": value}
    if field_name == "currency":
        code = str(value or "").strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValidationError(f"{value!r} is not a three-letter currency code.")
        return {"currency": code}
    if field_name == "tags":
        return {"tags": contacts.normalize_tags(value or "")}
    if field_name == "do_not_contact":
        return {"do_not_contact": bool(value)}
    if field_name == "trial_ends_at":
        return {"trial_ends_at": None if value is None else as_utc(value)}
    if field_name in ("company", "title", "owner", "notes"):
        text = str(value or "").strip()
        limit = None if field_name == "notes" else 200
        if limit is not None and len(text) > limit:
            raise ValidationError(f"{field_name.capitalize()} can be at most {limit} characters.")
        if field_name == "company":
            return {"company": text, "company_key": matching.company_key(text)}
        return {field_name: text}
    raise ValidationError(f"{field_name!r} cannot be edited.")


def clean_fields(values: Mapping[str, Any], *, region: str | None = None) -> dict[str, Any]:
    """Validate and normalise editable fields; raises ValidationError on the first problem."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        cleaned.update(_clean(name, value, region))
    return cleaned


def create_prospect(
    session: Session,
    *,
    fields: Mapping[str, Any],
    by: str,
    stage: Stage = Stage.OUTREACH,
    config: PipelineConfig | None = None,
    now: datetime | None = None,
    region: str | None = None,
) -> Prospect:
    """Add a prospect, record its creation in the history, and propose its next action."""
    now = now or utcnow()
    if "name" not in fields:
        raise ValidationError("A prospect needs a name.")
    values = clean_fields(fields, region=region)
    values.setdefault("owner", by)
    prospect = Prospect(
        **values,
        stage=stage.value,
        stage_entered_at=now,
        created_at=now,
        updated_at=now,
    )
    _enter_stage_defaults(session, prospect, stage, now, config)
    session.add(prospect)
    session.flush()
    assert prospect.id is not None
    session.add(
        StageChange(
            prospect_id=prospect.id,
            from_stage=None,
            to_stage=stage.value,
            kind=MoveKind.CREATE.value,
            at=now,
            by=by,
        )
    )
    session.flush()
    return prospect


def update_prospect(
    session: Session,
    *,
    prospect_id: int,
    changes: Mapping[str, Any],
    region: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Apply edits; returns the previous values of the edited fields (to undo with)."""
    prospect = get_prospect(session, prospect_id)
    values = clean_fields(changes, region=region)
    previous = {name: getattr(prospect, name) for name in changes}
    for name, value in values.items():
        setattr(prospect, name, value)
    prospect.updated_at = now or utcnow()
    session.add(prospect)
    session.flush()
    return previous


@dataclass(frozen=True)
class PositionSnapshot:
    """The fields a move changes, captured before it so the move can be reverted."""

    stage: str
    stage_entered_at: datetime
    lost_from: str | None
    lost_reason: str | None
    next_action: str | None
    next_action_due: datetime | None
    trial_ends_at: datetime | None
    next_action_chosen_at: datetime | None = None

    @classmethod
    def of(cls, prospect: Prospect) -> PositionSnapshot:
        return cls(
            stage=prospect.stage,
            stage_entered_at=prospect.stage_entered_at,
            lost_from=prospect.lost_from,
            lost_reason=prospect.lost_reason,
            next_action=prospect.next_action,
            next_action_due=prospect.next_action_due,
            trial_ends_at=prospect.trial_ends_at,
            next_action_chosen_at=prospect.next_action_chosen_at,
        )


@dataclass(frozen=True)
class MoveResult:
    """A recorded move: the transition, the history row, and the state before it.

    ``offered`` is the new stage's proposal when it was not applied because a person had
    just chosen the next action (the front end offers it instead)."""

    prospect_id: int
    transition: Transition
    change_id: int
    before: PositionSnapshot
    offered: NextActionProposal | None = None


def _enter_stage_defaults(
    session: Session,
    prospect: Prospect,
    stage: Stage,
    now: datetime,
    config: PipelineConfig | None,
) -> NextActionProposal | None:
    """What entering ``stage`` sets (the pipeline's :func:`~onboard_desk.pipeline.enter_stage`
    rule, spread over the day it falls on); returns the proposal when it was offered
    instead of applied, over a next action a person chose moments ago. Lost clears it."""
    entry = spread_entry(
        session,
        stage=stage,
        at=now,
        config=config or PipelineConfig(),
        trial_ends_at=prospect.trial_ends_at,
        exclude_id=prospect.id,
    )
    prospect.trial_ends_at = entry.trial_ends_at
    proposal = entry.next_action
    if proposal is not None and chosen_recently(prospect, now):
        return proposal
    prospect.next_action = proposal.text if proposal else None
    prospect.next_action_due = proposal.due if proposal else None
    prospect.next_action_chosen_at = None
    return None


def position_of(prospect: Prospect) -> Position:
    return Position(
        Stage(prospect.stage),
        Stage(prospect.lost_from) if prospect.lost_from else None,
    )


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
    """Move a prospect if the pipeline rules allow it (else PipelineError), record the move,
    and replace the next action with the one the new stage proposes."""
    now = now or utcnow()
    prospect = get_prospect(session, prospect_id)
    before = PositionSnapshot.of(prospect)
    transition = plan_move(position_of(prospect), target, reason)
    prospect.stage = transition.result.stage.value
    prospect.lost_from = transition.result.lost_from.value if transition.result.lost_from else None
    prospect.lost_reason = transition.reason if transition.kind is MoveKind.LOSE else None
    prospect.stage_entered_at = now
    prospect.updated_at = now
    offered = _enter_stage_defaults(session, prospect, transition.to_stage, now, config)
    change = StageChange(
        prospect_id=prospect_id,
        from_stage=transition.from_stage.value,
        to_stage=transition.to_stage.value,
        kind=transition.kind.value,
        at=now,
        by=by,
        reason=transition.reason,
    )
    session.add(prospect)
    session.add(change)
    session.flush()
    assert change.id is not None
    return MoveResult(prospect_id, transition, change.id, before, offered)


def revert_move(session: Session, *, result: MoveResult) -> None:
    """Undo a move: restore the previous position and drop its history row.

    Only the most recent move of a prospect can be reverted, so the history keeps
    explaining the current stage.
    """
    prospect = get_prospect(session, result.prospect_id)
    latest = session.exec(
        select(StageChange.id)
        .where(StageChange.prospect_id == result.prospect_id)
        .order_by(col(StageChange.at).desc(), col(StageChange.id).desc())
        .limit(1)
    ).first()
    if latest != result.change_id:
        raise PipelineError("This prospect has moved again since; undo the later move first.")
    for name, value in vars(result.before).items():
        setattr(prospect, name, value)
    prospect.updated_at = utcnow()
    session.add(prospect)
    session.exec(delete(StageChange).where(col(StageChange.id) == result.change_id))
    session.flush()


def set_next_action(
    session: Session,
    *,
    prospect_id: int,
    action: str | None,
    due: datetime | None,
    chosen_at: datetime | None = None,
    now: datetime | None = None,
) -> NextActionState:
    """Set (or with ``action=None`` clear) the next action; returns the previous one.

    ``chosen_at`` is when a person chose it (the card, ``next``, a scheduled call), which
    keeps the app's proposals off it for a few minutes; None for a proposal or an import.
    """
    prospect = get_prospect(session, prospect_id)
    previous = NextActionState.of(prospect)
    text = (action or "").strip()
    if text and due is None:
        raise ValidationError("A next action needs a due date.")
    if len(text) > 500:
        raise ValidationError("A next action can be at most 500 characters.")
    prospect.next_action = text or None
    prospect.next_action_due = as_utc(due) if text and due is not None else None
    prospect.next_action_chosen_at = as_utc(chosen_at) if text and chosen_at else None
    prospect.updated_at = now or utcnow()
    session.add(prospect)
    session.flush()
    return previous


def log_activity(
    session: Session,
    *,
    prospect_id: int,
    kind: str,
    by: str,
    text: str = "",
    outcome: str = "",
    duration_seconds: int | None = None,
    subject: str = "",
    template: str = "",
    status: str = "done",
    due_at: datetime | None = None,
    occurred_at: datetime | None = None,
) -> Activity:
    """Record a call, email, meeting or note (done, or planned with a due time)."""
    if kind not in ACTIVITY_KINDS:
        raise ValidationError(
            f"{kind!r} is not an activity; use one of {', '.join(ACTIVITY_KINDS)}."
        )
    if status not in ACTIVITY_STATUSES:
        raise ValidationError(f"{status!r} is not planned or done.")
    if status == "planned" and due_at is None:
        raise ValidationError("A planned activity needs a due time.")
    if duration_seconds is not None and duration_seconds < 0:
        raise ValidationError("A duration cannot be negative.")
    prospect = get_prospect(session, prospect_id)
    now = utcnow()
    activity = Activity(
        prospect_id=prospect_id,
        kind=kind,
        status=status,
        due_at=as_utc(due_at) if due_at else None,
        occurred_at=as_utc(occurred_at) if occurred_at else now,
        outcome=outcome.strip(),
        duration_seconds=duration_seconds,
        subject=subject.strip(),
        template=template,
        text=text,
        by=by,
        stage=prospect.stage,
    )
    prospect.updated_at = now
    session.add(activity)
    session.add(prospect)
    session.flush()
    return activity


def delete_activity(session: Session, *, activity_id: int) -> None:
    session.exec(delete(Activity).where(col(Activity.id) == activity_id))
    session.flush()


@dataclass(frozen=True)
class ProspectSnapshot:
    """Everything stored about one prospect, enough to put it back after a delete."""

    prospect: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    checklist_ticks: list[dict[str, Any]] = field(default_factory=list)


def delete_prospect(session: Session, *, prospect_id: int) -> ProspectSnapshot:
    """Delete a prospect with its history, activities and checklist ticks; returns what
    restores them. Rows of features (purchases, referrals, ...) go by the database's
    cascade: a caller that must be able to restore them takes them first (the services do)."""
    prospect = get_prospect(session, prospect_id)
    snapshot = ProspectSnapshot(
        prospect=prospect.model_dump(),
        history=[
            row.model_dump()
            for row in session.exec(
                select(StageChange).where(StageChange.prospect_id == prospect_id)
            )
        ],
        activities=[
            row.model_dump()
            for row in session.exec(select(Activity).where(Activity.prospect_id == prospect_id))
        ],
        checklist_ticks=[
            row.model_dump()
            for row in session.exec(
                select(ChecklistTick).where(ChecklistTick.prospect_id == prospect_id)
            )
        ],
    )
    session.exec(delete(ChecklistTick).where(col(ChecklistTick.prospect_id) == prospect_id))
    session.exec(delete(Activity).where(col(Activity.prospect_id) == prospect_id))
    session.exec(delete(StageChange).where(col(StageChange.prospect_id) == prospect_id))
    session.delete(prospect)
    session.flush()
    return snapshot


def restore_prospect(session: Session, *, snapshot: ProspectSnapshot) -> Prospect:
    """Put a deleted prospect back exactly as it was, with the same id."""
    prospect = Prospect(**snapshot.prospect)
    session.add(prospect)
    session.flush()
    session.add_all(StageChange(**row) for row in snapshot.history)
    session.add_all(Activity(**row) for row in snapshot.activities)
    session.add_all(ChecklistTick(**row) for row in snapshot.checklist_ticks)
    session.flush()
    return prospect


def stage_history(session: Session, prospect_id: int) -> list[StageChange]:
    """The prospect's moves, oldest first."""
    return list(
        session.exec(
            select(StageChange)
            .where(StageChange.prospect_id == prospect_id)
            .order_by(col(StageChange.at), col(StageChange.id))
        )
    )


def activities_of(
    session: Session, prospect_id: int, *, limit: int | None = None
) -> list[Activity]:
    """The prospect's activities, newest first."""
    statement = (
        select(Activity)
        .where(Activity.prospect_id == prospect_id)
        .order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.exec(statement))
