"""The window's screens, declared: what each is called, its icon, and how it is built.

The window registers :data:`SCREENS` in order (the sidebar, View > Ctrl+1, Ctrl+2, ...).
A screen is built the first time it is shown, from the open database's context and the
window as a :class:`ScreenHost` (what a screen may ask of the window), so adding a screen
touches this list and the screen's own package. Screen modules are imported inside their
builders: nothing that loads SQLAlchemy is imported before the window is on screen.

What a screen offers the window is declared by the protocols below, which the window checks
with ``isinstance`` rather than by probing attribute names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from onboard_desk.ui.common.context import AppContext
    from onboard_desk.ui.common.icons import IconName


class ScreenHost(Protocol):
    """What a screen may ask of the window it lives in."""

    def open_prospect(self, prospect_id: int) -> None: ...

    def show_screen(self, key: str) -> None: ...

    def new_prospect(self) -> None: ...

    def open_import(self) -> None: ...


@runtime_checkable
class Searchable(Protocol):
    """A screen with a search box: Edit > Find (Ctrl+F) focuses it."""

    def focus_search(self) -> None: ...


@runtime_checkable
class ShowAware(Protocol):
    """A screen that refreshes when it is shown again (it may have missed changes)."""

    def on_screen_shown(self) -> None: ...


@runtime_checkable
class Loading(Protocol):
    """A screen that says when its first data is on screen (``sig_loaded()``, and ``loaded``
    afterwards: a screen whose data came inline, before the window could listen, has said it
    already); the window's start-up time is measured to the first one."""

    sig_loaded: Any
    loaded: bool


@runtime_checkable
class OpensProspects(Protocol):
    """A screen from which a prospect's card can be opened (``sig_open_prospect(int)``)."""

    sig_open_prospect: Any


@dataclass(frozen=True)
class ScreenSpec:
    """One screen of the sidebar. ``title`` is translated (context "Screens") when the
    window shows it."""

    key: str
    title: str
    icon: IconName
    build: Callable[[AppContext, ScreenHost], QWidget]

    def translated_title(self) -> str:
        return QCoreApplication.translate("Screens", self.title)


def _today(context: AppContext, host: ScreenHost) -> QWidget:
    from onboard_desk.ui.today.view import TodayScreen

    screen = TodayScreen(context)
    screen.sig_new_prospect_requested.connect(host.new_prospect)
    screen.sig_import_requested.connect(host.open_import)
    return screen


def _board(context: AppContext, _host: ScreenHost) -> QWidget:
    from onboard_desk.ui.board.view import BoardScreen

    return BoardScreen(context)


def _prospects(context: AppContext, _host: ScreenHost) -> QWidget:
    from onboard_desk.ui.prospects.view import ProspectsView

    return ProspectsView(context)


def _customers(context: AppContext, host: ScreenHost) -> QWidget:
    from onboard_desk.ui.customers.view import CustomersView

    screen = CustomersView(context)
    screen.sig_show_pipeline.connect(lambda: host.show_screen("board"))
    return screen


def _reports(context: AppContext, _host: ScreenHost) -> QWidget:
    from onboard_desk.ui.reports.view import ReportsView

    return ReportsView(context)


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec("today", "Today", "today", _today),
    ScreenSpec("board", "Pipeline", "board", _board),
    ScreenSpec("prospects", "Prospects", "prospects", _prospects),
    ScreenSpec("customers", "Customers", "customers", _customers),
    ScreenSpec("reports", "Reports", "reports", _reports),
)

#: Where Edit > Find goes from a screen without a search of its own.
SEARCH_HOME = "prospects"
