"""The other outreach dialogs driven with pytest-qt: calls, templates, mail settings,
bulk send and the calendar feed."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QMessageBox
from sqlmodel import Session, select

from onboard_desk import mail, templates
from onboard_desk.mail import MailRoute, MailSettings, Security
from onboard_desk.outreach.calendar_feed import FeedOptions
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store
from onboard_desk.storage.models import Activity, EmailTemplate
from onboard_desk.ui.outreach.bulk_send import BulkSendDialog
from onboard_desk.ui.outreach.calendar_feed import CalendarFeedUpdater
from onboard_desk.ui.outreach.log_call import LogCallDialog
from onboard_desk.ui.outreach.mail_settings import MailSettingsPage
from onboard_desk.ui.outreach.template_editor import TemplateEditor
from tests.outreach.conftest import GOOD_PASSWORD, KeyringHandle, SmtpServer


def _prospect(context: Any, name: str = "Zoë Müller", **fields: Any) -> int:
    with context.session() as session:
        prospect = prospect_ops.create_prospect(
            session,
            fields={"name": name, "company": "Acme", "phone": "+49 30 1234567", **fields},
            by="Jamie",
        )
        assert prospect.id is not None
        return prospect.id


def _activities(context: Any, kind: str) -> list[Activity]:
    with Session(context.engine) as session:
        return list(session.exec(select(Activity).where(Activity.kind == kind)))


def test_log_call_dialog_logs_and_schedules_and_undoes(qtbot: Any, context: Any) -> None:
    prospect_id = _prospect(context)
    dialog = LogCallDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert 'href="tel:+49301234567"' in dialog.phone_label.text()
    dialog.outcome_buttons["voicemail"].setChecked(True)
    dialog.minutes.setValue(1)
    dialog.seconds.setValue(30)
    dialog.notes.setPlainText("Left a message")
    dialog.next_group.setChecked(True)
    when = (datetime.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    dialog.next_when.setDateTime(QDateTime.fromSecsSinceEpoch(int(when.timestamp())))
    dialog.next_note.setText("Second try")
    with qtbot.waitSignal(dialog.sig_logged):
        dialog.save_button.click()
    calls_logged = _activities(context, "call")
    done = [a for a in calls_logged if a.status == "done"]
    assert [(a.outcome, a.duration_seconds, a.text) for a in done] == [
        ("voicemail", 90, "Left a message")
    ]
    assert [a.status for a in calls_logged].count("planned") == 1
    with context.session() as session:
        prospect = store.get_prospect(session, prospect_id)
        assert prospect.next_action == "Call Zoë Müller: Second try"
    context.undo_stack.undo()
    assert _activities(context, "call") == []


def test_log_call_dialog_refuses_past_next_call(qtbot: Any, context: Any) -> None:
    dialog = LogCallDialog(context, _prospect(context))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.next_group.setChecked(True)
    past = datetime.now() - timedelta(hours=2)
    dialog.next_when.setDateTime(QDateTime.fromSecsSinceEpoch(int(past.timestamp())))
    dialog.save_button.click()
    assert "future" in dialog.problems.text()
    assert _activities(context, "call") == []


def test_template_editor_validates_live_and_saves(qtbot: Any, context: Any) -> None:
    prospect_id = _prospect(context, email="zoe@example.org")
    editor = TemplateEditor(context)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: editor.prospect_combo.count() == 1)
    assert editor.list.count() == 9
    editor.select_template("Cold outreach")
    assert editor.preview_subject.text() == "Acme: a shorter way to onboard new customers"
    editor.body_edit.setPlainText("Hello {{ first_name }}\n{% if company %}\n{{ nme }}")
    qtbot.waitUntil(editor.problems.isVisible)
    assert "Body, line" in editor.problems.text()
    assert not editor.save_button.isEnabled()
    editor.body_edit.setPlainText("Hello {{ first_name }}\n\n{{ nme }}")
    qtbot.waitUntil(lambda: "Body, line 3: unknown field {{ nme }}" in editor.problems.text())
    editor.body_edit.setPlainText("Hello {{ first_name }}, {{ referral_code }}")
    qtbot.waitUntil(lambda: not editor.problems.isVisible())
    assert editor.preview_body.toPlainText() == f"Hello Zoë, {templates.referral_code(prospect_id)}"
    assert editor.save_button.isEnabled()
    editor.save_button.click()
    with Session(context.engine) as session:
        row = session.exec(select(EmailTemplate).where(EmailTemplate.name == "Cold outreach")).one()
        assert row.body == "Hello {{ first_name }}, {{ referral_code }}"


def test_template_editor_copy_add_tie_to_stage_delete(
    qtbot: Any, context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = TemplateEditor(context)
    qtbot.addWidget(editor)
    editor.show()
    editor.select_template("Payment guide")
    editor.copy_button.click()
    assert "Payment guide (copy)" in editor.template_names()
    assert editor.name_edit.text() == "Payment guide (copy)"
    editor.new_button.click()
    assert editor.name_edit.text() == "New template"
    editor.name_edit.setText("Webinar invite")
    editor.stage_combo.setCurrentIndex(editor.stage_combo.findData("first_call"))
    qtbot.waitUntil(editor.save_button.isEnabled)
    editor.save_button.click()
    with Session(context.engine) as session:
        row = session.exec(
            select(EmailTemplate).where(EmailTemplate.name == "Webinar invite")
        ).one()
        assert row.stage == "first_call" and not row.builtin
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    editor.delete_button.click()
    assert "Webinar invite" not in editor.template_names()


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
    assert mail.read_password(settings.keyring_user) == GOOD_PASSWORD
    assert page.password_edit.text() == ""
    assert page.password_edit.placeholderText() == "stored in the keyring"
    with context.session() as session:
        assert mail.load_mail_settings(session).route is MailRoute.SMTP
    context.engine.dispose()
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


def test_bulk_send_dialog_reviews_then_sends(
    qtbot: Any, context: Any, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    with context.session() as session:
        mail.save_mail_settings(
            session,
            MailSettings(
                route=MailRoute.SMTP,
                host="127.0.0.1",
                port=server.port,
                security=Security.NONE,
                from_address="me@example.org",
                bulk_pause_seconds=0.05,
            ),
        )
    ids = [
        _prospect(context, "Ana", email="ana@example.org"),
        _prospect(context, "Ben", email="ben@example.org", do_not_contact=True),
        _prospect(context, "Cem", email="reject-cem@example.org"),
    ]
    dialog = BulkSendDialog(context, ids)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3 and dialog.send_button.isEnabled())
    assert dialog.template_combo.currentText().startswith("Cold outreach")
    assert dialog.model.status(1) == ("skipped", "do not contact")
    with qtbot.waitSignal(dialog.sig_finished, timeout=15_000) as blocker:
        dialog.send_button.click()
    statuses = [r.status for r in blocker.args[0]]
    assert statuses == ["sent", "skipped", "failed"]
    assert [dialog.model.status(row)[0] for row in range(3)] == statuses
    assert [r.recipients for r in server.received] == [["ana@example.org"]]
    assert len(_activities(context, "email")) == 1


def test_bulk_send_needs_smtp_route(qtbot: Any, context: Any) -> None:
    dialog = BulkSendDialog(context, [_prospect(context, email="a@example.org")])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert not dialog.send_button.isEnabled()
    assert "needs the SMTP route" in dialog.problems.text()


def test_calendar_feed_rewrites_file_after_changes(
    qtbot: Any, context: Any, tmp_path: Path
) -> None:
    path = tmp_path / "feed" / "actions.ics"
    prospect_id = _prospect(context)
    updater = CalendarFeedUpdater(context)
    updater.timer.setInterval(50)
    with qtbot.waitSignal(updater.sig_written, timeout=10_000):
        updater.set_options(FeedOptions(enabled=True, path=str(path)))
    first = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert len(first) == 1
    uid = str(first[0]["UID"])
    with context.session() as session:
        store.set_next_action(
            session,
            prospect_id=prospect_id,
            action="Send the contract",
            due=datetime.now().astimezone() + timedelta(days=4),
        )
    with qtbot.waitSignal(updater.sig_written, timeout=10_000):
        context.prospects_changed([prospect_id])
        context.prospects_changed([prospect_id])  # a burst: one write
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [uid]
    assert str(events[0]["SUMMARY"]).startswith("Send the contract")
    assert not [p for p in path.parent.iterdir() if p.name != path.name]  # no temp files left
    # Off: changes no longer touch the file.
    updater.set_options(FeedOptions(enabled=False, path=str(path)))
    before = os.stat(path).st_mtime_ns
    context.prospects_changed([prospect_id])
    qtbot.wait(200)
    assert not updater.busy and os.stat(path).st_mtime_ns == before


def test_calendar_export_dialog_exports_and_remembers(
    qtbot: Any, context: Any, tmp_path: Path
) -> None:
    from onboard_desk.ui.outreach.calendar_feed import CalendarExportDialog

    _prospect(context, owner="Kim")
    _prospect(context, "Ben", owner="Lee")
    updater = CalendarFeedUpdater(context)
    dialog = CalendarExportDialog(context, updater)
    qtbot.addWidget(dialog)
    dialog.show()
    path = tmp_path / "kim.ics"
    dialog.path_edit.setText(str(path))
    dialog.owner_combo.setCurrentIndex(dialog.owner_combo.findData("Kim"))
    with qtbot.waitSignal(updater.sig_written, timeout=10_000):
        dialog.export_button.click()
    assert (
        "Wrote 1 events" in dialog.status_label.text()
        or "Wrote 1 event" in dialog.status_label.text()
    )
    assert len(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == 1
    dialog.keep_check.setChecked(True)
    dialog.close()
    with context.session() as session:
        assert FeedOptions.load(session) == FeedOptions(enabled=True, path=str(path), owner="Kim")
