""" "Done" on a next action: what happened, and what comes next.

Opened by one click on the Today screen. It proposes the activity kind from the action's
wording and the next action the service proposes after a contact (the stage's next action,
or a customer's repeat-purchase nudge:
:meth:`~onboard_desk.services.prospects.ProspectService.proposal_after_contact`), so Enter is
usually all it takes. Its answer is the service's :class:`~onboard_desk.services.prospects.Done`.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.domain.agenda import guess_activity_kind
from onboard_desk.domain.timeutil import as_utc
from onboard_desk.pipeline import NextActionProposal
from onboard_desk.services.prospects import ACTIVITY_KINDS, CALL_OUTCOMES, Done


class DoneDialog(QDialog):
    """Confirm a done next action and plan the following one."""

    def __init__(
        self,
        *,
        name: str,
        action: str | None,
        proposal: NextActionProposal | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Done: {0}").format(name))
        self.action_text = action or ""
        layout = QVBoxLayout(self)
        heading = QLabel(
            self.tr("<b>{0}</b><br>{1}").format(name, action or self.tr("(no next action set)"))
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(list(ACTIVITY_KINDS))
        self.kind.setCurrentText(guess_activity_kind(action))
        self.outcome = QComboBox()
        self.outcome.addItems(["", *CALL_OUTCOMES])
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("What happened (optional)"))
        form.addRow(self.tr("Logged as"), self.kind)
        form.addRow(self.tr("Outcome"), self.outcome)
        form.addRow(self.tr("Note"), self.note)
        self.kind.currentTextChanged.connect(lambda kind: self.outcome.setEnabled(kind == "call"))
        self.outcome.setEnabled(self.kind.currentText() == "call")

        self.next_text = QLineEdit(proposal.text if proposal else "")
        self.next_due = QDateTimeEdit()
        self.next_due.setCalendarPopup(True)
        self.next_due.setDisplayFormat("ddd d MMM yyyy HH:mm")
        due = proposal.due.astimezone() if proposal else datetime.now().astimezone()
        self.next_due.setDateTime(QDateTime.fromSecsSinceEpoch(int(due.timestamp())))
        self.no_next = QCheckBox(self.tr("No next action for now"))
        self.no_next.toggled.connect(lambda on: self.next_text.setEnabled(not on))
        self.no_next.toggled.connect(lambda on: self.next_due.setEnabled(not on))
        form.addRow(self.tr("Next action"), self.next_text)
        form.addRow(self.tr("Due"), self.next_due)
        form.addRow("", self.no_next)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log it"))
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.next_text.setFocus()

    def _check_and_accept(self) -> None:
        if not self.no_next.isChecked() and not self.next_text.text().strip():
            self.error.setText(self.tr("Give the next action, or tick “No next action for now”."))
            self.error.show()
            return
        self.accept()

    def answer(self) -> Done:
        """What the user confirmed: the activity to log (its subject is the action done)
        and the next action (None: none for now)."""
        planned = not self.no_next.isChecked() and bool(self.next_text.text().strip())
        due_local: datetime = self.next_due.dateTime().toPython()  # type: ignore[assignment]
        return Done(
            subject=self.action_text,
            kind=self.kind.currentText(),
            outcome=self.outcome.currentText() if self.kind.currentText() == "call" else "",
            note=self.note.text().strip(),
            next_action=self.next_text.text().strip() if planned else None,
            next_due=as_utc(due_local) if planned else None,
        )
