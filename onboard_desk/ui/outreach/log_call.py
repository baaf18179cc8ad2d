"""Log a call (outcome, duration, notes) and schedule the next one, in one dialog.

The phone number is a ``tel:`` link, so a click dials it with the desktop's phone app.
Logging goes through the undo stack: Ctrl+Z removes the call and restores the next action.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal, Slot
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.domain.timeutil import as_utc, format_local, utcnow
from onboard_desk.errors import UserError
from onboard_desk.services.outreach import CallLogResult
from onboard_desk.ui.common import commands
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.outreach.common import ProblemLabel, open_url

OUTCOME_LABELS = {
    "reached": "Reached",
    "voicemail": "Voicemail",
    "no answer": "No answer",
    "wrong number": "Wrong number",
}


class LogCallCommand(QUndoCommand):
    """Log a call (and the next one); undo puts everything back as it was."""

    def __init__(self, context: AppContext, prospect_id: int, **fields: Any) -> None:
        super().__init__(f"Log call ({fields.get('outcome', '')})")
        self.context = context
        self.prospect_id = prospect_id
        self.fields = fields
        self.result: CallLogResult | None = None

    def redo(self) -> None:
        self.result = self.context.desk.outreach.log_call(self.prospect_id, **self.fields)
        self.context.prospects_changed([self.prospect_id])

    def undo(self) -> None:
        if self.result is None:
            return
        self.context.desk.outreach.undo_call(self.result)
        self.result = None
        self.context.prospects_changed([self.prospect_id])


class LogCallDialog(QDialog):
    """The call-logging dialog for one prospect."""

    sig_logged = Signal(int)

    def __init__(self, context: AppContext, prospect_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.prospect_id = prospect_id
        self.setWindowTitle(self.tr("Log call"))
        start = context.desk.outreach.call_start(prospect_id)
        self._name = start.name
        self._tel = start.tel
        self._phone = start.phone
        self._stage = start.stage
        self._planned_id = start.planned_id
        self._planned_due = start.planned_due
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{self._name}</b> · {self._stage.label}")
        layout.addWidget(title)
        self.phone_label = QLabel()
        if self._tel:
            self.phone_label.setText(f'<a href="{self._tel}">{self._phone}</a>')
            self.phone_label.setToolTip(self.tr("Call with your phone app"))
            self.phone_label.linkActivated.connect(open_url)
        else:
            self.phone_label.setText(self.tr("No phone number"))
        self.phone_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout.addWidget(self.phone_label)

        form = QFormLayout()
        outcomes = QHBoxLayout()
        self.outcome_group = QButtonGroup(self)
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for index, (value, label) in enumerate(OUTCOME_LABELS.items()):
            button = QRadioButton(self.tr(label))
            self.outcome_group.addButton(button, index)
            self.outcome_buttons[value] = button
            outcomes.addWidget(button)
        self.outcome_buttons["reached"].setChecked(True)
        form.addRow(self.tr("Outcome:"), outcomes)

        duration = QHBoxLayout()
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setSuffix(self.tr(" min"))
        self.seconds = QSpinBox()
        self.seconds.setRange(0, 59)
        self.seconds.setSuffix(self.tr(" s"))
        duration.addWidget(self.minutes)
        duration.addWidget(self.seconds)
        duration.addStretch(1)
        form.addRow(self.tr("Duration:"), duration)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("What was said, what they need, who decides…"))
        form.addRow(self.tr("Notes:"), self.notes)
        layout.addLayout(form)

        self.planned_check = QCheckBox()
        if self._planned_id is not None:
            self.planned_check.setText(
                self.tr("This is the call planned for ") + format_local(self._planned_due)
            )
            self.planned_check.setChecked(True)
        else:
            self.planned_check.setVisible(False)
        layout.addWidget(self.planned_check)

        self.next_group = QGroupBox(self.tr("Schedule the next call"))
        self.next_group.setCheckable(True)
        self.next_group.setChecked(False)
        next_form = QFormLayout(self.next_group)
        self.next_when = QDateTimeEdit()
        self.next_when.setCalendarPopup(True)
        self.next_when.setDisplayFormat("yyyy-MM-dd HH:mm")
        tomorrow = (datetime.now() + timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        self.next_when.setDateTime(QDateTime.fromSecsSinceEpoch(int(tomorrow.timestamp())))
        next_form.addRow(self.tr("When:"), self.next_when)
        self.next_note = QLineEdit()
        self.next_note.setPlaceholderText(self.tr("What the call is for"))
        next_form.addRow(self.tr("About:"), self.next_note)
        layout.addWidget(self.next_group)

        self.problems = ProblemLabel()
        layout.addWidget(self.problems)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Log call"))
        layout.addWidget(buttons)

    def outcome(self) -> str:
        for value, button in self.outcome_buttons.items():
            if button.isChecked():
                return value
        return "reached"

    @Slot()
    def save(self) -> None:
        duration = self.minutes.value() * 60 + self.seconds.value()
        next_at = None
        if self.next_group.isChecked():
            next_at = as_utc(self.next_when.dateTime().toPython())  # type: ignore[arg-type]
            if next_at <= utcnow():
                self.problems.show_problems([self.tr("The next call must be in the future.")])
                return
        command = LogCallCommand(
            self.context,
            self.prospect_id,
            outcome=self.outcome(),
            duration_seconds=duration or None,
            notes=self.notes.toPlainText(),
            planned_call_id=self._planned_id if self.planned_check.isChecked() else None,
            next_call_at=next_at,
            next_call_note=self.next_note.text(),
        )
        try:
            commands.push(self.context, command)
        except UserError as exc:
            self.problems.show_problems([str(exc)])
            return
        assert command.result is not None
        self.sig_logged.emit(command.result.activity_id)
        self.accept()
