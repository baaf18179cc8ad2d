"""Engagement score: 0-100 per customer, from what happened with them in the last 90 days.

The formula (deterministic given ``now``; the README states it too):

- Each event of the last :data:`WINDOW_DAYS` days earns points: a done meeting 3, a done
  call 2, a done email 1 (a note 0: it is the salesperson's own), a purchase 4, a survey
  answer 2 (:data:`EVENT_POINTS`).
- Points fade linearly with age: an event ``age`` days before ``now`` counts
  ``points x (1 - age / 90)``; events after ``now`` or 90 or more days before it count 0.
- The customer's points ``P`` are summed and mapped onto 0-100 by
  ``score = round(100 x P / (P + 10))`` (rounded half up): no activity 0, 10 fresh points 50,
  30 fresh points 75; the score approaches but never reaches 100 for anyone very active.

The SQL (:func:`points_sql`) does the summing for many customers at once;
:func:`points_from_events` is the same formula in Python, which the tests hold it to.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from onboard_desk.retention.sql import customers_sql
from onboard_desk.sqlite_specific import day_number
from onboard_desk.sqlite_text import timestamp_param
from onboard_desk.timeutil import as_utc

if TYPE_CHECKING:
    from sqlmodel import Session

WINDOW_DAYS = 90
#: Points per event kind before fading: activity kinds, then "purchase" and "survey".
EVENT_POINTS: Mapping[str, float] = {
    "meeting": 3.0,
    "call": 2.0,
    "email": 1.0,
    "note": 0.0,
    "purchase": 4.0,
    "survey": 2.0,
}
#: The points that make a score of 50.
HALF_SCORE_POINTS = 10.0
#: Bands of the report's distribution: (label, lowest score, highest score).
BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-19 (quiet)", 0, 19),
    ("20-39", 20, 39),
    ("40-59", 40, 59),
    ("60-79", 60, 79),
    ("80-100 (very engaged)", 80, 100),
)


@dataclass(frozen=True)
class Event:
    """Something that happened with a customer: an activity kind, "purchase" or "survey"."""

    kind: str
    at: datetime


def event_points(kind: str, at: datetime, now: datetime) -> float:
    """The faded points of one event (0 outside the window)."""
    age = (as_utc(now) - as_utc(at)) / timedelta(days=1)
    if age < 0 or age >= WINDOW_DAYS:
        return 0.0
    return EVENT_POINTS.get(kind, 0.0) * (1 - age / WINDOW_DAYS)


def points_from_events(events: Iterable[Event], now: datetime) -> float:
    return sum(event_points(e.kind, e.at, now) for e in events)


def score_from_points(points: float) -> int:
    """0-100 from a customer's summed points (rounded half up)."""
    if points <= 0:
        return 0
    return math.floor(100 * points / (points + HALF_SCORE_POINTS) + 0.5)


def score_sql(points: str) -> str:
    """SQL for :func:`score_from_points` of the SQL expression ``points`` (never NULL)."""
    return (
        f"CASE WHEN {points} <= 0 THEN 0 ELSE "
        f"CAST(100.0 * {points} / ({points} + {HALF_SCORE_POINTS}) + 0.5 AS INTEGER) END"
    )


def band_of(score: int) -> int:
    """The index in :data:`BANDS` of a score."""
    for index, (_label, low, high) in enumerate(BANDS):
        if low <= score <= high:
            return index
    raise ValueError(f"score {score} is outside 0..100")


def window_params(now: datetime) -> dict[str, str]:
    """The named parameters :func:`points_sql` needs: now and the window's start."""
    return {
        "e_now": timestamp_param(as_utc(now)),
        "e_since": timestamp_param(as_utc(now) - timedelta(days=WINDOW_DAYS)),
    }


def _kind_points(column: str) -> str:
    whens = " ".join(
        f"WHEN '{kind}' THEN {points}"
        for kind, points in EVENT_POINTS.items()
        if kind not in ("purchase", "survey")
    )
    return f"CASE {column} {whens} ELSE 0.0 END"


def _fade(column: str) -> str:
    return f"(1.0 - ({day_number(':e_now')} - {day_number(column)}) / {float(WINDOW_DAYS)})"


def points_sql(prefix: str = "", *, customers: str) -> str:
    """SELECT ``pid, points`` for the customers ``customers`` selects (a subquery
    of ids; it is read three times), from their events in the window ending at ``:e_now``
    (see :func:`window_params`). Customers without events have no row.

    ``prefix`` qualifies the tables (``"src0."`` for an attached report database). Each
    part reads one index range per customer: activities by (prospect, time), purchases by
    (prospect, time), survey answers by (prospect, time).
    """
    window = "> :e_since AND {0} <= :e_now"
    activities = (
        f"SELECT a.prospect_id AS pid, {_kind_points('a.kind')} * {_fade('a.occurred_at')} "
        f"AS points FROM {prefix}activity a WHERE a.prospect_id IN ({customers}) "
        f"AND a.status = 'done' AND a.occurred_at {window.format('a.occurred_at')}"
    )
    purchases = (
        f"SELECT u.prospect_id, {EVENT_POINTS['purchase']} * {_fade('u.purchased_at')} "
        f"FROM {prefix}purchase u WHERE u.prospect_id IN ({customers}) "
        f"AND u.purchased_at {window.format('u.purchased_at')}"
    )
    surveys = (
        f"SELECT s.prospect_id, {EVENT_POINTS['survey']} * {_fade('s.answered_at')} "
        f"FROM {prefix}surveyanswer s WHERE s.prospect_id IN ({customers}) "
        f"AND s.answered_at {window.format('s.answered_at')}"
    )
    return (
        f"SELECT e.pid AS pid, SUM(e.points) AS points FROM ({activities} UNION ALL {purchases} "
        f"UNION ALL {surveys}) e GROUP BY e.pid"
    )


def engagement_scores(
    session: Session,
    *,
    now: datetime,
    prospect_ids: Sequence[int] | None = None,
    owner: str | None = None,
) -> dict[int, int]:
    """Every current customer's score (or those of ``prospect_ids`` that are customers),
    computed in SQL; customers with nothing in the window score 0."""
    from sqlalchemy import text

    params: dict[str, object] = dict(window_params(now))
    customers = customers_sql(owner=owner is not None)
    if owner is not None:
        params["owner"] = owner
    if prospect_ids is not None:
        if not prospect_ids:
            return {}
        ids = ", ".join(str(int(i)) for i in prospect_ids)
        customers += f" AND c.id IN ({ids})"
    rows = session.execute(
        text(
            f"SELECT c.id, {score_sql('coalesce(e.points, 0)')} FROM ({customers}) c "
            f"LEFT JOIN ({points_sql(customers=customers)}) e ON e.pid = c.id"
        ),
        params,
    )
    return {int(pid): int(score) for pid, score in rows}


def engagement_of(session: Session, prospect_id: int, *, now: datetime) -> int | None:
    """One customer's score, or None when the prospect is not a customer (stage Won)."""
    return engagement_scores(session, now=now, prospect_ids=[prospect_id]).get(prospect_id)
