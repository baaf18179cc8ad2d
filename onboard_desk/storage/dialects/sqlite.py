"""Everything in the project that only SQLite understands, kept in one place.

The dialect module of the embedded database: it provides what
:class:`~onboard_desk.storage.dialects.SqlDialect` lists (mypy checks it), and a PostgreSQL
sibling provides the same names. Here: the one SQLite driver (:data:`driver`) and how a
file is opened with it, plain or encrypted (:func:`connect`, engines, schema checks, online
backups and snapshots), the FTS5 search index with its triggers and queries, bulk-load
helpers, and what a report reads: snapshot files attached read-only side by side
(:class:`SnapshotFiles`). Re-exported from modules of their own: the journeys' triggers
and fragments of SQL (day numbers, calendar days, months, index steering, scratch tables:
:mod:`.sqlite_fragments`), text matched with accents folded (:mod:`.sqlite_fold`) and
timestamps (:mod:`.sqlite_text`); rewriting a file under another key is
:mod:`.sqlite_cipher`'s.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import sqlcipher3.dbapi2
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from onboard_desk.domain.recovery_key import KEY_BYTES
from onboard_desk.storage.dialects import sqlite_fold, sqlite_fragments, sqlite_text
from onboard_desk.storage.dialects.protocol import (
    ReportConnection,
    SqlDialect,
    UnreadableDatabaseError,
)

#: SQLAlchemy's name of this dialect.
NAME = "sqlite"

#: The one SQLite driver, for every connection the app makes: SQLCipher's build of SQLite.
#: It opens a plain file as SQLite does and an encrypted one given its key, and its SQLite
#: (3.53) is new enough for a search index that folds accents (trigram with
#: remove_diacritics, SQLite 3.45+); Python's own sqlite3 module is 3.40 on Debian 12. A
#: SQLAlchemy engine gets it as its DB-API module (:func:`make_engine`).
driver: Any = sqlcipher3.dbapi2

#: A moment as SQLite stores it (UTC text), for statements' parameters; written in
#: :mod:`.sqlite_text`, which the import's planning process loads without SQLAlchemy.
timestamp_param = sqlite_text.timestamp_param

#: Words too short for the search index, and tags, are matched with accents and case
#: folded by GLOB patterns (:mod:`.sqlite_fold`, which loads without SQLAlchemy).
folded_pattern = sqlite_fold.folded_pattern
folded_match = sqlite_fold.folded_match

#: Stored timestamps are UTC text (:func:`timestamp_param`); scratch tables keep them so.
TIMESTAMP_TYPE = "TEXT"

#: Milliseconds a connection waits for another writer (the window and a CLI call, say).
BUSY_TIMEOUT_MS = 5000

#: Page size of new databases. Larger than SQLite's 4 KiB default: the prospect table
#: carries a dozen indexes and a trigram search index, and with 16 KiB pages their trees
#: are shallower and split less often. Measured on 100,000 new rows into 100,000
#: prospects: 4.0 s instead of 4.9 s (the search index 1.0 s instead of 1.4 s). It only
#: applies when the file is created (a database in WAL mode keeps its page size). An
#: encrypted file has the same pages (SQLCipher's ``cipher_page_size``, set with its key).
PAGE_SIZE = 16384

#: The first 16 bytes of every plain SQLite file; an encrypted one starts with random bytes.
PLAIN_HEADER = b"SQLite format 3\x00"


# --- Database files: connections, engines, schema checks, backups ---------------------------


def is_plain_file(path: Path) -> bool:
    """Whether ``path`` starts as a plain SQLite file does (an empty file counts: SQLite
    writes the header with the first table). An encrypted file, or any other file, does not."""
    with path.open("rb") as file:
        header = file.read(len(PLAIN_HEADER))
    return header in (b"", PLAIN_HEADER)


def key_literal(key: bytes) -> str:
    """``key`` as SQLCipher reads a raw key (``x'…'`` in hex) in ``PRAGMA key`` and
    ``ATTACH … KEY``: used as it is, with no passphrase derivation."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"A database key has {KEY_BYTES} bytes, not {len(key)}.")
    return f"x'{key.hex()}'"


def _apply_key(connection: Any, key: bytes | None, schema: str = "main") -> None:
    """Give a new connection the key of its file, before its first read (SQLCipher reads
    nothing until then); a plain file takes no key."""
    connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message
    if key is None:
        return
    connection.execute(f'PRAGMA {schema}.key = "{key_literal(key)}"')
    connection.execute(f"PRAGMA {schema}.cipher_page_size = {PAGE_SIZE}")


def connect(
    path: Path | None,
    *,
    key: bytes | None = None,
    read_only: bool = False,
    check_same_thread: bool = True,
    timeout: float | None = None,
) -> Any:
    """A DB-API connection of :data:`driver` to the file at ``path`` (None: a new
    in-memory database), encrypted with ``key`` when one is given, or read-only (SQLite
    refuses every write). Every connection the app makes starts here."""
    if path is None:
        connection = driver.connect(":memory:", check_same_thread=check_same_thread)
    else:
        uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
        connection = driver.connect(
            uri,
            uri=True,
            check_same_thread=check_same_thread,
            timeout=BUSY_TIMEOUT_MS / 1000 if timeout is None else timeout,
        )
    try:
        _apply_key(connection, key)
    except BaseException:
        connection.close()
        raise
    return connection


#: Page cache (KiB) of a connection to an encrypted file, against 32 MB for a plain one. A
#: plain file's pages the cache drops come back from the operating system's cache almost
#: for free; an encrypted file's must be decrypted again. Measured on 100,000 prospects
#: (the search's first page, warm): plain 5-7 ms at 32 or 128 MB; encrypted 26 ms at
#: 32 MB, 12 ms at 64 MB, 4.7 ms at 128 MB. The cache fills only as pages are read.
ENCRYPTED_CACHE_KIB = 128 * 1024


def install_pragmas(engine: Engine, *, encrypted: bool = False) -> None:
    """WAL for concurrent readers, foreign keys on, and a busy timeout, on every connection
    (and a larger page cache for an encrypted file: :data:`ENCRYPTED_CACHE_KIB`)."""
    cache_kib = ENCRYPTED_CACHE_KIB if encrypted else 32000

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL: new files only
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute(f"PRAGMA cache_size=-{cache_kib}")
        cursor.close()


def make_engine(path: Path, *, key: bytes | None = None) -> Engine:
    """An engine for the database file at ``path`` (encrypted with ``key`` when given),
    with the pragmas on every connection."""
    engine = create_engine(
        f"sqlite:///{path}",  # a file: SQLAlchemy pools its connections
        module=driver,
        creator=lambda: connect(path, key=key, check_same_thread=False),
    )
    install_pragmas(engine, encrypted=key is not None)
    return engine


def read_only_engine(path: Path, *, key: bytes | None = None) -> Engine:
    """An engine that can only read the file at ``path`` (SQLite refuses every write),
    without a pool: each session opens the file and closes it again."""
    return create_engine(
        "sqlite://",
        module=driver,
        creator=lambda: connect(path, key=key, read_only=True, check_same_thread=False),
        poolclass=NullPool,
    )


def is_busy_error(error: BaseException) -> bool:
    """Whether ``error`` (the driver's, or SQLAlchemy's wrapping it) is SQLite saying that
    another connection holds the lock: "database is locked", "database table is locked"."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    return isinstance(cause, driver.OperationalError) and (
        "locked" in str(cause) or "busy" in str(cause)
    )


def backup_to(source_path: Path, target_path: Path, *, key: bytes | None = None) -> None:
    """A consistent copy of a live database through SQLite's online backup API.

    Safe while the app (or another process) is writing: the backup sees one snapshot. The
    copy of an encrypted database is encrypted with the same key, page by page, so no
    readable byte of it reaches the disk.
    """
    source = connect(source_path, key=key, read_only=True)
    try:
        target = connect(target_path, key=key)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()


def read_schema_revision(path: Path, *, key: bytes | None = None) -> str | None:
    """The Alembic revision of a database file, read straight through the driver.

    Returns None for a new, empty database. Raises UnreadableDatabaseError (in SQLite's
    words) when the file is not a SQLite database, or not one this key opens.
    """
    try:
        connection = connect(path, key=key, read_only=True)
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
    except driver.DatabaseError as exc:
        raise UnreadableDatabaseError(f"SQLite says: {exc}") from exc


def is_empty_database(path: Path, *, key: bytes | None = None) -> bool:
    """True when a file holds no tables at all (a fresh file, or one SQLite just created)."""
    connection = connect(path, key=key, read_only=True)
    try:
        row = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return bool(row is None or row[0] == 0)
    finally:
        connection.close()


def snapshot_database(source_path: Path, target_path: Path, *, key: bytes | None = None) -> None:
    """Write a consistent snapshot of a live database to a new file, atomically.

    The online backup API copies one consistent state even while the window writes; the
    copy goes to a temporary file beside the target and is renamed into place only once
    complete, so an interrupted backup never leaves a half-written snapshot behind. The
    snapshot of an encrypted database is encrypted with its key.
    """
    partial = target_path.with_name(target_path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        backup_to(source_path, partial, key=key)
        partial.replace(target_path)
    finally:
        partial.unlink(missing_ok=True)


# --- Search: FTS5 -----------------------------------------------------------------------------

#: The search index's tokenizer: trigrams, so that any substring of three or more
#: characters matches (prefixes included), with case and accents folded on both sides
#: ("muller" finds "Müller", "MÜL" too). ``remove_diacritics 2`` also folds letters with
#: more than one accent (Vietnamese "ặ"), which ``1`` leaves alone. Needs SQLite 3.45+.
SEARCH_TOKENIZER = "trigram remove_diacritics 2"

# The search index: FTS5 with the trigram tokenizer, ranked by bm25. External content
# keeps one copy of the text (the index holds only folded trigrams; the stored text is
# never changed); triggers keep it in step with every write, whichever code path (store,
# import, demo) made it.
SEARCH_INDEX_DDL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS prospect_fts USING fts5("
    "name, company, email, notes, content='prospect', content_rowid='id', "
    f"tokenize='{SEARCH_TOKENIZER}')",
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


# --- Fragments of SQL and the journeys' triggers (:mod:`.sqlite_fragments`) ------------------

day_number = sqlite_fragments.day_number
day_of = sqlite_fragments.day_of
month_of = sqlite_fragments.month_of
integer_part = sqlite_fragments.integer_part
not_for_index = sqlite_fragments.not_for_index
indexed_by = sqlite_fragments.indexed_by
scratch_table = sqlite_fragments.scratch_table
has_table = sqlite_fragments.has_table
JOURNEY_TRIGGERS = sqlite_fragments.JOURNEY_TRIGGERS
JOURNEY_PROSPECT_TRIGGER = sqlite_fragments.JOURNEY_PROSPECT_TRIGGER
DROP_JOURNEY_TRIGGERS_DDL = sqlite_fragments.DROP_JOURNEY_TRIGGERS_DDL
journey_triggers_ddl = sqlite_fragments.journey_triggers_ddl
journey_prospect_trigger_ddl = sqlite_fragments.journey_prospect_trigger_ddl


# --- Reports: snapshot files side by side, read-only -------------------------------------

#: Schema alias of the n-th attached report database.
REPORT_SCHEMA_PREFIX = "src"


def report_schema(index: int) -> str:
    """The schema name under which report database number ``index`` is attached."""
    return f"{REPORT_SCHEMA_PREFIX}{index}"


def connect_report_databases(paths: Sequence[Path], keys: Sequence[bytes | None] = ()) -> Any:
    """One connection that sees every database in ``paths`` read-only, side by side.

    The main database is an empty in-memory one (it holds the report's scratch tables);
    each file is attached as ``src0``, ``src1``, ... with ``mode=ro`` so a report can never
    change a salesperson's data, and nothing is copied. ``keys[i]`` is the key of an
    encrypted ``paths[i]`` (None, or missing, for a plain file).
    """
    connection = connect(None, check_same_thread=False)
    try:
        connection.execute("PRAGMA temp_store=MEMORY")
        connection.execute(f"PRAGMA cipher_default_page_size = {PAGE_SIZE}")
        for index, path in enumerate(paths):
            key = keys[index] if index < len(keys) else None
            uri = path.resolve().as_uri() + "?mode=ro"
            schema = report_schema(index)
            # An attached file takes its own key; '' is a plain file's (no key).
            connection.execute(
                f"ATTACH DATABASE ? AS {schema} KEY ?",
                (uri, "" if key is None else key_literal(key)),
            )
            connection.execute(f"PRAGMA {schema}.cache_size=-32000")
            connection.execute(f"SELECT count(*) FROM {schema}.sqlite_master").fetchone()
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except BaseException:
        connection.close()
        raise
    return connection


@dataclass(frozen=True)
class SnapshotFiles:
    """Database files one report reads (a team's snapshots, or one salesperson's file):
    the :class:`~onboard_desk.storage.dialects.ReportDatabases` of this dialect.

    Each connection is a new in-memory database with every file attached read-only
    (:func:`connect_report_databases`), so a report opens one per thread and none of them
    can write to a file. ``keys`` holds the key of each encrypted file (None for a plain
    one), in the order of ``paths``.
    """

    paths: tuple[Path, ...]
    keys: tuple[bytes | None, ...] = ()

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
            connection = connect_report_databases(self.paths, self.keys)
        except driver.DatabaseError as exc:
            raise UnreadableDatabaseError(str(exc)) from exc
        try:
            yield connection
        finally:
            connection.close()


# --- noticing other writers ----------------------------------------------------------------


def change_counter(dbapi_connection: Any) -> int:
    """SQLite's ``data_version``: it changes on this connection whenever another connection
    (this process's pool included) commits, and costs a few microseconds to read."""
    row = dbapi_connection.execute("PRAGMA data_version").fetchone()
    return int(row[0])
