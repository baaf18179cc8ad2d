"""The Today screen: who to call now. Overdue and due-today next actions, oldest first,
then stale prospects and prospects without a next action.

One click on a row's check box marks its next action done: the activity is logged and the
next action planned (one undo step). Snooze puts the action off to tomorrow or next week.

This module is the widget. The rows are an :class:`~onboard_desk.ui.today.model.AgendaModel`;
reading the agenda (the list service, on the thread pool, one SQL query per group) and the
done and snooze changes are the :class:`~onboard_desk.ui.today.state.TodayState`'s; the
day's bounds and the snooze rules live in :mod:`onboard_desk.domain.agenda`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut, QStandardItem
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.domain.agenda import Agenda, AgendaItem, GroupKind, Snooze
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.errors import UserError
from onboard_desk.ui.common import dialogs
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.icons import IconName, icon
from onboard_desk.ui.today.model import AgendaModel
from onboard_desk.ui.today.state import TodayState

if TYPE_CHECKING:
    from onboard_desk.services.prospects import Done
    from onboard_desk.ui.today.done_dialog import DoneDialog

REFRESH_MS = 5 * 60 * 1000


class TodayScreen(QWidget):
    """Today's agenda with done, snooze and open."""

    sig_open_prospect = Signal(int)
    sig_loaded = Signal()
    #: The empty-state buttons of a database with no prospects yet.
    sig_new_prospect_requested = Signal()
    sig_import_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.state = TodayState(context, self)
        #: The agenda on screen (None until the first read arrives).
        self.agenda: Agenda | None = None
        #: The first agenda is on screen (``sig_loaded`` said so).
        self.loaded = False
        self.done_dialog: DoneDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        top = QHBoxLayout()
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.heading)
        self.summary = QLabel()
        titles.addWidget(self.summary)
        top.addLayout(titles, 1)
        self.done_button = self._tool_button(self.tr("Done"), "done", self.mark_selected_done)
        self.done_button.setToolTip(
            self.tr("Log the next action as done and plan the next (Ctrl+D)")
        )
        self.snooze_button = self._tool_button(self.tr("Snooze"), "snooze", None)
        snooze_menu = QMenu(self.snooze_button)
        for choice in Snooze:
            action = snooze_menu.addAction(icon("snooze"), self.tr(choice.label))
            action.setData(choice.value)
        snooze_menu.triggered.connect(self._on_snooze_action)
        self.snooze_button.setMenu(snooze_menu)
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.open_button = self._tool_button(self.tr("Open"), "open", self.open_selected)
        self.open_button.setToolTip(self.tr("Open the prospect (Enter)"))
        for button in (self.done_button, self.snooze_button, self.open_button):
            top.addWidget(button)
        layout.addLayout(top)

        self.model = AgendaModel(self)
        self.model.sig_done_ticked.connect(self._on_done_ticked)
        self.view = QTreeView()
        self.view.setObjectName("TodayList")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.doubleClicked.connect(self._on_double_click)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 260)
        header.resizeSection(2, 150)
        header.resizeSection(3, 110)
        header.resizeSection(4, 180)
        header.resizeSection(5, 110)
        self.empty_state = self._build_empty_state()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

        QShortcut(QKeySequence("Ctrl+D"), self, self.mark_selected_done)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.view, self.open_selected)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh)
        self._periodic = QTimer(self)
        self._periodic.setInterval(REFRESH_MS)
        self._periodic.timeout.connect(self.refresh)
        self._periodic.start()
        self.state.sig_agenda_read.connect(self.show_agenda)
        context.sig_prospects_changed.connect(self._on_prospects_changed)
        context.sig_settings_changed.connect(self._refresh_timer.start)
        self._update_heading(utcnow())
        self._update_buttons()
        self.refresh()

    @Slot(list)
    def _on_prospects_changed(self, _ids: list[int]) -> None:
        self._refresh_timer.start()

    def _tool_button(self, text: str, icon_name: IconName, slot: Any) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setIcon(icon(icon_name))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        if slot is not None:
            button.clicked.connect(lambda _checked=False: slot())
        return button

    # ----------------------------------------------------------------- data

    @Slot()
    def refresh(self) -> None:
        """Read the agenda again (off the GUI thread); the list follows when it arrives."""
        self.state.refresh()

    @Slot(object)
    def show_agenda(self, agenda: Agenda) -> None:
        """Fill the list, keeping the selected prospect selected where it still appears."""
        selected = self.selected_item()
        self.agenda = agenda
        self._update_heading(agenda.now)
        bold = QFont(self.font())
        bold.setBold(True)
        reselect = self.model.fill(
            agenda,
            self.context.config,
            bold=bold,
            keep=selected.prospect_id if selected else None,
        )
        self.view.expandAll()
        self.view.setFirstColumnSpanned(0, QModelIndex(), False)
        for number in range(self.model.rowCount()):
            self.view.setFirstColumnSpanned(number, QModelIndex(), True)
            # The "… and N more" line is too long for the name column alone.
            if self.model.ends_with_more(number):
                title = self.model.item(number)
                self.view.setFirstColumnSpanned(title.rowCount() - 1, title.index(), True)
        if reselect is not None:
            self.view.setCurrentIndex(reselect)
        self._show_empty_state(not any(group.total for group in agenda.groups))
        self._update_buttons()
        self.loaded = True
        self.sig_loaded.emit()

    def _build_empty_state(self) -> QWidget:
        """What an empty agenda says: how to begin (no prospects yet), or that all is done."""
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        self.empty_title = QLabel()
        font = self.empty_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.empty_title.setFont(font)
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_text.setFixedWidth(520)  # word wrap needs a width to compute its height
        for label in (self.empty_title, self.empty_text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.empty_new_button = QPushButton(icon("new-prospect"), self.tr("Add a prospect…"))
        self.empty_new_button.clicked.connect(self.sig_new_prospect_requested)
        self.empty_import_button = QPushButton(icon("import"), self.tr("Import a file…"))
        self.empty_import_button.clicked.connect(self.sig_import_requested)
        buttons.addWidget(self.empty_new_button)
        buttons.addWidget(self.empty_import_button)
        buttons.addStretch(1)
        box.addSpacing(12)
        box.addLayout(buttons)
        box.addStretch(2)
        return page

    def _show_empty_state(self, empty: bool) -> None:
        has_prospects = self.state.has_prospects
        if empty and not has_prospects:
            self.empty_title.setText(self.tr("Welcome to Onboard Desk"))
            self.empty_text.setText(
                self.tr(
                    "Add the people you are talking to, or import a list: a LinkedIn "
                    "export, a CRM export, a spreadsheet or your phone's contacts. Every "
                    "prospect then gets a next action, and this screen shows who to "
                    "contact each day."
                )
            )
        elif empty:
            self.empty_title.setText(self.tr("Nothing due today"))
            self.empty_text.setText(
                self.tr(
                    "Every open prospect has a next action planned for a later day. "
                    "The Pipeline and Prospects screens show them all."
                )
            )
        # A wrapped label inside a centring layout does not grow by itself. (With no text,
        # as when the agenda has rows, Qt answers -1: there is no height to keep.)
        height = self.empty_text.heightForWidth(self.empty_text.width())
        self.empty_text.setMinimumHeight(max(0, height))
        for button in (self.empty_new_button, self.empty_import_button):
            button.setVisible(not has_prospects)
        self.stack.setCurrentWidget(self.empty_state if empty else self.view)

    def _update_heading(self, now: datetime) -> None:
        local = now.astimezone()
        self.heading.setText(self.tr("Today · {0}").format(local.strftime("%A %d %B")))
        if self.agenda is not None:
            overdue = self.agenda.group(GroupKind.OVERDUE).total
            today = self.agenda.group(GroupKind.TODAY).total
            self.summary.setText(
                self.tr("{0} due today, {1} overdue").format(f"{today:,}", f"{overdue:,}")
            )

    # -------------------------------------------------------------- actions

    def selected_item(self) -> AgendaItem | None:
        return self.model.item_at(self.view.currentIndex())

    def select_prospect(self, prospect_id: int) -> bool:
        """Select the row of ``prospect_id`` (first match); True if found."""
        index = self.model.index_of(prospect_id)
        if index is None:
            return False
        self.view.setCurrentIndex(index)
        return True

    @Slot()
    def _update_buttons(self, *_args: Any) -> None:
        item = self.selected_item()
        self.open_button.setEnabled(item is not None)
        has_action = item is not None and item.next_action is not None
        self.done_button.setEnabled(has_action)
        self.snooze_button.setEnabled(has_action)

    def _on_double_click(self, index: QModelIndex) -> None:
        item = self.model.item_at(index)
        if item is not None:
            self.sig_open_prospect.emit(item.prospect_id)

    @Slot()
    def open_selected(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.sig_open_prospect.emit(item.prospect_id)

    @Slot(object)
    def _on_done_ticked(self, cell: QStandardItem) -> None:
        item = self.model.item_at(cell.index())
        if item is not None:
            self.view.setCurrentIndex(cell.index())
            self.mark_done(item, checkbox=cell)

    @Slot()
    def mark_selected_done(self) -> None:
        item = self.selected_item()
        if item is not None and item.next_action is not None:
            self.mark_done(item)

    def mark_done(self, item: AgendaItem, checkbox: QStandardItem | None = None) -> None:
        """Ask what happened and what comes next; log both as one undo step on OK."""
        # Imported on first use: the services and their validators are not needed to show
        # the day.
        from onboard_desk.ui.today.done_dialog import DoneDialog

        try:
            proposal = self.state.proposal_for(item)
        except UserError as exc:  # deleted since the list was read, say
            if checkbox is not None:
                self.model.untick(checkbox)
            dialogs.show_error(self, self.tr("Could not log it"), str(exc))
            return
        dialog = DoneDialog(name=item.name, action=item.next_action, proposal=proposal, parent=self)
        self.done_dialog = dialog

        def finished(result: int) -> None:
            self.done_dialog = None
            if result == QDialog.DialogCode.Accepted:
                self.apply_done(item, dialog.answer())
            elif checkbox is not None:
                self.model.untick(checkbox)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def apply_done(self, item: AgendaItem, done: Done) -> None:
        """Log the activity and set the next action as one undoable step."""
        try:
            self.state.mark_done(item, done, self.tr("Done: {0}").format(item.name))
        except UserError as exc:
            dialogs.show_error(self, self.tr("Could not log it"), str(exc))

    @Slot(QAction)
    def _on_snooze_action(self, action: QAction) -> None:
        self.snooze_selected(Snooze(action.data()))

    def snooze_selected(self, choice: Snooze) -> None:
        item = self.selected_item()
        if item is not None:
            self.snooze(item, choice)

    def snooze(self, item: AgendaItem, choice: Snooze) -> None:
        """Put the next action off to tomorrow or next week (same text; undoable)."""
        try:
            self.state.snooze(item, choice)
        except UserError as exc:
            dialogs.show_error(self, self.tr("Could not snooze"), str(exc))

    def on_screen_shown(self) -> None:
        if self.agenda is not None:
            self._refresh_timer.start()
