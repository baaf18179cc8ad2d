"""The quick-action dialogs of the prospect card: log a call, an email or a note, give a
reason for a move, mark lost.

Each dialog only collects and checks input; the card turns the result into an undoable
command. OK stays disabled until the input is complete, so there is no way to submit
half an entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)


class _FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _finish(self) -> None:
        self.form.addRow(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.is_complete())

    def is_complete(self) -> bool:
        return True


class LogEmailDialog(_FormDialog):
    """An email sent (or received) outside the app: subject and a summary."""

    def __init__(self, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Log email") + (f": {name}" if name else ""), parent)
        self.subject_edit = QLineEdit(self)
        self.subject_edit.setPlaceholderText(self.tr("Subject"))
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText(self.tr("What it said (optional)"))
        self.text_edit.setTabChangesFocus(True)
        self.form.addRow(self.tr("Subject"), self.subject_edit)
        self.form.addRow(self.tr("Summary"), self.text_edit)
        self.subject_edit.textChanged.connect(self._update_ok)
        self._finish()

    def is_complete(self) -> bool:
        return bool(self.subject_edit.text().strip())

    def subject(self) -> str:
        return self.subject_edit.text().strip()

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()


class NoteDialog(_FormDialog):
    """A free-text note on the prospect."""

    def __init__(self, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Add note") + (f": {name}" if name else ""), parent)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setTabChangesFocus(True)
        self.form.addRow(self.tr("Note"), self.text_edit)
        self.text_edit.textChanged.connect(self._update_ok)
        self._finish()

    def is_complete(self) -> bool:
        return bool(self.text_edit.toPlainText().strip())

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()


class ReasonDialog(_FormDialog):
    """A reason the pipeline rules ask for (skipping stages ahead)."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        label = QLabel(explanation, self)
        label.setWordWrap(True)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setMaxLength(500)
        self.form.addRow(label)
        self.form.addRow(self.tr("Reason"), self.reason_edit)
        self.reason_edit.textChanged.connect(self._update_ok)
        self._finish()

    def is_complete(self) -> bool:
        return bool(self.reason_edit.text().strip())

    def reason(self) -> str:
        return self.reason_edit.text().strip()


class LostDialog(_FormDialog):
    """Why a prospect was lost: one of the team's lost reasons, or free text."""

    def __init__(
        self, reasons: Sequence[str], name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Mark lost") + (f": {name}" if name else ""), parent)
        self.known_reasons = tuple(reasons)
        self.reason_combo = QComboBox(self)
        self.reason_combo.setEditable(True)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_combo.addItems(list(self.known_reasons))
        self.reason_combo.setCurrentIndex(-1)
        line_edit = self.reason_combo.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText(self.tr("Choose a reason or type your own"))
        line_edit.setMaxLength(200)
        self.remember_check = QCheckBox(self.tr("Add this reason to the list"), self)
        self.remember_check.setVisible(False)
        self.form.addRow(self.tr("Lost reason"), self.reason_combo)
        self.form.addRow("", self.remember_check)
        self.reason_combo.currentTextChanged.connect(self._reason_changed)
        self._finish()

    def _reason_changed(self) -> None:
        self.remember_check.setVisible(self.is_new_reason())
        self._update_ok()

    def is_complete(self) -> bool:
        return bool(self.reason())

    def is_new_reason(self) -> bool:
        reason = self.reason().lower()
        return bool(reason) and reason not in (r.lower() for r in self.known_reasons)

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()

    def remember(self) -> bool:
        return self.is_new_reason() and self.remember_check.isChecked()
