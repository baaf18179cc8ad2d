"""Logging calls: outcome, duration and notes, and scheduling the next call in one step.

A logged call can complete a call that was planned for it (the planned activity becomes
the done one, so calendars stop showing it); a scheduled next call is a planned call
activity and becomes the prospect's next action, so Today and the calendar both show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.storage import store
from onboard_desk.storage.models import Activity
from onboard_desk.storage.next_actions import NextActionState
from onboard_desk.storage.store import CALL_OUTCOMES, ValidationError

__all__ = [
    "CALL_OUTCOMES",
    "CallLogResult",
    "log_call",
    "next_planned_call",
    "tel_url",
    "undo_call",
]


def tel_url(phone: str, phone_key: str = "") -> str:
    """A ``tel:`` URL (RFC 3966) for a phone number; "" when there is no number.

    The normalised E.164 key is preferred; otherwise the digits (and a leading +) of
    what was typed, which is what a dialler needs.
    """
    number = phone_key.strip()
    if not number:
        text = phone.strip()
        number = ("+" if text.startswith("+") else "") + "".join(c for c in text if c.isdigit())
    return f"tel:{number}" if number.strip("+") else ""


def next_planned_call(session: Session, *, prospect_id: int) -> Activity | None:
    """The prospect's earliest planned call (the one a call now most likely is)."""
    return session.exec(
        select(Activity)
        .where(
            Activity.prospect_id == prospect_id,
            Activity.kind == "call",
            Activity.status == "planned",
        )
        .order_by(col(Activity.due_at), col(Activity.id))
        .limit(1)
    ).first()


@dataclass(frozen=True)
class CallLogResult:
    """What logging a call wrote, and what undoing it restores."""

    prospect_id: int
    activity_id: int
    completed_planned: dict[str, object] | None
    scheduled_call_id: int | None
    previous_next_action: NextActionState


def log_call(
    session: Session,
    *,
    prospect_id: int,
    outcome: str,
    by: str,
    duration_seconds: int | None = None,
    notes: str = "",
    planned_call_id: int | None = None,
    next_call_at: datetime | None = None,
    next_call_note: str = "",
    now: datetime | None = None,
) -> CallLogResult:
    """Record a call and, optionally, schedule the next one as the next action."""
    now = now or utcnow()
    if outcome not in CALL_OUTCOMES:
        raise ValidationError(f"{outcome!r} is not a call outcome; use {', '.join(CALL_OUTCOMES)}.")
    if duration_seconds is not None and duration_seconds < 0:
        raise ValidationError("A call cannot last a negative time.")
    if next_call_at is not None and as_utc(next_call_at) <= now:
        raise ValidationError("The next call must be in the future.")
    prospect = store.get_prospect(session, prospect_id)
    previous = NextActionState.of(prospect)
    completed: dict[str, object] | None = None
    planned = session.get(Activity, planned_call_id) if planned_call_id is not None else None
    if planned is not None and planned.prospect_id == prospect_id and planned.status == "planned":
        completed = planned.model_dump()
        planned.status = "done"
        planned.occurred_at = now
        planned.outcome = outcome
        planned.duration_seconds = duration_seconds
        planned.text = "\n".join(t for t in (planned.text, notes.strip()) if t)
        planned.by = by
        planned.stage = prospect.stage
        session.add(planned)
        session.flush()
        activity = planned
    else:
        activity = store.log_activity(
            session,
            prospect_id=prospect_id,
            kind="call",
            by=by,
            text=notes.strip(),
            outcome=outcome,
            duration_seconds=duration_seconds,
            occurred_at=now,
        )
    scheduled_id = None
    if next_call_at is not None:
        note = next_call_note.strip()
        scheduled = store.log_activity(
            session,
            prospect_id=prospect_id,
            kind="call",
            by=by,
            text=note,
            status="planned",
            due_at=next_call_at,
        )
        scheduled_id = scheduled.id
        store.set_next_action(
            session,
            prospect_id=prospect_id,
            action=f"Call {prospect.name}" + (f": {note}" if note else ""),
            due=next_call_at,
            chosen_at=now,  # the salesperson scheduled it: no proposal replaces it at once
        )
    prospect.updated_at = now
    session.add(prospect)
    session.flush()
    assert activity.id is not None
    return CallLogResult(prospect_id, activity.id, completed, scheduled_id, previous)


def undo_call(session: Session, *, result: CallLogResult) -> None:
    """Reverse :func:`log_call`: the planned call comes back, the new rows go."""
    if result.scheduled_call_id is not None:
        store.delete_activity(session, activity_id=result.scheduled_call_id)
    if result.completed_planned is not None:
        planned = session.get(Activity, result.activity_id)
        if planned is not None:
            for name, value in result.completed_planned.items():
                setattr(planned, name, value)
            session.add(planned)
    else:
        store.delete_activity(session, activity_id=result.activity_id)
    action, due, chosen_at = result.previous_next_action
    store.set_next_action(
        session, prospect_id=result.prospect_id, action=action, due=due, chosen_at=chosen_at
    )
    session.flush()
