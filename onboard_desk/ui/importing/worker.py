"""Running an import (or its dry run) off the GUI thread, with progress and cancel.

The job runs :func:`onboard_desk.importing.run_import` on the thread pool and reports
back only through signals, so no widget is touched from the worker. A real import holds
the context's write lock for its whole transaction; a dry run only reads. Cancel sets a
flag the engine checks between chunks; the engine then rolls back, so a cancelled
import leaves nothing behind.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from onboard_desk.errors import UserError
from onboard_desk.importing import ImportCancelledError, ImportOptions, run_import
from onboard_desk.ui.common.context import AppContext

log = logging.getLogger(__name__)


class _Signals(QObject):
    #: Fraction done (0-1) and rows read so far.
    sig_progress = Signal(float, int)
    #: The ImportResult.
    sig_finished = Signal(object)
    #: A message for the user; True when the user cancelled.
    sig_failed = Signal(str, bool)


class _Runnable(QRunnable):
    def __init__(self, body: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.body = body
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.body()
        except ImportCancelledError as exc:
            self.signals.sig_failed.emit(str(exc), True)
        except UserError as exc:
            self.signals.sig_failed.emit(str(exc), False)
        except Exception as exc:  # a bug: keep the traceback in the log
            log.error("Import failed:\n%s", traceback.format_exc())
            self.signals.sig_failed.emit(f"Unexpected error: {exc}", False)
        else:
            self.signals.sig_finished.emit(result)


class ImportJob(QObject):
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
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.path = path
        self.options = options
        self.dry_run = dry_run
        self.preview_rows = preview_rows
        self.rejects_path = rejects_path
        # Not a child of the job: the worker may still emit after the wizard has closed.
        self.signals = _Signals()
        self._cancel = threading.Event()
        self._runnable: _Runnable | None = None

    def start(self) -> None:
        context, signals = self.context, self.signals
        by = context.user

        def body() -> Any:
            lock = nullcontext() if self.dry_run else context.write_lock
            with lock:
                return run_import(
                    context.engine,
                    self.path,
                    self.options,
                    by=by,
                    dry_run=self.dry_run,
                    preview_rows=self.preview_rows,
                    rejects_path=self.rejects_path,
                    progress=signals.sig_progress.emit,
                    cancel=self._cancel.is_set,
                )

        self._runnable = _Runnable(body, signals)
        self._runnable.setAutoDelete(False)
        context.thread_pool.start(self._runnable)

    def cancel(self) -> None:
        """Ask the import to stop; it rolls back and reports ImportCancelledError."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()
