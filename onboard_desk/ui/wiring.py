"""Puts the window together: which screens it has and what runs once the database is open.

This is the one place where parts meet; a new screen or menu item from another part is
registered here through the window's public API (see :mod:`onboard_desk.ui.main_window`).
Screen modules are imported inside their factories, so nothing that needs SQLAlchemy is
imported before the window is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from onboard_desk.ui.main_window import MainWindow

if TYPE_CHECKING:
    from onboard_desk.ui.context import AppContext


def register_screens(window: MainWindow) -> None:
    """The sidebar's screens, in order (View > Ctrl+1, Ctrl+2, ...)."""

    def today() -> QWidget:
        from onboard_desk.ui.today import TodayScreen

        assert window.context is not None
        return TodayScreen(window.context)

    def board() -> QWidget:
        from onboard_desk.ui.board import BoardScreen

        assert window.context is not None
        return BoardScreen(window.context)

    window.add_screen("today", window.tr("Today"), today, "today")
    window.add_screen("board", window.tr("Pipeline"), board, "board")


def connect_context(window: MainWindow, context: AppContext) -> None:
    """What starts once the database is open: reminders and the window's dialogs."""
    from onboard_desk.ui.reminders import Reminders

    reminders = Reminders(context, window)
    reminders.sig_open_prospect.connect(window.open_prospect)
    window.reminders = reminders  # type: ignore[attr-defined]
