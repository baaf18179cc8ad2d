"""The mail settings page: the password goes to the keyring only; without a keyring the page
says so and offers the mail program."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from onboard_desk.mail.secrets import read_password
from onboard_desk.services.outreach import MailRoute
from onboard_desk.ui.outreach.mail_settings import MailSettingsPage
from tests.outreach.mail_fixtures import GOOD_PASSWORD, KeyringHandle, SmtpServer


def test_mail_settings_page_keeps_password_in_keyring_only(
    qtbot: Any,
    context: Any,
    db_path: Path,
    secret_keyring: KeyringHandle,
    start_server: Callable[..., SmtpServer],
) -> None:
    server = start_server()
    page = MailSettingsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.smtp_radio.setChecked(True)
    page.host_edit.setText("127.0.0.1")
    page.security_combo.setCurrentIndex(page.security_combo.findData("none"))
    page.port_spin.setValue(server.port)
    page.from_address_edit.setText("jamie@seller.example")
    page.signature_edit.setPlainText("Jamie Lée\nAcme Onboarding")
    page.user_edit.setText("jamie")
    page.password_edit.setText(GOOD_PASSWORD)
    page._password_edited(GOOD_PASSWORD)
    settings = page.current_settings()
    secret_keyring.accounts.append(settings.keyring_user)
    assert page.save()
    assert read_password(settings.keyring_user) == GOOD_PASSWORD
    assert page.password_edit.text() == ""
    assert page.password_edit.placeholderText() == "stored in the keyring"
    assert context.desk.outreach.mail_settings().route is MailRoute.SMTP
    assert context.desk.outreach.signature() == "Jamie Lée\nAcme Onboarding"
    context.desk.close()
    for path in db_path.parent.glob(db_path.name + "*"):
        assert GOOD_PASSWORD.encode() not in path.read_bytes()
    # The test message: this server offers no login, so use a user-less setting.
    page.user_edit.setText("")
    with qtbot.waitSignal(page.sig_test_finished, timeout=10_000) as blocker:
        page.test_button.click()
    assert blocker.args[0] is True, blocker.args
    assert server.received[0].recipients == ["jamie@seller.example"]


def test_mail_settings_page_without_keyring_offers_mail_program(qtbot: Any, context: Any) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        page = MailSettingsPage(context)
        qtbot.addWidget(page)
        assert not page.password_edit.isEnabled()
        assert "My mail program" in page.keyring_label.text()
        assert page.program_radio.isChecked()
    finally:
        keyring.set_keyring(previous)


def test_a_refused_test_message_is_shown(qtbot: Any, context: Any) -> None:
    from tests.outreach.mail_fixtures import free_port

    page = MailSettingsPage(context)
    qtbot.addWidget(page)
    page.smtp_radio.setChecked(True)
    page.host_edit.setText("127.0.0.1")
    page.security_combo.setCurrentIndex(page.security_combo.findData("none"))
    page.port_spin.setValue(free_port())
    page.from_address_edit.setText("jamie@seller.example")
    with qtbot.waitSignal(page.sig_test_finished, timeout=10_000) as blocker:
        page.test_button.click()
    assert blocker.args[0] is False
    assert page.status_label.text().startswith("Test failed: Cannot reach the mail server")
    assert page.test_button.isEnabled()
