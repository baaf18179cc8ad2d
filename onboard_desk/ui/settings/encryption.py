"""Encryption in the window: the Settings entry, the recovery key, and the way back in.

- :class:`EncryptionBox` (in Settings) says whether the database is encrypted and where its
  key is, turns encryption on or off (the file is rewritten off the GUI thread, checked,
  then swapped), and shows the recovery key again.
- :class:`RecoveryKeyDialog` shows a recovery key to print, save or copy, once after
  encryption is turned on or a new encrypted database is made.
- :func:`ask_recovery_key` asks for the recovery key of a database whose key the keyring
  does not hold, and keeps the key there once it opens the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.errors import UserError
from onboard_desk.services import encryption
from onboard_desk.ui.common.context import AppContext


def recovery_text(path: Path, key: str) -> str:
    """The text of a saved or printed recovery key: the key and what it opens."""
    return (
        f"Onboard Desk recovery key for {path}\n\n    {key}\n\n"
        "It opens this database and its backups if the system keyring loses the key:\n"
        "start Onboard Desk and enter it when asked, or run\n"
        f"    onboard-desk encryption recover --db {path}\n"
    )


class RecoveryKeyDialog(QDialog):
    """A recovery key, large and selectable, with Save, Print and Copy."""

    def __init__(self, path: Path, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.key = key
        self.setWindowTitle(self.tr("Recovery key"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "The database is encrypted. Its key is kept in your system keyring. If the "
                "keyring is ever lost (a new computer, a reset keyring), this recovery key "
                "is the only way to open the database and its backups. Print it or save it "
                "somewhere safe, away from this computer."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.key_label = QLabel(key)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(
            self.key_label.textInteractionFlags()
            | self.key_label.textInteractionFlags().TextSelectableByMouse
        )
        layout.addWidget(self.key_label)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton(
            self.tr("Save to file…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button = buttons.addButton(
            self.tr("Print…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button = buttons.addButton(
            self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.clicked.connect(self.ask_save)
        self.print_button.clicked.connect(self.print_key)
        self.copy_button.clicked.connect(self.copy_key)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    @Slot()
    def ask_save(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the recovery key"),
            str(Path.home() / f"{self.path.stem}-recovery-key.txt"),
            self.tr("Text file (*.txt)"),
        )
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, target: Path) -> bool:
        """Write the recovery key to ``target``, readable by its owner only."""
        partial = target.with_name(target.name + ".partial")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(recovery_text(self.path, self.key))
            partial.replace(target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            self.status.setText(
                self.tr("Cannot write {0}: {1}.").format(target, exc.strerror or exc)
            )
            return False
        self.status.setText(self.tr("Saved to {0}.").format(target))
        return True

    @Slot()
    def print_key(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setPlainText(recovery_text(self.path, self.key))
        document.print_(printer)
        self.status.setText(self.tr("Sent to the printer."))

    @Slot()
    def copy_key(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.status.setText(self.tr("Copied. Paste it somewhere safe, then clear the clipboard."))


class EncryptionBox(QGroupBox):
    """The Settings entry: the database's encryption, its key, and the recovery key."""

    #: The database was rewritten (encrypted or decrypted).
    sig_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Encryption"), parent)
        self.context = context
        self._busy = False
        #: The recovery key last shown (kept so the dialog outlives the click).
        self.recovery_dialog: RecoveryKeyDialog | None = None
        layout = QVBoxLayout(self)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        row = QHBoxLayout()
        self.toggle_button = QPushButton()
        self.toggle_button.clicked.connect(self.ask_toggle)
        self.recovery_button = QPushButton(self.tr("Recovery key…"))
        self.recovery_button.clicked.connect(self.show_recovery_key)
        row.addWidget(self.toggle_button)
        row.addWidget(self.recovery_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.setToolTip(encryption.PROTECTS)
        self.refresh()

    def refresh(self) -> None:
        state = encryption.status(self.context.db_path)
        if state.encrypted:
            text = self.tr("This database is encrypted; its key is in {0}.").format(
                state.keyring.backend or self.tr("the system keyring")
            )
        elif state.keyring.available:
            text = self.tr("This database is not encrypted.")
        else:
            text = state.keyring.message
        self.status_label.setText(text)
        self.toggle_button.setText(
            self.tr("Turn encryption off…") if state.encrypted else self.tr("Turn encryption on…")
        )
        self.toggle_button.setEnabled(
            not self._busy and (state.encrypted or state.keyring.available)
        )
        self.recovery_button.setEnabled(not self._busy and state.encrypted)

    @property
    def encrypted(self) -> bool:
        return encryption.status(self.context.db_path).encrypted

    @Slot()
    def ask_toggle(self) -> None:
        if self.encrypted:
            question = self.tr(
                "Decrypt the database? It is rewritten unencrypted and its key is removed "
                "from the keyring. Backups made while it was encrypted still need the "
                "recovery key."
            )
        else:
            question = self.tr(
                "Encrypt the database? It is rewritten with a new key kept in your system "
                "keyring, checked, and swapped in; you then get its recovery key to print "
                "or save. Earlier plain backups and exports stay as they are."
            )
        answer = QMessageBox.question(self, self.tr("Encryption"), question)
        if answer == QMessageBox.StandardButton.Yes:
            self.toggle()

    def toggle(self) -> None:
        """Turn encryption on or off, off the GUI thread."""
        desk = self.context.desk
        turning_on = not self.encrypted
        self._busy = True
        self.status_label.setText(self.tr("Rewriting the database…"))
        self.toggle_button.setEnabled(False)
        self.recovery_button.setEnabled(False)

        def work() -> str | None:
            if turning_on:
                return encryption.turn_on_while_open(desk)
            encryption.turn_off_while_open(desk)
            return None

        def done(key: object) -> None:
            self._busy = False
            self.refresh()
            self.sig_changed.emit()
            if isinstance(key, str):
                self._show(key)

        def failed(message: str) -> None:
            self._busy = False
            self.refresh()
            self.status_label.setText(message)

        self.context.run(work, done, failed)

    @Slot()
    def show_recovery_key(self) -> None:
        try:
            key = encryption.recovery_key(self.context.db_path)
        except UserError as exc:
            self.status_label.setText(str(exc))
            return
        self._show(key)

    def _show(self, key: str) -> None:
        self.recovery_dialog = RecoveryKeyDialog(self.context.db_path, key, self)
        self.recovery_dialog.open()


def ask_recovery_key(parent: QWidget | None, path: Path, message: str) -> bool:
    """Ask for the recovery key of ``path`` (the keyring has no key, or the wrong one)
    until it opens the file or the user gives up; True once the key is in the keyring."""
    prompt = message
    while True:
        text, accepted = QInputDialog.getText(
            parent,
            QCoreApplication.translate("RecoveryKey", "Enter the recovery key"),
            prompt
            + "\n\n"
            + QCoreApplication.translate(
                "RecoveryKey", "Recovery key (groups of five letters and digits):"
            ),
            QLineEdit.EchoMode.Normal,
        )
        if not accepted or not text.strip():
            return False
        try:
            encryption.recover(path, text)
        except UserError as exc:
            prompt = str(exc)
            continue
        return True
