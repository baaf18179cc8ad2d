"""Agenda rules without Qt: grouping by day, snooze dates, activity kinds; and the board's
keyset paging query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from onboard_desk import queries
from onboard_desk.agenda import AgendaItem, Snooze, guess_activity_kind, snooze_until, split_due
from onboard_desk.pipeline import Stage
from tests.ui.conftest import add_prospect


def _item(pid: int, due: datetime | None) -> AgendaItem:
    return AgendaItem(
        pid, f"P{pid}", "", Stage.OUTREACH, "Call", due, due or datetime.now(UTC), None, "USD"
    )


def test_split_due_by_local_day_oldest_first():
    now = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    items = [
        _item(1, now - timedelta(hours=2)),  # today, already late
        _item(2, now - timedelta(days=3)),
        _item(3, now - timedelta(days=1)),
        _item(4, now + timedelta(days=2)),
        _item(5, None),
    ]
    overdue, today = split_due(items, now=now, zone=UTC)
    assert [i.prospect_id for i in overdue] == [2, 3]
    assert [i.prospect_id for i in today] == [1]


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


def test_board_page_keyset(engine, session):
    for n in range(9):
        add_prospect(engine, "Same name" if n < 5 else f"Other {n}")
    seen: list[int] = []
    after = None
    while True:
        page = queries.board_page(session, stage=Stage.OUTREACH, after=after, limit=4)
        seen += [c.prospect_id for c in page]
        if len(page) < 4:
            break
        after = (page[-1].name, page[-1].prospect_id)
    assert len(seen) == len(set(seen)) == 9


def test_due_between(engine, session):
    now = datetime.now(UTC)
    inside = add_prospect(engine, "Inside", due=now - timedelta(seconds=10))
    add_prospect(engine, "Before", due=now - timedelta(hours=1))
    add_prospect(engine, "After", due=now + timedelta(hours=1))
    lost = add_prospect(engine, "Lost one", stage=Stage.LOST, due=now - timedelta(seconds=5))
    found = queries.due_between(session, start=now - timedelta(minutes=1), end=now)
    assert [r.prospect_id for r in found] == [inside]
    assert lost not in [r.prospect_id for r in found]
