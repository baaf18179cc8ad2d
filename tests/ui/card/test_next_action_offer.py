"""A move right after the salesperson set a next action on the card keeps it: the stage's
proposal is offered under it, with Use it, and Ctrl+Z still works."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from pytestqt.qtbot import QtBot

from onboard_desk.domain.timeutil import as_utc
from onboard_desk.ui.card import ProspectCard
from onboard_desk.ui.common.context import AppContext
from tests.workday import working_morning


@pytest.fixture
def card(qtbot: QtBot, context: AppContext) -> ProspectCard:
    prospect = context.desk.prospects.add({"name": "Søren Ångström", "company": "Nordlys ApS"})
    widget = ProspectCard(context)
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    widget.show_prospect(prospect.id or 0)
    return widget


def test_the_next_action_just_set_survives_a_move_and_the_proposal_is_offered(
    qtbot: QtBot, card: ProspectCard, context: AppContext
) -> None:
    prospect_id = card.prospect_id or 0
    editor = card.next_action
    assert not editor.offer_button.isVisible()
    editor.text_edit.setText("Call Søren about the Copenhagen rollout")
    tomorrow = datetime.now() + timedelta(days=1)  # at 14:30, an explicit time: kept
    editor.due_edit.setDateTime(
        QDateTime(QDate(tomorrow.year, tomorrow.month, tomorrow.day), QTime(14, 30))
    )
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.next_stage_button, Qt.MouseButton.LeftButton)

    stored = context.desk.prospects.get(prospect_id)
    assert stored.stage == "first_call"
    assert stored.next_action == "Call Søren about the Copenhagen rollout"
    assert as_utc(stored.next_action_due or datetime.min).astimezone().time().hour == 14
    assert "is kept" in card.message()
    assert editor.offer_button.isVisible()
    assert "Hold the showcase call" in editor.offer_label.text()

    moved_at = context.desk.prospects.history(prospect_id)[-1].at
    qtbot.mouseClick(editor.offer_button, Qt.MouseButton.LeftButton)
    taken = context.desk.prospects.get(prospect_id)
    assert taken.next_action == "Hold the showcase call"
    assert taken.next_action_due == working_morning(as_utc(moved_at), 2)
    assert not editor.offer_button.isVisible()

    context.undo_stack.undo()  # taking the offer
    back = context.desk.prospects.get(prospect_id)
    assert back.next_action == "Call Søren about the Copenhagen rollout"
