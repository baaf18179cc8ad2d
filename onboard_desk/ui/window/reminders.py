"""Reminders while the app runs: a desktop notification when a next action comes due.

Every half minute the prospects whose next action fell due since the last check are
fetched (off the GUI thread). With a system tray, a notification names them; clicking it
opens the prospect. Without one, the window's status bar says it instead.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.services.lists import DueReminder
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.common.icons import app_icon

CHECK_INTERVAL_MS = 30_000


def reminder_text(due: list[DueReminder]) -> tuple[str, str]:
    """Title and body for a notification about ``due`` (at least one)."""
    first = due[0]
    if len(due) == 1:
        return f"Due now: {first.name}", first.next_action
    others = len(due) - 1
    return (
        f"{len(due)} next actions due",
        f"{first.name}: {first.next_action}\nand {others} more — see Today",
    )


class Reminders(QObject):
    """Watches for next actions coming due and tells the user."""

    #: The user clicked a reminder (argument: prospect id).
    sig_open_prospect = Signal(int)
    #: A reminder was given (argument: list of DueReminder), tray or status bar.
    sig_reminded = Signal(list)

    def __init__(
        self,
        context: AppContext,
        window: QMainWindow,
        *,
        use_tray: bool | None = None,
        now: datetime | None = None,
    ) -> None:
        super().__init__(window)
        self.context = context
        self.window = window
        self.last_check = now or utcnow()
        self._last_prospect: int | None = None
        self._busy = False
        self.tray: QSystemTrayIcon | None = None
        available = QSystemTrayIcon.isSystemTrayAvailable() if use_tray is None else use_tray
        if available:
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip("Onboard Desk")
            menu = QMenu(window)
            menu.addAction(window.tr("Show Onboard Desk"), self._show_window)
            self.tray.setContextMenu(menu)
            self.tray.messageClicked.connect(self._on_message_clicked)
            self.tray.activated.connect(lambda _reason: self._show_window())
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @Slot()
    def check(self, now: datetime | None = None) -> None:
        """Look for actions that fell due since the last check."""
        if self._busy:
            return
        start, end = self.last_check, now or utcnow()
        self._busy = True
        lists = self.context.desk.lists

        def fetch() -> list[DueReminder]:
            return lists.due_between(start, end)

        def done(due: list[DueReminder]) -> None:
            self._busy = False
            self.last_check = end
            if due:
                self.remind(due)

        def failed(message: str) -> None:
            self._busy = False
            self.context.sig_error.emit(message)

        self.context.run(fetch, guarded(self, done), guarded(self, failed))

    def remind(self, due: list[DueReminder]) -> None:
        title, body = reminder_text(due)
        self._last_prospect = due[0].prospect_id
        if self.tray is not None:
            self.tray.showMessage(title, body, app_icon(), 15_000)
        else:
            self.window.statusBar().showMessage(f"{title} — {body.splitlines()[0]}", 60_000)
        self.sig_reminded.emit(due)

    @Slot()
    def _on_message_clicked(self) -> None:
        if self._last_prospect is not None:
            self._show_window()
            self.sig_open_prospect.emit(self._last_prospect)

    def _show_window(self) -> None:
        bring = getattr(self.window, "bring_forward", None)
        if callable(bring):
            bring()
