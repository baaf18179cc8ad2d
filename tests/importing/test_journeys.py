"""An import writes its new prospects' journeys directly (no trigger, no rebuild); they
must equal what :func:`onboard_desk.storage.journey.select_sql` computes from the history, for
every starting stage, in one process or with the planning worker, after in-file updates
and after the import is undone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.demo.fill import fill_demo
from onboard_desk.importing import (
    DuplicateAction,
    ImportOptions,
    run_import,
    undo_batch,
)
from onboard_desk.pipeline import Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import journey

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
START_STAGES = [stage for stage in Stage if stage is not Stage.LOST]


def kept_and_computed(engine: Engine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every kept journey row, and the same rows computed afresh from the history."""
    columns = ", ".join(journey.COLUMNS)
    with engine.connect() as connection:
        kept = connection.exec_driver_sql(
            f"SELECT {columns} FROM {journey.TABLE} ORDER BY prospect_id"
        ).all()
        computed = sorted(connection.exec_driver_sql(journey.select_sql()).all())
    return [tuple(row) for row in kept], [tuple(row) for row in computed]


def furthest_mismatches(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.exec_driver_sql(
                f"SELECT count(*) FROM prospect p LEFT JOIN {journey.TABLE} j "
                "ON j.prospect_id = p.id WHERE p.furthest_stage IS NOT coalesce(j.furthest, -1)"
            ).scalar()
            or 0
        )


def assert_journeys_match_history(engine: Engine) -> None:
    kept, computed = kept_and_computed(engine)
    assert kept == computed
    assert furthest_mismatches(engine) == 0


@pytest.mark.parametrize("stage", START_STAGES, ids=[s.value for s in START_STAGES])
def test_created_values_equal_the_computed_journey(engine: Engine, stage: Stage) -> None:
    """The row written for a new prospect equals select_sql's for a one-row history."""
    with Session(engine, expire_on_commit=False) as session:
        prospect_ops.create_prospect(session, fields={"name": "A"}, by="Ann", stage=stage)
        session.commit()
    with engine.connect() as connection:
        computed = connection.exec_driver_sql(journey.select_sql()).one()
    assert tuple(computed[4:]) == journey.created_values(stage)[1:]
    assert computed[1] == journey.created_values(stage)[0]


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "worker"])
@pytest.mark.parametrize("stage", START_STAGES, ids=[s.value for s in START_STAGES])
def test_imported_journeys_equal_the_history(engine: Engine, stage: Stage, parallel: bool) -> None:
    fill_demo(engine, prospects=25, seed=5)
    result = run_import(
        engine,
        DATA / "hubspot_contacts.csv",
        ImportOptions(stage=stage),
        by="tester",
        parallel=parallel,
    )
    assert result.created > 0
    assert_journeys_match_history(engine)
    with engine.connect() as connection:
        imported = connection.exec_driver_sql(
            f"SELECT count(*) FROM {journey.TABLE} j JOIN prospect p ON p.id = j.prospect_id "
            "WHERE p.import_batch_id = ? AND j.furthest = ?",
            (result.batch_id, journey.FUNNEL_ORDER.index(stage)),
        ).scalar()
    assert imported == result.created


def test_in_file_updates_of_new_prospects_keep_their_journeys(
    engine: Engine, tmp_path: Path
) -> None:
    """A later row that updates a prospect created above it (its owner) moves
    the copies in its journey too."""
    source = tmp_path / "owners.csv"
    source.write_text(
        "Name,Email,Owner,Create Date\n"
        "Zoe Muller,zoe@muller.example,Ann,2024-03-01\n"
        "Zoe Muller,zoe@muller.example,Bea,\n"
        "Marco Rossi,marco@rossi.example,Ann,2024-03-02\n",
        encoding="utf-8",
    )
    result = run_import(
        engine,
        source,
        ImportOptions(stage=Stage.TRIAL, on_duplicate=DuplicateAction.UPDATE),
        by="tester",
        parallel=False,
    )
    assert (result.created, result.updated) == (2, 1)
    with engine.connect() as connection:
        owners = connection.exec_driver_sql(
            f"SELECT p.owner, j.owner FROM prospect p JOIN {journey.TABLE} j "
            "ON j.prospect_id = p.id ORDER BY p.id"
        ).all()
    assert [tuple(row) for row in owners] == [("Bea", "Bea"), ("Ann", "Ann")]
    assert_journeys_match_history(engine)


def test_undone_import_leaves_the_journeys_it_found(engine: Engine) -> None:
    fill_demo(engine, prospects=25, seed=6)
    before = kept_and_computed(engine)[0]
    result = run_import(
        engine, DATA / "linkedin_connections.csv", ImportOptions(stage=Stage.PAYMENT), by="t"
    )
    assert result.batch_id is not None
    assert_journeys_match_history(engine)
    undo_batch(engine, result.batch_id)
    assert kept_and_computed(engine)[0] == before
    assert_journeys_match_history(engine)


def test_import_gives_back_its_larger_page_cache(do_import, engine: Engine) -> None:
    """The import's connection returns to the pool with the everyday cache size."""
    from onboard_desk.storage.dialects import sqlite as sqlite_specific

    seen: list[int] = []
    with engine.connect() as connection:
        everyday = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    original = sqlite_specific.index_prospect_range

    def spy(connection: Any, first_id: int, last_id: int) -> None:
        seen.append(int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0))
        original(connection, first_id, last_id)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite_specific, "index_prospect_range", spy)
        do_import("hubspot_contacts.csv")
    with engine.connect() as connection:
        after = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    assert seen == [-sqlite_specific.IMPORT_CACHE_KIB]
    assert after == everyday == -32000
