"""The Prospects screen's two rows of controls: the search box and the saved views above,
the stage, owner, channel and attention filters and the count below.

The bar only holds choices and says when they changed (``sig_changed``); the screen turns
them into a query. Typing waits for a short pause before the bar says so, so a fast typist
triggers one query rather than one per key, and showing a filter (a saved view, the last
one, "Clear") sets every control without a query per control.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.pipeline import CHANNEL_LABELS, WORKING_STAGES, Flag, Stage
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.ui.common.list_widgets import fill_owner_combo
from onboard_desk.ui.prospects.state import OPEN_STAGES, FilterChoices

#: Milliseconds of typing pause before the search runs.
SEARCH_DELAY_MS = 250


class FilterBar(QWidget):
    """The search box, the filters, the saved views and the count, as plain choices."""

    #: The user changed what the list should show (after a typing pause for the search).
    sig_changed = Signal()
    #: The user picked a saved view in the list ("" for "All prospects").
    sig_view_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._showing = False
        self._import_batch_id: int | None = None
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._changed)
        self._build_filters()
        self._build_rows()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self.search_row)
        layout.addLayout(self.filter_row)

    def _build_filters(self) -> None:
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(
            self.tr("Search names, companies, email addresses and notes…")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self.search_now)

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
        for combo in self.combos():
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._changed)

        self.count_label = QLabel(self)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _build_rows(self) -> None:
        self.filter_row = QHBoxLayout()
        for label, combo in zip(
            (self.tr("Stage"), self.tr("Owner"), self.tr("Channel"), self.tr("Attention")),
            self.combos(),
            strict=True,
        ):
            combo.setToolTip(label)
            combo.setAccessibleName(label)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            self.filter_row.addWidget(combo, 1)

        self.view_combo = QComboBox(self)
        self.view_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.view_combo.setMinimumContentsLength(8)
        self.view_combo.setToolTip(self.tr("Saved views: a named filter, sort and columns"))
        self.view_combo.activated.connect(self._view_activated)
        self.save_view_button = QPushButton(self.tr("Save…"), self)
        self.save_view_button.setToolTip(
            self.tr("Save the search, filters, sort and columns as a view")
        )
        self.delete_view_button = QPushButton(self.tr("Delete"), self)
        self.delete_view_button.setToolTip(self.tr("Delete this saved view"))
        self.reset_button = QPushButton(self.tr("Clear"), self)
        self.reset_button.setToolTip(self.tr("Clear the search and every filter"))
        self.search_row = QHBoxLayout()
        self.search_row.addWidget(self.search_edit, 2)
        self.search_row.addSpacing(8)
        self.search_row.addWidget(QLabel(self.tr("View:"), self))
        self.search_row.addWidget(self.view_combo, 1)
        for button in (self.save_view_button, self.delete_view_button, self.reset_button):
            self.search_row.addWidget(button)
        self.batch_label = QLabel(self)
        self.batch_label.hide()
        self.filter_row.addWidget(self.batch_label)
        self.filter_row.addStretch(0)
        self.filter_row.addWidget(self.count_label)

    def combos(self) -> tuple[QComboBox, ...]:
        """The stage, owner, channel and attention filters, in that order."""
        return (self.stage_combo, self.owner_combo, self.channel_combo, self.flag_combo)

    # -- the choices ---------------------------------------------------------------------

    def choices(self) -> FilterChoices:
        """What the controls ask for now."""
        return FilterChoices(
            stage=self.stage_combo.currentData() or None,
            owner=self.owner_combo.currentData() or None,
            channel=self.channel_combo.currentData() or None,
            flag=self.flag_combo.currentData() or None,
            search=self.search_edit.text().strip(),
            import_batch_id=self._import_batch_id,
        )

    def show_filter(self, flt: ProspectFilter) -> None:
        """Put a filter into the controls without saying so once per control."""
        choices = FilterChoices.of(flt)
        self._showing = True
        try:
            self._import_batch_id = choices.import_batch_id
            self.batch_label.setVisible(choices.import_batch_id is not None)
            if choices.import_batch_id is not None:
                self.batch_label.setText(
                    self.tr("Only import %1").replace("%1", str(choices.import_batch_id))
                )
            values = (choices.stage, choices.owner, choices.channel, choices.flag)
            for combo, value in zip(self.combos(), values, strict=True):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            self.search_edit.blockSignals(True)
            self.search_edit.setText(choices.search)
            self.search_edit.blockSignals(False)
        finally:
            self._showing = False

    @Slot()
    def search_now(self) -> None:
        """Run the search without waiting for a pause (Enter, or leaving the box)."""
        self._search_timer.stop()
        self._changed()

    @Slot()
    def _changed(self) -> None:
        if not self._showing:
            self.sig_changed.emit()

    # -- owners and saved views ----------------------------------------------------------

    def fill_owners(self, names: list[str]) -> None:
        fill_owner_combo(self.owner_combo, names, self.tr("All owners"))

    def offer_owner(self, owner: str | None) -> None:
        """Make ``owner`` choosable even if nobody owns anything under that name now (a
        saved view or the last filter may name someone who left)."""
        if owner and self.owner_combo.findData(owner) < 0:
            self.owner_combo.addItem(owner, owner)

    def fill_views(self, names: list[str], select: str | None = None) -> None:
        """List the saved views, choosing ``select`` (else keeping the one chosen now)."""
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

    def current_view(self) -> str:
        """The saved view chosen in the list ("" for "All prospects")."""
        return str(self.view_combo.currentData() or "")

    def select_view(self, name: str) -> None:
        """Show ``name`` as the chosen view ("" or an unknown name: "All prospects")."""
        index = self.view_combo.findData(name) if name else 0
        self.view_combo.setCurrentIndex(max(index, 0))
        self.delete_view_button.setEnabled(index > 0)

    @Slot(int)
    def _view_activated(self, index: int) -> None:
        name = self.view_combo.itemData(index)
        self.delete_view_button.setEnabled(bool(name))
        self.sig_view_chosen.emit(str(name or ""))

    # -- what the list shows -------------------------------------------------------------

    def show_count(self, count: int) -> None:
        if count == 0:
            self.count_label.setText(self.tr("No prospects match"))
            return
        noun = self.tr("prospect") if count == 1 else self.tr("prospects")
        self.count_label.setText(f"{count:,} {noun}")

    def show_searching(self) -> None:
        self.count_label.setText(self.tr("Searching…"))
