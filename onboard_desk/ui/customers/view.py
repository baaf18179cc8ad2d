"""The Customers screen: every won prospect with what keeping them takes.

A lazy table (:class:`~onboard_desk.ui.customers.model.CustomerTableModel`) sorted
in SQL by clicking a header, filtered by owner; the engagement column is drawn as a
small bar. A referral code typed in the box opens the customer it belongs to (a customer
reading their code out on the phone). With no customers yet the screen says how they
appear: a prospect won in Payment becomes one.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.errors import UserError
from onboard_desk.ui.common import ui_state
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.common.icons import icon
from onboard_desk.ui.common.list_widgets import fill_owner_combo, make_list_table
from onboard_desk.ui.common.status_colors import text_style
from onboard_desk.ui.customers import state
from onboard_desk.ui.customers.delegate import EngagementDelegate
from onboard_desk.ui.customers.model import COLUMNS, CustomerQuery, CustomerTableModel


class CustomersView(QWidget):
    """The customer list with its owner filter and referral-code lookup."""

    #: The user asked to open a customer (double-click or Enter on a row, a code found).
    sig_open_prospect = Signal(int)
    #: The first page is on screen.
    sig_loaded = Signal()
    #: The empty state's button: show the pipeline, where prospects are won.
    sig_show_pipeline = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        #: The first page is on screen (``sig_loaded`` said so).
        self.loaded = False
        self.model = CustomerTableModel(context, self)
        self._stale = False
        self._selected_id: int | None = None

        self.owner_combo = QComboBox(self)
        self.owner_combo.addItem(self.tr("All owners"), None)
        self.owner_combo.setToolTip(self.tr("Owner"))
        self.owner_combo.setAccessibleName(self.tr("Owner"))
        # Narrow enough that the card fits beside the list on a laptop screen.
        self.owner_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.owner_combo.setMinimumContentsLength(10)
        self.owner_combo.currentIndexChanged.connect(self._apply_query)
        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText(self.tr("Referral code, e.g. ABCD-EFGH"))
        self.code_edit.setToolTip(self.tr("Type a customer's referral code and press Enter"))
        self.code_edit.setClearButtonEnabled(True)
        self.code_edit.setMinimumWidth(140)
        self.code_edit.setMaximumWidth(300)
        self.code_edit.returnPressed.connect(self.find_code)
        self.code_message = QLabel(self)
        self.code_message.setWordWrap(True)
        self.code_message.setStyleSheet(text_style("error"))
        self.code_message.hide()
        self.code_edit.textChanged.connect(lambda _text: self.code_message.hide())
        self.count_label = QLabel(self)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(self.owner_combo)
        top.addWidget(self.code_edit, 1)
        top.addStretch(1)
        top.addWidget(self.count_label)

        self._build_table()
        self.empty_state = self._build_empty_state()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.code_message)
        layout.addWidget(self.stack, 1)

        self.model.sig_count_changed.connect(self._show_count)
        self.model.sig_loading_changed.connect(self._show_loading)
        self.model.sig_page_loaded.connect(self._page_loaded)
        self.model.modelReset.connect(self._restore_selection)
        context.sig_prospects_changed.connect(self._on_prospects_changed)
        context.sig_settings_changed.connect(self._on_prospects_changed)
        self._load_owners()
        self._restore_query()

    # -- construction --------------------------------------------------------------------

    def _build_table(self) -> None:
        self.table = make_list_table(self, self.model)
        self.table.setObjectName("CustomerTable")
        self.table.setItemDelegateForColumn(
            self.model.column_index("engagement"), EngagementDelegate(self.table)
        )
        header = self.table.horizontalHeader()
        widths = {"name": 165, "company": 145, "owner": 105, "code": 100, "engagement": 105}
        widths.update({"score": 105, "last_purchase": 100, "next_purchase": 100})
        widths.update({"purchases": 75, "total": 100, "referrals": 85})
        for index, column in enumerate(COLUMNS):
            header.resizeSection(index, widths.get(column.key, 120))
        saved = ui_state.CUSTOMERS_HEADER.get()
        if not saved.isEmpty():
            header.restoreState(saved)
        header.sortIndicatorChanged.connect(self._sort_changed)
        header.sectionResized.connect(self._save_header)
        header.sectionMoved.connect(self._save_header)
        # Enter and a double click both activate a row (a double click also emits
        # doubleClicked; listening to both would open the card twice).
        self.table.activated.connect(self._row_activated)
        self.table.selectionModel().currentRowChanged.connect(self._remember_current)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        open_action = QAction(icon("open"), self.tr("Open"), self.table)
        open_action.triggered.connect(self.open_selected)
        self.table.addAction(open_action)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.code_edit, self._code_to_table)

    def _build_empty_state(self) -> QWidget:
        """What the screen says before anyone has bought: how a prospect becomes a customer."""
        page = QWidget(self)
        box = QVBoxLayout(page)
        box.addStretch(1)
        self.empty_title = QLabel(self.tr("No customers yet"), page)
        font = QFont(self.empty_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.empty_title.setFont(font)
        self.empty_text = QLabel(
            self.tr(
                "A prospect becomes a customer when you win them in Payment: open the "
                "prospect and click “Mark won”, or drag their card to Won on the Pipeline. "
                "Their first purchase is recorded and they get a referral code to pass on; "
                "further purchases, survey answers and referrals are kept on their card."
            ),
            page,
        )
        self.empty_text.setWordWrap(True)
        # At most a comfortable line length; narrower when the card panel takes the room.
        self.empty_text.setMaximumWidth(520)
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.empty_title, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()  # centred, and as wide as the room allows up to its maximum
        row.addStretch(1)
        row.addWidget(self.empty_text, 100)
        row.addStretch(1)
        box.addLayout(row)
        self.empty_button = QPushButton(icon("board"), self.tr("Show the pipeline"), page)
        self.empty_button.clicked.connect(self.sig_show_pipeline)
        box.addSpacing(12)
        box.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        return page

    # -- public API ----------------------------------------------------------------------

    @Slot()
    def focus_search(self) -> None:
        """Ctrl+F: the referral-code box (the customer list has no text search)."""
        self.code_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.code_edit.selectAll()

    def on_screen_shown(self) -> None:
        """The window switched to this screen: catch up on changes made while hidden."""
        if self._stale:
            self._stale = False
            self.model.reload(keep_loaded=True)
            self._load_owners()

    def selected_prospect_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.prospect_id(index.row()) if index.isValid() else None

    def is_empty_state_shown(self) -> bool:
        return self.stack.currentWidget() is self.empty_state

    @Slot()
    def open_selected(self) -> None:
        prospect_id = self.selected_prospect_id()
        if prospect_id is not None:
            self.sig_open_prospect.emit(prospect_id)

    @Slot()
    def find_code(self) -> bool:
        """Open the customer whose referral code is typed; say why when there is none."""
        typed = self.code_edit.text().strip()
        if not typed:
            return False
        try:
            holder = self.context.desk.customers.find_code(typed)  # one indexed read
        except UserError as exc:
            self.code_message.setText(str(exc))
            self.code_message.show()
            return False
        self.code_message.hide()
        row = self.model.row_of(holder.prospect_id)
        if row is not None:
            self.table.selectRow(row)
        self.sig_open_prospect.emit(holder.prospect_id)
        return True

    @Slot()
    def _code_to_table(self) -> None:
        """Down in the code box goes to the list, first row selected."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)

    # -- query ---------------------------------------------------------------------------

    def current_query(self) -> CustomerQuery:
        query = self.model.query
        return CustomerQuery(
            owner=self.owner_combo.currentData() or None,
            sort=query.sort,
            descending=query.descending,
        )

    def _restore_query(self) -> None:
        remembered = state.remembered_query()
        owner = remembered.owner
        if owner and self.owner_combo.findData(owner) < 0:
            self.owner_combo.addItem(owner, owner)
        self.owner_combo.blockSignals(True)
        self.owner_combo.setCurrentIndex(max(self.owner_combo.findData(owner), 0))
        self.owner_combo.blockSignals(False)
        self.model.set_query(remembered)
        self._show_sort_indicator()

    @Slot()
    def _apply_query(self) -> None:
        query = self.current_query()
        self.model.set_query(query)
        state.remember_query(query)

    @Slot(int, Qt.SortOrder)
    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        if 0 <= column < len(COLUMNS) and COLUMNS[column].sort is not None:
            self.model.sort(column, order)
            state.remember_query(self.model.query)
        self._show_sort_indicator()  # a column SQL cannot sort keeps showing the real order

    def _show_sort_indicator(self) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        order = (
            Qt.SortOrder.DescendingOrder
            if self.model.query.descending
            else Qt.SortOrder.AscendingOrder
        )
        header.setSortIndicator(self.model.sort_column(), order)
        header.blockSignals(False)

    def _load_owners(self) -> None:
        self.context.run(self.context.desk.lists.owners, guarded(self, self._owners_loaded))

    def _owners_loaded(self, names: list[str]) -> None:
        fill_owner_combo(self.owner_combo, names, self.tr("All owners"))

    # -- state ---------------------------------------------------------------------------

    @Slot(int)
    def _show_count(self, count: int) -> None:
        owner = self.model.query.owner
        if count == 0:
            self.count_label.setText(
                self.tr("No customers of %s") % owner if owner else self.tr("No customers")
            )
        else:
            noun = self.tr("customer") if count == 1 else self.tr("customers")
            self.count_label.setText(f"{count:,} {noun}")
        # The explanation is for a database without customers, not for an owner who has none.
        self.stack.setCurrentWidget(
            self.empty_state if count == 0 and owner is None else self.table
        )

    @Slot(bool)
    def _show_loading(self, loading: bool) -> None:
        if loading and self.model.total_count is None:
            self.count_label.setText(self.tr("Loading…"))

    @Slot(int)
    def _page_loaded(self, _rows: int) -> None:
        self.loaded = True
        self.sig_loaded.emit()

    def _on_prospects_changed(self, _ids: list[int] | None = None) -> None:
        """A win, a purchase or an edit anywhere: re-query, keeping the rows shown (the
        customer list's figures span tables, so a changed row cannot be read alone)."""
        if self.isVisible():
            self.model.reload(keep_loaded=True)
            self._load_owners()
        else:
            self._stale = True

    def _remember_current(self) -> None:
        self._selected_id = self.selected_prospect_id()

    def _restore_selection(self) -> None:
        if self._selected_id is None:
            return
        row = self.model.row_of(self._selected_id)
        if row is not None:
            self.table.selectRow(row)

    def _row_activated(self, index: QModelIndex) -> None:
        prospect_id = self.model.prospect_id(index.row())
        if prospect_id is not None:
            self.sig_open_prospect.emit(prospect_id)

    @Slot()
    def _save_header(self) -> None:
        ui_state.CUSTOMERS_HEADER.set(QByteArray(self.table.horizontalHeader().saveState()))
