"""The main window's menu bar: the fixed menus and the helper that adds actions to them.

Every action lives in a menu and has its shortcut shown there, so the keyboard route to
each feature is discoverable. Other parts add theirs through
:meth:`MainWindow.add_menu_action`, which lands here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar

from onboard_desk.ui.common.icons import IconName, icon

#: The menus every window has, in menu-bar order.
STANDARD_MENUS: tuple[str, ...] = ("File", "Edit", "View", "Go", "Help")


class MenuBuilder:
    """Creates the standard menus and finds or creates a menu by its (English) name."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.menu_bar: QMenuBar = window.menuBar()
        self.menus: dict[str, QMenu] = {}
        #: Per menu, the action that stays last (File's Quit block): later ones go above it.
        self.last_block: dict[str, QAction] = {}
        for name in STANDARD_MENUS:
            self.menus[name] = self.menu_bar.addMenu(window.tr(f"&{name}"))

    def menu(self, name: str) -> QMenu:
        """The menu called ``name`` ("File", "Edit", ... or a new one placed before Help)."""
        key = name.replace("&", "")
        found = self.menus.get(key)
        if found is not None:
            return found
        new_menu = QMenu(self.window.tr(name if "&" in name else f"&{name}"), self.menu_bar)
        self.menu_bar.insertMenu(self.menus["Help"].menuAction(), new_menu)
        self.menus[key] = new_menu
        return new_menu

    def add_action(
        self,
        menu: str,
        text: str,
        slot: Callable[..., Any] | None,
        shortcut: str | QKeySequence.StandardKey | None = None,
        icon_name: IconName | None = None,
    ) -> QAction:
        """Add an action to ``menu``; the window owns it so its shortcut works everywhere."""
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        before = self.last_block.get(menu)
        if before is not None:
            self.menu(menu).insertAction(before, action)
        else:
            self.menu(menu).addAction(action)
        self.window.addAction(action)
        return action

    def keep_last(self, menu: str, first_action: QAction) -> None:
        """Keep ``first_action`` and what follows it at the end of ``menu`` (Quit stays last
        in File however many parts add their items)."""
        self.last_block[menu] = first_action
