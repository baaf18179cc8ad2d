"""What every screen shares: the open database's services, the undo stack, and background
work.

Screens get an :class:`AppContext` from the main window (parents hand it to children;
there is no global). It holds the :class:`~onboard_desk.services.desk.Desk`: every read
and write goes through its services, never through a session or SQL. Writes that change
prospects announce it with ``sig_prospects_changed`` so every open view refreshes the rows
it shows.

Background work goes through :meth:`AppContext.run`, the one helper for it: the function
runs on the thread pool and returns plain values; the callbacks run back on the GUI thread.
Workers never touch widgets. Writes from the pool and from the GUI thread are serialised by
the Desk's write lock. Tests hand the context a pool that runs each task at once, inline
(:class:`InlinePool`), so nothing waits a fixed time.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QUndoStack

from onboard_desk.errors import UserError

if TYPE_CHECKING:
    from onboard_desk.pipeline import PipelineConfig
    from onboard_desk.services.desk import Desk
    from onboard_desk.services.watch import ChangeWatcher, OutsideChanges

log = logging.getLogger(__name__)


class TaskPool(Protocol):
    """Where background tasks run: a QThreadPool, or an :class:`InlinePool` in tests."""

    def start(self, runnable: QRunnable, priority: int = ...) -> None: ...

    def waitForDone(self, msecs: int = ...) -> bool: ...


class InlinePool:
    """A pool that runs each task at once on the calling thread (for tests: no waiting, no
    threads, the same code path and signals as the real pool)."""

    def start(self, runnable: QRunnable, priority: int = 0) -> None:
        runnable.run()

    def waitForDone(self, msecs: int = -1) -> bool:
        return True


class _TaskSignals(QObject):
    sig_succeeded = Signal(object)
    sig_failed = Signal(str, bool)  # message, is_user_error


class _Task(QRunnable):
    def __init__(self, function: Callable[[], Any]) -> None:
        super().__init__()
        self.function = function
        self.signals = _TaskSignals()

    def run(self) -> None:
        try:
            result = self.function()
        except UserError as exc:
            self.signals.sig_failed.emit(str(exc), True)
        except Exception as exc:  # a bug: keep the traceback in the log
            log.error("Background task failed:\n%s", traceback.format_exc())
            self.signals.sig_failed.emit(f"Unexpected error: {exc}", False)
        else:
            self.signals.sig_succeeded.emit(result)


class AppContext(QObject):
    """The open database's services and what the screens of one window share."""

    #: Prospect ids that were created, edited, moved or deleted (empty list: "many").
    sig_prospects_changed = Signal(list)
    #: Pipeline settings or the user's name changed.
    sig_settings_changed = Signal()
    #: A background task failed with a message for the user.
    sig_error = Signal(str)

    def __init__(
        self,
        desk: Desk,
        parent: QObject | None = None,
        *,
        thread_pool: TaskPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.undo_stack = QUndoStack(self)
        self.thread_pool: TaskPool = thread_pool or QThreadPool.globalInstance()
        self._tasks: set[_Task] = set()
        self._watcher: ChangeWatcher | None = None
        self._watch_timer: QTimer | None = None
        self._watching = False

    @property
    def db_path(self) -> Path:
        return self.desk.path

    @property
    def config(self) -> PipelineConfig:
        return self.desk.config

    @property
    def user(self) -> str:
        return self.desk.user

    def settings_changed(self) -> None:
        """Forget cached settings and tell every screen."""
        self.desk.forget_settings()
        self.sig_settings_changed.emit()

    def prospects_changed(self, ids: list[int] | None = None) -> None:
        self.sig_prospects_changed.emit(list(ids or []))

    def run(
        self,
        function: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        """Run ``function()`` off the GUI thread; the callbacks come back on it.

        Without ``on_failure`` a failure is announced on ``sig_error`` for the window to
        show. ``function`` calls services (which open their own sessions) and returns
        plain values; it never touches a widget.
        """
        task = _Task(function)
        task.setAutoDelete(False)
        self._tasks.add(task)

        @Slot(object)
        def succeeded(result: Any) -> None:
            self._tasks.discard(task)
            if on_success is not None:
                on_success(result)

        @Slot(str, bool)
        def failed(message: str, _is_user_error: bool) -> None:
            self._tasks.discard(task)
            if on_failure is not None:
                on_failure(message)
            else:
                self.sig_error.emit(message)

        task.signals.sig_succeeded.connect(succeeded)
        task.signals.sig_failed.connect(failed)
        self.thread_pool.start(task)

    # -- other writers ----------------------------------------------------------------------

    def watch_other_writers(self, interval_ms: int = 1500) -> None:
        """Look for what other writers (the command line, a second window, a sync) changed
        every ``interval_ms``, off the GUI thread, and announce it as if this window had
        made the change: screens refresh those rows, keeping selection and scroll."""
        if self._watch_timer is not None:
            return
        self._watcher = self.desk.watcher()
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(interval_ms)
        self._watch_timer.timeout.connect(self.look_for_outside_changes)
        self._watch_timer.start()

    def stop_watching(self) -> None:
        if self._watch_timer is not None:
            self._watch_timer.stop()
            self._watch_timer = None
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    @Slot()
    def look_for_outside_changes(self) -> None:
        """One look (the timer's; tests call it directly)."""
        watcher = self._watcher
        if watcher is None or self._watching:
            return
        self._watching = True

        def done(changes: OutsideChanges) -> None:
            self._watching = False
            if changes.settings:
                self.settings_changed()
            if changes.everything:
                self.prospects_changed([])
            elif changes.prospect_ids:
                self.prospects_changed(list(changes.prospect_ids))

        def failed(message: str) -> None:
            self._watching = False
            log.warning("Looking for other writers' changes failed: %s", message)

        self.run(watcher.poll, done, failed)
