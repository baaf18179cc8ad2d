"""The New-prospect dialog (Ctrl+N): add someone, after checking they are not there already.

Before saving, the dialog looks for likely duplicates with the same rules the importer
uses (through the prospect service): same email, same phone, or a close name at the
same company. It shows them and offers to open the existing prospect instead; saving
anyway is one more click. A customer's referral code links the new prospect to that
customer (their channel becomes Referral); the dialog names the customer as soon as the
code is complete, or says why it is not a code. The new prospect is created through an
undoable command, so Ctrl+Z removes it again (with its referral).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.domain import contacts
from onboard_desk.domain.referral_codes import CODE_LENGTH
from onboard_desk.errors import UserError
from onboard_desk.pipeline import CHANNEL_LABELS, Channel, stage_label
from onboard_desk.services.customers import CodeHolder
from onboard_desk.services.prospects import LikelyDuplicate, clean_fields
from onboard_desk.ui.common.commands import CreateProspectCommand, push
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import banner_style, invalid_edit_style, text_style


class NewProspectDialog(QDialog):
    """Name, company, contact details, channel, owner and value for a new prospect."""

    #: The user chose to open an existing prospect instead of adding a duplicate.
    sig_open_existing = Signal(int)
    #: A prospect was added (its id).
    sig_prospect_created = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.created_id: int | None = None
        self.duplicates: list[LikelyDuplicate] = []
        self._checked_key: tuple[str, ...] | None = None
        self.region: str | None = context.desk.settings.phone_region()
        self.setWindowTitle(self.tr("New prospect"))
        self.setMinimumWidth(520)
        self._build(context.desk.currency)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(300)
        self._check_timer.timeout.connect(self.check_duplicates)

    def _build(self, currency: str) -> None:
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, title, placeholder in (
            ("name", "Name", "First and last name"),
            ("company", "Company", ""),
            ("title", "Title", "e.g. Head of Operations"),
            ("email", "Email", "name@company.example"),
            ("phone", "Phone", "+1 555 0100 or a local number"),
            ("owner", "Owner", ""),
            ("value", "Deal value", "1,200.00"),
            ("currency", "Currency", ""),
        ):
            edit = QLineEdit(self)
            edit.setObjectName(f"new_{key}")
            if placeholder:
                edit.setPlaceholderText(self.tr(placeholder))
            self.edits[key] = edit
            form.addRow(self.tr(title) + (" *" if key == "name" else ""), edit)
            if key in ("name", "company", "email", "phone"):
                edit.textChanged.connect(self._inputs_changed)
        self.edits["owner"].setText(self.context.user)
        self.edits["currency"].setText(currency)
        self.edits["currency"].setMaxLength(3)
        self.channel_combo = QComboBox(self)
        for channel, label in CHANNEL_LABELS.items():
            self.channel_combo.addItem(label, channel.value)
        self.channel_combo.setCurrentIndex(self.channel_combo.findData("other"))
        form.insertRow(5, self.tr("Channel"), self.channel_combo)
        self.referral_edit = QLineEdit(self)
        self.referral_edit.setObjectName("new_referral_code")
        self.referral_edit.setPlaceholderText(
            self.tr("Optional: the code of the customer who sent them")
        )
        self.referral_edit.setMaxLength(40)
        self.referral_edit.textChanged.connect(self._referral_changed)
        self.referral_edit.editingFinished.connect(lambda: self.check_referral_code(complete=True))
        self.referral_hint = QLabel(self)
        self.referral_hint.setWordWrap(True)
        self.referral_hint.setVisible(False)
        form.addRow(self.tr("Referral code"), self.referral_edit)
        form.addRow("", self.referral_hint)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(text_style("error"))
        self.error_label.setVisible(False)

        self.duplicates_frame = QFrame(self)
        self.duplicates_frame.setObjectName("duplicates")
        self.duplicates_frame.setStyleSheet(banner_style("warning", "QFrame#duplicates"))
        frame_layout = QVBoxLayout(self.duplicates_frame)
        heading = QLabel(self.tr("This may be someone you already have:"), self)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        self.duplicates_list = QListWidget(self)
        self.duplicates_list.setWordWrap(True)
        self.duplicates_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.duplicates_list.setMaximumHeight(150)
        self.duplicates_list.itemDoubleClicked.connect(lambda _item: self.open_existing())
        self.open_button = QPushButton(self.tr("Open existing"), self)
        self.open_button.clicked.connect(self.open_existing)
        frame_layout.addWidget(heading)
        frame_layout.addWidget(self.duplicates_list)
        frame_layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        self.duplicates_frame.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.addButton(
            self.tr("Add prospect"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.duplicates_frame)
        layout.addWidget(self.buttons)
        self._update_save()

    # -- input ---------------------------------------------------------------------------

    def fields(self) -> dict[str, Any]:
        """What was typed, as store fields (raises UserError for an unreadable value)."""
        text = {key: edit.text().strip() for key, edit in self.edits.items()}
        fields: dict[str, Any] = {
            "name": text["name"],
            "company": text["company"],
            "title": text["title"],
            "email": text["email"],
            "phone": text["phone"],
            "owner": text["owner"] or self.context.user,
            "channel": self.channel_combo.currentData(),
            "currency": text["currency"] or "USD",
        }
        cents = contacts.parse_money(text["value"])
        if cents is not None:
            fields["value_cents"] = cents
        return fields

    def _key(self) -> tuple[str, ...]:
        return tuple(self.edits[k].text().strip() for k in ("name", "company", "email", "phone"))

    @Slot()
    def _inputs_changed(self) -> None:
        self._update_save()
        self._check_timer.start()

    def _update_save(self) -> None:
        self.save_button.setEnabled(bool(self.edits["name"].text().strip()))
        confirmed = self.duplicates and self._checked_key == self._key()
        self.save_button.setText(self.tr("Add anyway") if confirmed else self.tr("Add prospect"))

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # -- referral code -------------------------------------------------------------------

    @Slot()
    def _referral_changed(self) -> None:
        self.check_referral_code(complete=False)

    def check_referral_code(self, *, complete: bool = True) -> str | None:
        """Check the typed referral code and say whose it is or why it is not one; returns
        its stored form (None when the field is empty or the code is not valid).

        While the code is being typed (``complete`` False) a code too short to judge is
        not called wrong yet.
        """
        typed = self.referral_edit.text().strip()
        compact = "".join(typed.split()).replace("-", "")
        if not typed or (not complete and len(compact) < CODE_LENGTH):
            self.referral_hint.setVisible(False)
            self.referral_edit.setStyleSheet("")
            return None
        try:
            holder = self.context.desk.customers.find_code(typed)  # one indexed read
        except UserError as exc:
            self._show_referral(str(exc), ok=False)
            return None
        self._show_referral(self._referred_by(holder), ok=True)
        referral = self.channel_combo.findData(Channel.REFERRAL.value)
        if referral >= 0:
            self.channel_combo.setCurrentIndex(referral)
        return holder.code

    def _referred_by(self, holder: CodeHolder) -> str:
        company = f" ({holder.company})" if holder.company else ""
        return self.tr("Referred by %s%s: the channel is Referral.") % (holder.name, company)

    def _show_referral(self, message: str, *, ok: bool) -> None:
        self.referral_hint.setText(message)
        self.referral_hint.setStyleSheet(text_style("success" if ok else "error"))
        self.referral_hint.setVisible(True)
        self.referral_edit.setStyleSheet("" if ok else invalid_edit_style())

    # -- duplicates ----------------------------------------------------------------------

    @Slot()
    def check_duplicates(self) -> list[LikelyDuplicate]:
        """Look for likely duplicates of what is typed now and show them."""
        self._check_timer.stop()
        name, company, email, phone = self._key()
        found = self.context.desk.prospects.likely_duplicates(
            name, company, email, phone, region=self.region
        )
        self.duplicates = found
        self._checked_key = self._key()
        self.duplicates_list.clear()
        for duplicate in found:
            stage = stage_label(duplicate.stage)
            company = f" · {duplicate.company}" if duplicate.company else ""
            owner = duplicate.owner or self.tr("no owner")
            contact = " · ".join(p for p in (duplicate.email, duplicate.phone) if p)
            lines = [
                f"{duplicate.name}{company} — {stage}, {owner}",
                "    " + self.tr("Why: %s") % ", ".join(duplicate.reasons),
            ]
            if contact:
                lines.append(f"    {contact}")
            item = QListWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, duplicate.prospect_id)
            self.duplicates_list.addItem(item)
        if found:
            self.duplicates_list.setCurrentRow(0)
        self.duplicates_frame.setVisible(bool(found))
        self._update_save()
        return found

    @Slot()
    def open_existing(self) -> None:
        """Open the chosen existing prospect instead of adding a new one."""
        item = self.duplicates_list.currentItem()
        if item is None:
            return
        self.sig_open_existing.emit(int(item.data(Qt.ItemDataRole.UserRole)))
        self.reject()

    # -- saving --------------------------------------------------------------------------

    @Slot()
    def save(self) -> bool:
        """Add the prospect; the first attempt stops at likely duplicates to show them."""
        try:
            fields = self.fields()
            clean_fields(fields, region=self.region)
        except UserError as exc:
            self.show_error(str(exc))
            return False
        code = self.check_referral_code(complete=True)
        if code is None and self.referral_edit.text().strip():
            self.show_error(self.referral_hint.text())
            self.referral_edit.setFocus()
            return False
        self.show_error("")
        if self._checked_key != self._key() and self.check_duplicates():
            return False  # warned; a second click adds anyway
        command = CreateProspectCommand(
            self.context, fields, region=self.region, referral_code=code
        )
        try:
            push(self.context, command)
        except UserError as exc:
            self.show_error(str(exc))
            return False
        self.created_id = command.prospect_id
        if self.created_id is not None:
            self.sig_prospect_created.emit(self.created_id)
        self.accept()
        return True
