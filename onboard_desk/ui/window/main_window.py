"""The main window: a sidebar of screens, menus, the side panel, and the API screens use.

The window is shown before the database is open; :meth:`MainWindow.set_context` hands it
the :class:`~onboard_desk.ui.common.context.AppContext` once a worker thread has opened
(and if needed upgraded) the database, and the window then builds what needs it: the
prospect card's panel, the File and Outreach actions, and the due-action reminders. The
screens are declared in :mod:`onboard_desk.ui.window.screens` and built on first show, so
start-up builds only the screen the user sees.

Public API (stable; screens and tests call only these):

``register_screens(specs)`` / ``add_screen(key, title, widget_or_factory, icon_name)``
    Register screens in the sidebar and in View (Ctrl+1 ... Ctrl+9 in order of
    registration). A factory is called once, the first time the screen is shown, and only
    after the database is open. What a screen offers (a search, a refresh on show, a
    "loaded" signal, opening prospects) is declared by the protocols in
    :mod:`~onboard_desk.ui.window.screens`.
``show_screen(key)``, ``screen_widget(key)``, ``screen_keys()``, ``current_screen_key()``
``add_menu_action(menu, text, slot, shortcut=None, icon_name=None) -> QAction``
    Add an action to "File", "Edit", "View", "Go", "Help" or a new menu (inserted before
    Help). The action is added to the window too, so its shortcut works on every screen.
``open_prospect(prospect_id)``, ``new_prospect()``, ``open_import()``
    What a screen may ask of the window (:class:`~onboard_desk.ui.window.screens.ScreenHost`).
``show_side_panel(widget)``
    Show a widget in the right-hand panel (the prospect card lives there).
``context``, ``card_panel``, ``window_actions``, ``reminders``
    None until the database is open.
Signals: ``sig_open_prospect_requested(int)``, ``sig_file_dropped(Path)`` (a file dropped
anywhere on the window, e.g. for import), ``sig_context_ready(AppContext)``,
``sig_data_shown()`` (the first screen has shown its data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.ui.common import ui_state
from onboard_desk.ui.common.icons import IconName, app_icon, icon
from onboard_desk.ui.window.menus import MenuBuilder
from onboard_desk.ui.window.screens import (
    SEARCH_HOME,
    Loading,
    OpensProspects,
    ScreenSpec,
    Searchable,
    ShowAware,
)

if TYPE_CHECKING:
    from onboard_desk.ui.common.context import AppContext
    from onboard_desk.ui.window.actions import WindowActions
    from onboard_desk.ui.window.card_panel import ProspectCardPanel
    from onboard_desk.ui.window.quick_switcher import QuickSwitcher
    from onboard_desk.ui.window.reminders import Reminders

ScreenFactory = Callable[[], QWidget]


class ScreenStack(QStackedWidget):
    """The screens, as narrow as the screen shown needs (a plain stack is as wide as its
    widest screen, so the Reports screen would keep the card narrow on the board)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()


class SidePanel(QScrollArea):
    """The right-hand panel: a stack of panels (the prospect card) that scrolls rather
    than widening the window.

    A splitter cannot make a pane narrower than its content's minimum, so a card wider
    than the room beside the current screen would push the window past the screen's edge
    (on a 1366 or 1440 pixel laptop). In a scroll area the card keeps its layout and
    scrolls sideways only when the user drags the panel narrower than that.
    """

    #: The panel's content asks for more room than it has (its natural width, in px).
    sig_needs_width = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panels = QStackedWidget()
        self.setWidget(self.panels)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.panels.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A card fills in after its data arrives and only then knows how wide it wants to be.
        if watched is self.panels and event.type() == QEvent.Type.LayoutRequest:
            natural = self.natural_width()
            if natural > self.width():
                self.sig_needs_width.emit(natural)
        return super().eventFilter(watched, event)

    def addWidget(self, widget: QWidget) -> int:
        return self.panels.addWidget(widget)

    def indexOf(self, widget: QWidget) -> int:
        return self.panels.indexOf(widget)

    def setCurrentWidget(self, widget: QWidget) -> None:
        self.panels.setCurrentWidget(widget)

    def currentWidget(self) -> QWidget | None:
        return self.panels.currentWidget()

    def natural_width(self) -> int:
        """The width at which the current panel needs no scrolling."""
        panel = self.panels.currentWidget()
        needed = panel.minimumSizeHint().width() if panel is not None else 0
        return needed + self.verticalScrollBar().sizeHint().width()


#: A remembered window smaller than this is not restored (it came from another screen).
MIN_RESTORED_SIZE = (480, 360)


class _Screen:
    """One registered screen: its sidebar item, View action, and widget once built."""

    def __init__(
        self,
        key: str,
        title: str,
        factory: ScreenFactory | None,
        widget: QWidget | None,
        item: QListWidgetItem,
        action: QAction,
    ) -> None:
        self.key = key
        self.title = title
        self.factory = factory
        self.widget = widget
        self.item = item
        self.action = action


class MainWindow(QMainWindow):
    """Onboard Desk's one main window. See the module docstring for the public API."""

    sig_open_prospect_requested = Signal(int)
    #: A file was dropped on the window (argument: pathlib.Path).
    sig_file_dropped = Signal(object)
    #: The database is open; argument: the AppContext.
    sig_context_ready = Signal(object)
    #: The first screen shown has its data on screen.
    sig_data_shown = Signal()
    #: The window has been painted once (start-up work waits for this).
    sig_first_paint = Signal()

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.context: AppContext | None = None
        #: Built once the database is open (see :meth:`set_context`).
        self.card_panel: ProspectCardPanel | None = None
        self.window_actions: WindowActions | None = None
        self.reminders: Reminders | None = None
        self._quick_switcher: QuickSwitcher | None = None
        self._screens: dict[str, _Screen] = {}
        self._current: str | None = None
        self._data_shown = False
        self._painted = False
        #: Screen whose search Ctrl+F opens when the current screen has none.
        self.search_screen_key: str | None = SEARCH_HOME
        self.setObjectName("MainWindow")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self._set_title(opening=True)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("ScreenSidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.sidebar.setBackgroundRole(self.sidebar.palette().ColorRole.Window)
        self.sidebar.setMinimumWidth(110)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row)
        self.stack = ScreenStack()
        self._placeholder = self._make_placeholder()
        self.stack.addWidget(self._placeholder)
        #: Right-hand side panel (the prospect card goes here).
        self.side_panel = SidePanel()
        self.side_panel.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.side_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([130, 1000, 0])
        self.setCentralWidget(self.splitter)
        self._side_panel_fits_content = False
        self.side_panel.sig_needs_width.connect(self._fit_side_panel)
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

        self.menus = MenuBuilder(self)
        self._build_menus()
        self.statusBar().showMessage(self.tr("Opening {0}…").format(db_path))
        self.restore_state()

    # ----------------------------------------------------------------- public API

    def register_screens(self, specs: Iterable[ScreenSpec]) -> None:
        """Register declared screens, in order; each is built on its first showing."""
        for spec in specs:
            self.add_screen(spec.key, spec.translated_title(), self._builder(spec), spec.icon)

    def _builder(self, spec: ScreenSpec) -> ScreenFactory:
        def build() -> QWidget:
            assert self.context is not None
            return spec.build(self.context, self)

        return build

    def add_screen(
        self,
        key: str,
        title: str,
        widget_or_factory: QWidget | ScreenFactory,
        icon_name: IconName,
    ) -> None:
        """Register a screen (see the module docstring)."""
        if key in self._screens:
            raise ValueError(f"A screen called {key!r} is already registered.")
        item = QListWidgetItem(icon(icon_name), title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setSizeHint(QSize(0, 36))
        number = len(self._screens) + 1
        shortcut = f"Ctrl+{number}" if number <= 9 else None
        action = self.menus.add_action(
            "View", title, lambda k=key: self.show_screen(k), shortcut, icon_name
        )
        if isinstance(widget_or_factory, QWidget):
            widget: QWidget | None = widget_or_factory
            factory = None
        else:
            widget, factory = None, widget_or_factory
        screen = _Screen(key, title, factory, None, item, action)
        self._screens[key] = screen
        self.sidebar.blockSignals(True)
        self.sidebar.addItem(item)
        self.sidebar.blockSignals(False)
        if widget is not None:
            self._install_widget(screen, widget)

    def show_screen(self, key: str) -> None:
        """Switch to screen ``key``; built now if this is its first showing."""
        screen = self._screens.get(key)
        if screen is None:
            raise KeyError(f"No screen called {key!r}.")
        self._current = key
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentItem(screen.item)
        self.sidebar.blockSignals(False)
        if self.context is None and screen.widget is None:
            self.stack.setCurrentWidget(self._placeholder)
            return
        if screen.widget is None and screen.factory is not None:
            self._install_widget(screen, screen.factory())
        if screen.widget is not None:
            self.stack.setCurrentWidget(screen.widget)
            if isinstance(screen.widget, ShowAware):
                screen.widget.on_screen_shown()

    def screen_widget(self, key: str) -> QWidget | None:
        found = self._screens.get(key)
        return None if found is None else found.widget

    def screen_keys(self) -> list[str]:
        return list(self._screens)

    def current_screen_key(self) -> str | None:
        return self._current

    def add_menu_action(
        self,
        menu: str,
        text: str,
        slot: Callable[[], Any] | None,
        shortcut: str | None = None,
        icon_name: IconName | None = None,
    ) -> QAction:
        """Add an action to a menu (see the module docstring)."""
        return self.menus.add_action(menu, text, slot, shortcut, icon_name)

    def open_prospect(self, prospect_id: int) -> None:
        """Show a prospect's card."""
        self.sig_open_prospect_requested.emit(int(prospect_id))

    @Slot()
    def new_prospect(self) -> None:
        """File > New prospect (Ctrl+N): the dialog warns about likely duplicates; choosing
        an existing prospect, or saving a new one, opens its card."""
        if self.context is None:
            return
        from onboard_desk.ui.prospects.new_prospect import NewProspectDialog

        dialog = NewProspectDialog(self.context, self)
        dialog.sig_open_existing.connect(self.open_prospect)
        dialog.sig_prospect_created.connect(self.open_prospect)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot()
    def open_import(self) -> None:
        """File > Import (Ctrl+I)."""
        if self.window_actions is not None:
            self.window_actions.open_import()

    def show_side_panel(self, widget: QWidget) -> None:
        """Show ``widget`` in the right-hand panel (added once, raised on later calls)."""
        if self.side_panel.indexOf(widget) < 0:
            self.side_panel.addWidget(widget)
        self.side_panel.setCurrentWidget(widget)
        if not self.side_panel.isVisible():
            self.side_panel.show()
            if self.splitter.sizes()[2] < 200:
                self._side_panel_fits_content = True
                self._fit_side_panel(self.side_panel.natural_width())

    def _fit_side_panel(self, natural: int) -> None:
        """Make the side panel as wide as its content needs, leaving the screen beside it
        at least 400 px; only until the user drags the splitter (their width then wins)."""
        if not self._side_panel_fits_content or not self.side_panel.isVisible():
            return
        sizes = self.splitter.sizes()
        total = sum(sizes)
        width = max(360, min(natural, total - sizes[0] - 400))
        if width != sizes[2]:
            self.splitter.setSizes([sizes[0], total - sizes[0] - width, width])

    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self._side_panel_fits_content = False

    def set_context(self, context: AppContext) -> None:
        """The database is open: build what needs it, and the screen on show."""
        from onboard_desk.ui.window.actions import WindowActions
        from onboard_desk.ui.window.card_panel import ProspectCardPanel
        from onboard_desk.ui.window.reminders import Reminders

        self.context = context
        self.reminders = Reminders(context, self)
        self.reminders.sig_open_prospect.connect(self.open_prospect)
        self.card_panel = ProspectCardPanel(self, context)
        self.sig_open_prospect_requested.connect(self.card_panel.show_prospect)
        self.new_prospect_action.setEnabled(True)
        self.window_actions = WindowActions(self, context)
        from onboard_desk.ui.settings.first_run import NoNameNotice

        self.no_name_notice = NoNameNotice(self, context)
        context.watch_other_writers()
        self._set_title(opening=False)
        self.statusBar().showMessage(self.tr("Opened {0}").format(self.db_path), 4000)
        stack = context.undo_stack
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(self._on_undo_text)
        stack.redoTextChanged.connect(self._on_redo_text)
        context.sig_error.connect(self.show_background_error)
        for action in self._needs_database:
            action.setEnabled(True)
        self.sig_context_ready.emit(context)
        wanted = self._current or ui_state.LAST_SCREEN.get()
        if wanted not in self._screens and self._screens:
            wanted = next(iter(self._screens))
        if wanted in self._screens:
            self.show_screen(wanted)

    def show_opening_failed(self, message: str) -> None:
        """The database could not be opened: say why in the window."""
        self._placeholder_label.setText(message)
        self.statusBar().showMessage(self.tr("The database could not be opened."))

    # ------------------------------------------------------------- internals

    def _make_placeholder(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self._placeholder_label = QLabel(self.tr("Opening the database…"))
        self._placeholder_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder_label.setWordWrap(True)
        self._placeholder_label.setForegroundRole(self._placeholder_label.foregroundRole())
        layout.addWidget(self._placeholder_label)
        return page

    def _set_title(self, *, opening: bool) -> None:
        name = self.db_path.name
        folder = str(self.db_path.parent)
        suffix = self.tr(" (opening…)") if opening else ""
        self.setWindowTitle(f"{name} — {folder}{suffix} — Onboard Desk")

    def _build_menus(self) -> None:
        tr = self.tr
        self.new_prospect_action = self.add_menu_action(
            "File", tr("&New prospect…"), self.new_prospect, "Ctrl+N", "new-prospect"
        )
        self.new_prospect_action.setEnabled(False)
        quit_separator = self.menus.menu("File").addSeparator()
        quit_action = self.add_menu_action("File", tr("&Quit"), self.close, None, "quit")
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.menus.keep_last("File", quit_separator)

        self.undo_action = self.add_menu_action("Edit", tr("&Undo"), self.undo, "Ctrl+Z", "undo")
        self.redo_action = self.add_menu_action(
            "Edit", tr("&Redo"), self.redo, "Ctrl+Shift+Z", "redo"
        )
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.menus.menu("Edit").addSeparator()
        self.find_action = self.add_menu_action(
            "Edit", tr("&Find"), self.focus_search, "Ctrl+F", "find"
        )
        self.menus.menu("Edit").addSeparator()
        self.settings_action = self.add_menu_action(
            "Edit", tr("&Settings…"), self.open_settings, "Ctrl+,", "settings"
        )
        self.quick_switcher_action = self.add_menu_action(
            "Go", tr("&Quick switcher…"), self.open_quick_switcher, "Ctrl+K", "quick-switcher"
        )
        self.add_menu_action("Help", tr("&About Onboard Desk"), self.show_about, None, "about")
        self._needs_database = [self.settings_action, self.quick_switcher_action]
        for action in self._needs_database:
            action.setEnabled(False)

    @Slot(int)
    def _on_sidebar_row(self, row: int) -> None:
        item = self.sidebar.item(row)
        if item is not None:
            self.show_screen(str(item.data(Qt.ItemDataRole.UserRole)))

    def _install_widget(self, screen: _Screen, widget: QWidget) -> None:
        screen.widget = widget
        self.stack.addWidget(widget)
        if isinstance(widget, Loading) and not self._data_shown:
            if widget.loaded:
                self._on_screen_loaded()
            else:
                widget.sig_loaded.connect(self._on_screen_loaded)
        if isinstance(widget, OpensProspects):
            widget.sig_open_prospect.connect(self.open_prospect)

    @Slot()
    def _on_screen_loaded(self) -> None:
        if not self._data_shown:
            self._data_shown = True
            self.sig_data_shown.emit()

    @Slot(str)
    def _on_undo_text(self, text: str) -> None:
        self.undo_action.setText(self.tr("&Undo {0}").format(text) if text else self.tr("&Undo"))

    @Slot(str)
    def _on_redo_text(self, text: str) -> None:
        self.redo_action.setText(self.tr("&Redo {0}").format(text) if text else self.tr("&Redo"))

    @Slot()
    def undo(self) -> None:
        self._run_undo(redo=False)

    @Slot()
    def redo(self) -> None:
        self._run_undo(redo=True)

    def _run_undo(self, *, redo: bool) -> None:
        if self.context is None:
            return
        from onboard_desk.errors import UserError
        from onboard_desk.ui.common.dialogs import show_error

        stack = self.context.undo_stack
        try:
            stack.redo() if redo else stack.undo()
        except UserError as exc:
            show_error(
                self, self.tr("Cannot undo") if not redo else self.tr("Cannot redo"), str(exc)
            )

    @Slot()
    def focus_search(self) -> None:
        """Focus the current screen's search box (Ctrl+F)."""
        widget = self.screen_widget(self._current) if self._current else None
        if not isinstance(widget, Searchable) and self.search_screen_key in self._screens:
            self.show_screen(self.search_screen_key)
            widget = self.screen_widget(self.search_screen_key)
        if isinstance(widget, Searchable):
            widget.focus_search()
        else:
            self.statusBar().showMessage(self.tr("This screen has no search."), 3000)

    @Slot()
    def open_settings(self) -> None:
        if self.context is None:
            return
        from onboard_desk.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        dialog.open()

    @Slot()
    def open_quick_switcher(self) -> None:
        if self.context is None:
            return
        from onboard_desk.ui.window.quick_switcher import QuickSwitcher

        switcher = self._quick_switcher
        if switcher is None:
            switcher = QuickSwitcher(self.context, self)
            switcher.sig_prospect_chosen.connect(self.open_prospect)
            self._quick_switcher = switcher
        switcher.popup()

    @Slot()
    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from onboard_desk import __version__

        QMessageBox.about(
            self,
            self.tr("About Onboard Desk"),
            self.tr(
                "<h3>Onboard Desk {0}</h3><p>Walk every prospect from first contact to "
                "paying customer.</p><p>Database: {1}</p>"
            ).format(__version__, self.db_path),
        )

    @Slot(str)
    def show_background_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def bring_forward(self) -> None:
        """Another launch asked for this window: show it on top."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    # ---------------------------------------------------------- state and events

    def restore_state(self) -> None:
        geometry = ui_state.WINDOW_GEOMETRY.get()
        restored = not geometry.isEmpty() and self.restoreGeometry(geometry)
        if (
            not restored
            or self.width() < MIN_RESTORED_SIZE[0]
            or self.height() < MIN_RESTORED_SIZE[1]
        ):
            # First start, or a geometry from another screen set-up that no longer fits.
            screen = QApplication.primaryScreen()
            if screen is not None:
                area = screen.availableGeometry()
                self.resize(min(1400, area.width() * 9 // 10), min(860, area.height() * 9 // 10))
        state = ui_state.WINDOW_STATE.get()
        if not state.isEmpty():
            self.restoreState(state)
        splitter = ui_state.MAIN_SPLITTER.get()
        if not splitter.isEmpty():
            self.splitter.restoreState(splitter)
            self.side_panel.hide()

    def save_state(self) -> None:
        ui_state.WINDOW_GEOMETRY.set(self.saveGeometry())
        ui_state.WINDOW_STATE.set(self.saveState())
        ui_state.MAIN_SPLITTER.set(QByteArray(self.splitter.saveState()))
        if self._current:
            ui_state.LAST_SCREEN.set(self._current)

    def event(self, event: QEvent) -> bool:
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            QTimer.singleShot(0, self.sig_first_paint.emit)
        return super().event(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() and any(url.isLocalFile() for url in mime.urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        if not files:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        for path in files:
            self.sig_file_dropped.emit(path)
