"""The card's Customer section: what keeping a won prospect takes, at a glance.

Referral code (with a copy button), engagement score, the purchases with the cadence they
give (when the next purchase is expected and when the reminder comes), the latest survey
answer, and the referrals the customer made with their rewards. The section only shows
and reports: the card reads the details from the customer services
(:meth:`~onboard_desk.services.customers.CustomerService.details`, indexed lookups for one
customer, cheap enough for the GUI thread like the card's other reads), turns the buttons
into undoable commands (:mod:`.actions`) and redraws the section afterwards. The engagement
score sums a customer's recent activity in SQL, which can take longer than a frame in a
large database, so the card fetches it on the thread pool and the bar fills in when it
arrives. What the section says is worded in :mod:`.text`.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.domain.referral_codes import display_code
from onboard_desk.retention.terms import SOURCE_WIN
from onboard_desk.services.customers import CustomerDetails, PurchaseInfo
from onboard_desk.ui.card.customer import text
from onboard_desk.ui.common.status_colors import muted_color, status_color, text_style

#: Rows a purchase or referral list shows before it scrolls.
VISIBLE_ROWS = 5

PurchaseIdRole = Qt.ItemDataRole.UserRole + 1
ProspectIdRole = Qt.ItemDataRole.UserRole + 2


class CustomerSection(QWidget):
    """The Customer group of the card (shown for prospects in stage Won)."""

    #: "Record purchase…" was clicked.
    sig_record_purchase = Signal()
    #: "Record survey…" was clicked.
    sig_record_survey = Signal()
    #: The user asked to delete the purchase with this id.
    sig_delete_purchase = Signal(int)
    #: The user asked to open another prospect (a referral, the referrer).
    sig_open_prospect = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details: CustomerDetails | None = None
        #: Whose engagement the bar shows (None: nobody's yet).
        self.engagement_of: int | None = None

        self.code_label = QLabel(self)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.code_label.font()
        font.setFamily("monospace")
        font.setBold(True)
        self.code_label.setFont(font)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setToolTip(self.tr("Copy the referral code to the clipboard"))
        self.copy_button.clicked.connect(self.copy_code)
        # "Copied" for a moment; a child timer goes with the section, never firing late.
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(1500)
        self._copied_timer.timeout.connect(lambda: self.copy_button.setText(self.tr("Copy")))
        code_row = QHBoxLayout()
        code_row.setContentsMargins(0, 0, 0, 0)
        code_row.addWidget(self.code_label)
        code_row.addWidget(self.copy_button)
        code_row.addStretch(1)

        self.engagement_bar = QProgressBar(self)
        self.engagement_bar.setRange(0, 100)
        self.engagement_bar.setFormat(self.tr("%v / 100"))
        self.engagement_bar.setMaximumWidth(180)
        self.engagement_bar.setToolTip(
            self.tr(
                "From the last 90 days as a customer: purchases, survey answers, calls, "
                "emails and meetings, recent ones counting most"
            )
        )
        self.cadence_label = QLabel(self)
        self.cadence_label.setWordWrap(True)
        self.cadence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.purchases_title = QLabel(self)
        self.purchase_button = QPushButton(self.tr("Record purchase…"), self)
        self.purchase_button.clicked.connect(self.sig_record_purchase)
        purchases_row = QHBoxLayout()
        purchases_row.setContentsMargins(0, 0, 0, 0)
        purchases_row.addWidget(self.purchases_title, 1)
        purchases_row.addWidget(self.purchase_button)
        self.purchase_list = QTreeWidget(self)
        self.purchase_list.setColumnCount(3)
        self.purchase_list.setHeaderLabels([self.tr("Date"), self.tr("Amount"), self.tr("Note")])
        self.purchase_list.setRootIsDecorated(False)
        self.purchase_list.setUniformRowHeights(True)
        self.purchase_list.setAlternatingRowColors(True)
        self.purchase_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.purchase_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.purchase_list.customContextMenuRequested.connect(self._purchase_menu)
        header = self.purchase_list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.purchase_list,
            self.delete_selected_purchase,
            Qt.ShortcutContext.WidgetShortcut,
        )

        self.survey_label = QLabel(self)
        self.survey_label.setWordWrap(True)
        self.survey_button = QPushButton(self.tr("Record survey…"), self)
        self.survey_button.clicked.connect(self.sig_record_survey)
        survey_row = QHBoxLayout()
        survey_row.setContentsMargins(0, 0, 0, 0)
        survey_row.addWidget(self.survey_label, 1)
        survey_row.addWidget(self.survey_button, 0, Qt.AlignmentFlag.AlignTop)

        self.referred_by_label = QLabel(self)
        self.referred_by_label.setWordWrap(True)
        self.referred_by_label.linkActivated.connect(self._link_clicked)
        self.referrals_label = QLabel(self)
        self.referrals_label.setWordWrap(True)
        self.referral_list = QTreeWidget(self)
        self.referral_list.setColumnCount(3)
        self.referral_list.setHeaderLabels(
            [self.tr("Referred"), self.tr("Stage"), self.tr("Credit")]
        )
        self.referral_list.setRootIsDecorated(False)
        self.referral_list.setUniformRowHeights(True)
        self.referral_list.setToolTip(self.tr("Double-click to open"))
        self.referral_list.itemActivated.connect(self._referral_activated)
        ref_header = self.referral_list.header()
        ref_header.setStretchLastSection(True)
        ref_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        ref_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        ref_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        ref_header.setStretchLastSection(False)

        # One grid, so the labels of the rows above and below the purchase list line up.
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.referred_by_row = QLabel(self.tr("Referred by"), self)
        rows: list[tuple[QLabel | str | None, QWidget | QHBoxLayout]] = [
            (self.tr("Referral code"), code_row),
            (self.tr("Engagement"), self.engagement_bar),
            (self.tr("Cadence"), self.cadence_label),
            (None, purchases_row),
            (None, self.purchase_list),
            (self.tr("Survey"), survey_row),
            (self.referred_by_row, self.referred_by_label),
            (self.tr("Referrals"), self.referrals_label),
            (None, self.referral_list),
        ]
        for number, (label, field) in enumerate(rows):
            if label is None:
                span = (number, 0, 1, 2)
            else:
                title = label if isinstance(label, QLabel) else QLabel(label, self)
                # A label beside text that may wrap sits on its first line.
                wraps = isinstance(field, QLabel) and field.wordWrap()
                vertical = Qt.AlignmentFlag.AlignTop if wraps else Qt.AlignmentFlag.AlignVCenter
                title.setAlignment(Qt.AlignmentFlag.AlignLeft | vertical)
                grid.addWidget(title, number, 0)
                span = (number, 1, 1, 1)
            if isinstance(field, QHBoxLayout):
                grid.addLayout(field, *span)
            else:
                grid.addWidget(field, *span)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)

    # -- showing -------------------------------------------------------------------------

    def set_details(self, details: CustomerDetails) -> None:
        self.details = details
        self._show_code(details.code)
        if self.engagement_of != details.prospect_id:
            self.set_engagement(details.prospect_id, None)  # another customer: not known yet
        self.cadence_label.setText(text.cadence_text(details))
        kind = text.cadence_kind(details)
        self.cadence_label.setStyleSheet(text_style(kind) if kind else "")
        self._show_purchases(details.purchases)
        self._show_survey(details)
        self._show_referrals(details)

    def set_engagement(self, prospect_id: int, score: int | None) -> None:
        """Show ``prospect_id``'s engagement score (None: being computed)."""
        self.engagement_of = prospect_id if score is not None else None
        self.engagement_bar.setValue(score or 0)
        self.engagement_bar.setFormat(self.tr("%v / 100") if score is not None else "…")

    def _show_code(self, code: str | None) -> None:
        self.code_label.setText(display_code(code) if code else self.tr("none yet"))
        self.copy_button.setEnabled(bool(code))
        self.copy_button.setText(self.tr("Copy"))

    def _show_purchases(self, bought: list[PurchaseInfo]) -> None:
        self.purchases_title.setText(text.purchases_title(bought))
        self.purchase_list.clear()
        for purchase in bought:
            cells, tip = text.purchase_cells(purchase)
            item = QTreeWidgetItem(cells)
            item.setData(0, PurchaseIdRole, purchase.id)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if purchase.source == SOURCE_WIN:
                item.setForeground(2, muted_color())
            item.setToolTip(2, tip)
            self.purchase_list.addTopLevelItem(item)
        _fit_rows(self.purchase_list, len(bought))

    def _show_survey(self, details: CustomerDetails) -> None:
        latest = details.latest_survey
        self.survey_label.setText(text.survey_text(details))
        if latest is None:
            self.survey_label.setStyleSheet("")
            self.survey_label.setToolTip("")
            return
        self.survey_label.setToolTip(latest.comment)

    def _show_referrals(self, details: CustomerDetails) -> None:
        came = details.referred_by
        self.referred_by_row.setVisible(came is not None)
        self.referred_by_label.setVisible(came is not None)
        if came is not None:
            self.referred_by_label.setText(text.referred_by_text(details))
        self.referrals_label.setText(text.referrals_summary(details))
        self.referral_list.clear()
        for referred in details.referrals:
            cells, tip = text.referral_cells(referred)
            item = QTreeWidgetItem(cells)
            item.setData(0, ProspectIdRole, referred.referral.referred_id)
            item.setToolTip(0, tip)
            if text.is_won(referred):
                item.setForeground(1, status_color("success"))
            self.referral_list.addTopLevelItem(item)
        _fit_rows(self.referral_list, len(details.referrals))

    # -- actions -------------------------------------------------------------------------

    @Slot()
    def copy_code(self) -> str:
        """Put the code (as printed, ABCD-EFGH) on the clipboard; returns what was copied."""
        if self.details is None or not self.details.code:
            return ""
        shown = display_code(self.details.code)
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(shown)
        self.copy_button.setText(self.tr("Copied"))
        self._copied_timer.start()
        return shown

    def selected_purchase_id(self) -> int | None:
        item = self.purchase_list.currentItem()
        if item is None:
            return None
        value = item.data(0, PurchaseIdRole)
        return int(value) if value is not None else None

    @Slot()
    def delete_selected_purchase(self) -> None:
        purchase_id = self.selected_purchase_id()
        if purchase_id is not None:
            self.sig_delete_purchase.emit(purchase_id)

    @Slot(QPoint)
    def _purchase_menu(self, position: QPoint) -> None:
        item = self.purchase_list.itemAt(position)
        if item is None:
            return
        self.purchase_list.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction(self.tr("Delete purchase"), self.delete_selected_purchase)
        menu.exec(self.purchase_list.viewport().mapToGlobal(position))

    def _referral_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(0, ProspectIdRole)
        if value is not None:
            self.sig_open_prospect.emit(int(value))

    def _link_clicked(self, link: str) -> None:
        if link.startswith("prospect:"):
            self.sig_open_prospect.emit(int(link.removeprefix("prospect:")))


def _fit_rows(tree: QTreeWidget, count: int) -> None:
    """Make a short list exactly as tall as its rows (up to :data:`VISIBLE_ROWS`, then it
    scrolls), hidden when empty: the card has no room for blank list space."""
    tree.setVisible(count > 0)
    if not count:
        return
    rows = min(count, VISIBLE_ROWS)
    line = tree.sizeHintForRow(0)
    header = tree.header().sizeHint().height()
    tree.setFixedHeight(header + rows * line + 2 * tree.frameWidth())
