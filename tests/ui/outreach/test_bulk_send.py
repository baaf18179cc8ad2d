"""The bulk send dialog: review (skips shown), send with pauses, Stop, and the SMTP route.

The first two tests run background work inline; the last two on a real thread pool, since
they are about the window staying responsive while messages go out and about stopping a run
that is under way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from onboard_desk.services.outreach import MailRoute, MailSettings, OutreachService, Security
from onboard_desk.ui.outreach.bulk_send import BulkSendDialog
from tests.outreach.mail_fixtures import SmtpServer
from tests.ui.outreach.conftest import activities, add_prospect


def _smtp(context: Any, port: int, pause: float = 0.05) -> None:
    context.desk.outreach.save_mail_settings(
        MailSettings(
            route=MailRoute.SMTP,
            host="127.0.0.1",
            port=port,
            security=Security.NONE,
            from_address="me@example.org",
            bulk_pause_seconds=pause,
        )
    )


def test_bulk_send_dialog_reviews_then_sends(
    qtbot: Any, context: Any, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    _smtp(context, server.port)
    ids = [
        add_prospect(context, "Ana", email="ana@example.org"),
        add_prospect(context, "Ben", email="ben@example.org", do_not_contact=True),
        add_prospect(context, "Cem", email="reject-cem@example.org"),
    ]
    dialog = BulkSendDialog(context, ids)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 3 and dialog.send_button.isEnabled()
    assert dialog.template_combo.currentText().startswith("Cold outreach")
    assert dialog.model.status(1) == ("skipped", "do not contact")
    with qtbot.waitSignal(dialog.sig_finished, timeout=15_000) as blocker:
        dialog.send_button.click()
    statuses = [r.status for r in blocker.args[0]]
    assert statuses == ["sent", "skipped", "failed"]
    assert [dialog.model.status(row)[0] for row in range(3)] == statuses
    assert [r.recipients for r in server.received] == [["ana@example.org"]]
    assert len(activities(context, "email", *ids)) == 1


def test_bulk_send_needs_smtp_route(qtbot: Any, context: Any) -> None:
    dialog = BulkSendDialog(context, [add_prospect(context, email="a@example.org")])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 1
    assert not dialog.send_button.isEnabled()
    assert "needs the SMTP route" in dialog.problems.text()


def _four_recipients(context: Any) -> list[int]:
    return [
        add_prospect(context, name, email=f"{name.lower()}@example.org")
        for name in ("Ana", "Ben", "Cem", "Dia")
    ]


def test_bulk_send_runs_off_the_gui_thread_and_stops(
    qtbot: Any,
    threaded_context: Any,
    start_server: Callable[..., SmtpServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = threaded_context
    server = start_server()
    _smtp(context, server.port, pause=5)  # Stop ends the pause at once
    threads: list[threading.Thread] = []
    run_bulk = OutreachService.run_bulk

    def recording(self: OutreachService, *args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return run_bulk(self, *args, **kwargs)

    monkeypatch.setattr(OutreachService, "run_bulk", recording)
    ids = _four_recipients(context)
    dialog = BulkSendDialog(context, ids)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4 and dialog.send_button.isEnabled())
    dialog.send_button.click()
    # The first result reaches the table while the worker pauses: the window is responsive.
    qtbot.waitUntil(lambda: dialog.model.status(0)[0] == "sent", timeout=10_000)
    assert dialog.stop_button.isEnabled()
    with qtbot.waitSignal(dialog.sig_finished, timeout=10_000) as blocker:
        dialog.stop_button.click()
    assert threads and threads[0] is not threading.main_thread()
    assert [(r.status, r.message) for r in blocker.args[0]] == [("sent", "")] + [
        ("not sent", "cancelled")
    ] * 3
    assert len(server.received) == 1
    assert len(activities(context, "email", *ids)) == 1


def test_closing_while_sending_stops_then_closes(
    qtbot: Any,
    threaded_context: Any,
    start_server: Callable[..., SmtpServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = threaded_context
    server = start_server()
    _smtp(context, server.port, pause=5)
    dialog = BulkSendDialog(context, _four_recipients(context))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.send_button.isEnabled)
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.model.status(0)[0] == "sent", timeout=10_000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        dialog.reject()  # asks, then stops after the current message and closes
    assert not dialog.isVisible()
    assert len(server.received) == 1
