"""Start the window: ``onboard-desk`` with no command, or ``python main.py``.

The window is on screen before the database is touched. Opening the database (schema
check, Alembic migrations when needed) and importing SQLAlchemy/SQLModel, which alone
costs about half a second, happen in a worker thread; the window gets its
:class:`AppContext` when that is done. A second launch on the same database brings the
running window forward and exits (:mod:`onboard_desk.ui.window.single_instance`).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication

from onboard_desk.storage.locations import resolve_db_path
from onboard_desk.ui.common import ui_state
from onboard_desk.ui.common.icons import app_icon
from onboard_desk.ui.window.main_window import MainWindow
from onboard_desk.ui.window.screens import SCREENS
from onboard_desk.ui.window.single_instance import InstanceServer, forward_to_running

if TYPE_CHECKING:
    from onboard_desk.ui.settings.first_run import FirstRunDialog

#: Start opening the database even if no paint event came (a hidden or odd platform).
FIRST_PAINT_FALLBACK_MS = 400


class DatabaseOpener(QObject):
    """Opens the database on a plain thread and reports back on the GUI thread."""

    #: The database is open (argument: its services, a :class:`~onboard_desk.services.desk.Desk`).
    sig_opened = Signal(object)
    #: The database cannot be used (argument: a message for the user).
    sig_failed = Signal(str)
    #: The database is encrypted and the keyring has no key (or the wrong one) for it
    #: (argument: a message for the user): its recovery key can open it.
    sig_key_needed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="open-database", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the worker is done (for tests and orderly shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            from onboard_desk.errors import UserError
            from onboard_desk.services.desk import Desk
            from onboard_desk.services.encryption import DatabaseKeyError

            try:
                desk = Desk.open(self.path)
            except DatabaseKeyError as exc:
                self.sig_key_needed.emit(str(exc))
                return
            except UserError as exc:
                self.sig_failed.emit(str(exc))
                return
            # Warm what the first screens need, here rather than on the GUI thread.
            from onboard_desk.ui.today import view as today  # noqa: F401

            desk.lists.has_prospects()
        except Exception as exc:
            self.sig_failed.emit(f"Could not open {self.path}: {exc}")
            return
        self.sig_opened.emit(desk)


class Launch:
    """What :func:`launch` started: the application, and the window unless another
    instance took over (then ``exit_code`` is what the process should return)."""

    def __init__(
        self,
        app: QApplication,
        window: MainWindow | None,
        exit_code: int = 0,
        opener: DatabaseOpener | None = None,
    ) -> None:
        self.app = app
        self.window = window
        self.exit_code = exit_code
        self.opener = opener
        #: Listens for later launches (created once the window is on screen).
        self.server: InstanceServer | None = None
        #: The first-run questions, when the database opened needed them.
        self.first_run: FirstRunDialog | None = None


def make_application(argv: list[str]) -> QApplication:
    """The QApplication, with the names QSettings uses and the application icon."""
    existing = QApplication.instance()
    ui_state.configure_application()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv)
    app.setApplicationDisplayName("Onboard Desk")
    app.setDesktopFileName("onboard-desk")
    app.setWindowIcon(app_icon())
    return app


def launch(
    db: str | os.PathLike[str] | None = None,
    argv: list[str] | None = None,
    *,
    single_instance: bool = True,
) -> Launch:
    """Show the window and start opening the database; the caller runs the event loop."""
    path = resolve_db_path(db).absolute()
    app = make_application(list(argv if argv is not None else sys.argv[:1]))
    if single_instance and forward_to_running(path):
        print(f"Onboard Desk is already open on {path}; brought it forward.", file=sys.stderr)
        return Launch(app, None, 0)
    window = MainWindow(path)
    window.register_screens(SCREENS)
    window.show()
    opener = DatabaseOpener(path, window)
    result = Launch(app, window, 0, opener)

    @Slot(object)
    def opened(desk: Any) -> None:
        from onboard_desk.ui.common.context import AppContext

        context = AppContext(desk, window)
        app.aboutToQuit.connect(lambda: _shut_down(context))
        window.set_context(context)
        from onboard_desk.ui.settings.first_run import ask_first_run

        # A new database asks who the user is before its first screen is used (its recovery
        # key, when it has one, is offered on top of the questions).
        result.first_run = ask_first_run(window, context)
        if desk.created:
            QTimer.singleShot(0, lambda: _announce_new_database(window, desk))

    @Slot(str)
    def failed(message: str) -> None:
        from onboard_desk.ui.common.dialogs import show_error

        window.show_opening_failed(message)
        show_error(window, window.tr("Cannot open the database"), message)

    @Slot(str)
    def key_needed(message: str) -> None:
        from onboard_desk.ui.settings.encryption import ask_recovery_key

        if ask_recovery_key(window, path, message):
            opener.start()  # the key is in the keyring now
        else:
            window.show_opening_failed(message)

    opener.sig_opened.connect(opened)
    opener.sig_failed.connect(failed)
    opener.sig_key_needed.connect(key_needed)

    def start_background_work() -> None:
        # After the first paint: the worker's imports would otherwise compete with it
        # for the interpreter, and QtNetwork is not needed to draw the window.
        if result.server is not None or opener.started:
            return
        opener.start()
        if single_instance:
            result.server = InstanceServer(path, window)
            result.server.sig_activation_requested.connect(window.bring_forward)
            result.server.listen()

    window.sig_first_paint.connect(start_background_work)
    QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, start_background_work)
    return result


def _announce_new_database(window: MainWindow, desk: Any) -> None:
    """A new database: offer its recovery key once, or say why it is not encrypted."""
    from onboard_desk.services import encryption

    if desk.created_encrypted:
        from onboard_desk.ui.settings.encryption import RecoveryKeyDialog

        RecoveryKeyDialog(desk.path, encryption.recovery_key(desk.path), window).open()
        return
    if os.environ.get(encryption.ENCRYPT_NEW_ENV_VAR, "").strip() == "0":
        return
    status = encryption.keyring_status()
    if not status.available:
        window.statusBar().showMessage(status.message, 30000)


def _shut_down(context: Any) -> None:
    context.stop_watching()
    context.thread_pool.waitForDone(3000)
    context.desk.close()


def run_gui(db: str | os.PathLike[str] | None = None, argv: list[str] | None = None) -> int:
    """Open the window on ``db`` (else ``$ONBOARD_DESK_DB``, else the user data folder)
    and run until it closes; returns the process exit status."""
    started = launch(db, argv)
    if started.window is None:
        return started.exit_code
    return int(started.app.exec())
