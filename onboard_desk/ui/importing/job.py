"""One import (or dry run) in the background, with progress and cancel.

The import goes through the context's one background helper (:meth:`AppContext.run`)
and the import service. The service reports progress on the importing thread through a
callback; this job relays it with a signal, which Qt delivers on the GUI thread, so the
worker never touches a widget. Cancel sets a flag the import checks between chunks; it
then rolls back, so a cancelled import leaves nothing behind.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from onboard_desk.services.importing import ImportOptions
    from onboard_desk.ui.common.context import AppContext


class ImportSignals(QObject):
    """What a job reports; all of it arrives on the GUI thread."""

    #: An ImportProgress (fraction done, rows read, rows a second).
    sig_progress = Signal(object)
    #: The ImportResult.
    sig_finished = Signal(object)
    #: A message for the user (a cancel says that nothing was imported).
    sig_failed = Signal(str)


class ImportJob:
    """One run of the importer in the background; connect to ``signals`` before start."""

    def __init__(
        self,
        context: AppContext,
        path: Path,
        options: ImportOptions,
        *,
        dry_run: bool,
        preview_rows: int = 0,
        rejects_path: Path | None = None,
    ) -> None:
        self.context = context
        self.path = path
        self.options = options
        self.dry_run = dry_run
        self.preview_rows = preview_rows
        self.rejects_path = rejects_path
        # Owned by no widget: the import may still report after the wizard has closed,
        # and Qt drops the connections of receivers that are gone.
        self.signals = ImportSignals()
        self._cancel = threading.Event()

    def start(self) -> None:
        service = self.context.desk.importing
        signals = self.signals
        path, options, dry_run = self.path, self.options, self.dry_run
        preview_rows, rejects_path, cancelled = self.preview_rows, self.rejects_path, self._cancel

        def work() -> object:
            return service.run(
                path,
                options,
                dry_run=dry_run,
                preview_rows=preview_rows,
                rejects_path=rejects_path,
                progress=signals.sig_progress.emit,
                cancel=cancelled.is_set,
            )

        self.context.run(work, signals.sig_finished.emit, signals.sig_failed.emit)

    def cancel(self) -> None:
        """Ask the import to stop; it rolls back and fails with a message saying so."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()
