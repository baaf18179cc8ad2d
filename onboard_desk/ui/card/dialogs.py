"""The quick-action dialogs of the prospect card: log an email or a note (a move's reasons
are asked by the window's one move flow, :mod:`onboard_desk.ui.common.move_flow`).

Each dialog only collects and checks input; the card turns the result into an undoable
command. OK stays disabled until the input is complete, so there is no way to submit
half an entry.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
