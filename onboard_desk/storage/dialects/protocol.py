"""What a dialect module provides (:class:`SqlDialect`) and what a report reads
(:class:`ReportDatabases`), as protocols; see :mod:`onboard_desk.storage.dialects`.

Kept apart from the package's ``__init__`` so that a dialect module can name these
without importing the module that picks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from onboard_desk.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class UnsupportedDatabaseError(UserError):
    """A database of a kind Onboard Desk has no dialect module for; the message says which."""


class UnreadableDatabaseError(Exception):
    """A dialect's driver could not read a database (not a database, or unreachable).

    The message, in the driver's words, is for the user; callers add which database.
    """


# --- What a report reads --------------------------------------------------------------------


class ReportCursor(Protocol):
    """The rows of one statement (a DB-API cursor)."""

    def fetchone(self) -> Any: ...

    def fetchmany(self, size: int, /) -> list[Any]: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class ReportConnection(Protocol):
    """A read-only DB-API connection with a report's databases under their schema names.

    Statements use named ``:name`` parameters (SQLite's driver takes them as they are; a
    driver with another paramstyle is wrapped by its dialect module). Every connection is
    the caller's alone: a report opens one per thread.
    """

    def execute(self, statement: str, parameters: Mapping[str, Any] = ..., /) -> ReportCursor: ...

    def executemany(
        self, statement: str, parameters: Iterable[Mapping[str, Any]], /
    ) -> ReportCursor: ...


class ReportDatabases(Protocol):
    """The databases one report reads, as their dialect module opens them.

    SQLite: snapshot files side by side, each attached read-only under its own schema.
    A server database: one schema on one database, the team's.
    """

    @property
    def dialect(self) -> SqlDialect:
        """The SQL the databases speak."""
        ...

    @property
    def names(self) -> tuple[str, ...]:
        """One label per database, as the report lists its sources."""
        ...

    @property
    def schemas(self) -> tuple[str, ...]:
        """The schema that qualifies each database's tables (``f"{schema}.prospect"``)."""
        ...

    def connect(self) -> AbstractContextManager[ReportConnection]:
        """A new read-only connection, closed on exit; UnreadableDatabaseError when the
        databases cannot be opened."""
        ...


# --- What a dialect module provides ----------------------------------------------------------


class SqlDialect(Protocol):
    """The names every dialect module defines (module-level functions and constants).

    SQL fragments take and return SQL text, so that text statements (reports, retention)
    and SQLAlchemy statements (lists, search) get them alike. A fragment wraps what it is
    given in parentheses where precedence could matter (``day_number(x) - 1``).
    """

    @property
    def NAME(self) -> str:
        """SQLAlchemy's name of the dialect (``dialect.name``)."""
        ...

    # Values and types ----------------------------------------------------------------------

    def timestamp_param(self, moment: datetime) -> Any:
        """A datetime as a statement's parameter, comparable with the stored timestamps."""
        ...

    @property
    def TIMESTAMP_TYPE(self) -> str:
        """The column type of a stored timestamp in a scratch table."""
        ...

    # Fragments of SQL ----------------------------------------------------------------------

    def day_number(self, expression: str) -> str:
        """A stored timestamp (or a timestamp parameter) as a fractional day number:
        differences are days."""
        ...

    def day_of(self, expression: str) -> str:
        """The calendar day (UTC) of a stored timestamp, as a timestamp ``day_number``
        takes."""
        ...

    def month_of(self, expression: str) -> str:
        """The month of a stored timestamp as ``YYYY-MM`` text (UTC)."""
        ...

    def integer_part(self, expression: str) -> str:
        """The integer part of a non-negative number (rounded down, never to nearest)."""
        ...

    def not_for_index(self, expression: str) -> str:
        """``expression`` as the planner will not answer it from an index (where the
        dialect's planner needs steering; else unchanged)."""
        ...

    def indexed_by(self, index: str) -> str:
        """What follows a table's name (and alias) to make the planner read it through
        ``index`` (where it needs telling; else "")."""
        ...

    def scratch_table(self, name: str) -> str:
        """The qualified name of the connection's own temporary table ``name``
        (created with ``CREATE TEMP TABLE name``)."""
        ...

    def has_table(self, connection: ReportConnection, schema: str, table: str) -> bool:
        """Whether the database under ``schema`` has ``table`` (older databases lack the
        newer tables)."""
        ...

    # Search (rendered into the lists' statements by :mod:`.constructs`) ----------------------

    @property
    def SEARCH_IDS_SQL(self) -> str:
        """``SELECT id`` of the prospects whose text contains every word of ``:search``."""
        ...

    @property
    def SEARCH_RANKS_SQL(self) -> str:
        """``SELECT id, rank`` of the same prospects, lower rank for a better match."""
        ...

    def search_param(self, words: list[str]) -> Any:
        """The value of ``:search`` for ``words``, each to be found as typed (and each at
        least :data:`.constructs.MIN_SEARCH_WORD` long: shorter ones are matched by
        prefix instead)."""
        ...

    def folded_pattern(self, parts: list[str | None]) -> Any:
        """The value of a folded match's pattern for ``parts``: text to match with accents
        and case folded, and None for any run of characters."""
        ...

    def folded_match(self, expression: str, pattern: str) -> str:
        """SQL: the text ``expression`` matches ``pattern`` (a :meth:`folded_pattern`
        value), accents and case folded."""
        ...

    # Writes in bulk --------------------------------------------------------------------------

    def bulk_search_index(self, connection: Connection) -> AbstractContextManager[None]:
        """Suspend per-row search indexing for a bulk load, and index once at the end."""
        ...

    def search_insert_trigger_suspended(
        self, connection: Connection
    ) -> AbstractContextManager[None]:
        """Suspend the search indexing of inserted rows; the caller indexes them with
        :meth:`index_prospect_range`."""
        ...

    def index_prospect_range(self, connection: Connection, first_id: int, last_id: int) -> None:
        """Index prospects ``first_id..last_id`` (just inserted) for search."""
        ...

    def change_counter(self, dbapi_connection: Any) -> int:
        """A number that changes whenever another connection has committed a change to the
        database, read on this same long-lived connection (how a window notices what the
        command line or a colleague wrote)."""
        ...

    def import_page_cache(self, connection: Connection) -> AbstractContextManager[None]:
        """Whatever makes an import's one large transaction faster, undone after it."""
        ...

    def is_busy_error(self, error: BaseException) -> bool:
        """Whether ``error`` says another connection holds the lock (try again later)."""
        ...

    # The journeys' triggers ------------------------------------------------------------------

    def journey_triggers_ddl(self, refresh: Mapping[str, str]) -> tuple[str, ...]:
        """Triggers on ``stagechange`` that run ``refresh[key]`` (statements separated by
        ``;``) for each changed prospect, ``key`` being ``new.prospect_id`` or
        ``old.prospect_id``; the insert trigger first."""
        ...

    def journey_prospect_trigger_ddl(self, statement: str) -> str:
        """A trigger running ``statement`` (with ``new``) when a prospect's owner or
        creation time changes."""
        ...

    @property
    def DROP_JOURNEY_TRIGGERS_DDL(self) -> tuple[str, ...]:
        """Drops every journey trigger, the insert trigger first."""
        ...
