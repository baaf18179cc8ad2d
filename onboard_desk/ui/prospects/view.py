"""The Prospects screen: search, filters, saved views and the lazy prospect table.

Everything the user narrows the list by (:class:`~.filter_bar.FilterBar`) becomes one
:class:`ProspectFilter` that the table model (:mod:`.model`) runs in SQL through the list
service. Saved views are kept in the database through the settings service; the last filter
and which columns are shown and how wide (:mod:`.state`, :mod:`.columns`) are UI state and
live in QSettings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QVBoxLayout, QWidget

from onboard_desk.errors import UserError
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.services.settings import SavedView
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.common.list_widgets import make_list_table
from onboard_desk.ui.prospects import state
from onboard_desk.ui.prospects.columns import ColumnLayout
from onboard_desk.ui.prospects.filter_bar import FilterBar
from onboard_desk.ui.prospects.model import COLUMNS, ProspectTableModel


class ProspectsView(QWidget):
    """The prospect list with its search box, filters and saved views."""

    #: The user asked to open a prospect (double-click or Enter on a row).
    sig_open_prospect = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = ProspectTableModel(context, self)
        self.bar = FilterBar(self)
        # The controls, by the names the window and scripts know them by.
        self.search_edit = self.bar.search_edit
        self.stage_combo, self.owner_combo = self.bar.stage_combo, self.bar.owner_combo
        self.channel_combo, self.flag_combo = self.bar.channel_combo, self.bar.flag_combo
        self.view_combo, self.count_label = self.bar.view_combo, self.bar.count_label
        self.batch_label, self.reset_button = self.bar.batch_label, self.bar.reset_button
        self.save_view_button = self.bar.save_view_button
        self.delete_view_button = self.bar.delete_view_button
        self.bar.sig_changed.connect(self._apply_filters)
        self.bar.sig_view_chosen.connect(self._view_chosen)
        self.save_view_button.clicked.connect(self._ask_save_view)
        self.delete_view_button.clicked.connect(self._ask_delete_view)
        self.reset_button.clicked.connect(self.clear_filters)

        self._build_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.bar)
        layout.addWidget(self.table, 1)

        self.model.sig_count_changed.connect(self.bar.show_count)
        self.model.sig_loading_changed.connect(self._show_loading)
        self.model.modelReset.connect(self._restore_selection)
        context.sig_prospects_changed.connect(self._on_prospects_changed)
        self._selected_id: int | None = None
        self.columns.restore()
        self._load_owners()
        self._load_saved_views()
        self._restore_last_filter()

    def _build_table(self) -> None:
        self.table = make_list_table(self, self.model)
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.columns = ColumnLayout(self.table, self)
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
        current = self.model.prospect_filter
        return self.bar.choices().to_filter(sort=current.sort, descending=current.descending)

    def visible_columns(self) -> list[str]:
        """Keys of the shown columns, in the order they appear."""
        return self.columns.visible()

    def set_visible_columns(self, keys: list[str] | tuple[str, ...]) -> None:
        """Show exactly these columns (unknown keys are ignored; the name always shows)."""
        self.columns.set_visible(keys)

    def selected_prospect_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.prospect_id(index.row()) if index.isValid() else None

    def show_import_batch(self, batch_id: int) -> None:
        """Only the prospects one import brought in (the import summary's link); the
        "Clear" button, like any saved view, shows everyone again."""
        self.bar.show_filter(ProspectFilter(import_batch_id=batch_id))
        self.view_combo.setCurrentIndex(0)
        self._apply_filters()

    @Slot()
    def clear_filters(self) -> None:
        self.bar.show_filter(ProspectFilter())
        self.view_combo.setCurrentIndex(0)
        self._apply_filters()

    @Slot()
    def _search_now(self) -> None:
        self.bar.search_now()

    # -- saved views ---------------------------------------------------------------------

    def save_current_view(self, name: str) -> SavedView:
        """Store the current filter, sort and columns under ``name`` (replacing one)."""
        view = SavedView.from_filter(name.strip(), self.current_filter(), self.visible_columns())
        self.context.desk.settings.save_view(view)
        self._load_saved_views(select=view.name)
        return view

    def apply_saved_view(self, name: str) -> bool:
        """Show a saved view; False when there is none of that name."""
        view = self.context.desk.settings.view(name)
        if view is None:
            return False
        self.bar.offer_owner(view.owner)
        self.bar.show_filter(view.to_filter())
        if view.columns:
            self.set_visible_columns(view.columns)
        self.bar.select_view(view.name)
        self._apply_filters(sort=view.sort, descending=view.descending)
        return True

    def delete_saved_view(self, name: str) -> bool:
        deleted = self.context.desk.settings.delete_view(name)
        self._load_saved_views()
        return deleted

    def _load_saved_views(self, select: str | None = None) -> None:
        names = [view.name for view in self.context.desk.settings.views()]
        self.bar.fill_views(names, select)

    @Slot(str)
    def _view_chosen(self, name: str) -> None:
        if name:
            self.apply_saved_view(name)
        else:
            self.clear_filters()

    @Slot()
    def _ask_save_view(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save view"),
            self.tr("Name this view (filters, search, sort and columns):"),
            text=self.bar.current_view(),
        )
        if not ok:
            return
        try:
            self.save_current_view(name)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Save view"), str(exc))

    @Slot()
    def _ask_delete_view(self) -> None:
        name = self.bar.current_view()
        if not name:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete view"), self.tr("Delete the saved view “%s”?") % name
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_saved_view(name)

    # -- filtering -----------------------------------------------------------------------

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
        flt = self.current_filter()
        if sort is not None:
            flt = replace(flt, sort=sort, descending=bool(descending))
        self.model.set_filter(flt)
        state.remember_filter(flt, self.bar.current_view())
        self._show_sort_indicator()
        self.reset_button.setEnabled(not state.is_everyone(flt))

    def _restore_last_filter(self) -> None:
        flt, view_name = state.last_filter()
        self.bar.offer_owner(flt.owner)
        self.bar.show_filter(flt)
        if view_name:
            self.bar.select_view(view_name)
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
        state.remember_filter(self.model.prospect_filter, self.bar.current_view())
        self._show_sort_indicator()

    def _load_owners(self) -> None:
        lists = self.context.desk.lists
        self.context.run(lists.owners, guarded(self, self.bar.fill_owners))

    @Slot(bool)
    def _show_loading(self, loading: bool) -> None:
        if loading and self.model.total_count is None:
            self.bar.show_searching()

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

    @Slot(QModelIndex)
    def _row_activated(self, index: QModelIndex) -> None:
        prospect_id = self.model.prospect_id(index.row())
        if prospect_id is not None:
            self.sig_open_prospect.emit(prospect_id)

    # -- columns -------------------------------------------------------------------------

    def build_column_menu(self) -> QMenu:
        """The header's context menu: a check box per column."""
        return self.columns.menu(self)

    @Slot()
    def reset_columns(self) -> None:
        self.columns.reset()

    @Slot()
    def save_header_state(self) -> None:
        """Remember which columns show, their order and widths (QSettings)."""
        self.columns.save()

    def restore_header_state(self) -> None:
        self.columns.restore()

    def hideEvent(self, event: Any) -> None:
        self.save_header_state()
        super().hideEvent(event)
