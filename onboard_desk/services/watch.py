"""Noticing what other writers changed: the command line, a second window, a sync.

A window holds its database open for hours while ``onboard-desk next`` runs in a terminal
or a colleague's laptop syncs a file. :class:`ChangeWatcher` keeps one connection of its
own and asks the dialect for its change counter (SQLite's ``data_version``: microseconds,
so it can be asked every second or two). Only when that moved does it look at what
changed, with indexed reads: the prospects updated since the last look (their ids, so
screens refresh those rows and keep their selection and scroll position), whether
prospects were added or removed (then "everything", capped), and whether the database's
settings changed.

The counter also moves for this process's own commits (each pooled connection is "another
connection" to SQLite). Those rows were refreshed when they were written; refreshing them
again costs little, and a count that moved while this process wrote is taken as its own.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from onboard_desk.storage.bulk import placeholders
from onboard_desk.storage.dialects import dialect_of

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

#: More changed prospects than this at once are "everything": screens reload what they show.
MAX_IDS = 500


@dataclass(frozen=True)
class OutsideChanges:
    """What changed since the last look: prospects (their ids; ``everything`` when they
    are too many to list, or prospects came or went), and whether the settings did."""

    prospect_ids: tuple[int, ...] = ()
    everything: bool = False
    settings: bool = False

    def __bool__(self) -> bool:
        return bool(self.prospect_ids or self.everything or self.settings)


@dataclass(frozen=True)
class _Mark:
    counter: int
    updated: Any
    rows: tuple[Any, Any]
    settings: str


class ChangeWatcher:
    """Looks, when asked, at what other writers changed in the Desk's database. Safe to
    ask from any one thread at a time (the window asks from its thread pool)."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._lock = threading.Lock()
        self._dialect = dialect_of(desk.engine)
        self._mark_sql = placeholders(desk.engine, 1)
        self._connection: Any = desk.engine.raw_connection()
        self._local_writes = desk.local_writes
        self._mark = self._read_mark()

    def close(self) -> None:
        """Let go of the connection (the file can then be rewritten, or the app quit); the
        next :meth:`poll` opens a new one and starts from what the database holds then."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _read_mark(self) -> _Mark:
        connection = self._connection
        counter = self._dialect.change_counter(connection)
        cursor = connection.cursor()
        try:
            updated = cursor.execute("SELECT max(updated_at) FROM prospect").fetchone()[0]
            rows = tuple(cursor.execute("SELECT count(*), max(id) FROM prospect").fetchone())
            settings = hashlib.sha1(
                repr(
                    cursor.execute("SELECT key, value FROM setting ORDER BY key").fetchall()
                ).encode()
            ).hexdigest()
        finally:
            cursor.close()
        connection.commit()  # end the read, so the next look sees newer commits
        return _Mark(counter, updated, (rows[0], rows[1]), settings)

    def poll(self) -> OutsideChanges:
        """What changed since the last call (nothing, cheaply, when nothing was committed)."""
        with self._lock:
            if self._connection is None:  # let go for a rewrite: look afresh from now on
                self._connection = self._desk.engine.raw_connection()
                self._local_writes = self._desk.local_writes
                self._mark = self._read_mark()
                return OutsideChanges()
            if self._dialect.change_counter(self._connection) == self._mark.counter:
                return OutsideChanges()
            before, local_before = self._mark, self._local_writes
            self._local_writes = self._desk.local_writes
            ids = self._updated_since(before.updated)
            self._mark = self._read_mark()
        moved = self._mark.rows != before.rows and self._local_writes == local_before
        return OutsideChanges(
            prospect_ids=tuple(ids[:MAX_IDS]),
            everything=moved or len(ids) > MAX_IDS,
            settings=self._mark.settings != before.settings,
        )

    def _updated_since(self, moment: datetime | str | None) -> list[int]:
        cursor = self._connection.cursor()
        try:
            if moment is None:
                rows = cursor.execute(
                    f"SELECT id FROM prospect ORDER BY id LIMIT {self._mark_sql}", (MAX_IDS + 1,)
                ).fetchall()
            else:
                mark = self._mark_sql
                rows = cursor.execute(
                    f"SELECT id FROM prospect WHERE updated_at > {mark} "
                    f"ORDER BY updated_at LIMIT {mark}",
                    (moment, MAX_IDS + 1),
                ).fetchall()
        finally:
            cursor.close()
        return [int(row[0]) for row in rows]
