"""What an import (or a dry run) reports back: counts, rejects, duplicates, a preview."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from onboard_desk.errors import UserError
from onboard_desk.importing.duplicates import DuplicateAction, Match

#: Rejected rows and duplicates kept in memory for display; all are counted and
#: every reject goes to the rejects file.
KEEP_REJECTS = 1_000
KEEP_DUPLICATES = 10_000


class ImportCancelledError(UserError):
    """The user stopped the import; the transaction was rolled back."""

    def __init__(self) -> None:
        super().__init__("The import was cancelled; nothing was imported.")


@dataclass(frozen=True, slots=True)
class Reject:
    """A row that was not imported: where it is, why, and its original cells."""

    line: int
    reason: str
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A row that matched a prospect, and what was done with it."""

    line: int
    name: str
    email: str
    company: str
    match: Match
    action: DuplicateAction
    #: The matched prospect's name and company, filled in for display after the run.
    existing: str = ""


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One of the first rows as it will be stored, with its fate."""

    line: int
    outcome: str  # create | update | skip | reject
    values: dict[str, Any]
    reason: str = ""


@dataclass
class ImportResult:
    """The counts and details of one import or dry run."""

    source: str
    file_format: str
    dry_run: bool
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    headers: list[str] = field(default_factory=list)
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    ragged_rows: int = 0
    batch_id: int | None = None
    first_created_id: int | None = None
    updated_ids: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    duplicate_count: int = 0
    preview: list[PreviewRow] = field(default_factory=list)
    rejects_path: Path | None = None
    seconds: float = 0.0
    #: Created prospects linked to the customer whose referral code they came with, and
    #: those whose code nobody has (or that were imported as customers already): imported
    #: all the same, without a referral.
    referrals_linked: int = 0
    referral_codes_unmatched: int = 0

    @property
    def created_ids(self) -> range:
        """Ids of the prospects created (they are consecutive)."""
        if self.first_created_id is None:
            return range(0)
        return range(self.first_created_id, self.first_created_id + self.created)

    @property
    def prospect_ids(self) -> list[int]:
        """Every prospect the import created or updated."""
        return [*self.created_ids, *self.updated_ids]

    def summary(self) -> str:
        """One line: "Created 10, updated 2, skipped 1, rejected 3 (of 16 rows)"."""
        verb = "Would create" if self.dry_run else "Created"
        return (
            f"{verb} {self.created:,}, updated {self.updated:,}, skipped {self.skipped:,}, "
            f"rejected {self.rejected:,} (of {self.rows_read:,} rows)."
        )


class RejectsWriter:
    """Writes rejected rows to a CSV file as they come: the file's columns, plus the line
    number and the reason, so the file can be fixed and imported again."""

    def __init__(self, path: Path, headers: Sequence[str]) -> None:
        self.path = path
        self.headers = list(headers)
        self._handle: TextIO | None = None
        self._writer: Any = None

    def write(self, reject: Reject) -> None:
        if self._writer is None:
            try:
                self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
            except OSError as exc:
                raise UserError(
                    f"Cannot write the rejects file {self.path}: {exc.strerror}."
                ) from exc
            self._writer = csv.writer(self._handle)
            self._writer.writerow([*self.headers, "Line", "Reason"])
        cells = list(reject.cells) or [""] * len(self.headers)
        self._writer.writerow([*cells, reject.line, reject.reason])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
