"""Writing an email right after scheduling a call: the compose dialog does not tick the
template's proposal over the call, says what it would replace, and replaces only when
asked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import Stage
from onboard_desk.ui.outreach.compose import ComposeDialog


def _trial_prospect_with_a_call(context: Any) -> tuple[int, Any]:
    prospects = context.desk.prospects
    prospect = prospects.add({"name": "Priya Natarajan", "email": "priya@kaveri.example"})
    prospect_id = int(prospect.id or 0)
    for stage in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL):
        prospects.move(prospect_id, stage)
    call_at = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    context.desk.outreach.log_call(
        prospect_id, outcome="reached", next_call_at=call_at, next_call_note="pricing"
    )
    return prospect_id, call_at


def _send_with_mail_program(qtbot: Any, dialog: ComposeDialog) -> None:
    dialog.send_button.click()
    with qtbot.waitSignal(dialog.sig_sent):
        dialog.logged_button.click()


@pytest.fixture(autouse=True)
def _mail_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("onboard_desk.ui.outreach.compose.open_url", lambda _url: True)


def test_the_call_just_scheduled_is_kept_unless_replacing_it_is_ticked(
    qtbot: Any, context: Any
) -> None:
    prospect_id, call_at = _trial_prospect_with_a_call(context)
    dialog = ComposeDialog(context, prospect_id)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 720)
    dialog.show()
    check = dialog.next_action_check
    assert check.isVisible() and not check.isChecked()
    assert "Replace the next action you set minutes ago" in check.text()
    assert "Call Priya Natarajan: pricing" in check.text()
    assert "Final check-in" in check.text()
    _send_with_mail_program(qtbot, dialog)
    kept = context.desk.prospects.get(prospect_id)
    assert (kept.next_action, kept.next_action_due) == ("Call Priya Natarajan: pricing", call_at)

    again = ComposeDialog(context, prospect_id)
    qtbot.addWidget(again)
    again.show()
    again.next_action_check.setChecked(True)  # asked for: the proposal replaces the call
    _send_with_mail_program(qtbot, again)
    replaced = context.desk.prospects.get(prospect_id).next_action
    assert replaced is not None and replaced.startswith("Final check-in")
