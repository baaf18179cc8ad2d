"""Helpers for the retention tests: customers made through the store, as the app makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from onboard_desk.pipeline import Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store

#: A Monday, 09:00 UTC; day ``d`` is ``T0 + d days``.
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def day(d: float) -> datetime:
    return T0 + timedelta(days=d)


def prospect(
    session: Session,
    name: str,
    *,
    at: float = 0,
    stage: Stage = Stage.PAYMENT,
    value: int | None = 100_000,
    owner: str = "Ann",
    **fields: object,
) -> int:
    """A prospect created at day ``at`` in ``stage`` (Payment: one move from a win)."""
    created = prospect_ops.create_prospect(
        session,
        fields={"name": name, "value_cents": value, "owner": owner, **fields},
        by=owner,
        stage=stage,
        now=day(at),
    )
    assert created.id is not None
    return created.id


def win(session: Session, prospect_id: int, *, at: float) -> store.MoveResult:
    return prospect_ops.move_prospect(
        session, prospect_id=prospect_id, target=Stage.WON, by="Ann", now=day(at)
    )


def customer(session: Session, name: str, *, won: float = 0, **kw: object) -> int:
    """A customer won on day ``won`` (created the same day, in Payment)."""
    prospect_id = prospect(session, name, at=won, **kw)  # type: ignore[arg-type]
    win(session, prospect_id, at=won)
    return prospect_id
