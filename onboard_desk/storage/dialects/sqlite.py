"""Everything in the project that only SQLite understands, kept in one place.

The dialect module of the embedded database: it provides what
:class:`~onboard_desk.storage.dialects.SqlDialect` lists (mypy checks it), and a PostgreSQL
sibling provides the same names. Here: opening database files (pragmas, read-only
engines, schema checks, online backups and snapshots), the FTS5 search index with its
triggers and queries, bulk-load helpers, the journeys' triggers, fragments of SQL (day
numbers, calendar days, months, index steering, scratch tables), and what a report
reads: snapshot files attached read-only side by side (:class:`SnapshotFiles`).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from onboard_desk.storage.dialects import sqlite_text
from onboard_desk.storage.dialects.protocol import (
    ReportConnection,
    SqlDialect,
    UnreadableDatabaseError,
)

#: SQLAlchemy's name of this dialect.
NAME = "sqlite"

#: A moment as SQLite stores it (UTC text), for statements' parameters; written in
#: :mod:`.sqlite_text`, which the import's planning process loads without SQLAlchemy.
timestamp_param = sqlite_text.timestamp_param

#: Stored timestamps are UTC text (:func:`timestamp_param`); scratch tables keep them so.
TIMESTAMP_TYPE = "TEXT"

#: Milliseconds a connection waits for another writer (the window and a CLI call, say).
BUSY_TIMEOUT_MS = 5000

#: Page size of new databases. Larger than SQLite's 4 KiB default: the prospect table
#: carries a dozen indexes and a trigram search index, and with 16 KiB pages their trees
#: are shallower and split less often. Measured on 100,000 new rows into 100,000
#: prospects: 4.0 s instead of 4.9 s (the search index 1.0 s instead of 1.4 s). It only
#: applies when the file is created (a database in WAL mode keeps its page size).
PAGE_SIZE = 16384


# --- Database files: engines, schema checks, backups ----------------------------------------


def install_pragmas(engine: Engine) -> None:
    """WAL for concurrent readers, foreign keys on, and a busy timeout, on every connection."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL: new files only
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA cache_size=-32000")
        cursor.close()


def make_engine(path: Path) -> Engine:
    """An engine for the database file at ``path``, with the pragmas on every connection."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
    )
    install_pragmas(engine)
    return engine


def read_only_engine(path: Path) -> Engine:
    """An engine that can only read the file at ``path`` (SQLite refuses every write),
    without a pool: each session opens the file and closes it again."""
    uri = path.resolve().as_uri() + "?mode=ro"
    return create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool,
    )


def is_busy_error(error: BaseException) -> bool:
    """Whether ``error`` (the driver's, or SQLAlchemy's wrapping it) is SQLite saying that
    another connection holds the lock: "database is locked", "database table is locked"."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    return isinstance(cause, sqlite3.OperationalError) and (
        "locked" in str(cause) or "busy" in str(cause)
    )


def backup_to(source_path: Path, target_path: Path) -> None:
    """A consistent copy of a live database through SQLite's online backup API.

    Safe while the app (or another process) is writing: the backup sees one snapshot.
    """
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()


def read_schema_revision(path: Path) -> str | None:
    """The Alembic revision of a database file, read with the standard library's driver.

    Returns None for a new, empty database. Raises UnreadableDatabaseError (in SQLite's
    words) when the file is not a SQLite database.
    """
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.execute("PRAGMA schema_version").fetchone()
            row = connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            if row is None:
                return None
            version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            return None if version is None else str(version[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise UnreadableDatabaseError(f"SQLite says: {exc}") from exc


def is_empty_database(path: Path) -> bool:
    """True when a file holds no tables at all (a fresh file, or one SQLite just created)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return bool(row is None or row[0] == 0)
    finally:
        connection.close()


def snapshot_database(source_path: Path, target_path: Path) -> None:
    """Write a consistent snapshot of a live database to a new file, atomically.

    The online backup API copies one consistent state even while the window writes; the
    copy goes to a temporary file beside the target and is renamed into place only once
    complete, so an interrupted backup never leaves a half-written snapshot behind.
    """
    partial = target_path.with_name(target_path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        backup_to(source_path, partial)
        partial.replace(target_path)
    finally:
        partial.unlink(missing_ok=True)


# --- Search: FTS5 -----------------------------------------------------------------------------

# The search index: FTS5 with the trigram tokenizer, so that any substring of three or
# more characters matches (prefixes included), ranked by bm25. External content keeps
# one copy of the text; triggers keep it in step with every write, whichever code path
# (store, import, demo) made it.
SEARCH_INDEX_DDL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS prospect_fts USING fts5("
    "name, company, email, notes, content='prospect', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS prospect_fts_ai AFTER INSERT ON prospect BEGIN "
    "INSERT INTO prospect_fts(rowid, name, company, email, notes) "
    "VALUES (new.id, new.name, new.company, new.email, new.notes); END",
    "CREATE TRIGGER IF NOT EXISTS prospect_fts_ad AFTER DELETE ON prospect BEGIN "
    "INSERT INTO prospect_fts(prospect_fts, rowid, name, company, email, notes) "
    "VALUES ('delete', old.id, old.name, old.company, old.email, old.notes); END",
    "CREATE TRIGGER IF NOT EXISTS prospect_fts_au AFTER UPDATE OF name, company, email, notes "
    "ON prospect BEGIN "
    "INSERT INTO prospect_fts(prospect_fts, rowid, name, company, email, notes) "
    "VALUES ('delete', old.id, old.name, old.company, old.email, old.notes); "
    "INSERT INTO prospect_fts(rowid, name, company, email, notes) "
    "VALUES (new.id, new.name, new.company, new.email, new.notes); END",
)

DROP_SEARCH_INDEX_DDL: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS prospect_fts_au",
    "DROP TRIGGER IF EXISTS prospect_fts_ad",
    "DROP TRIGGER IF EXISTS prospect_fts_ai",
    "DROP TABLE IF EXISTS prospect_fts",
)

#: The trigram tokenizer cannot match fewer than three characters (the lists search
#: words this long through the index: :data:`.constructs.MIN_SEARCH_WORD`).
MIN_FTS_TOKEN = 3

#: The matching prospects' ids, and their bm25 rank (lower is better), for the search
#: parameter ``:search`` (:func:`search_param`).
SEARCH_IDS_SQL = "SELECT rowid AS id FROM prospect_fts WHERE prospect_fts MATCH :search"
SEARCH_RANKS_SQL = (
    "SELECT rowid AS id, rank AS rank FROM prospect_fts WHERE prospect_fts MATCH :search"
)


def fts_query(words: list[str]) -> str:
    """An FTS5 MATCH expression that requires every word as a substring.

    Each word is quoted (quotes doubled) so user input never becomes FTS syntax.
    """
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def search_param(words: list[str]) -> str:
    """The value of ``:search`` in :data:`SEARCH_IDS_SQL` / :data:`SEARCH_RANKS_SQL`."""
    return fts_query(words)


@contextmanager
def bulk_search_index(connection: Connection) -> Iterator[None]:
    """Suspend the search-index triggers during a bulk load, then rebuild the index once.

    Per-row trigram indexing costs several times more than one rebuild at the end. The
    triggers are dropped and recreated inside the caller's transaction, so a failed or
    cancelled load rolls everything back, triggers included.
    """
    for statement in DROP_SEARCH_INDEX_DDL[:3]:  # the triggers, not the index table
        connection.exec_driver_sql(statement)
    yield
    for statement in SEARCH_INDEX_DDL[1:]:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql("INSERT INTO prospect_fts(prospect_fts) VALUES ('rebuild')")


# --- import: bulk inserts index their rows per chunk instead of per row -----------------


@contextmanager
def search_insert_trigger_suspended(connection: Connection) -> Iterator[None]:
    """Drop the search index's insert trigger for a bulk insert, and put it back after.

    The caller indexes what it inserted with :func:`index_prospect_range` straight after
    each chunk, so the index is complete before any later update (whose trigger stays
    active) touches those rows. The drop happens inside the caller's transaction: a
    rollback restores the trigger.
    """
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS prospect_fts_ai")
    yield
    connection.exec_driver_sql(SEARCH_INDEX_DDL[1])


def index_prospect_range(connection: Connection, first_id: int, last_id: int) -> None:
    """Add prospects ``first_id..last_id`` (just inserted) to the search index, in bulk."""
    connection.exec_driver_sql(
        "INSERT INTO prospect_fts(rowid, name, company, email, notes) "
        "SELECT id, name, company, email, notes FROM prospect WHERE id BETWEEN ? AND ?",
        (first_id, last_id),
    )


# --- import: a larger page cache for the import's transaction -----------------------------

#: Page cache (KiB) of the importing connection while an import writes. An import adds
#: rows at scattered places of a dozen prospect indexes, the journeys' indexes and the
#: search index; with the everyday cache (32 MB) SQLite evicts and spills those pages
#: again and again (a 100,000-row import dirties about 110 MB of pages). 128 MB keeps
#: most of them: bounded, so memory still does not grow with the file.
IMPORT_CACHE_KIB = 128 * 1024


@contextmanager
def import_page_cache(connection: Connection) -> Iterator[None]:
    """Raise the connection's page cache to :data:`IMPORT_CACHE_KIB` around an import's
    transaction, and restore it after (pooled connections keep their pragmas).

    Set through the driver's connection, outside any transaction, since a pragma sent
    through SQLAlchemy would begin one.
    """
    raw = connection.connection.dbapi_connection
    assert raw is not None
    previous = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(previous)}")


# --- Fragments of SQL: dates, numbers, index steering, scratch tables --------------------------


def day_number(expression: str) -> str:
    """SQL for a stored timestamp as a fractional day number (differences are days)."""
    return f"julianday({expression})"


def day_of(expression: str) -> str:
    """SQL for the calendar day (``YYYY-MM-DD``, UTC) of a stored timestamp."""
    return f"substr({expression}, 1, 10)"


def month_of(expression: str) -> str:
    """SQL for the month (``YYYY-MM``, UTC) of a stored timestamp."""
    return f"substr({expression}, 1, 7)"


def integer_part(expression: str) -> str:
    """SQL for the integer part of a non-negative number: SQLite's cast truncates."""
    return f"CAST({expression} AS INTEGER)"


def not_for_index(expression: str) -> str:
    """SQL for ``expression`` that SQLite will not use an index for (unary ``+``).

    The report's activity count must scan its covering index in (person, prospect) order;
    with statistics present SQLite may prefer the date index instead, which then reads
    every wide activity row. A Today group lists its first rows in the order of one chosen
    index and stops there; without statistics (a database filled after its last ANALYZE)
    SQLite guesses that an equality on stage or owner is narrow and picks that index, then
    reads and sorts every match. A PostgreSQL sibling returns the expression unchanged.
    """
    return f"+{expression}"


def indexed_by(index: str) -> str:
    """SQL after a table's name that makes SQLite read it through ``index`` (``INDEXED BY``).

    For the customers' activities: SQLite does not weigh a small partial index against the
    index on (status, due) well without statistics, and would read every done activity.
    A PostgreSQL sibling returns "" (its planner knows the partial index's size).
    """
    return f"INDEXED BY {index}"


def scratch_table(name: str) -> str:
    """The connection's temporary table ``name``, qualified (SQLite's ``temp`` schema)."""
    return f"temp.{name}"


def has_table(connection: ReportConnection, schema: str, table: str) -> bool:
    """Whether the database attached as ``schema`` has ``table``."""
    row = connection.execute(
        f"SELECT count(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = :table",
        {"table": table},
    ).fetchone()
    return bool(row[0])


# --- The journeys: triggers that keep each prospect's journey in step with its history ------

#: One trigger per kind of change to the stage history.
JOURNEY_TRIGGERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("prospectjourney_ai", "AFTER INSERT", ("new.prospect_id",)),
    ("prospectjourney_ad", "AFTER DELETE", ("old.prospect_id",)),
    ("prospectjourney_au", "AFTER UPDATE", ("old.prospect_id", "new.prospect_id")),
)

#: The trigger that follows a prospect's owner and creation time into its journey.
JOURNEY_PROSPECT_TRIGGER = "prospectjourney_pu"

DROP_JOURNEY_TRIGGERS_DDL: tuple[str, ...] = tuple(
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (*(t[0] for t in JOURNEY_TRIGGERS), JOURNEY_PROSPECT_TRIGGER)
)


def journey_triggers_ddl(refresh: Mapping[str, str]) -> tuple[str, ...]:
    """Row triggers on ``stagechange`` that recompute each changed prospect's journey.

    ``refresh`` maps the SQL of the changed prospect's id (``new.prospect_id``,
    ``old.prospect_id``) to the statements, separated by ``;``, that recompute its journey.
    """
    return tuple(
        f"CREATE TRIGGER IF NOT EXISTS {name} {when} ON stagechange BEGIN "
        + " ".join(f"{refresh[key]};" for key in keys)
        + " END"
        for name, when, keys in JOURNEY_TRIGGERS
    )


def journey_prospect_trigger_ddl(statement: str) -> str:
    """A trigger running ``statement`` (with ``new``) when a prospect's owner or creation
    time changes."""
    return (
        f"CREATE TRIGGER IF NOT EXISTS {JOURNEY_PROSPECT_TRIGGER} "
        f"AFTER UPDATE OF owner, created_at ON prospect BEGIN {statement}; END"
    )


# --- Reports: snapshot files side by side, read-only -------------------------------------

#: Schema alias of the n-th attached report database.
REPORT_SCHEMA_PREFIX = "src"


def report_schema(index: int) -> str:
    """The schema name under which report database number ``index`` is attached."""
    return f"{REPORT_SCHEMA_PREFIX}{index}"


def connect_report_databases(paths: list[Path]) -> sqlite3.Connection:
    """One connection that sees every database in ``paths`` read-only, side by side.

    The main database is an empty in-memory one (it holds the report's scratch tables);
    each file is attached as ``src0``, ``src1``, ... with ``mode=ro`` so a report can never
    change a salesperson's data, and nothing is copied.
    """
    connection = sqlite3.connect(":memory:", uri=True, check_same_thread=False)
    connection.execute("PRAGMA temp_store=MEMORY")
    for index, path in enumerate(paths):
        uri = path.resolve().as_uri() + "?mode=ro"
        connection.execute("ATTACH DATABASE ? AS " + report_schema(index), (uri,))
        connection.execute(f"PRAGMA {report_schema(index)}.cache_size=-32000")
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return connection


@dataclass(frozen=True)
class SnapshotFiles:
    """Database files one report reads (a team's snapshots, or one salesperson's file):
    the :class:`~onboard_desk.storage.dialects.ReportDatabases` of this dialect.

    Each connection is a new in-memory database with every file attached read-only
    (:func:`connect_report_databases`), so a report opens one per thread and none of them
    can write to a file.
    """

    paths: tuple[Path, ...]

    @property
    def dialect(self) -> SqlDialect:
        # This very module (importing the package's picker from here would be a circle).
        return cast("SqlDialect", sys.modules[__name__])

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(path.name for path in self.paths)

    @property
    def schemas(self) -> tuple[str, ...]:
        return tuple(report_schema(index) for index in range(len(self.paths)))

    @contextmanager
    def connect(self) -> Iterator[ReportConnection]:
        try:
            connection = connect_report_databases(list(self.paths))
        except sqlite3.DatabaseError as exc:
            raise UnreadableDatabaseError(str(exc)) from exc
        try:
            yield connection
        finally:
            connection.close()
