"""Everything in the project that only SQLite understands, kept in one place.

A shared PostgreSQL server is planned; when it comes, this module gets a PostgreSQL
sibling (tsvector or pg_trgm search, ``pg_dump`` backups) and nothing else has to change.
Here: connection pragmas, the FTS5 search index and its triggers, the search query, and
online backup.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, column, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, TextClause, UnaryExpression
from sqlalchemy.sql.visitors import replacement_traverse

#: Milliseconds a connection waits for another writer (the window and a CLI call, say).
BUSY_TIMEOUT_MS = 5000

#: Page size of new databases. Larger than SQLite's 4 KiB default: the prospect table
#: carries a dozen indexes and a trigram search index, and with 16 KiB pages their trees
#: are shallower and split less often. Measured on 100,000 new rows into 100,000
#: prospects: 4.0 s instead of 4.9 s (the search index 1.0 s instead of 1.4 s). It only
#: applies when the file is created (a database in WAL mode keeps its page size).
PAGE_SIZE = 16384


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

#: The trigram tokenizer cannot match fewer than three characters.
MIN_FTS_TOKEN = 3


def fts_query(words: list[str]) -> str:
    """An FTS5 MATCH expression that requires every word as a substring.

    Each word is quoted (quotes doubled) so user input never becomes FTS syntax.
    """
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def search_match_clause(id_column: Any, words: list[str]) -> ColumnElement[bool]:
    """``id_column IN (matches)``: prospects whose text contains all ``words``."""
    matches = (
        text("SELECT rowid FROM prospect_fts WHERE prospect_fts MATCH :fts_q")
        .bindparams(fts_q=fts_query(words))
        .columns(column("rowid", Integer))
    )
    clause: ColumnElement[bool] = id_column.in_(matches)
    return clause


def search_rank_subquery(words: list[str]) -> TextClause:
    """``rowid, rank`` of the matches, best (lowest bm25 rank) first, for ranked search."""
    return text(
        "SELECT rowid AS id, rank AS rank FROM prospect_fts WHERE prospect_fts MATCH :fts_q"
    ).bindparams(fts_q=fts_query(words))


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
    """The Alembic revision of a database file, read without importing SQLAlchemy or Alembic.

    Returns None for a new, empty database. Raises sqlite3.DatabaseError when the file is
    not a SQLite database.
    """
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


def is_empty_database(path: Path) -> bool:
    """True when a file holds no tables at all (a fresh file, or one SQLite just created)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return bool(row is None or row[0] == 0)
    finally:
        connection.close()


@contextmanager
def bulk_search_index(connection: Connection) -> Iterator[None]:
    """Suspend the search-index triggers during a bulk load, then rebuild the index once.

    Per-row trigram indexing costs several times more than one rebuild at the end. The
    triggers are dropped and recreated inside the caller's transaction, so a failed or
    cancelled load rolls everything back, triggers included.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
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
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS prospect_fts_ai")
    yield
    connection.exec_driver_sql(SEARCH_INDEX_DDL[1])


def index_prospect_range(connection: Connection, first_id: int, last_id: int) -> None:
    """Add prospects ``first_id..last_id`` (just inserted) to the search index, in bulk."""
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql(
        "INSERT INTO prospect_fts(rowid, name, company, email, notes) "
        "SELECT id, name, company, email, notes FROM prospect WHERE id BETWEEN ? AND ?",
        (first_id, last_id),
    )


# --- Reports: read-only team databases, date arithmetic, snapshots ------------------------

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


def day_number(expression: str) -> str:
    """SQL for a stored timestamp as a fractional day number (differences are days)."""
    return f"julianday({expression})"


def day_of(expression: str) -> str:
    """SQL for the calendar day (``YYYY-MM-DD``, UTC) of a stored timestamp."""
    return f"substr({expression}, 1, 10)"


def month_of(expression: str) -> str:
    """SQL for the month (``YYYY-MM``, UTC) of a stored timestamp."""
    return f"substr({expression}, 1, 7)"


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


def not_for_index(expression: str) -> str:
    """SQL for ``expression`` that SQLite will not use an index for (unary ``+``).

    The report's activity count must scan its covering index in (person, prospect) order;
    with statistics present SQLite may prefer the date index instead, which then reads
    every wide activity row. A PostgreSQL sibling returns the expression unchanged.
    """
    return f"+{expression}"


def indexed_by(index: str) -> str:
    """SQL after a table's name that makes SQLite read it through ``index`` (``INDEXED BY``).

    For the customers' activities: SQLite does not weigh a small partial index against the
    index on (status, due) well without statistics, and would read every done activity.
    A PostgreSQL sibling returns "" (its planner knows the partial index's size).
    """
    return f"INDEXED BY {index}"


def not_for_index_columns(
    condition: ColumnElement[bool], table: str, columns: Collection[str]
) -> ColumnElement[bool]:
    """``condition`` with ``table``'s ``columns`` behind unary ``+``: the same test, but
    SQLite will not pick an index on those columns to answer it.

    A Today group lists its first rows in the order of one chosen index and stops there.
    Without statistics (a database filled after its last ANALYZE) SQLite guesses that an
    equality on stage or owner is narrow and picks that index, then reads and sorts every
    match. The condition itself is built once and shared with the list's filters; only
    its use here is steered. A PostgreSQL sibling returns ``condition`` unchanged.
    """
    names = set(columns)

    def hide(element: Any, **_kw: Any) -> Any:
        if isinstance(element, Column) and element.table.name == table and element.name in names:
            return UnaryExpression(element, operator=operators.custom_op("+"), type_=element.type)
        return None

    return replacement_traverse(condition, {}, hide)


# --- Reports: triggers that keep each prospect's journey in step with its history ---------

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


def journey_triggers_ddl(refresh: dict[str, str]) -> tuple[str, ...]:
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
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    previous = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(previous)}")
