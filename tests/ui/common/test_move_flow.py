"""The one move flow: every entry point asks the same questions in the same dialogs."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QWidget

from onboard_desk.pipeline import Stage
from onboard_desk.ui.board.model import dropped_from_mime
from onboard_desk.ui.board.view import BoardScreen
from onboard_desk.ui.card import ProspectCard
from onboard_desk.ui.common import move_flow
from tests.ui.conftest import add_prospect


@pytest.fixture
def lost_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[QDialog]:
    """Every lost dialog shown, answered "No budget" with details, and accepted."""
    shown: list[QDialog] = []

    def answer(dialog: move_flow.LostDialog) -> int:
        shown.append(dialog)
        dialog.reason_combo.setEditText("No budget")
        dialog.details_edit.setText("froze all spending")
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(move_flow.LostDialog, "exec", answer)
    return shown


def _lost_from_the_board(context: Any, qtbot: Any, prospect_id: int) -> None:
    board = BoardScreen(context)
    qtbot.addWidget(board)
    qtbot.waitUntil(lambda: board.columns[Stage.FIRST_CALL].model.row_of(prospect_id) is not None)
    source = board.columns[Stage.FIRST_CALL].model
    row = source.row_of(prospect_id)
    assert row is not None
    mime = source.mimeData([source.index(row, 0)])
    board.columns[Stage.LOST].sig_card_dropped.emit(dropped_from_mime(mime, Stage.LOST))


def _lost_from_the_card(context: Any, qtbot: Any, prospect_id: int) -> None:
    card = ProspectCard(context)
    qtbot.addWidget(card)
    card.show_prospect(prospect_id)
    card.lost_button.click()


@pytest.mark.parametrize("entry", [_lost_from_the_board, _lost_from_the_card])
def test_marking_lost_asks_in_the_one_lost_dialog(context, engine, qtbot, lost_dialogs, entry):
    ada = add_prospect(engine, "Ada Lovelace", stage=Stage.FIRST_CALL)
    entry(context, qtbot, ada)
    assert [type(d) for d in lost_dialogs] == [move_flow.LostDialog]
    assert lost_dialogs[0].windowTitle() == "Mark lost: Ada Lovelace"
    prospect = context.desk.prospects.get(ada)
    assert (prospect.stage, prospect.lost_from) == ("lost", "first_call")
    assert prospect.lost_reason == "No budget: froze all spending"
    context.undo_stack.undo()
    assert context.desk.prospects.get(ada).stage == "first_call"


def test_a_new_lost_reason_can_join_the_teams_list(context, engine, qtbot, monkeypatch):
    ada = add_prospect(engine, "Ada Lovelace", stage=Stage.FIRST_CALL)
    changed: list[bool] = []
    context.sig_settings_changed.connect(lambda: changed.append(True))
    monkeypatch.setattr(
        move_flow,
        "ask_lost_reason",
        lambda *_args: move_flow.LostAnswer("Went in-house", remember=True),
    )
    parent = QWidget()
    qtbot.addWidget(parent)
    assert move_flow.request_move(
        context,
        parent,
        prospect_id=ada,
        position=context.desk.prospects.position(ada),
        target=Stage.LOST,
        name="Ada Lovelace",
    )
    assert "Went in-house" in context.desk.config.lost_reasons
    assert changed == [True]


def test_a_refused_move_says_why_and_changes_nothing(context, engine, qtbot):
    ada = add_prospect(engine, "Ada Lovelace", stage=Stage.FIRST_CALL)
    refusals: list[str] = []
    assert not move_flow.request_move(
        context,
        None,
        prospect_id=ada,
        position=context.desk.prospects.position(ada),
        target=Stage.WON,
        on_refused=refusals.append,
    )
    assert refusals == ["Only a prospect in Payment can be marked won."]
    assert context.undo_stack.count() == 0


def test_a_cancelled_skip_reason_changes_nothing(context, engine, qtbot, monkeypatch):
    ada = add_prospect(engine, "Ada Lovelace")
    monkeypatch.setattr(move_flow, "ask_skip_reason", lambda *_args: None)
    assert not move_flow.request_move(
        context,
        None,
        prospect_id=ada,
        position=context.desk.prospects.position(ada),
        target=Stage.TRIAL,
    )
    assert context.desk.prospects.get(ada).stage == "outreach"
