"""SQL dialects: what one database engine understands and the others do not, one module each.

The rest of the package writes SQL that SQLite and PostgreSQL both accept (joins, window
functions, recursive common table expressions, ``coalesce``, ``CASE``, named ``:name``
parameters) and asks the dialect of its database for everything else:

- :class:`SqlDialect` (in :mod:`.protocol`, re-exported here) lists what a dialect module
  provides, and mypy checks :mod:`.sqlite` against it. A PostgreSQL sibling
  (``postgresql.py``: pg_trgm search, timestamps as timestamps, reports on the team
  database itself) provides the same names, is added to :func:`dialect_named` and
  :data:`NAMES`, and nothing else has to change.
- :func:`dialect_of` picks the module for an engine, a connection or a session (by
  SQLAlchemy's ``dialect.name``), :func:`dialect_named` for a name. SQL builders that
  are also called without a connection at hand take ``dialect=None``, which means the
  embedded database (:func:`embedded`, SQLite).
- :mod:`.constructs` holds the SQLAlchemy constructs (search, index steering) that the
  lists' statements are built with before any connection is known; each is rendered by
  the dialect module of the connection that runs it.
- :class:`ReportDatabases` is what a report reads (a DB-API connection with the source
  databases under schema names); each dialect module builds its own (SQLite: snapshot
  files attached read-only), and the report code runs on any of them.

``tests/storage/test_dialects.py`` refuses SQLite-only constructs in any other module.

This module imports no SQLAlchemy: the import's planning process loads :mod:`.sqlite_text`
(and so this package) and starts faster without it. The dialect modules are imported
when first picked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onboard_desk.storage.dialects.protocol import (
    ReportConnection,
    ReportCursor,
    ReportDatabases,
    SqlDialect,
    UnreadableDatabaseError,
    UnsupportedDatabaseError,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.orm import Session

__all__ = [
    "EMBEDDED",
    "NAMES",
    "ReportConnection",
    "ReportCursor",
    "ReportDatabases",
    "SqlDialect",
    "UnreadableDatabaseError",
    "UnsupportedDatabaseError",
    "dialect_named",
    "dialect_of",
    "embedded",
]

#: The embedded database, used when there is no server: one file per salesperson.
EMBEDDED = "sqlite"

#: Every dialect with a module here (SQLAlchemy's ``dialect.name``).
NAMES: tuple[str, ...] = (EMBEDDED,)


def dialect_named(name: str) -> SqlDialect:
    """The dialect module for SQLAlchemy's dialect ``name``."""
    if name == "sqlite":
        from onboard_desk.storage.dialects import sqlite

        return sqlite
    raise UnsupportedDatabaseError(f"Onboard Desk cannot work with a {name} database.")


def embedded() -> SqlDialect:
    """The dialect of the embedded database (SQLite), for SQL built without a connection."""
    return dialect_named(EMBEDDED)


def dialect_of(bind: Engine | Connection | Session) -> SqlDialect:
    """The dialect module for an engine, a connection or a session's database."""
    from sqlalchemy.orm import Session

    target = bind.get_bind() if isinstance(bind, Session) else bind
    return dialect_named(target.dialect.name)
