"""A small pipeline with known histories, built through the store, for hand-checked reports.

Day ``d`` is ``T0 + d days`` (T0 = Monday 2026-01-05, 00:00 UTC); the report is made at
``NOW`` = day 56.5. The expected figures in the tests are worked out by hand from the
histories below (see the README's Reports section for the rules).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.pipeline import Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store

T0 = datetime(2026, 1, 5, tzinfo=UTC)
NOW = T0 + timedelta(days=56.5)

S = Stage


def day(d: float) -> datetime:
    return T0 + timedelta(days=d)


# name, owner, channel, value (cents or None), created day, moves [(day, stage, reason)]
PROSPECTS: list[tuple[str, str, str, int | None, float, list[tuple[float, Stage, str | None]]]] = [
    ("P1", "Ann", "cold_email", 100_000, 0, [
        (2, S.FIRST_CALL, None), (5, S.FOLLOW_UP, None), (6, S.TRIAL, None),
        (16, S.FINAL_CHECK_IN, None), (18, S.PAYMENT, None), (20, S.WON, None)]),
    ("P2", "Ann", "cold_email", 200_000, 0, [
        (4, S.FIRST_CALL, None), (10, S.LOST, "No budget")]),
    ("P3", "Ann", "referral", 50_000, 1, [
        (3, S.FIRST_CALL, None), (7, S.FOLLOW_UP, None), (8, S.TRIAL, None),
        (20, S.LOST, "Chose a competitor"), (30, S.TRIAL, None), (33, S.FINAL_CHECK_IN, None),
        (35, S.PAYMENT, None), (40, S.WON, None)]),
    ("P4", "Bob", "website", 300_000, 2, []),
    ("P5", "Bob", "website", 150_000, 2, [(3, S.FIRST_CALL, None), (50, S.FOLLOW_UP, None)]),
    ("P6", "Bob", "cold_email", None, 3, [(7, S.LOST, "No response")]),
    ("P7", "Bob", "referral", 400_000, 3, [
        (5, S.FIRST_CALL, None), (6, S.FOLLOW_UP, None), (10, S.TRIAL, None),
        (12, S.FIRST_CALL, None)]),
    ("P8", "Ann", "website", 250_000, 4, [
        (6, S.FIRST_CALL, None), (8, S.FOLLOW_UP, None), (9, S.TRIAL, None),
        (19, S.FINAL_CHECK_IN, None), (21, S.PAYMENT, None)]),
    ("P9", "Bob", "cold_call", 80_000, 5, [
        (7, S.FIRST_CALL, None), (9, S.TRIAL, "Demo done at the first call"),
        (15, S.LOST, "Trial not used")]),
    ("P10", "Ann", "cold_call", 120_000, 6, [
        (8, S.FIRST_CALL, None), (9, S.LOST, "No budget"), (20, S.FIRST_CALL, None),
        (25, S.LOST, "No response")]),
    ("P11", "Bob", "referral", 60_000, -10, [(-5, S.FIRST_CALL, None), (2, S.LOST, "Bad timing")]),
    ("P12", "Ann", "website", 70_000, 40, []),
]  # fmt: skip


def build(session_for: Callable[[str], Session]) -> dict[str, int]:
    """Create the prospects, each in the session its owner maps to; returns name -> id."""
    ids: dict[str, int] = {}
    for name, owner, channel, value, created, moves in PROSPECTS:
        session = session_for(owner)
        prospect = prospect_ops.create_prospect(
            session,
            fields={"name": name, "channel": channel, "owner": owner, "value_cents": value},
            by=owner,
            now=day(created),
        )
        assert prospect.id is not None
        ids[name] = prospect.id
        for when, target, reason in moves:
            prospect_ops.move_prospect(
                session,
                prospect_id=prospect.id,
                target=target,
                by=owner,
                reason=reason,
                now=day(when),
            )
        if name == "P8":
            store.set_next_action(
                session,
                prospect_id=prospect.id,
                action="Chase the invoice",
                due=datetime(2026, 4, 10, 9, tzinfo=UTC),
            )
        if name == "P12":
            store.set_next_action(session, prospect_id=prospect.id, action=None, due=None)
    activities = [
        ("P1", "Ann", 1, "done"),
        ("P1", "Ann", 3, "done"),
        ("P1", "Ann", 10, "done"),
        ("P2", "Ann", 4, "done"),
        ("P3", "Ann", 12, "planned"),
        ("P5", "Bob", 20, "done"),
        ("P5", "Bob", 21, "done"),
        ("P11", "Bob", -6, "done"),
    ]
    for name, who, when, status in activities:
        store.log_activity(
            session_for(who),
            prospect_id=ids[name],
            kind="call",
            by=who,
            status=status,
            occurred_at=day(when),
            due_at=day(when) if status == "planned" else None,
        )
    return ids


def fill(engines: dict[str, Engine]) -> None:
    """Build the fixture with each owner's prospects in ``engines[owner]`` (or ``"*"``)."""
    sessions: dict[int, Session] = {}

    def session_for(owner: str) -> Session:
        engine = engines.get(owner) or engines["*"]
        if id(engine) not in sessions:
            sessions[id(engine)] = Session(engine, expire_on_commit=False)
        return sessions[id(engine)]

    build(session_for)
    for session in sessions.values():
        session.commit()
        session.close()
