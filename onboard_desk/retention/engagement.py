"""Engagement score: 0-100 per customer, from what happened with them in the last 90 days.

The formula (deterministic given ``now``; the README states it too):

- Each event of the last :data:`WINDOW_DAYS` days earns points: a meeting 3, a call 2, an
  email 1 (a note 0: it is the salesperson's own), a purchase 4, a survey answer 2
  (:data:`EVENT_POINTS`). Activities count when they are done and were logged while the
  prospect was a customer (their stage is Won, as for the contact cap): the calls and
  demos of the sale itself say nothing about how engaged a customer is.
- Points fade linearly with age: an event ``age`` days before ``now`` counts
  ``points x (1 - age / 90)``; events after ``now`` or 90 or more days before it count 0.
- The customer's points ``P`` are summed and mapped onto 0-100 by
  ``score = round(100 x P / (P + 5))`` (rounded half up): no activity 0, 5 fresh points 50
  (a call and a purchase this week, say), 15 fresh points 75; the score approaches but
  never reaches 100 for anyone very active.

The SQL (:func:`points_sql`) does the summing for many customers at once;
:func:`points_from_events` is the same formula in Python, which the tests hold it to. Its
day arithmetic, rounding and index hint come from the dialect module
(:mod:`onboard_desk.storage.dialects`) given as ``dialect=`` (the session's, for
:func:`engagement_scores`; without it, the embedded database's).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from onboard_desk.domain.timeutil import as_utc
from onboard_desk.storage.dialects import SqlDialect, dialect_of, embedded

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
#: The activities that count: done, and logged while the prospect was a customer. The
#: partial index ``ix_activity_customer`` holds exactly these (migration 0008).
CUSTOMER_ACTIVITY = "a.stage = 'won' AND a.status = 'done'"
CUSTOMER_ACTIVITY_INDEX = "ix_activity_customer"
#: The points that make a score of 50.
HALF_SCORE_POINTS = 5.0
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
    """A customer's points: the sum of :func:`event_points` of their counted events."""
    return sum(event_points(e.kind, e.at, now) for e in events)


def score_from_points(points: float) -> int:
    """0-100 from a customer's summed points (rounded half up)."""
    if points <= 0:
        return 0
    return math.floor(100 * points / (points + HALF_SCORE_POINTS) + 0.5)


def score_sql(points: str, *, dialect: SqlDialect | None = None) -> str:
    """SQL for :func:`score_from_points` of the SQL expression ``points`` (never NULL)."""
    half_up = f"100.0 * {points} / ({points} + {HALF_SCORE_POINTS}) + 0.5"
    return (
        f"CASE WHEN {points} <= 0 THEN 0 ELSE {(dialect or embedded()).integer_part(half_up)} END"
    )


def band_of(score: int) -> int:
    """The index in :data:`BANDS` of a score."""
    for index, (_label, low, high) in enumerate(BANDS):
        if low <= score <= high:
            return index
    raise ValueError(f"score {score} is outside 0..100")


def window_params(now: datetime, *, dialect: SqlDialect | None = None) -> dict[str, Any]:
    """The named parameters :func:`points_sql` needs: now and the window's start."""
    d = dialect or embedded()
    return {
        "e_now": d.timestamp_param(as_utc(now)),
        "e_since": d.timestamp_param(as_utc(now) - timedelta(days=WINDOW_DAYS)),
    }


def _kind_points(column: str) -> str:
    whens = " ".join(
        f"WHEN '{kind}' THEN {points}"
        for kind, points in EVENT_POINTS.items()
        if kind not in ("purchase", "survey")
    )
    return f"CASE {column} {whens} ELSE 0.0 END"


def _fade(column: str, dialect: SqlDialect) -> str:
    age = f"{dialect.day_number(':e_now')} - {dialect.day_number(column)}"
    return f"(1.0 - ({age}) / {float(WINDOW_DAYS)})"


def customer_condition(*, owner: bool = False, ids: Sequence[int] | None = None) -> str:
    """The WHERE of the customers (alias ``c``) whose points are summed: stage Won, of
    ``:owner``, among ``ids``."""
    condition = "c.stage = 'won'" + (" AND c.owner = :owner" if owner else "")
    if ids is not None:
        condition += f" AND c.id IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"
    return condition


def points_sql(prefix: str = "", *, where: str, dialect: SqlDialect | None = None) -> str:
    """SELECT ``pid, points`` for the customers ``where`` selects (a condition on
    ``prospect c``), from their events in the window ending at ``:e_now`` (see
    :func:`window_params`); customers without events have no row.

    ``prefix`` qualifies the tables (``"src0."`` for an attached report database). Each
    part reads one range of a small covering index per customer: the customers' done
    activities (the partial index ``ix_activity_customer``, whose condition the activity
    part repeats so that it applies), purchases and survey answers by (prospect, time).
    """
    d = dialect or embedded()
    parts = []
    for table, alias, at, points in (
        ("activity", "a", "a.occurred_at", _kind_points("a.kind")),
        ("purchase", "u", "u.purchased_at", str(EVENT_POINTS["purchase"])),
        ("surveyanswer", "s", "s.answered_at", str(EVENT_POINTS["survey"])),
    ):
        counted = f" AND {CUSTOMER_ACTIVITY}" if alias == "a" else ""
        hint = f" {d.indexed_by(CUSTOMER_ACTIVITY_INDEX)}" if alias == "a" else ""
        parts.append(
            f"SELECT c.id AS pid, {points} * {_fade(at, d)} AS points "
            f"FROM {prefix}prospect c JOIN {prefix}{table} {alias}{hint} "
            f"ON {alias}.prospect_id = c.id AND {at} >= :e_since AND {at} <= :e_now"
            f"{counted} WHERE {where}"
        )
    return (
        f"SELECT e.pid AS pid, SUM(e.points) AS points FROM ({' UNION ALL '.join(parts)}) e "
        "GROUP BY e.pid"
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

    dialect = dialect_of(session)
    params: dict[str, object] = dict(window_params(now, dialect=dialect))
    if owner is not None:
        params["owner"] = owner
    if prospect_ids is not None and not prospect_ids:
        return {}
    where = customer_condition(owner=owner is not None, ids=prospect_ids)
    rows = session.execute(
        text(
            f"SELECT c.id, {score_sql('coalesce(e.points, 0)', dialect=dialect)} "
            f"FROM prospect c LEFT JOIN ({points_sql(where=where, dialect=dialect)}) e "
            f"ON e.pid = c.id WHERE {where}"
        ),
        params,
    )
    return {int(pid): int(score) for pid, score in rows}


def engagement_of(session: Session, prospect_id: int, *, now: datetime) -> int | None:
    """One customer's score, or None when the prospect is not a customer (stage Won)."""
    return engagement_scores(session, now=now, prospect_ids=[prospect_id]).get(prospect_id)


def distribution_sql(
    prefix: str = "", *, owner: bool = False, dialect: SqlDialect | None = None
) -> str:
    """Current customers per band of :data:`BANDS` (band index, customers), for the report;
    parameters: :func:`window_params` and ``:owner``."""
    where = customer_condition(owner=owner)
    score = score_sql("coalesce(e.points, 0)", dialect=dialect)
    bands = " ".join(
        f"WHEN s.score <= {high} THEN {index}" for index, (_label, _low, high) in enumerate(BANDS)
    )
    points = points_sql(prefix, where=where, dialect=dialect)
    return (
        f"SELECT CASE {bands} END AS band, COUNT(*) FROM (SELECT {score} AS score "
        f"FROM {prefix}prospect c LEFT JOIN ({points}) e "
        f"ON e.pid = c.id WHERE {where}) s GROUP BY band"
    )
