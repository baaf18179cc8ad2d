"""Importing files: the import and its dry run, undoing an import, the list of imports,
and the saved column mappings.

The import itself is the feature's (:func:`onboard_desk.importing.run_import`): it reads,
checks and matches the rows (in a planning process for large files) and writes them in
one transaction of its own connection. This module decides what an import takes from the
database when the person importing does not say: the owner of rows without one (the
user), the pipeline rules that give new prospects their next action, the home currency,
and the region of phone numbers without a country code. The window and the command line
both come through :class:`ImportService`, so both import a file the same way.

A real import holds the Desk's write lock for its whole transaction (writes from this
process wait; a dry run only reads). Progress comes back through a callback, called on
the importing thread, with the rows read and the rate; a cancel callback is checked
between chunks, and a cancelled import leaves the database exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from onboard_desk.domain import contacts
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.importing import batches
from onboard_desk.importing import mapping as mappings
from onboard_desk.importing.duplicates import DuplicateAction, MatchKind
from onboard_desk.importing.engine import run_import
from onboard_desk.importing.fields import Field
from onboard_desk.importing.mapping import ColumnMapping, MappingError
from onboard_desk.importing.options import ImportOptions
from onboard_desk.importing.results import (
    Duplicate,
    ImportCancelledError,
    ImportResult,
    PreviewRow,
    Reject,
)
from onboard_desk.importing.sources import ImportFileError, open_table
from onboard_desk.pipeline import PipelineConfig, propose_next_action
from onboard_desk.storage.models import ImportBatch
from onboard_desk.storage.next_actions import taken_slots

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

__all__ = [
    "ColumnMapping",
    "Duplicate",
    "DuplicateAction",
    "Field",
    "ImportBatch",
    "ImportCancelledError",
    "ImportDefaults",
    "ImportFileError",
    "ImportOptions",
    "ImportProgress",
    "ImportResult",
    "ImportService",
    "MappingError",
    "MatchKind",
    "PreviewRow",
    "ProgressCallback",
    "Reject",
    "UndoResult",
    "file_mapping",
    "undo_import",
]

UndoResult = batches.UndoResult


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """How far an import (or dry run) has come."""

    #: Share of the file read, 0 to 1.
    fraction: float
    rows: int
    #: Rows read per second since the import started.
    rows_per_second: float


ProgressCallback = Callable[[ImportProgress], None]


@dataclass(frozen=True)
class ImportDefaults:
    """What an import takes from the database: the person importing (owner of rows that
    name none, author of the batch), the pipeline rules, the home currency, and the
    region of phone numbers written without a country code."""

    by: str
    config: PipelineConfig
    currency: str
    region: str | None

    def apply(self, options: ImportOptions) -> ImportOptions:
        """``options`` with the database's currency and pipeline rules (an import never
        picks others), and the database's phone region unless the options name one (""
        keeps this file's numbers without a country code as written). ContactError for a
        region that does not exist."""
        region = self.region if options.region is None else options.region
        return replace(
            options,
            config=self.config,
            currency=self.currency,
            region=contacts.known_region(region) if region else None,
        )


# --- session-level use cases ----------------------------------------------------------------


def undo_import(session: Session, *, batch_id: int) -> UndoResult:
    """Undo import ``batch_id`` as a whole in the session's transaction: delete the
    prospects it created and put back the fields it changed. UserError, nothing changed,
    for an import that is unknown or already undone."""
    return batches.undo_batch_on(session.connection(), batch_id)


def file_mapping(
    path: Path, *, sheet: str | None = None, saved: Mapping[str, Field] | None = None
) -> ColumnMapping:
    """The mapping an import of ``path`` uses: ``saved`` fitted to the file's columns, else
    the one proposed from their names (reads the header only; needs no database)."""
    with open_table(path, sheet=sheet) as table:
        if saved is None:
            return mappings.propose_mapping(table.headers)
        return mappings.fit_mapping(saved, table.headers)


# --- the service the front ends call --------------------------------------------------------


class ImportService:
    """Imports into one database, as its user; each use case in a transaction of its own."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def defaults(self) -> ImportDefaults:
        desk = self._desk
        return ImportDefaults(
            by=desk.user,
            config=desk.config,
            currency=desk.currency,
            region=desk.region,
        )

    def run(
        self,
        path: Path,
        options: ImportOptions,
        *,
        dry_run: bool = False,
        preview_rows: int = 0,
        rejects_path: Path | None = None,
        progress: ProgressCallback | None = None,
        cancel: Callable[[], bool] | None = None,
        parallel: bool | None = None,
    ) -> ImportResult:
        """Import ``path`` with ``options`` completed by :meth:`defaults` (or with
        ``dry_run`` only report what importing would do).

        ``progress`` and ``cancel`` are called on the importing thread, between chunks of
        rows; ``cancel()`` turning true raises ImportCancelledError with nothing written.
        ``rejects_path`` receives every rejected row as CSV. ``parallel`` plans rows in a
        worker process (default: for large files). A file that cannot be read raises
        ImportFileError, an unusable mapping MappingError; the database is then unchanged.
        """
        defaults = self.defaults()
        started = time.perf_counter()
        report: Callable[[float, int], None] | None = None
        if progress is not None:
            callback = progress

            def report(fraction: float, rows: int) -> None:
                elapsed = time.perf_counter() - started
                callback(ImportProgress(fraction, rows, rows / elapsed if elapsed > 0 else 0.0))

        # A dry run writes nothing: it need not wait for (or hold up) this process's writes.
        lock = nullcontext() if dry_run else self._desk.write_lock
        with lock:
            return run_import(
                self._desk.engine,
                path,
                self._spread(defaults.apply(options)),
                by=defaults.by,
                dry_run=dry_run,
                rejects_path=rejects_path,
                preview_rows=preview_rows,
                progress=report,
                cancel=cancel,
                parallel=parallel,
            )

    def _spread(self, options: ImportOptions) -> ImportOptions:
        """``options`` with the slots the day of the stage's proposal already holds, so the
        import's proposals come after them (:mod:`onboard_desk.domain.workhours`)."""
        proposal = propose_next_action(options.stage, utcnow(), options.config)
        if proposal is None:
            return options
        with self._desk.reading() as session:
            taken = taken_slots(session, due=proposal.due, config=options.config)
        return replace(options, first_slot=taken)

    def undo(self, batch_id: int) -> UndoResult:
        """Undo import ``batch_id`` as a whole (see :func:`undo_import`)."""
        with self._desk.writing() as session:
            return undo_import(session, batch_id=batch_id)

    def batches(self, *, limit: int | None = 50) -> list[ImportBatch]:
        """Past imports, newest first."""
        with self._desk.reading() as session:
            return batches.list_batches(session, limit=limit)

    # -- saved column mappings ---------------------------------------------------------------

    def mapping_names(self) -> list[str]:
        with self._desk.reading() as session:
            return mappings.mapping_names(session)

    def mapping(self, name: str) -> ColumnMapping:
        """A saved mapping (MappingError naming the saved ones if there is none)."""
        with self._desk.reading() as session:
            return mappings.get_mapping(session, name)

    def resolve_mapping(self, spec: str) -> ColumnMapping:
        """A saved mapping's name, or the path of a JSON file holding one."""
        with self._desk.reading() as session:
            return mappings.resolve_mapping(session, spec)

    def save_mapping(self, name: str, columns: Mapping[str, Field]) -> None:
        """Save (or replace) a named mapping; MappingError if it is unusable."""
        with self._desk.writing() as session:
            mappings.save_mapping(session, name=name, mapping=columns)

    def delete_mapping(self, name: str) -> None:
        with self._desk.writing() as session:
            mappings.delete_mapping(session, name)
