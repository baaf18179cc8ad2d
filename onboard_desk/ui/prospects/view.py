"""The Prospects screen: search, filters, saved views and the lazy prospect table.

Everything the user narrows the list by becomes one :class:`ProspectFilter` that the
table model runs in SQL; typing in the search box waits for a short pause before it
queries, so a fast typist triggers one query rather than one per key. Saved views are
kept in the database (:mod:`onboard_desk.storage.saved_views`); which columns are shown and how
wide they are is UI state and lives in QSettings.
"""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import QByteArray, QCoreApplication, QPoint, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from onboard_desk.errors import UserError
from onboard_desk.pipeline import (
    CHANNEL_LABELS,
    WORKING_STAGES,
    Flag,
    Stage,
)
from onboard_desk.storage import queries, saved_views
from onboard_desk.storage.db import session_scope
from onboard_desk.storage.queries import ProspectFilter
from onboard_desk.storage.saved_views import SavedView
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.list_widgets import fill_owner_combo, make_list_table
from onboard_desk.ui.prospects.model import COLUMNS, ProspectTableModel

#: Milliseconds of typing pause before the search runs.
SEARCH_DELAY_MS = 250
SETTINGS_GROUP = "prospects_view"
#: The stage filter choice that means "every working stage".
OPEN_STAGES = "open"


def ui_settings() -> QSettings:
    """QSettings for UI state: the application's own if it named itself, else ours."""
    if QCoreApplication.organizationName() or QCoreApplication.applicationName():
        return QSettings()
    return QSettings("onboard-desk", "onboard-desk")


class ProspectsView(QWidget):
    """The prospect list with its search box, filters and saved views."""

    #: The user asked to open a prospect (double-click or Enter on a row).
    sig_open_prospect = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = ProspectTableModel(context, self)
        self._applying_view = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filters)
        self._header_save_timer = QTimer(self)
        self._header_save_timer.setSingleShot(True)
        self._header_save_timer.setInterval(400)
        self._header_save_timer.timeout.connect(self.save_header_state)

        self._build_filter_bar()
        self._build_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(self._search_row)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.table, 1)

        self.model.sig_count_changed.connect(self._show_count)
        self.model.sig_loading_changed.connect(self._show_loading)
        self.model.modelReset.connect(self._restore_selection)
        context.sig_prospects_changed.connect(self._on_prospects_changed)
        self._selected_id: int | None = None
        self._import_batch_id: int | None = None
        self.restore_header_state()
        self._load_owners()
        self._load_saved_views()
        self._restore_last_filter()

    # -- construction --------------------------------------------------------------------

    def _build_filter_bar(self) -> None:
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(
            self.tr("Search names, companies, email addresses and notes…")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self._search_now)

        self.stage_combo = QComboBox(self)
        self.stage_combo.addItem(self.tr("All stages"), None)
        self.stage_combo.addItem(self.tr("Open (working stages)"), OPEN_STAGES)
        for stage in (*WORKING_STAGES, Stage.WON, Stage.LOST):
            self.stage_combo.addItem(stage.label, stage.value)
        self.owner_combo = QComboBox(self)
        self.owner_combo.addItem(self.tr("All owners"), None)
        self.channel_combo = QComboBox(self)
        self.channel_combo.addItem(self.tr("All channels"), None)
        for channel, label in CHANNEL_LABELS.items():
            self.channel_combo.addItem(label, channel.value)
        self.flag_combo = QComboBox(self)
        self.flag_combo.addItem(self.tr("Any attention"), None)
        for flag in (Flag.OVERDUE, Flag.STALE, Flag.NO_NEXT_ACTION):
            self.flag_combo.addItem(flag.label, flag.value)
        for combo in (self.stage_combo, self.owner_combo, self.channel_combo, self.flag_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._apply_filters)

        self.count_label = QLabel(self)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self._filter_row = QHBoxLayout()
        for label, combo in (
            (self.tr("Stage"), self.stage_combo),
            (self.tr("Owner"), self.owner_combo),
            (self.tr("Channel"), self.channel_combo),
            (self.tr("Attention"), self.flag_combo),
        ):
            combo.setToolTip(label)
            combo.setAccessibleName(label)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            self._filter_row.addWidget(combo, 1)

        self.view_combo = QComboBox(self)
        self.view_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.view_combo.setMinimumContentsLength(8)
        self.view_combo.setToolTip(self.tr("Saved views: a named filter, sort and columns"))
        self.view_combo.activated.connect(self._view_chosen)
        self.save_view_button = QPushButton(self.tr("Save…"), self)
        self.save_view_button.setToolTip(
            self.tr("Save the search, filters, sort and columns as a view")
        )
        self.save_view_button.clicked.connect(self._ask_save_view)
        self.delete_view_button = QPushButton(self.tr("Delete"), self)
        self.delete_view_button.setToolTip(self.tr("Delete this saved view"))
        self.delete_view_button.clicked.connect(self._ask_delete_view)
        self.reset_button = QPushButton(self.tr("Clear"), self)
        self.reset_button.setToolTip(self.tr("Clear the search and every filter"))
        self.reset_button.clicked.connect(self.clear_filters)
        self._search_row = QHBoxLayout()
        self._search_row.addWidget(self.search_edit, 2)
        self._search_row.addSpacing(8)
        self._search_row.addWidget(QLabel(self.tr("View:"), self))
        self._search_row.addWidget(self.view_combo, 1)
        for button in (self.save_view_button, self.delete_view_button, self.reset_button):
            self._search_row.addWidget(button)
        self.batch_label = QLabel(self)
        self.batch_label.hide()
        self._filter_row.addWidget(self.batch_label)
        self._filter_row.addStretch(0)
        self._filter_row.addWidget(self.count_label)

    def _build_table(self) -> None:
        self.table = make_list_table(self, self.model)
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sortIndicatorChanged.connect(self._sort_changed)
        header.sectionResized.connect(self._header_save_timer.start)
        header.sectionMoved.connect(self._header_save_timer.start)
        widths = {"name": 190, "company": 190, "stage": 110, "next_action": 260}
        widths.update({"next_action_due": 130, "flags": 150, "value": 110, "owner": 120})
        for index, column in enumerate(COLUMNS):
            header.resizeSection(index, widths.get(column.key, 150))
            header.setSectionHidden(index, not column.visible)
        self.table.activated.connect(self._row_activated)
        self.table.selectionModel().currentRowChanged.connect(self._remember_current)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        open_action = QAction(self.tr("Open"), self.table)
        open_action.triggered.connect(self._open_current)
        self.table.addAction(open_action)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit, self._escape_search)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit, self._search_to_table)

    # -- public API ----------------------------------------------------------------------

    @Slot()
    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected (Ctrl+F)."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def current_filter(self) -> ProspectFilter:
        """What the filter bar asks for, with the table's current sort."""
        stage_choice = self.stage_combo.currentData()
        if stage_choice == OPEN_STAGES:
            stages: tuple[Stage, ...] = WORKING_STAGES
        elif stage_choice:
            stages = (Stage(stage_choice),)
        else:
            stages = ()
        flag_value = self.flag_combo.currentData()
        current = self.model.prospect_filter
        return ProspectFilter(
            stages=stages,
            owner=self.owner_combo.currentData() or None,
            channel=self.channel_combo.currentData() or None,
            flag=Flag(flag_value) if flag_value else None,
            search=self.search_edit.text().strip(),
            import_batch_id=self._import_batch_id,
            sort=current.sort,
            descending=current.descending,
        )

    def visible_columns(self) -> list[str]:
        """Keys of the shown columns, in the order they appear."""
        header = self.table.horizontalHeader()
        order = sorted(range(len(COLUMNS)), key=header.visualIndex)
        return [COLUMNS[i].key for i in order if not header.isSectionHidden(i)]

    def set_visible_columns(self, keys: list[str] | tuple[str, ...]) -> None:
        """Show exactly these columns (unknown keys are ignored; the name always shows)."""
        wanted = [k for k in keys if k in {c.key for c in COLUMNS}] or ["name"]
        header = self.table.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            header.setSectionHidden(index, column.key not in wanted and column.key != "name")
        self._header_save_timer.start()

    def selected_prospect_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.prospect_id(index.row()) if index.isValid() else None

    def show_import_batch(self, batch_id: int) -> None:
        """Only the prospects one import brought in (the import summary's link); the
        "Clear" button, like any saved view, shows everyone again."""
        self._set_controls(ProspectFilter(import_batch_id=batch_id))
        self.view_combo.setCurrentIndex(0)
        self._apply_filters()

    @Slot()
    def clear_filters(self) -> None:
        self._set_controls(ProspectFilter())
        self.view_combo.setCurrentIndex(0)
        self._apply_filters()

    # -- saved views ---------------------------------------------------------------------

    def save_current_view(self, name: str) -> SavedView:
        """Store the current filter, sort and columns under ``name`` (replacing one)."""
        view = SavedView.from_filter(name.strip(), self.current_filter(), self.visible_columns())
        with self.context.session() as session:
            saved_views.save_view(session, view)
        self._load_saved_views(select=view.name)
        return view

    def apply_saved_view(self, name: str) -> bool:
        """Show a saved view; False when there is none of that name."""
        with session_scope(self.context.engine) as session:  # a read: no write lock
            view = saved_views.get_view(session, name)
        if view is None:
            return False
        if view.owner and self.owner_combo.findData(view.owner) < 0:
            self.owner_combo.addItem(view.owner, view.owner)
        self._set_controls(view.to_filter())
        if view.columns:
            self.set_visible_columns(view.columns)
        index = self.view_combo.findText(view.name)
        if index >= 0:
            self.view_combo.setCurrentIndex(index)
        self._apply_filters(sort=view.sort, descending=view.descending)
        return True

    def delete_saved_view(self, name: str) -> bool:
        with self.context.session() as session:
            deleted = saved_views.delete_view(session, name)
        self._load_saved_views()
        return deleted

    def _load_saved_views(self, select: str | None = None) -> None:
        with session_scope(self.context.engine) as session:
            names = [view.name for view in saved_views.list_views(session)]
        current = select or self.view_combo.currentText()
        self.view_combo.blockSignals(True)
        self.view_combo.clear()
        self.view_combo.addItem(self.tr("All prospects"), None)
        for name in names:
            self.view_combo.addItem(name, name)
        index = self.view_combo.findText(current) if current else 0
        self.view_combo.setCurrentIndex(max(index, 0))
        self.view_combo.blockSignals(False)
        self.delete_view_button.setEnabled(self.view_combo.currentIndex() > 0)

    @Slot(int)
    def _view_chosen(self, index: int) -> None:
        name = self.view_combo.itemData(index)
        self.delete_view_button.setEnabled(bool(name))
        if name:
            self.apply_saved_view(str(name))
        else:
            self.clear_filters()

    @Slot()
    def _ask_save_view(self) -> None:
        current = self.view_combo.currentData() or ""
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save view"),
            self.tr("Name this view (filters, search, sort and columns):"),
            text=str(current),
        )
        if not ok:
            return
        try:
            self.save_current_view(name)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Save view"), str(exc))

    @Slot()
    def _ask_delete_view(self) -> None:
        name = self.view_combo.currentData()
        if not name:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete view"), self.tr("Delete the saved view “%s”?") % name
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_saved_view(str(name))

    # -- filtering -----------------------------------------------------------------------

    def _set_controls(self, flt: ProspectFilter) -> None:
        """Put a filter into the filter bar without running a query per control."""
        self._applying_view = True
        try:
            self._import_batch_id = flt.import_batch_id
            self.batch_label.setVisible(flt.import_batch_id is not None)
            if flt.import_batch_id is not None:
                self.batch_label.setText(
                    self.tr("Only import %1").replace("%1", str(flt.import_batch_id))
                )
            if set(flt.stages) == set(WORKING_STAGES) and len(flt.stages) > 1:
                self.stage_combo.setCurrentIndex(self.stage_combo.findData(OPEN_STAGES))
            elif flt.stages:
                self.stage_combo.setCurrentIndex(self.stage_combo.findData(flt.stages[0].value))
            else:
                self.stage_combo.setCurrentIndex(0)
            self.owner_combo.setCurrentIndex(max(self.owner_combo.findData(flt.owner), 0))
            self.channel_combo.setCurrentIndex(max(self.channel_combo.findData(flt.channel), 0))
            flag = flt.flag.value if flt.flag else None
            self.flag_combo.setCurrentIndex(max(self.flag_combo.findData(flag), 0))
            self.search_edit.blockSignals(True)
            self.search_edit.setText(flt.search)
            self.search_edit.blockSignals(False)
        finally:
            self._applying_view = False

    @Slot()
    def _search_now(self) -> None:
        self._search_timer.stop()
        self._apply_filters()

    @Slot()
    def _search_to_table(self) -> None:
        """Down in the search box goes to the results, first row selected."""
        self._search_now()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)

    @Slot()
    def _escape_search(self) -> None:
        if self.search_edit.text():
            self.search_edit.clear()
            self._search_now()
        else:
            self.table.setFocus()

    @Slot()
    def _apply_filters(self, sort: str | None = None, descending: bool | None = None) -> None:
        if self._applying_view:
            return
        flt = self.current_filter()
        if sort is not None:
            flt = replace(flt, sort=sort, descending=bool(descending))
        self.model.set_filter(flt)
        self._remember_filter(flt)
        self._show_sort_indicator()
        self.reset_button.setEnabled(
            flt != ProspectFilter(sort=flt.sort, descending=flt.descending)
        )

    def _remember_filter(self, flt: ProspectFilter) -> None:
        """Keep the current filter and sort for the next start (QSettings, UI state)."""
        state = SavedView.from_filter("", flt).to_json()
        state["view"] = self.view_combo.currentData() or ""
        ui_settings().setValue(f"{SETTINGS_GROUP}/last_filter", json.dumps(state))

    def _restore_last_filter(self) -> None:
        raw = ui_settings().value(f"{SETTINGS_GROUP}/last_filter")
        try:
            data = json.loads(str(raw)) if raw else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        flt = SavedView.from_json("", data).to_filter()
        if flt.owner and self.owner_combo.findData(flt.owner) < 0:
            self.owner_combo.addItem(flt.owner, flt.owner)
        self._set_controls(flt)
        view_index = self.view_combo.findData(data.get("view") or None)
        if data.get("view") and view_index > 0:
            self.view_combo.setCurrentIndex(view_index)
            self.delete_view_button.setEnabled(True)
        self._apply_filters(sort=flt.sort, descending=flt.descending)

    def _show_sort_indicator(self) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        column = self.model.sort_column()
        order = (
            Qt.SortOrder.DescendingOrder
            if self.model.prospect_filter.descending
            else Qt.SortOrder.AscendingOrder
        )
        header.setSortIndicator(column, order)
        header.blockSignals(False)

    @Slot(int, Qt.SortOrder)
    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        if column < 0:  # indicator cleared: back to rank (search) or name order
            self.model.set_filter(self.model.prospect_filter.sorted_by(""))
        elif COLUMNS[column].sort is None:
            self._show_sort_indicator()  # not sortable: keep showing the real order
            return
        else:
            self.model.sort(column, order)
        self._remember_filter(self.model.prospect_filter)
        self._show_sort_indicator()

    def _load_owners(self) -> None:
        def work(session: Session) -> list[str]:
            return queries.owners(session)

        self.context.run_task(work, self._owners_loaded)

    def _owners_loaded(self, names: list[str]) -> None:
        fill_owner_combo(self.owner_combo, names, self.tr("All owners"))

    @Slot(int)
    def _show_count(self, count: int) -> None:
        if count == 0:
            self.count_label.setText(self.tr("No prospects match"))
            return
        noun = self.tr("prospect") if count == 1 else self.tr("prospects")
        self.count_label.setText(f"{count:,} {noun}")

    @Slot(bool)
    def _show_loading(self, loading: bool) -> None:
        if loading and self.model.total_count is None:
            self.count_label.setText(self.tr("Searching…"))

    # -- rows ----------------------------------------------------------------------------

    def _remember_current(self) -> None:
        self._selected_id = self.selected_prospect_id()

    def _restore_selection(self) -> None:
        """After the list is re-queried, keep the same prospect selected if still shown."""
        if self._selected_id is None:
            return
        row = self.model.row_of(self._selected_id)
        if row is not None:
            self.table.selectRow(row)

    def _on_prospects_changed(self, _ids: list[int]) -> None:
        self._load_owners()

    @Slot()
    def _open_current(self) -> None:
        prospect_id = self.selected_prospect_id()
        if prospect_id is not None:
            self.sig_open_prospect.emit(prospect_id)

    def _row_activated(self, index: object) -> None:
        row = getattr(index, "row", lambda: -1)()
        prospect_id = self.model.prospect_id(row)
        if prospect_id is not None:
            self.sig_open_prospect.emit(prospect_id)

    # -- columns -------------------------------------------------------------------------

    @Slot(QPoint)
    def _header_menu(self, position: QPoint) -> None:
        menu = self.build_column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))

    def build_column_menu(self) -> QMenu:
        """The header's context menu: a check box per column."""
        menu = QMenu(self)
        menu.addSection(self.tr("Columns"))
        header = self.table.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            action = menu.addAction(self.tr(column.title))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(column.key != "name")
            action.toggled.connect(lambda shown, i=index: self._toggle_column(i, shown))
        menu.addSeparator()
        menu.addAction(self.tr("Reset columns"), self.reset_columns)
        return menu

    def _toggle_column(self, index: int, shown: bool) -> None:
        header = self.table.horizontalHeader()
        header.setSectionHidden(index, not shown)
        if shown and header.sectionSize(index) < 40:
            header.resizeSection(index, 120)
        self.save_header_state()

    @Slot()
    def reset_columns(self) -> None:
        self.set_visible_columns([c.key for c in COLUMNS if c.visible])
        header = self.table.horizontalHeader()
        for index in range(len(COLUMNS)):
            header.moveSection(header.visualIndex(index), index)
        self.save_header_state()

    @Slot()
    def save_header_state(self) -> None:
        """Remember which columns show, their order and widths (QSettings)."""
        settings = ui_settings()
        settings.setValue(f"{SETTINGS_GROUP}/header", self.table.horizontalHeader().saveState())
        settings.setValue(f"{SETTINGS_GROUP}/columns", self.visible_columns())
        settings.sync()

    def restore_header_state(self) -> None:
        state = ui_settings().value(f"{SETTINGS_GROUP}/header")
        if isinstance(state, QByteArray) and not state.isEmpty():
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.restoreState(state)
            header.blockSignals(False)
            header.setSectionHidden(0, False)

    def hideEvent(self, event: object) -> None:
        self.save_header_state()
        super().hideEvent(event)  # type: ignore[arg-type]
