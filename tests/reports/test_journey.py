"""The kept journey (``prospectjourney``) always equals what the stage history says:
after random legal move sequences, after undoing moves, after delete and restore, after a
bulk demo load, and after the migration's backfill of an older database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from onboard_desk.demo.fill import fill_demo
from onboard_desk.pipeline import WORKING_STAGES, PipelineError, Stage
from onboard_desk.reports.definitions import FUNNEL_STAGES
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import journey, store
from onboard_desk.storage.db import open_database, upgrade
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver
from onboard_desk.storage.models import ProspectJourney, StageChange

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
DAY = 86_400.0


def expected_journey(history: list[StageChange]) -> dict[str, Any] | None:
    """The journey worked out directly, stay by stay, from the ordered history."""
    if not history:
        return None
    order = {stage.value: i for i, stage in enumerate(journey.FUNNEL_ORDER)}
    days: dict[str, float | None] = {s.value: None for s in WORKING_STAGES}
    for previous, row in pairwise(history):
        stage = row.from_stage
        if stage in days:
            stay = (row.at - previous.at).total_seconds() / DAY
            days[stage] = (days[stage] or 0.0) + stay
    created = history[0].at

    def first(stage: Stage) -> float | None:
        entries = [r.at for r in history if r.to_stage == stage.value]
        return (entries[0] - created).total_seconds() / DAY if entries else None

    result: dict[str, Any] = {
        "furthest": max(order.get(r.to_stage, -1) for r in history),
        **{f"days_{stage}": value for stage, value in days.items()},
        "days_to_payment": first(Stage.PAYMENT),
        "days_to_won": first(Stage.WON),
    }
    return result


def stored_journey(session: Session, prospect_id: int) -> dict[str, Any] | None:
    row = session.get(ProspectJourney, prospect_id, populate_existing=True)
    if row is None:
        return None
    return {name: getattr(row, name) for name in journey.COLUMNS if name != "prospect_id"}


def assert_matches_history(session: Session, prospect_id: int) -> None:
    expected = expected_journey(store.stage_history(session, prospect_id))
    stored = stored_journey(session, prospect_id)
    if expected is None:
        assert stored is None
        return
    assert stored is not None
    assert stored["furthest"] == expected["furthest"]
    copy = (
        session.connection()
        .execute(
            text(
                "SELECT p.furthest_stage, p.owner = j.owner, p.created_at = j.created_at "
                "FROM prospect p JOIN prospectjourney j ON j.prospect_id = p.id WHERE p.id = :id"
            ),
            {"id": prospect_id},
        )
        .one()
    )
    assert tuple(copy) == (expected["furthest"], 1, 1)
    for name in journey.DURATION_COLUMNS:
        if expected[name] is None:
            assert stored[name] is None, name
        else:
            assert stored[name] == pytest.approx(expected[name], abs=1e-6), name


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_database(tmp_path_factory.mktemp("journey") / "journey.sqlite3")
    yield engine
    engine.dispose()


def test_funnel_order_is_the_reports() -> None:
    assert journey.FUNNEL_ORDER == FUNNEL_STAGES


moves = st.lists(
    st.tuples(st.sampled_from(list(Stage)), st.floats(min_value=0.0, max_value=30.0)),
    max_size=14,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.sampled_from(list(WORKING_STAGES)),
    steps=moves,
    undo=st.integers(min_value=0, max_value=5),
)
def test_journey_follows_random_moves_and_their_undo(
    shared_engine: Engine, start: Stage, steps: list[tuple[Stage, float]], undo: int
) -> None:
    with Session(shared_engine, expire_on_commit=False) as session:
        prospect = prospect_ops.create_prospect(
            session, fields={"name": "Random"}, by="Ann", stage=start, now=T0
        )
        assert prospect.id is not None
        pid = prospect.id
        session.commit()
        assert_matches_history(session, pid)
        when = T0
        results = []
        for target, gap_days in steps:
            when += timedelta(days=gap_days)
            try:
                results.append(
                    prospect_ops.move_prospect(
                        session, prospect_id=pid, target=target, by="Ann", reason="r", now=when
                    )
                )
            except PipelineError:
                continue
            session.commit()
            assert_matches_history(session, pid)
        for result in reversed(results[len(results) - min(undo, len(results)) :]):
            prospect_ops.revert_move(session, result=result)
            session.commit()
            assert_matches_history(session, pid)
        snapshot = prospect_ops.delete_prospect(session, prospect_id=pid)
        session.commit()
        assert stored_journey(session, pid) is None
        prospect_ops.restore_prospect(session, deleted=snapshot)
        session.commit()
        assert_matches_history(session, pid)


def test_the_journey_follows_the_prospects_owner(session: Session) -> None:
    prospect = prospect_ops.create_prospect(session, fields={"name": "Ann"}, by="Ann", now=T0)
    assert prospect.id is not None
    session.commit()
    previous = store.update_prospect(session, prospect_id=prospect.id, changes={"owner": "Bob"})
    session.commit()
    row = session.get(ProspectJourney, prospect.id, populate_existing=True)
    assert row is not None and row.owner == "Bob"
    store.update_prospect(session, prospect_id=prospect.id, changes=previous)
    session.commit()
    assert_matches_history(session, prospect.id)


def test_a_failed_move_leaves_the_journey_as_it_was(session: Session) -> None:
    prospect = prospect_ops.create_prospect(session, fields={"name": "Ann"}, by="Ann", now=T0)
    assert prospect.id is not None
    session.commit()
    before = stored_journey(session, prospect.id)
    with pytest.raises(PipelineError):
        prospect_ops.move_prospect(session, prospect_id=prospect.id, target=Stage.WON, by="Ann")
    session.rollback()
    assert stored_journey(session, prospect.id) == before
    assert before is not None and before["furthest"] == 0


def test_demo_load_fills_every_journey(engine: Engine) -> None:
    fill_demo(engine, prospects=300, seed=3)
    with Session(engine) as session:
        ids = session.exec(select(StageChange.prospect_id).distinct()).all()
        assert len(ids) == 300
        for pid in ids:
            assert_matches_history(session, pid)
        triggers = (
            session.connection()
            .execute(
                text(
                    "SELECT count(*) FROM sqlite_master "
                    "WHERE type = 'trigger' AND name LIKE 'prospectjourney%'"
                )
            )
            .scalar_one()
        )
        assert triggers == 4


def test_migration_backfills_journeys_of_an_older_database(tmp_path: Path) -> None:
    """A database at the previous revision (no journeys) gets them from its history."""
    path = tmp_path / "old.sqlite3"
    engine = open_database(path)
    fill_demo(engine, prospects=200, seed=5)
    engine.dispose()
    with sqlite3.connect(path) as connection:
        for statement in (
            "DROP TRIGGER prospectjourney_ai",
            "DROP TRIGGER prospectjourney_ad",
            "DROP TRIGGER prospectjourney_au",
            "DROP TRIGGER prospectjourney_pu",
            "DROP INDEX ix_prospect_report_groups",
            "DROP INDEX ix_stagechange_report_person",
            "DROP TABLE prospectjourney",
            "ALTER TABLE prospect DROP COLUMN furthest_stage",
            # Revision 0006 dropped these two; at 0003 they exist.
            "CREATE INDEX ix_prospect_owner_stage ON prospect (owner, stage)",
            "CREATE INDEX ix_prospect_company_name ON prospect (company, name)",
            # Revision 0007 added the checklist ticks, 0008 the retention tables.
            "DROP TABLE checklisttick",
            "DROP TABLE purchase",
            "DROP TABLE surveyanswer",
            "DROP TABLE referralcode",
            "DROP TABLE referral",
            "DROP INDEX ix_activity_customer",
            # Revision 0009 added the company key.
            "DROP INDEX ix_prospect_company_key",
            "ALTER TABLE prospect DROP COLUMN company_key",
            # Revision 0010_i11 added when a next action was chosen.
            "ALTER TABLE prospect DROP COLUMN next_action_chosen_at",
            "UPDATE alembic_version SET version_num = '0003'",
        ):
            connection.execute(statement)
    engine = open_database(path)
    upgrade(engine)
    with Session(engine) as session:
        ids = session.exec(select(StageChange.prospect_id).distinct()).all()
        assert len(ids) == 200
        for pid in ids:
            assert_matches_history(session, pid)
    engine.dispose()


def test_a_snapshot_without_journeys_reports_the_same_figures(
    fixture_db: Path, tmp_path: Path
) -> None:
    """Snapshots written before journeys were kept are read-only: the report computes
    their journeys from the history, with the same result."""
    from onboard_desk.reports import ReportSources, build_report
    from tests.reports.fixture import NOW

    old = tmp_path / "old-snapshot.sqlite3"
    old.write_bytes(fixture_db.read_bytes())
    with sqlite3.connect(old) as connection:
        connection.execute("DROP TABLE prospectjourney")
        connection.execute("UPDATE alembic_version SET version_num = '0003'")
    new_report = build_report(ReportSources.of([fixture_db]), now=NOW)
    old_report = build_report(ReportSources.of([old]), now=NOW)
    assert old_report.funnel == new_report.funnel
    assert old_report.channels == new_report.channels
    assert old_report.owners == new_report.owners
    for a, b in zip(old_report.durations, new_report.durations, strict=True):
        assert (a.key, a.prospects) == (b.key, b.prospects)
        assert a.median_days == pytest.approx(b.median_days, abs=1e-6)
        assert a.p75_days == pytest.approx(b.p75_days, abs=1e-6)
