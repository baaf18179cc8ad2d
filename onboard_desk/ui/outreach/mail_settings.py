"""Mail settings: how messages leave (mail program or SMTP), the server, the signature.

The password field writes straight to the OS keyring and is never stored anywhere else;
the page shows which keyring holds it, or says plainly that there is none and offers the
mail-program route. "Send test message" sends to the From address off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.errors import UserError
from onboard_desk.services.outreach import MailRoute, MailSettings, Security
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import text_style
from onboard_desk.ui.outreach.common import ProblemLabel

#: Shown in the password field when a password is stored (the real one is never loaded).
STORED_MARK = "\u2022" * 8


class MailSettingsPage(QWidget):
    """A settings page (embeddable in the Settings dialog) for sending mail."""

    sig_saved = Signal()
    sig_test_finished = Signal(bool, str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._password_changed = False
        self._build()
        self.load()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        route_box = QGroupBox(self.tr("How to send"))
        route_layout = QVBoxLayout(route_box)
        self.route_group = QButtonGroup(self)
        self.program_radio = QRadioButton(MailRoute.MAIL_PROGRAM.label)
        self.smtp_radio = QRadioButton(MailRoute.SMTP.label)
        for radio in (self.program_radio, self.smtp_radio):
            self.route_group.addButton(radio)
            route_layout.addWidget(radio)
            radio.toggled.connect(self._route_toggled)
        layout.addWidget(route_box)

        self.smtp_box = QGroupBox(self.tr("SMTP server"))
        form = QFormLayout(self.smtp_box)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("smtp.example.com")
        form.addRow(self.tr("Server:"), self.host_edit)
        self.security_combo = QComboBox()
        for security in Security:
            self.security_combo.addItem(security.label, security.value)
        self.security_combo.activated.connect(self._security_chosen)
        form.addRow(self.tr("Security:"), self.security_combo)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        form.addRow(self.tr("Port:"), self.port_spin)
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("usually your email address"))
        form.addRow(self.tr("User name:"), self.user_edit)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.textEdited.connect(self._password_edited)
        form.addRow(self.tr("Password:"), self.password_edit)
        self.keyring_label = QLabel()
        self.keyring_label.setWordWrap(True)
        form.addRow("", self.keyring_label)
        layout.addWidget(self.smtp_box)

        sender_box = QGroupBox(self.tr("Sender"))
        sender_form = QFormLayout(sender_box)
        self.from_name_edit = QLineEdit()
        sender_form.addRow(self.tr("Your name:"), self.from_name_edit)
        self.from_address_edit = QLineEdit()
        self.from_address_edit.setPlaceholderText("you@example.com")
        sender_form.addRow(self.tr("From address:"), self.from_address_edit)
        self.signature_edit = QPlainTextEdit()
        self.signature_edit.setMaximumHeight(90)
        sender_form.addRow(self.tr("Signature:"), self.signature_edit)
        self.pause_spin = QDoubleSpinBox()
        self.pause_spin.setRange(0, 600)
        self.pause_spin.setSuffix(self.tr(" s"))
        sender_form.addRow(self.tr("Pause between bulk messages:"), self.pause_spin)
        layout.addWidget(sender_box)

        self.problems = ProblemLabel()
        layout.addWidget(self.problems)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Send test message"))
        self.test_button.clicked.connect(self.send_test)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        buttons.addStretch(1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addStretch(1)

    # --- loading and saving --------------------------------------------------------------

    def load(self) -> None:
        outreach = self.context.desk.outreach
        settings = outreach.mail_settings()
        signature = outreach.signature()
        self.program_radio.setChecked(settings.route is MailRoute.MAIL_PROGRAM)
        self.smtp_radio.setChecked(settings.route is MailRoute.SMTP)
        self.host_edit.setText(settings.host)
        self.security_combo.setCurrentIndex(self.security_combo.findData(settings.security.value))
        self.port_spin.setValue(settings.port)
        self.user_edit.setText(settings.user)
        self.from_name_edit.setText(settings.from_name or self.context.user)
        self.from_address_edit.setText(settings.from_address)
        self.pause_spin.setValue(settings.bulk_pause_seconds)
        self.signature_edit.setPlainText(signature)
        self._show_keyring(settings)
        self._route_toggled()

    def _show_keyring(self, settings: MailSettings) -> None:
        outreach = self.context.desk.outreach
        status = outreach.keyring_status()
        self.password_edit.clear()
        self._password_changed = False
        if not status.available:
            self.password_edit.setEnabled(False)
            self.password_edit.setPlaceholderText(self.tr("no keyring available"))
            self.keyring_label.setText(status.message)
            self.keyring_label.setStyleSheet(text_style("error"))
            return
        self.password_edit.setEnabled(True)
        self.keyring_label.setStyleSheet("")
        try:
            stored = outreach.password_stored(settings)
        except UserError as exc:
            self.keyring_label.setText(str(exc))
            return
        self.password_edit.setPlaceholderText(
            self.tr("stored in the keyring") if stored else self.tr("not stored yet")
        )
        self.keyring_label.setText(status.message)

    def current_settings(self) -> MailSettings:
        return MailSettings(
            route=MailRoute.SMTP if self.smtp_radio.isChecked() else MailRoute.MAIL_PROGRAM,
            host=self.host_edit.text().strip(),
            port=self.port_spin.value(),
            security=Security(self.security_combo.currentData()),
            user=self.user_edit.text().strip(),
            from_address=self.from_address_edit.text().strip(),
            from_name=self.from_name_edit.text().strip(),
            bulk_pause_seconds=self.pause_spin.value(),
        )

    @Slot()
    def save(self) -> bool:
        """Store the settings, and the password in the keyring if one was typed."""
        settings = self.current_settings()
        problems = settings.problems() if settings.route is MailRoute.SMTP else []
        if problems:
            self.problems.show_problems(problems)
            return False
        try:
            self.context.desk.outreach.save_mail_settings(
                settings,
                password=self.password_edit.text() if self._password_changed else None,
                signature=self.signature_edit.toPlainText(),
            )
        except UserError as exc:
            self.problems.show_problems([str(exc)])
            return False
        self.problems.show_problems([])
        self.status_label.setText(self.tr("Saved."))
        self._show_keyring(settings)
        self.sig_saved.emit()
        return True

    # --- reactions -----------------------------------------------------------------------

    @Slot()
    def _route_toggled(self, *_args: Any) -> None:
        self.smtp_box.setEnabled(self.smtp_radio.isChecked())
        self.test_button.setEnabled(self.smtp_radio.isChecked())

    @Slot(int)
    def _security_chosen(self, _index: int) -> None:
        self.port_spin.setValue(Security(self.security_combo.currentData()).default_port)

    @Slot(str)
    def _password_edited(self, _text: str) -> None:
        self._password_changed = True

    @Slot()
    def send_test(self) -> None:
        """Save, then send a short message to the From address over SMTP."""
        if not self.save():
            return
        settings = self.current_settings()
        subject = self.tr("Onboard Desk test message")
        body = (
            self.tr("This message shows that Onboard Desk can send mail through ")
            + f"{settings.host}:{settings.port}.\n"
        )
        outreach = self.context.desk.outreach
        self.test_button.setEnabled(False)
        self.status_label.setText(self.tr("Sending a test message…"))

        def work() -> None:
            outreach.send_test(settings, subject=subject, body=body)

        self.context.run(work, self._test_sent, self._test_failed)

    def _test_sent(self, _result: object) -> None:
        self.test_button.setEnabled(True)
        text = self.tr("Test message sent to ") + self.current_settings().from_address + "."
        self.status_label.setStyleSheet(text_style("success"))
        self.status_label.setText(text)
        self.sig_test_finished.emit(True, text)

    def _test_failed(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self.status_label.setStyleSheet(text_style("error"))
        self.status_label.setText(self.tr("Test failed: ") + message)
        self.sig_test_finished.emit(False, message)
