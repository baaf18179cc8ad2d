"""The compose dialog driven like a user: template offered first, live preview, sending."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from onboard_desk.pipeline import Stage
from onboard_desk.services.outreach import MailRoute, MailSettings, Security
from onboard_desk.storage.models import Activity
from onboard_desk.ui.outreach.compose import ComposeDialog
from tests.outreach.mail_fixtures import SmtpServer, free_port


def _trial_prospect(context: Any, email: str = "zoe@example.org", **fields: Any) -> int:
    prospects = context.desk.prospects
    prospect = prospects.add({"name": "Zoë Müller", "company": "Acme", "email": email, **fields})
    assert prospect.id is not None
    for stage in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL):
        prospects.move(prospect.id, stage)
    return int(prospect.id)


def _smtp(context: Any, port: int) -> None:
    context.desk.outreach.save_mail_settings(
        MailSettings(
            route=MailRoute.SMTP,
            host="127.0.0.1",
            port=port,
            security=Security.NONE,
            from_address="jamie@seller.example",
            timeout_seconds=5,
        )
    )


def _emails(context: Any, prospect_id: int) -> list[Activity]:
    return [a for a in context.desk.prospects.activities(prospect_id) if a.kind == "email"]


def test_stage_template_first_and_live_preview(qtbot: Any, context: Any) -> None:
    prospect_id = _trial_prospect(context)
    dialog = ComposeDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.current_template_name == "Trial welcome and guide"
    assert dialog.preview_subject.text().startswith("Welcome to your trial, Zoë")
    dialog.subject_edit.setText("Hello {{ first_name }} from {{ compnay }}")
    qtbot.waitUntil(dialog.problems.isVisible)
    assert "Subject, line 1: unknown field {{ compnay }}" in dialog.problems.text()
    assert not dialog.send_button.isEnabled()
    dialog.subject_edit.setText("Hello {{ first_name }} from {{ company }}")
    qtbot.waitUntil(lambda: not dialog.problems.isVisible())
    assert dialog.preview_subject.text() == "Hello Zoë from Acme"
    dialog.body_edit.setPlainText("{{ custom_text }}!")
    dialog.custom_edit.setText("Schön")
    qtbot.waitUntil(lambda: dialog.preview_body.toPlainText() == "Schön!")
    assert dialog.send_button.isEnabled()


def test_send_over_smtp_logs_and_sets_next_action(
    qtbot: Any, context: Any, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    _smtp(context, server.port)
    prospect_id = _trial_prospect(context)
    dialog = ComposeDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.sig_sent, timeout=10_000):
        dialog.send_button.click()
    assert len(server.received) == 1
    assert server.received[0].message["Subject"].startswith("Welcome to your trial, Zoë")
    [email] = _emails(context, prospect_id)
    assert email.template == "Trial welcome and guide"
    next_action = context.desk.prospects.get(prospect_id).next_action
    assert next_action is not None and next_action.startswith("Final check-in")


def test_failure_is_shown_and_nothing_logged(qtbot: Any, context: Any) -> None:
    _smtp(context, free_port())
    prospect_id = _trial_prospect(context)
    dialog = ComposeDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.send_button.click()
    qtbot.waitUntil(lambda: "Not sent" in dialog.status_label.text(), timeout=10_000)
    assert "Cannot reach the mail server" in dialog.status_label.text()
    assert dialog.isVisible() and dialog.send_button.isEnabled()
    assert _emails(context, prospect_id) == []
    assert dialog.program_button.isVisible()  # the mail program is offered instead


def test_mail_program_route_logs_only_when_confirmed(
    qtbot: Any, context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("onboard_desk.ui.outreach.compose.open_url", open_url)
    prospect_id = _trial_prospect(context)
    dialog = ComposeDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.send_button.text() == "Open in mail program"
    dialog.send_button.click()
    assert opened and opened[0].startswith(
        "mailto:zoe@example.org?subject=Welcome%20to%20your%20trial"
    )
    assert _emails(context, prospect_id) == []
    assert dialog.logged_button.isVisible()
    with qtbot.waitSignal(dialog.sig_sent):
        dialog.logged_button.click()
    assert len(_emails(context, prospect_id)) == 1


def test_do_not_contact_cannot_be_sent(qtbot: Any, context: Any) -> None:
    prospect_id = _trial_prospect(context, do_not_contact=True)
    dialog = ComposeDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.send_button.isEnabled()
    assert "do-not-contact" in dialog.warning_label.text()
