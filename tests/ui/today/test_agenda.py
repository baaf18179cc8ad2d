"""Agenda rules without Qt: where today begins and ends, snooze dates, activity kinds; and
the reminders' query of what falls due. The Today groups themselves:
tests/test_today_agenda.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from onboard_desk.domain.agenda import (
    Snooze,
    guess_activity_kind,
    snooze_until,
    today_bounds,
)
from onboard_desk.pipeline import Stage
from onboard_desk.storage import queries
from tests.ui.conftest import add_prospect


def test_today_is_the_local_day():
    now = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert today_bounds(now, UTC) == (
        datetime(2026, 12, 2, tzinfo=UTC),
        datetime(2026, 12, 3, tzinfo=UTC),
    )
    # 15:00 UTC is already tomorrow at UTC+10: the day there starts at 14:00 UTC.
    plus_ten = timezone(timedelta(hours=10))
    start, end = today_bounds(now, plus_ten)
    assert start == datetime(2026, 12, 3, tzinfo=plus_ten) == datetime(2026, 12, 2, 14, tzinfo=UTC)
    assert end - start == timedelta(days=1)


def test_snooze_targets():
    wednesday = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert snooze_until(Snooze.TOMORROW, wednesday, UTC) == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert snooze_until(Snooze.NEXT_WEEK, wednesday, UTC) == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert snooze_until(Snooze.NEXT_WEEK, monday, UTC) == datetime(2026, 12, 14, 9, 0, tzinfo=UTC)


def test_guess_activity_kind():
    assert guess_activity_kind("Final check-in: ready to commit?") == "call"
    assert guess_activity_kind("Send follow-up material and the demo") == "email"
    assert guess_activity_kind("Ask for the decision") == "note"


def test_due_between(engine, session):
    now = datetime.now(UTC)
    inside = add_prospect(engine, "Inside", due=now - timedelta(seconds=10))
    add_prospect(engine, "Before", due=now - timedelta(hours=1))
    add_prospect(engine, "After", due=now + timedelta(hours=1))
    lost = add_prospect(engine, "Lost one", stage=Stage.LOST, due=now - timedelta(seconds=5))
    found = queries.due_between(session, start=now - timedelta(minutes=1), end=now)
    assert [r.prospect_id for r in found] == [inside]
    assert lost not in [r.prospect_id for r in found]
