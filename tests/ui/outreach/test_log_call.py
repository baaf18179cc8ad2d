"""The call dialog driven like a user: outcome, duration, notes, the next call, and undo."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime

from onboard_desk.ui.outreach.log_call import LogCallDialog
from tests.ui.outreach.conftest import activities, add_prospect


def test_log_call_dialog_logs_and_schedules_and_undoes(qtbot: Any, context: Any) -> None:
    prospect_id = add_prospect(context)
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
    calls_logged = activities(context, "call", prospect_id)
    done = [a for a in calls_logged if a.status == "done"]
    assert [(a.outcome, a.duration_seconds, a.text) for a in done] == [
        ("voicemail", 90, "Left a message")
    ]
    assert [a.status for a in calls_logged].count("planned") == 1
    assert context.desk.prospects.get(prospect_id).next_action == "Call Zoë Müller: Second try"
    context.undo_stack.undo()
    assert activities(context, "call", prospect_id) == []


def test_log_call_dialog_refuses_past_next_call(qtbot: Any, context: Any) -> None:
    prospect_id = add_prospect(context)
    dialog = LogCallDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.next_group.setChecked(True)
    past = datetime.now() - timedelta(hours=2)
    dialog.next_when.setDateTime(QDateTime.fromSecsSinceEpoch(int(past.timestamp())))
    dialog.save_button.click()
    assert "future" in dialog.problems.text()
    assert activities(context, "call", prospect_id) == []


def test_the_planned_call_is_offered_and_completed(qtbot: Any, context: Any) -> None:
    prospect_id = add_prospect(context)
    planned = context.desk.outreach.log_call(
        prospect_id, outcome="no answer", next_call_at=datetime.now().astimezone() + timedelta(1)
    )
    dialog = LogCallDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.planned_check.isVisible() and dialog.planned_check.isChecked()
    with qtbot.waitSignal(dialog.sig_logged) as logged:
        dialog.save_button.click()
    assert logged.args == [planned.scheduled_call_id]
    assert [a.status for a in activities(context, "call", prospect_id)] == ["done", "done"]
