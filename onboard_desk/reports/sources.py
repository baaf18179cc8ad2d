"""The databases a report reads: one salesperson's, or a team's snapshots side by side.

A report reads whatever :class:`~onboard_desk.storage.dialects.ReportDatabases` its
dialect module builds: a read-only DB-API connection with every database under a schema
name, and the dialect's SQL fragments. Snapshot files (:meth:`ReportSources.of`) are each
checked (an Onboard Desk database, not written by a newer version) and then attached
read-only to one scratch connection by the SQLite dialect; nothing is copied or changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from onboard_desk.reports.definitions import ReportError
from onboard_desk.storage.db import check_schema, file_key
from onboard_desk.storage.dialects import (
    ReportConnection,
    ReportDatabases,
    SqlDialect,
    UnreadableDatabaseError,
)
from onboard_desk.storage.dialects import sqlite as sqlite_dialect

#: File names a team folder is searched for.
SNAPSHOT_PATTERNS: tuple[str, ...] = ("*.sqlite3", "*.sqlite", "*.db")


def team_folder_files(folder: Path) -> list[Path]:
    """Every database snapshot in ``folder`` (not its subfolders), by name."""
    if not folder.is_dir():
        raise ReportError(f"{folder} is not a folder.")
    found = {p for pattern in SNAPSHOT_PATTERNS for p in folder.glob(pattern) if p.is_file()}
    if not found:
        raise ReportError(f"{folder} holds no database snapshots ({', '.join(SNAPSHOT_PATTERNS)}).")
    return sorted(found)


@dataclass(frozen=True)
class ReportSources:
    """The databases of one report, in order (their index is their schema number), and
    the files they are (none for a server database)."""

    databases: ReportDatabases
    paths: tuple[Path, ...] = ()

    @classmethod
    def of(cls, paths: Sequence[Path]) -> ReportSources:
        """Check every file and refuse duplicates; raises ReportError with the reason."""
        if not paths:
            raise ReportError("A report needs at least one database.")
        seen: set[Path] = set()
        checked: list[Path] = []
        keys: list[bytes | None] = []  # an encrypted snapshot's key, from the keyring
        for path in paths:
            resolved = path.expanduser().resolve()
            if resolved in seen:
                continue
            if not resolved.is_file():
                raise ReportError(f"There is no database at {path}.")
            key = file_key(resolved)
            if check_schema(resolved, key=key) is None:
                raise ReportError(f"{path} is an empty database; there is nothing to report.")
            seen.add(resolved)
            checked.append(resolved)
            keys.append(key)
        return cls(sqlite_dialect.SnapshotFiles(tuple(checked), tuple(keys)), tuple(checked))

    @property
    def dialect(self) -> SqlDialect:
        """The SQL the databases speak (their dialect module)."""
        return self.databases.dialect

    @property
    def names(self) -> tuple[str, ...]:
        return self.databases.names

    @property
    def schemas(self) -> tuple[str, ...]:
        return self.databases.schemas

    @contextmanager
    def connect(self) -> Iterator[ReportConnection]:
        """A new read-only connection to every database (closed afterwards)."""
        with ExitStack() as stack:
            try:
                connection = stack.enter_context(self.databases.connect())
            except UnreadableDatabaseError as exc:
                raise ReportError(f"Cannot read the databases: {exc}") from exc
            yield connection
