"""Send one template to many prospects: review the list, then send with pauses.

The list is rendered off the GUI thread (it may hold thousands of prospects) and shown in
a table model; do-not-contact prospects and those without an address are listed as
skipped. Sending runs on the thread pool over one SMTP connection; each row's result
arrives by signal, and Stop halts the run between two messages.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.services.outreach import BulkItem, MailRoute, SendResult
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import Kind, status_color
from onboard_desk.ui.outreach.common import ProblemLabel, fill_template_combo

_ROOT = QModelIndex()
COLUMNS = ("Prospect", "Address", "Subject", "Result")
STATUS_KINDS: dict[str, Kind] = {
    "sent": "success",
    "failed": "error",
    "not sent": "error",
    "skipped": "warning",
}


class RecipientModel(QAbstractTableModel):
    """The reviewed recipients and, once sending, each one's result."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[BulkItem] = []
        self.results: dict[int, SendResult] = {}

    def set_items(self, items: Sequence[BulkItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.results = {}
        self.endResetModel()

    def set_result(self, result: SendResult) -> None:
        for row, item in enumerate(self.items):
            if item.prospect_id == result.prospect_id:
                self.results[row] = result
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def status(self, row: int) -> tuple[str, str]:
        result = self.results.get(row)
        if result is not None:
            return result.status, result.message
        item = self.items[row]
        if item.draft is None:
            return "skipped", item.skip_reason
        return "to send", ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return item.name
            if column == 1:
                return item.address
            if column == 2:
                return item.draft.subject if item.draft else ""
            status, message = self.status(index.row())
            return f"{status}: {message}" if message else status
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            kind = STATUS_KINDS.get(self.status(index.row())[0])
            return status_color(kind) if kind else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return self.status(index.row())[1] or None
        return None

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for row in range(len(self.items)):
            status = self.status(row)[0]
            totals[status] = totals.get(status, 0) + 1
        return totals


class _Relay(QObject):
    """Carries per-recipient results from the worker thread to the GUI thread."""

    sig_result = Signal(object)


class BulkSendDialog(QDialog):
    """Review and send one template to many prospects."""

    sig_finished = Signal(list)

    def __init__(
        self, context: AppContext, prospect_ids: Sequence[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.prospect_ids = list(dict.fromkeys(prospect_ids))
        self.setWindowTitle(self.tr("Send to %n prospect(s)", "", len(self.prospect_ids)))
        self.resize(1000, 640)
        self._cancel = threading.Event()
        self._sending = False
        self._planning = False
        self._replan = False
        self._close_when_done = False
        self._relay = _Relay(self)
        self._relay.sig_result.connect(self._result_arrived)
        outreach = context.desk.outreach
        self.settings = outreach.mail_settings()
        #: Templates with the most common stage among the recipients offered first.
        self._templates = outreach.offered_templates(self.prospect_ids)
        self._build()
        fill_template_combo(self.template_combo, self._templates)
        self.plan()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.template_combo = QComboBox()
        self.template_combo.currentIndexChanged.connect(self.plan)
        form.addRow(self.tr("Template:"), self.template_combo)
        self.custom_edit = QLineEdit()
        self.custom_edit.setPlaceholderText(
            self.tr("Used where the template says {{ custom_text }}")
        )
        self.custom_edit.editingFinished.connect(self.plan)
        form.addRow(self.tr("Personal line:"), self.custom_edit)
        self.pause_spin = QDoubleSpinBox()
        self.pause_spin.setRange(0, 600)
        self.pause_spin.setSuffix(self.tr(" s between messages"))
        self.pause_spin.setValue(self.settings.bulk_pause_seconds)
        form.addRow(self.tr("Pause:"), self.pause_spin)
        self.next_action_check = QCheckBox(
            self.tr("Set each prospect's next action for their stage")
        )
        self.next_action_check.setToolTip(
            self.tr("A next action someone set in the last few minutes is kept")
        )
        self.next_action_check.setChecked(True)
        form.addRow("", self.next_action_check)
        layout.addLayout(form)

        self.model = RecipientModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 230)
        self.table.setColumnWidth(2, 330)
        layout.addWidget(self.table, 1)

        self.summary_label = QLabel()
        layout.addWidget(self.summary_label)
        self.problems = ProblemLabel()
        layout.addWidget(self.problems)
        if self.settings.route is not MailRoute.SMTP:
            self.problems.show_problems(
                [
                    self.tr(
                        "Sending to many prospects needs the SMTP route. Choose 'Send "
                        "directly (SMTP)' in Mail settings; until then you can review the list."
                    )
                ]
            )
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.send_button, self.stop_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    # --- review --------------------------------------------------------------------------

    def select_template(self, name: str) -> None:
        for index, template in enumerate(self._templates):
            if template.name == name:
                self.template_combo.setCurrentIndex(index)
                return
        raise LookupError(name)

    @Slot()
    def plan(self, *_args: Any) -> None:
        """Render the chosen template for every recipient, off the GUI thread."""
        if self._sending:
            return
        if self._planning:
            self._replan = True
            return
        index = self.template_combo.currentIndex()
        if not 0 <= index < len(self._templates):
            return
        template = self._templates[index].text
        custom = self.custom_edit.text()
        ids = self.prospect_ids
        outreach = self.context.desk.outreach
        self._planning = True
        self.send_button.setEnabled(False)
        self.summary_label.setText(self.tr("Preparing the list…"))

        def work() -> list[BulkItem]:
            return outreach.plan_bulk(ids, template, custom_text=custom)

        self.context.run(work, self._planned, self._plan_failed)

    def _planned(self, items: list[BulkItem]) -> None:
        self._planning = False
        if self._replan:
            self._replan = False
            self.plan()
            return
        self.model.set_items(items)
        self._update_summary()
        self.send_button.setEnabled(
            self.settings.route is MailRoute.SMTP and any(i.draft for i in items)
        )

    def _plan_failed(self, message: str) -> None:
        self._planning = False
        self.problems.show_problems([message])

    def _update_summary(self) -> None:
        counts = self.model.counts()
        parts = [f"{count} {status}" for status, count in sorted(counts.items())]
        self.summary_label.setText(", ".join(parts))

    # --- sending -------------------------------------------------------------------------

    @Slot()
    def send(self) -> None:
        items = list(self.model.items)
        sendable = [i for i in items if i.draft is not None]
        if not sendable or self._sending:
            return
        self._sending = True
        self._cancel.clear()
        self.send_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.template_combo.setEnabled(False)
        self.progress.setRange(0, len(items))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        outreach, settings = self.context.desk.outreach, self.settings
        cancel, relay = self._cancel, self._relay
        pause = self.pause_spin.value()
        propose = self.next_action_check.isChecked()

        def work() -> list[SendResult]:
            return outreach.run_bulk(
                items,
                settings,
                pause_seconds=pause,
                propose_next=propose,
                cancel=cancel,
                on_result=relay.sig_result.emit,
            )

        self.context.run(work, self._done, self._failed)

    @Slot(object)
    def _result_arrived(self, result: SendResult) -> None:
        self.model.set_result(result)
        self.progress.setValue(self.progress.value() + 1)
        self._update_summary()

    @Slot()
    def stop(self) -> None:
        self._cancel.set()
        self.stop_button.setEnabled(False)
        self.summary_label.setText(self.tr("Stopping after the current message…"))

    def _done(self, results: list[SendResult]) -> None:
        self._sending = False
        self.stop_button.setEnabled(False)
        self.template_combo.setEnabled(True)
        self._update_summary()
        sent = [r.prospect_id for r in results if r.status == "sent"]
        if sent:
            self.context.prospects_changed(sent)
        self.sig_finished.emit(results)
        if self._close_when_done:
            super().reject()

    def _failed(self, message: str) -> None:
        self._sending = False
        self.stop_button.setEnabled(False)
        self.problems.show_problems([message])

    def reject(self) -> None:
        if self._sending:
            answer = QMessageBox.question(
                self, self.windowTitle(), self.tr("Stop sending and close?")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._cancel.set()
            self._close_when_done = True
            self.summary_label.setText(self.tr("Stopping after the current message…"))
            return
        super().reject()
