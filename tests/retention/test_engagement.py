"""The engagement score: the formula by hand, SQL against the Python rules, determinism."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlmodel import Session

from onboard_desk.retention import engagement, purchases, surveys
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.engagement import Event, points_from_events, score_from_points
from onboard_desk.storage import store
from tests.retention.conftest import customer, day, prospect


def test_score_mapping() -> None:
    assert score_from_points(0) == 0
    assert score_from_points(-1) == 0
    assert score_from_points(5) == 50
    assert score_from_points(15) == 75
    assert score_from_points(10) == 67  # 66.7
    assert score_from_points(1e9) == 100
    assert score_from_points(0.1) == 2  # 1.96 rounds up
    assert engagement.band_of(0) == 0 and engagement.band_of(100) == 4
    assert engagement.band_of(39) == 1 and engagement.band_of(40) == 2
    with pytest.raises(ValueError):
        engagement.band_of(101)


def test_points_fade_over_ninety_days() -> None:
    now = day(100)
    assert engagement.event_points("meeting", now, now) == 3
    assert engagement.event_points("call", day(55), now) == pytest.approx(1.0)
    assert engagement.event_points("purchase", day(10.0001), now) == pytest.approx(0, abs=1e-4)
    assert engagement.event_points("email", day(10), now) == 0  # exactly 90 days: out
    assert engagement.event_points("email", day(101), now) == 0  # after now: not yet
    assert engagement.event_points("note", day(99), now) == 0


def test_a_hand_computed_customer(session: Session) -> None:
    """Won on day 0 (a purchase: 4 points), a meeting on day 30, an email and a note on
    day 60, a survey answer on day 75; scored on day 90:
    4 x 0 (90 days old) + 3 x 1/3 + 1 x 2/3 + 0 + 2 x 5/6 = 10/3 points
    -> 100 x (10/3) / (10/3 + 5) = 40.
    """
    pid = customer(session, "Ann", won=0)
    store.log_activity(session, prospect_id=pid, kind="meeting", by="Ann", occurred_at=day(30))
    store.log_activity(session, prospect_id=pid, kind="email", by="Ann", occurred_at=day(60))
    store.log_activity(session, prospect_id=pid, kind="note", by="Ann", occurred_at=day(60))
    surveys.record_survey(session, prospect_id=pid, score=8, by="Ann", answered_at=day(75))
    assert engagement.engagement_of(session, pid, now=day(90)) == 40
    # A day earlier every event is a day fresher: 4/90 + 3 x 31/90 + 61/90 + 2 x 76/90
    # = 3.44 points -> 40.8.
    assert engagement.engagement_of(session, pid, now=day(89)) == 41


def test_only_customers_have_a_score(session: Session) -> None:
    open_id = prospect(session, "Open", at=0)
    store.log_activity(session, prospect_id=open_id, kind="meeting", by="Ann", occurred_at=day(1))
    quiet = customer(session, "Quiet", won=-200)
    scores = engagement.engagement_scores(session, now=day(2))
    assert open_id not in scores and scores[quiet] == 0
    assert engagement.engagement_of(session, open_id, now=day(2)) is None
    assert engagement.engagement_scores(session, now=day(2), prospect_ids=[]) == {}
    assert engagement.engagement_scores(session, now=day(2), owner="Nobody") == {}


def test_sql_matches_the_formula_and_is_deterministic(session: Session) -> None:
    rng = random.Random(7)
    events: dict[int, list[Event]] = {}
    config = RetentionConfig()
    for number in range(30):
        won = -rng.uniform(0, 200)
        pid = customer(session, f"C{number}", won=won)
        events[pid] = [Event("purchase", day(won))]
        for _ in range(rng.randint(0, 12)):
            # Whole seconds: SQLite's day numbers keep milliseconds.
            moment = day(won) + timedelta(seconds=rng.randint(0, 200 * 86400))
            kind = rng.choice(("call", "email", "meeting", "note", "purchase", "survey"))
            if moment > day(0):
                continue
            if kind == "purchase":
                purchases.record_purchase(
                    session, prospect_id=pid, amount_cents=100, by="Ann", config=config,
                    purchased_at=moment, now=day(0),
                )  # fmt: skip
            elif kind == "survey":
                surveys.record_survey(
                    session, prospect_id=pid, score=9, by="Ann", answered_at=moment, now=day(0)
                )
            else:
                store.log_activity(
                    session, prospect_id=pid, kind=kind, by="Ann", occurred_at=moment
                )
            events[pid].append(Event(kind, moment))
        # A planned call is no engagement yet.
        store.log_activity(
            session, prospect_id=pid, kind="call", by="Ann", status="planned", due_at=day(-1),
            occurred_at=day(-1),
        )  # fmt: skip
    first = engagement.engagement_scores(session, now=day(0))
    assert first == engagement.engagement_scores(session, now=day(0))
    assert first == {
        pid: score_from_points(points_from_events(evs, day(0))) for pid, evs in events.items()
    }
    assert len(set(first.values())) > 5
    later = engagement.engagement_scores(session, now=day(30))
    assert sum(later.values()) < sum(first.values())


def test_the_activities_are_read_from_the_small_customer_index(session: Session) -> None:
    """A million pipeline activities must not be read for a few thousand customers."""
    from sqlalchemy import text

    customer(session, "Ann", won=0)
    statement = engagement.distribution_sql()
    plan = " | ".join(
        str(row[-1])
        for row in session.execute(
            text(f"EXPLAIN QUERY PLAN {statement}"), engagement.window_params(day(1))
        )
    )
    assert "ix_activity_customer" in plan
    assert "ix_activity_status_due" not in plan
