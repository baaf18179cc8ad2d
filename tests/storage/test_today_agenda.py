"""The Today groups in SQL: the same groups, order and counts as grouping every open
prospect in Python (the way the screen used to do it), and each group read through an index."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from onboard_desk.domain.agenda import (
    Agenda,
    AgendaGroup,
    AgendaItem,
    GroupKind,
)
from onboard_desk.pipeline import Flag, PipelineConfig, Stage
from onboard_desk.storage import queries
from onboard_desk.storage.models import Prospect
from onboard_desk.storage.queries import ProspectFilter

OWNERS = ("Alex", "Sam", "")
#: Shorter limits than the defaults for two stages, so both kinds of limit are exercised.
CONFIG = PipelineConfig(idle_limits={Stage.OUTREACH: 3, Stage.TRIAL: 21})


# --- The previous Python grouping, kept as the reference -------------------------------


def _reference_start_of_day(moment: datetime, zone: tzinfo | None) -> datetime:
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def _reference_agenda(
    items: Iterable[AgendaItem], *, now: datetime, config: PipelineConfig, limit: int, zone: Any
) -> Agenda:
    """Sort open prospects into the groups, each oldest first and capped at ``limit``;
    customers (stage Won) only into the first two, when their next action is due."""
    rows = list(items)
    today = _reference_start_of_day(now, zone)
    tomorrow = today + timedelta(days=1)
    overdue = [i for i in rows if i.due is not None and i.due < today]
    due_today = [i for i in rows if i.due is not None and today <= i.due < tomorrow]
    stale = [i for i in rows if Flag.STALE in i.flags(now, config)]
    missing = [i for i in rows if i.due is None and i.stage.is_open]

    def by_due(item: AgendaItem) -> tuple[datetime, int]:
        assert item.due is not None
        return (item.due, item.prospect_id)

    def by_entered(item: AgendaItem) -> tuple[datetime, int]:
        return (item.stage_entered_at, item.prospect_id)

    def group(kind: GroupKind, found: list[AgendaItem], key: Any) -> AgendaGroup:
        ordered = sorted(found, key=key)
        return AgendaGroup(kind, tuple(ordered[:limit]), len(ordered))

    return Agenda(
        groups=(
            group(GroupKind.OVERDUE, overdue, by_due),
            group(GroupKind.TODAY, due_today, by_due),
            group(GroupKind.STALE, stale, by_entered),
            group(GroupKind.NO_NEXT_ACTION, missing, by_entered),
        ),
        now=now,
    )


def _reference_items(session: Session, owner: str | None) -> list[AgendaItem]:
    """Every open prospect and customer (of ``owner``) as the reference reads it: through
    the ORM."""

    def aware(moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.replace(tzinfo=UTC)

    items = []
    for p in session.exec(select(Prospect)):
        stage = Stage(p.stage)
        if not (stage.is_open or stage is Stage.WON) or (owner and p.owner != owner):
            continue
        entered = aware(p.stage_entered_at)
        assert entered is not None and p.id is not None
        items.append(
            AgendaItem(
                p.id,
                p.name,
                p.company,
                stage,
                p.next_action,
                aware(p.next_action_due),
                entered,
                p.value_cents,
                p.currency,
            )
        )
    return items


# --- A randomized fixture: due times around local midnight, stage times around the limits


def _fill(session: Session, rng: random.Random, *, now: datetime, zone: Any, count: int) -> None:
    today = _reference_start_of_day(now, zone)
    tomorrow = today + timedelta(days=1)
    near = [timedelta(0), timedelta(microseconds=1), timedelta(seconds=1), timedelta(hours=3)]
    near += [timedelta(days=1), timedelta(days=9)]
    offsets = [*near, *(-step for step in near[1:])]
    # Closed prospects are common (most of a real database) and may still carry dates.
    stages = [*Stage, Stage.LOST, Stage.LOST, Stage.WON]
    for number in range(count):
        stage = rng.choice(stages)
        due = None
        if rng.random() > 0.25:
            due = (rng.choice((today, tomorrow, now)) + rng.choice(offsets)).astimezone(UTC)
        limit = CONFIG.idle_limit(stage) or rng.choice((3, 14))
        entered = now - timedelta(days=limit) + rng.choice(offsets)
        session.add(
            Prospect(
                name=f"Prospect {number}",
                company=rng.choice(("Acme", "")),
                owner=rng.choice(OWNERS),
                stage=stage.value,
                lost_from=Stage.TRIAL.value if stage is Stage.LOST else None,
                next_action=rng.choice(("Call them", None)) if due is None else "Call them",
                next_action_due=due,
                stage_entered_at=entered.astimezone(UTC),
                value_cents=rng.choice((None, 250_000)),
                currency=rng.choice(("USD", "EUR")),
            )
        )
    session.commit()


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        pytest.skip(f"no time zone data for {name}")


CASES = {
    # Local day differs from the UTC day; many rows due exactly at local midnight.
    "utc-7": (datetime(2026, 12, 2, 3, 30, tzinfo=UTC), lambda: timezone(timedelta(hours=-7))),
    # One microsecond after local midnight.
    "utc+13": (
        datetime(2026, 12, 2, 11, 0, 0, 1, tzinfo=UTC),
        lambda: timezone(timedelta(hours=13)),
    ),
    # The day the clocks go back in Berlin has 25 hours.
    "berlin-dst": (datetime(2026, 10, 25, 21, 0, tzinfo=UTC), lambda: _zone("Europe/Berlin")),
    # The machine's own zone, as the window uses it.
    "local": (datetime(2026, 12, 2, 15, 30, tzinfo=UTC), lambda: None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_sql_agenda_matches_python_grouping(session: Session, case: str) -> None:
    now, make_zone = CASES[case]
    zone = make_zone()
    _fill(session, random.Random(case), now=now, zone=zone, count=400)
    for owner in (None, "", "Alex", "Nobody"):
        items = _reference_items(session, owner)
        for limit in (5, 1_000):
            expected = _reference_agenda(items, now=now, config=CONFIG, limit=limit, zone=zone)
            found = queries.today_agenda(
                session, now=now, config=CONFIG, owner=owner, limit=limit, zone=zone
            )
            assert found == expected, (owner, limit)
        if owner != "Nobody":  # the fixture must reach every group, or the test says little
            assert all(group.total for group in expected.groups), (owner, expected)


@pytest.mark.parametrize("owner", [None, "Sam"])
def test_groups_agree_with_the_lists_flag_filters(session: Session, owner: str | None) -> None:
    now = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
    zone = timezone(timedelta(hours=-3))
    _fill(session, random.Random(7), now=now, zone=zone, count=400)
    agenda = queries.today_agenda(
        session, now=now, config=CONFIG, owner=owner, limit=1_000, zone=zone
    )

    def listed(flag: Flag) -> set[int]:
        flt = ProspectFilter(flag=flag, owner=owner)
        return set(queries.prospect_ids(session, flt=flt, now=now, config=CONFIG))

    def grouped(*kinds: GroupKind) -> set[int]:
        """The open prospects of these groups (customers carry no flags)."""
        return {
            i.prospect_id for kind in kinds for i in agenda.group(kind).items if i.stage.is_open
        }

    assert grouped(GroupKind.STALE) == listed(Flag.STALE)
    assert grouped(GroupKind.NO_NEXT_ACTION) == listed(Flag.NO_NEXT_ACTION)
    # Overdue now: everything due before today, and what is already late today.
    overdue_now = listed(Flag.OVERDUE)
    assert grouped(GroupKind.OVERDUE) <= overdue_now
    assert overdue_now <= grouped(GroupKind.OVERDUE, GroupKind.TODAY)
    assert grouped(GroupKind.OVERDUE) != overdue_now  # the fixture has rows late today


# --- Query plans ---------------------------------------------------------------------


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (and parameters) run on ``engine`` while the test runs."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("analyzed", [False, True], ids=["no statistics", "analyzed"])
@pytest.mark.parametrize("owner", [None, "Alex"])
def test_each_group_reads_an_index(
    engine: Engine,
    session: Session,
    statements: list[tuple[str, Any]],
    analyzed: bool,
    owner: str | None,
) -> None:
    now = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
    _fill(session, random.Random(11), now=now, zone=UTC, count=2_000)
    if analyzed:  # a database upgraded with data in it has statistics; a new one has none
        session.connection().exec_driver_sql("ANALYZE")
        session.commit()
    statements.clear()
    queries.today_agenda(session, now=now, config=CONFIG, owner=owner, limit=50, zone=UTC)
    ran = list(statements)  # before the EXPLAINs below are recorded too
    connection = session.connection()
    plans = [
        " | ".join(
            str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        )
        for sql, params in ran
    ]
    count, overdue, today, stale, missing = plans
    # All four counts: one pass over the open prospects in the covering index.
    assert "COVERING INDEX ix_prospect_report_open" in count and "TEMP B-TREE" not in count
    # Due order is the index's order: read the first rows and stop, nothing sorted.
    for plan in (overdue, today):
        assert "INDEX ix_prospect_next_action_due" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    # No index leads with the time a stage was entered: the ids are sorted from the
    # covering index's entries (never the table), then only those rows are read.
    for plan in (stale, missing):
        assert "COVERING INDEX ix_prospect_report_open" in plan, plan
        assert "INTEGER PRIMARY KEY" in plan, plan
        assert "SCAN prospect" not in plan, plan


def test_customers_are_on_today_only_when_a_next_action_is_due(session: Session) -> None:
    """The thank-you after a sale and the nudge before a repeat purchase are work for the
    day; a customer without a next action, or due later, is not listed, and never stale."""
    now = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
    long_ago = now - timedelta(days=400)
    for name, due in (
        ("Thank-you", now - timedelta(days=2)),
        ("Nudge", now - timedelta(hours=1)),
        ("Later", now + timedelta(days=20)),
        ("Nothing", None),
    ):
        session.add(
            Prospect(
                name=name,
                stage=Stage.WON.value,
                stage_entered_at=long_ago,
                next_action="Call them" if due else None,
                next_action_due=due,
            )
        )
    session.add(Prospect(name="Lost one", stage=Stage.LOST.value, next_action_due=long_ago,
                         next_action="Call", stage_entered_at=long_ago))  # fmt: skip
    session.commit()
    agenda = queries.today_agenda(session, now=now, config=CONFIG, zone=UTC)
    names = {kind: [i.name for i in agenda.group(kind).items] for kind in GroupKind}
    assert names == {
        GroupKind.OVERDUE: ["Thank-you"],
        GroupKind.TODAY: ["Nudge"],
        GroupKind.STALE: [],
        GroupKind.NO_NEXT_ACTION: [],
    }
    assert [agenda.group(kind).total for kind in GroupKind] == [1, 1, 0, 0]
