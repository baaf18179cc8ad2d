"""The card's editable fields. Each field commits on its own when the user leaves it.

The form only turns what was typed into a value and says which field changed; the card
validates it with the prospect service's rules and records the edit as an undoable command. A
refused value stays in its field, marked, with the reason shown, so nothing typed is lost.
A refresh from the database leaves alone any field the user is still editing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from onboard_desk.domain.contacts import ContactError, format_money, parse_money
from onboard_desk.pipeline import CHANNEL_LABELS
from onboard_desk.services.prospects import Prospect
from onboard_desk.ui.common.status_colors import invalid_edit_style, text_style

#: Line-edit fields in the order shown, with their labels.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("company", "Company"),
    ("title", "Title"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("owner", "Owner"),
    ("value", "Deal value"),
    ("currency", "Currency"),
    ("tags", "Tags"),
)


class FieldsForm(QWidget):
    """Name, company, contact details, owner, value, tags, channel, notes, do-not-contact."""

    #: A field was edited: (store field name, new value already converted).
    sig_field_edited = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edits: dict[str, QLineEdit] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(text_style("error"))
        self.error_label.setVisible(False)
        layout.addRow(self.error_label)
        for key, title in TEXT_FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"field_{key}")
            edit.editingFinished.connect(lambda key=key: self._line_finished(key))
            self.edits[key] = edit
            layout.addRow(self.tr(title), edit)
        self.edits["email"].setPlaceholderText("name@company.example")
        self.edits["phone"].setPlaceholderText(self.tr("+1 555 0100 or a local number"))
        self.edits["value"].setPlaceholderText("1,200.00")
        self.edits["tags"].setPlaceholderText(self.tr("comma, separated"))
        self.edits["currency"].setMaxLength(3)
        self.channel_combo = QComboBox(self)
        for channel, label in CHANNEL_LABELS.items():
            self.channel_combo.addItem(label, channel.value)
        self.channel_combo.activated.connect(
            lambda _i: self.sig_field_edited.emit("channel", self.channel_combo.currentData())
        )
        layout.addRow(self.tr("Channel"), self.channel_combo)
        self.dnc_check = QCheckBox(self.tr("Do not contact"), self)
        self.dnc_check.clicked.connect(
            lambda checked: self.sig_field_edited.emit("do_not_contact", bool(checked))
        )
        layout.addRow("", self.dnc_check)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText(self.tr("Background, needs, who decides…"))
        self.notes_edit.setMinimumHeight(70)
        self.notes_edit.installEventFilter(self)
        self._notes_loaded = ""
        layout.addRow(self.tr("Notes"), self.notes_edit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.notes_edit and event.type() == QEvent.Type.FocusOut:
            text = self.notes_edit.toPlainText()
            if text != self._notes_loaded:
                self.sig_field_edited.emit("notes", text)
        return super().eventFilter(watched, event)

    def _line_finished(self, key: str) -> None:
        edit = self.edits[key]
        if not edit.isModified():
            return
        text = edit.text()
        if key == "value":
            try:
                cents = parse_money(text)
            except ContactError as exc:
                self.show_error(key, str(exc))
                return
            self.sig_field_edited.emit("value_cents", cents)
            return
        self.sig_field_edited.emit(key, text)

    def show_error(self, key: str, message: str) -> None:
        """Mark a field as refused and say why; its text stays for the user to fix."""
        edit = self.edits.get("value" if key == "value_cents" else key)
        if edit is not None:
            edit.setStyleSheet(invalid_edit_style())
            edit.setToolTip(message)
            edit.setModified(True)
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def clear_error(self, key: str | None = None) -> None:
        keys = [key] if key else list(self.edits)
        for name in keys:
            edit = self.edits.get("value" if name == "value_cents" else name)
            if edit is not None:
                edit.setStyleSheet("")
                edit.setToolTip("")
        self.error_label.clear()
        self.error_label.setVisible(False)

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisible() else ""

    def set_prospect(self, prospect: Prospect, *, keep_unsaved: bool = True) -> None:
        """Show stored values; fields with unsaved typing keep it when ``keep_unsaved``."""
        values: dict[str, Any] = {
            "name": prospect.name,
            "company": prospect.company,
            "title": prospect.title,
            "email": prospect.email,
            "phone": prospect.phone,
            "owner": prospect.owner,
            "value": format_money(prospect.value_cents),
            "currency": prospect.currency,
            "tags": prospect.tags.replace(",", ", "),
        }
        for key, value in values.items():
            edit = self.edits[key]
            if keep_unsaved and edit.isModified():
                continue
            edit.setText(str(value))
            edit.setModified(False)
            edit.setCursorPosition(0)
            edit.setStyleSheet("")
            edit.setToolTip("")
        index = self.channel_combo.findData(prospect.channel)
        self.channel_combo.setCurrentIndex(max(index, 0))
        self.dnc_check.setChecked(prospect.do_not_contact)
        if not (keep_unsaved and self.notes_edit.hasFocus()):
            self.notes_edit.setPlainText(prospect.notes)
        self._notes_loaded = prospect.notes
        if not any(edit.isModified() for edit in self.edits.values()):
            self.clear_error()

    def mark_saved(self, key: str) -> None:
        edit = self.edits.get("value" if key == "value_cents" else key)
        if edit is not None:
            edit.setModified(False)
        self.clear_error(key)
        if key == "notes":
            self._notes_loaded = self.notes_edit.toPlainText()

    def set_read_only(self, read_only: bool) -> None:
        for edit in self.edits.values():
            edit.setReadOnly(read_only)
        self.notes_edit.setReadOnly(read_only)
        self.channel_combo.setEnabled(not read_only)
        self.dnc_check.setEnabled(not read_only)

    def focus_first_error(self) -> None:
        for edit in self.edits.values():
            if edit.styleSheet():
                edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return
