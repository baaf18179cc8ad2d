"""The report's statements read the indexes they were written for (query plans), so the
speed does not silently fall back to sorting or reading the stage history."""

from __future__ import annotations

from pathlib import Path

import pytest

from onboard_desk.reports import sql
from onboard_desk.storage import journey
from onboard_desk.storage.dialects import sqlite as sqlite_dialect
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver


def _plan(path: Path, statement: str, params: dict[str, object]) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statement, params)]


PARAMS = {"start": "2026-01-01 00:00:00", "end": "2027-01-01 00:00:00", "owner": "Ann", "rank": 1}


@pytest.mark.parametrize("owner", [False, True])
def test_cohort_groups_are_one_index_read_in_order(fixture_db: Path, owner: bool) -> None:
    plan = _plan(
        fixture_db, sql.cohort_groups("main", None, owner=owner, dialect=sqlite_dialect), PARAMS
    )
    assert any("COVERING INDEX ix_prospect_report_groups" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step or "stagechange" in step for step in plan), plan


@pytest.mark.parametrize("column", journey.DURATION_COLUMNS)
def test_percentiles_read_the_duration_index_in_order(fixture_db: Path, column: str) -> None:
    tables = ["main.prospectjourney"]
    for statement in (
        sql.duration_count(tables, column, owner=False),
        sql.duration_at_rank(tables, column, owner=False),
    ):
        plan = _plan(fixture_db, statement, PARAMS)
        assert any(f"COVERING INDEX ix_prospectjourney_{column}" in step for step in plan), plan
        assert not any("TEMP B-TREE" in step for step in plan), plan


def test_moves_per_person_need_no_sorting(fixture_db: Path) -> None:
    plan = _plan(
        fixture_db, sql.moves_by_person("main", owner=False, dialect=sqlite_dialect), PARAMS
    )
    assert any("COVERING INDEX ix_stagechange_report_person" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
