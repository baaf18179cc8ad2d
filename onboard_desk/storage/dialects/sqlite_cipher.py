"""Rewriting a SQLite file with another key (SQLCipher): encrypting, decrypting, safely.

Part of the SQLite-only layer (see :mod:`onboard_desk.storage.dialects.sqlite`).

A file is never changed in place. :func:`rewrite` copies it, under an exclusive lock, to a
new file beside it with the new key (SQLCipher's ``sqlcipher_export``: every table,
index, trigger and the search index), checks the copy (SQLite's integrity check, the same
rows in every table, the same schema revision), and only then renames the copy over the
original. A failure or a crash at any point before the rename leaves the original as it
was; after it, the new file is complete.

Which key is used, and where it is kept, is the services' business
(:mod:`onboard_desk.services.encryption`); this module only moves bytes between keys.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from onboard_desk.errors import UserError

# The dialect module imports nothing of this one, so this import makes no circle.
from onboard_desk.storage.dialects import sqlite as sqlite_dialect

#: Milliseconds to wait for the file's lock before saying another program has it open.
LOCK_WAIT_MS = 2000

#: Page cache (KiB) of each side of a rewrite (bounded: memory does not grow with the file).
REWRITE_CACHE_KIB = 128 * 1024

#: Header fields of the file that ``sqlcipher_export`` does not carry over.
_HEADER_PRAGMAS = ("user_version", "application_id")


class DatabaseInUseError(UserError):
    """Another program (a window, a command) has the database open."""


class RewriteError(UserError):
    """The rewritten copy failed its check; the original is unchanged."""


def file_is_encrypted(path: Path) -> bool:
    """Whether the file at ``path`` looks like an encrypted database: not a plain SQLite
    file, and whole pages long (SQLCipher writes pages of 512 bytes or a multiple).

    Only a key truly tells an encrypted database from other bytes of that size; the
    messages for a file without its key say so.
    """
    if not path.is_file():
        return False
    size = path.stat().st_size
    return size >= 512 and size % 512 == 0 and not sqlite_dialect.is_plain_file(path)


def _in_use(path: Path) -> DatabaseInUseError:
    return DatabaseInUseError(
        f"{path} is open in Onboard Desk or another program; close it (and any command "
        "using it) and try again. Nothing was changed."
    )


def _table_counts(connection: Any, schema: str) -> dict[str, int]:
    """Rows per table (the search index's own tables included) under ``schema``."""
    names = [
        str(row[0])
        for row in connection.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts: dict[str, int] = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        try:
            counts[name] = int(
                connection.execute(f"SELECT count(*) FROM {schema}.{quoted}").fetchone()[0]
            )
        except sqlite_dialect.driver.OperationalError:
            counts[name] = -1  # a virtual table counted through its own tables
    return counts


def _verify(path: Path, key: bytes | None, expected: dict[str, int]) -> None:
    """Open the copy with its key and check it holds what the original held, intact."""
    connection = sqlite_dialect.connect(path, key=key, read_only=True)
    try:
        connection.execute(f"PRAGMA cache_size = -{REWRITE_CACHE_KIB}")
        result = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise RewriteError(
                f"The rewritten copy of the database failed its check ({result[0]}); "
                "the database was not changed."
            )
        if _table_counts(connection, "main") != expected:
            raise RewriteError(
                "The rewritten copy of the database does not hold the same rows; "
                "the database was not changed."
            )
    finally:
        connection.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rewrite(path: Path, *, old_key: bytes | None, new_key: bytes | None) -> None:
    """Replace the database at ``path`` (``old_key``, None when plain) by the same data
    under ``new_key`` (None: plain), checked before the swap.

    Raises DatabaseInUseError when another connection has the file open (a window, a
    command), RewriteError when the copy does not check out; the original is then
    unchanged and the copy removed.
    """
    partial = path.with_name(path.name + ".rewrite")
    leftovers = (partial, partial.with_name(partial.name + "-journal"))
    for leftover in leftovers:  # of a rewrite that was killed
        leftover.unlink(missing_ok=True)
    source = sqlite_dialect.connect(path, key=old_key, timeout=LOCK_WAIT_MS / 1000)
    try:
        # SQLite leaves WAL mode only when no other connection has the file open: the
        # one test that nothing else is using it. From here nobody else can write.
        try:
            mode = source.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite_dialect.driver.OperationalError as exc:
            if sqlite_dialect.is_busy_error(exc):
                raise _in_use(path) from None
            raise
        if str(mode).lower() != "delete":
            raise _in_use(path)
        source.execute(
            "ATTACH DATABASE ? AS target KEY ?",
            (str(partial), "" if new_key is None else sqlite_dialect.key_literal(new_key)),
        )
        # A large cache on both sides: with SQLite's default, building the copy's indexes
        # evicts and re-reads (and, encrypted, re-encrypts) pages over and over: 280 s
        # instead of 2.4 s for 100,000 prospects. The copy needs no journal and no syncs
        # of its own: a failed copy is deleted, a finished one is synced before the rename.
        for schema in ("main", "target"):
            source.execute(f"PRAGMA {schema}.cache_size = -{REWRITE_CACHE_KIB}")
        source.execute("PRAGMA target.journal_mode = OFF")
        source.execute("PRAGMA target.synchronous = OFF")
        if new_key is not None:
            source.execute(f"PRAGMA target.cipher_page_size = {sqlite_dialect.PAGE_SIZE}")
        else:
            source.execute(f"PRAGMA target.page_size = {sqlite_dialect.PAGE_SIZE}")
        try:
            source.execute("BEGIN EXCLUSIVE")
        except sqlite_dialect.driver.OperationalError as exc:
            if sqlite_dialect.is_busy_error(exc):
                raise _in_use(path) from None
            raise
        expected = _table_counts(source, "main")
        source.execute("SELECT sqlcipher_export('target')")
        for pragma in _HEADER_PRAGMAS:
            value = int(source.execute(f"PRAGMA main.{pragma}").fetchone()[0])
            source.execute(f"PRAGMA target.{pragma} = {value}")
        source.execute("COMMIT")  # the copy is written; the original's lock is kept below
        source.execute("DETACH DATABASE target")
        source.execute("BEGIN EXCLUSIVE")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _verify(partial, new_key, expected)
        with contextlib.suppress(OSError):
            os.chmod(partial, path.stat().st_mode & 0o777)
        _fsync(partial)
        partial.replace(path)
        with contextlib.suppress(OSError):
            _fsync(path.parent)
    finally:
        with contextlib.suppress(sqlite_dialect.driver.Error):
            source.close()
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
