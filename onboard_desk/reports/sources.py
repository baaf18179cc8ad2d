"""The databases a report reads: one salesperson's, or a team's snapshots side by side.

Each file is checked (an Onboard Desk database, not written by a newer version) and then
attached read-only to one scratch connection; nothing is copied or changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from onboard_desk.reports.definitions import ReportError
from onboard_desk.storage.db import check_schema
from onboard_desk.storage.dialects import sqlite as sqlite_specific

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
    """The database files of one report, in order (their index is their schema number)."""

    paths: tuple[Path, ...]

    @classmethod
    def of(cls, paths: Sequence[Path]) -> ReportSources:
        """Check every file and refuse duplicates; raises ReportError with the reason."""
        if not paths:
            raise ReportError("A report needs at least one database.")
        seen: set[Path] = set()
        checked: list[Path] = []
        for path in paths:
            resolved = path.expanduser().resolve()
            if resolved in seen:
                continue
            if not resolved.is_file():
                raise ReportError(f"There is no database at {path}.")
            if check_schema(resolved) is None:
                raise ReportError(f"{path} is an empty database; there is nothing to report.")
            seen.add(resolved)
            checked.append(resolved)
        return cls(tuple(checked))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.paths)

    @property
    def schemas(self) -> tuple[str, ...]:
        return tuple(sqlite_specific.report_schema(i) for i in range(len(self.paths)))

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection with every file attached read-only (closed afterwards)."""
        try:
            connection = sqlite_specific.connect_report_databases(list(self.paths))
        except sqlite3.DatabaseError as exc:
            raise ReportError(f"Cannot read the databases: {exc}") from exc
        try:
            yield connection
        finally:
            connection.close()
