"""Each prospect's journey through the pipeline, derived from its stage history and kept.

The pipeline report needs, per prospect, the furthest stage it ever reached and the
completed days it spent in each stage (plus days to Payment and to Won). Working that out
from the history on every report means reading every history row; instead the table
``prospectjourney`` holds one narrow row per prospect (and ``prospect.furthest_stage`` a
copy of its furthest stage), recomputed from that prospect's
history by database triggers whenever a history row is inserted, deleted or changed — in
the same transaction, whichever code path (a move, its undo, a delete and its restore, an
import) made the change. Bulk loaders suspend the triggers and rebuild once
(:func:`bulk_load`); an import, whose new prospects' histories are known (one creation
row each), writes their journeys itself (:func:`created_values`).

One ``SELECT`` (:func:`select_sql`) defines the journey; the triggers, the rebuild, the
migration's backfill and reports on older snapshots without the table all use it, so they
cannot disagree. It is written once for every dialect: the day arithmetic and the
triggers come from the dialect module (:mod:`onboard_desk.storage.dialects`); builders
called without a connection at hand (the migrations) take ``dialect=None``, the embedded
database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from onboard_desk.pipeline import WORKING_STAGES, Stage
from onboard_desk.storage.dialects import SqlDialect, dialect_of, embedded

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# The dialect modules are imported when first picked (:func:`embedded`, :func:`dialect_of`):
# the import's planning process needs only :func:`created_values` from here, and starts
# faster without loading SQLAlchemy.

TABLE = "prospectjourney"

#: The furthest stage is also copied onto the prospect, so that an index on prospects can
#: hold it beside the columns the report groups by.
FURTHEST_COLUMN = "furthest_stage"

#: Funnel order: ``furthest`` is an index into this (Lost and unknown stages are -1).
FUNNEL_ORDER: tuple[Stage, ...] = (*WORKING_STAGES, Stage.WON)

#: Completed days per working stage, then days from creation to Payment and to Won.
DURATION_COLUMNS: tuple[str, ...] = (
    *(f"days_{s.value}" for s in WORKING_STAGES),
    "days_to_payment",
    "days_to_won",
)
#: The prospect's creation time and owner are copied too, so that the report's cohort
#: (created in the period, owned by someone) can be found in the journeys' own indexes.
COLUMNS: tuple[str, ...] = ("prospect_id", "furthest", "created_at", "owner", *DURATION_COLUMNS)

#: One index per duration: its values in order, with the cohort's columns, so that a
#: percentile is the value at a rank of an index range (no sorting, no lookups).
INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (f"ix_{TABLE}_{column}", (column, "created_at", "owner")) for column in DURATION_COLUMNS
)


def index_where(column: str) -> str:
    """The condition of a duration's (partial) index: only prospects with that duration.

    The report reads durations only where they exist (``IS NOT NULL``), and a new
    prospect has none yet, so a new prospect's journey row adds nothing to these eight
    indexes: that is most of what writing a journey cost an import (migration 0006).
    """
    return f"{column} IS NOT NULL"


def index_ddl(name: str, table: str, columns: tuple[str, ...]) -> str:
    """``CREATE INDEX`` of one duration index (partial, see :func:`index_where`)."""
    return f"CREATE INDEX {name} ON {table} ({', '.join(columns)}) WHERE {index_where(columns[0])}"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def select_sql(schema: str = "", where: str = "", *, dialect: SqlDialect | None = None) -> str:
    """One row per prospect with history (in ``schema``, filtered by ``where``).

    Every history row is the exit from ``from_stage`` and the entry into ``to_stage``,
    at non-decreasing times. So a stage's completed time is (sum of its exits) - (sum of
    its entries), plus the latest entry when the stage is still the current one (it was
    entered once more than it was left); with no exit there is no completed stay (NULL).
    Days to Payment / Won count from the first history row, the creation.
    """
    prefix = f"{schema}." if schema else ""
    j = (dialect or embedded()).day_number("sc.at")
    order = " ".join(f"WHEN {_quote(s.value)} THEN {i}" for i, s in enumerate(FUNNEL_ORDER))
    parts = [
        "sc.prospect_id",
        f"MAX(CASE sc.to_stage {order} ELSE -1 END)",
        "p.created_at",
        "p.owner",
    ]
    for stage in WORKING_STAGES:
        q = _quote(stage.value)
        exits = f"COUNT(CASE WHEN sc.from_stage = {q} THEN 1 END)"
        entries = f"COUNT(CASE WHEN sc.to_stage = {q} THEN 1 END)"
        parts.append(
            f"CASE WHEN {exits} > 0 THEN "
            f"SUM(CASE WHEN sc.from_stage = {q} THEN {j} WHEN sc.to_stage = {q} THEN -{j} END)"
            f" + CASE WHEN {entries} > {exits} "
            f"THEN MAX(CASE WHEN sc.to_stage = {q} THEN {j} END) ELSE 0 END END"
        )
    for stage in (Stage.PAYMENT, Stage.WON):
        parts.append(f"MIN(CASE WHEN sc.to_stage = {_quote(stage.value)} THEN {j} END) - MIN({j})")
    condition = f" WHERE {where}" if where else ""
    return (
        f"SELECT {', '.join(parts)} FROM {prefix}stagechange sc "
        f"JOIN {prefix}prospect p ON p.id = sc.prospect_id{condition} "
        "GROUP BY sc.prospect_id, p.created_at, p.owner"
    )


def _insert(target: str) -> str:
    return f"INSERT INTO {target} ({', '.join(COLUMNS)}) "


def _copy_furthest(where: str) -> str:
    return (
        f"UPDATE prospect SET {FURTHEST_COLUMN} = coalesce((SELECT j.furthest FROM {TABLE} j "
        f"WHERE j.prospect_id = prospect.id), -1){where}"
    )


def refresh_sql(key: str, *, dialect: SqlDialect | None = None) -> tuple[str, ...]:
    """Statements that recompute the journey of the prospect whose id is ``key`` (SQL)."""
    return (
        f"DELETE FROM {TABLE} WHERE prospect_id = {key}",
        _insert(TABLE) + select_sql(where=f"sc.prospect_id = {key}", dialect=dialect),
        _copy_furthest(f" WHERE prospect.id = {key}"),
    )


def rebuild_sql(*, dialect: SqlDialect | None = None) -> tuple[str, ...]:
    """Statements that recompute every journey from the history (migration backfill,
    after bulk loads)."""
    return (
        f"DELETE FROM {TABLE}",
        _insert(TABLE) + select_sql(dialect=dialect),
        _copy_furthest(""),
    )


def scratch_sql(schema: str, target: str, *, dialect: SqlDialect | None = None) -> tuple[str, ...]:
    """Statements that compute the journeys of ``schema`` into the connection's temporary
    table ``target`` (for databases written before the table existed, read-only); its
    indexes are created beside it, in the temporary schema."""
    dialect = dialect or embedded()
    scratch = dialect.scratch_table(target)
    types = ", ".join(f"{c} DOUBLE PRECISION" for c in DURATION_COLUMNS)
    return (
        f"DROP TABLE IF EXISTS {scratch}",
        f"CREATE TEMP TABLE {target} (prospect_id INTEGER PRIMARY KEY, furthest INTEGER, "
        f"created_at {dialect.TIMESTAMP_TYPE}, owner TEXT, {types})",
        _insert(scratch) + select_sql(schema, dialect=dialect),
        *(index_ddl(f"{target}_{columns[0]}", target, columns) for _name, columns in INDEXES),
    )


#: Keeps the copies of the creation time and owner when they change on the prospect.
COPY_PROSPECT = (
    f"UPDATE {TABLE} SET created_at = new.created_at, owner = new.owner WHERE prospect_id = new.id"
)


def triggers_ddl(*, dialect: SqlDialect | None = None) -> tuple[str, ...]:
    """The triggers that keep ``prospectjourney`` in step with ``stagechange`` (and with
    the prospect's owner and creation time); the insert trigger first."""
    dialect = dialect or embedded()
    refresh = {
        key: "; ".join(refresh_sql(key, dialect=dialect))
        for key in ("new.prospect_id", "old.prospect_id")
    }
    return (
        *dialect.journey_triggers_ddl(refresh),
        dialect.journey_prospect_trigger_ddl(COPY_PROSPECT),
    )


def created_values(stage: Stage) -> tuple[int | float | None, ...]:
    """The furthest stage and durations of a prospect whose whole history is its creation
    into ``stage`` (one history row), as :func:`select_sql` computes them.

    Nothing has been left yet, so no stage has a completed stay (NULL); the days to
    Payment or Won are 0 when the prospect was created there (the entry is the creation),
    else NULL. Bulk inserts of new prospects (an import) write this row directly instead of
    computing it back from the history they have just written.
    """
    furthest = FUNNEL_ORDER.index(stage) if stage in FUNNEL_ORDER else -1
    stays: list[float | None] = [None] * len(WORKING_STAGES)
    to_payment = 0.0 if stage is Stage.PAYMENT else None
    to_won = 0.0 if stage is Stage.WON else None
    return (furthest, *stays, to_payment, to_won)


def insert_statement(marks: str) -> str:
    """``INSERT`` of one journey row in :data:`COLUMNS` order, with the driver's ``marks``."""
    return _insert(TABLE) + f"VALUES ({marks})"


@contextmanager
def insert_trigger_suspended(connection: Connection) -> Iterator[None]:
    """Suspend the trigger that recomputes a journey for each new history row, while the
    caller inserts new prospects with their journeys already written
    (:func:`created_values`).

    Only the insert trigger is dropped: the triggers that follow deleted or changed
    history, and edits of a prospect's owner or creation time, stay in place. Dropped and
    recreated inside the caller's transaction, so a failed load rolls back with it.
    """
    dialect = dialect_of(connection)
    connection.exec_driver_sql(dialect.DROP_JOURNEY_TRIGGERS_DDL[0])
    yield
    connection.exec_driver_sql(triggers_ddl(dialect=dialect)[0])


@contextmanager
def bulk_load(connection: Connection) -> Iterator[None]:
    """Suspend the journey triggers during a bulk load of history, then rebuild once.

    Dropped and recreated inside the caller's transaction, like the search index triggers,
    so a failed load rolls everything back.
    """
    dialect = dialect_of(connection)
    for statement in dialect.DROP_JOURNEY_TRIGGERS_DDL:
        connection.exec_driver_sql(statement)
    yield
    for statement in (*triggers_ddl(dialect=dialect), *rebuild_sql(dialect=dialect)):
        connection.exec_driver_sql(statement)
