"""What every screen shares: the open database, the undo stack, and background work.

Screens get an :class:`AppContext` from the main window (parents hand it to children;
there is no global). Writes that change prospects announce it with
``sig_prospects_changed`` so every open view refreshes the rows it shows.

Background work goes through :meth:`AppContext.run_task`: the function runs on the
thread pool with its own database session and returns plain values; the callbacks run
back on the GUI thread. Workers never touch widgets. Database writes from the pool are
serialised by one lock so SQLite never sees two writers from this process.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtGui import QUndoStack
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.errors import UserError
from onboard_desk.pipeline import PipelineConfig
from onboard_desk.storage.db import session_scope
from onboard_desk.storage.settings_store import load_config, user_name

log = logging.getLogger(__name__)


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
    """The open database and the shared services of one window."""

    #: Prospect ids that were created, edited, moved or deleted (empty list: "many").
    sig_prospects_changed = Signal(list)
    #: Pipeline settings or the user's name changed.
    sig_settings_changed = Signal()
    #: A background task failed with a message for the user.
    sig_error = Signal(str)

    def __init__(
        self,
        engine: Engine,
        db_path: Path,
        parent: QObject | None = None,
        *,
        thread_pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.db_path = db_path
        self.undo_stack = QUndoStack(self)
        self.thread_pool = thread_pool or QThreadPool.globalInstance()
        self.write_lock = threading.Lock()
        self._tasks: set[_Task] = set()
        self._config: PipelineConfig | None = None
        self._user: str | None = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for short work on the GUI thread (indexed reads, single writes)."""
        with self.write_lock, session_scope(self.engine) as session:
            yield session

    @property
    def config(self) -> PipelineConfig:
        if self._config is None:
            with session_scope(self.engine) as session:
                self._config = load_config(session)
        return self._config

    @property
    def user(self) -> str:
        if self._user is None:
            with session_scope(self.engine) as session:
                self._user = user_name(session)
        return self._user

    def settings_changed(self) -> None:
        """Forget cached settings and tell every screen."""
        self._config = None
        self._user = None
        self.sig_settings_changed.emit()

    def prospects_changed(self, ids: list[int] | None = None) -> None:
        self.sig_prospects_changed.emit(list(ids or []))

    def run_task(
        self,
        function: Callable[[Session], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        *,
        writes: bool = False,
    ) -> None:
        """Run ``function(session)`` off the GUI thread; callbacks come back on it.

        Without ``on_failure`` a failure is announced on ``sig_error`` for the window
        to show.
        """

        def body() -> Any:
            if writes:
                with self.write_lock, session_scope(self.engine) as session:
                    return function(session)
            with session_scope(self.engine) as session:
                return function(session)

        task = _Task(body)
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
