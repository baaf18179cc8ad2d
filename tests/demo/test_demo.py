"""Demo data is realistic enough to trust: every history is legal and explains the stage."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from onboard_desk.demo.fill import fill_demo
from onboard_desk.pipeline import Position, Stage, plan_move


def test_demo_histories_follow_the_rules(engine: Engine) -> None:
    summary = fill_demo(engine, prospects=1500, seed=7)
    assert summary.prospects == 1500 and summary.activities > 1500 * 5
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT prospect_id, from_stage, to_stage, reason FROM stagechange "
                "ORDER BY prospect_id, at, id"
            )
        ).all()
        current: dict[int, str] = dict(
            connection.execute(text("SELECT id, stage FROM prospect")).all()
        )
        stages = {r[0] for r in connection.execute(text("SELECT DISTINCT stage FROM prospect"))}
        searchable = connection.execute(
            text("SELECT count(*) FROM prospect_fts WHERE prospect_fts MATCH '\"acme\"'")
        ).scalar()
    for prospect_id, moves in groupby(rows, key=lambda r: r[0]):
        moves_list = list(moves)
        assert moves_list[0][1] is None and moves_list[0][2] == "outreach"
        position = Position(Stage.OUTREACH)
        for _pid, from_stage, to_stage, reason in moves_list[1:]:
            assert from_stage == position.stage.value
            position = plan_move(position, Stage(to_stage), reason).result  # raises if illegal
        assert position.stage.value == current[prospect_id]
    assert stages == {s.value for s in Stage}  # every stage is represented
    assert searchable and searchable > 0  # the search index was rebuilt


def test_demo_is_repeatable_per_seed(tmp_path: Path) -> None:
    from onboard_desk.storage.db import open_database

    names = []
    for index in range(2):
        engine = open_database(tmp_path / f"d{index}.sqlite3")
        fill_demo(engine, prospects=50, seed=11)
        with engine.connect() as connection:
            names.append(
                connection.execute(text("SELECT group_concat(name) FROM prospect")).scalar()
            )
        engine.dispose()
    assert names[0] == names[1]


def test_large_loads_simulate_in_workers_with_the_same_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes change the speed, never the data: the same seed gives the same rows."""
    from onboard_desk.demo import fill as demo
    from onboard_desk.storage.db import open_database

    def snapshot(parallel: bool, name: str) -> list[tuple[object, ...]]:
        monkeypatch.setattr(demo, "PARALLEL_THRESHOLD", 0 if parallel else 10**9)
        engine = open_database(tmp_path / name)
        fill_demo(engine, prospects=120, seed=5, batch=40)
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT p.id, p.name, p.stage, count(a.id) FROM prospect p "
                    "LEFT JOIN activity a ON a.prospect_id = p.id GROUP BY p.id ORDER BY p.id"
                )
            ).all()
        engine.dispose()
        return [tuple(row) for row in rows]

    serial = snapshot(False, "serial.sqlite3")
    assert len(serial) == 120
    assert snapshot(True, "parallel.sqlite3") == serial
