"""How values are written as SQLite stores them, without SQLAlchemy.

Part of the SQLite-only layer (see :mod:`onboard_desk.storage.dialects.sqlite`, which re-exports
it), kept in its own module because the import's planning process renders timestamps for
its rows and starts faster without loading SQLAlchemy.
"""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp_param(moment: datetime) -> str:
    """A datetime as SQLAlchemy's SQLite DATETIME stores it (UTC text), for raw bulk inserts.

    Bulk loaders pass pre-rendered values to skip per-value type processing; the text
    must match what the ORM writes so that comparisons and sorting stay correct.
    """
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")
