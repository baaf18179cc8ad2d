"""The pipeline board: drag and drop through the pipeline rules, undo, lazy columns.

The board runs on the inline pool (``context``): a column's cards are there when the call
that asked for them returns. One test keeps the real pool, to check the pages are read off
the GUI thread.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from onboard_desk.pipeline import WORKING_STAGES, Stage
from onboard_desk.services.lists import ListService
from onboard_desk.storage import store
from onboard_desk.storage.db import session_scope
from onboard_desk.ui.board.model import BoardColumnModel
from onboard_desk.ui.board.view import BoardScreen
from onboard_desk.ui.common import move_flow as move_dialogs
from tests.ui.conftest import add_prospect, stage_of


def _board(context: Any, qtbot: Any) -> BoardScreen:
    board = BoardScreen(context)
    qtbot.addWidget(board)
    qtbot.waitUntil(lambda: board.loaded, timeout=5000)  # at once on the inline pool
    return board


def _row(model: BoardColumnModel, prospect_id: int) -> int:
    row = model.row_of(prospect_id)
    assert row is not None, "the card is not in its column"
    return row


def _drag(board: BoardScreen, qtbot: Any, prospect_id: int, source: Stage, target: Stage) -> None:
    """Drop a card from ``source`` onto ``target`` the way QListView does: the source
    model encodes the dragged index, the target model receives the drop."""
    source_model = board.columns[source].model
    mime = source_model.mimeData([source_model.index(_row(source_model, prospect_id), 0)])
    column = board.columns[target]
    assert column.model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    # The move runs queued, once the drag has finished; the board's own slot runs before
    # the wait's, so the move has been asked for when the wait returns.
    with qtbot.waitSignal(column.sig_card_dropped, timeout=5000):
        accepted = column.model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
        assert accepted is False  # the source never removes the row itself


def _wait_card(board: BoardScreen, qtbot: Any, prospect_id: int, stage: Stage) -> None:
    qtbot.waitUntil(
        lambda: board.columns[stage].model.row_of(prospect_id) is not None, timeout=5000
    )


def test_drag_to_next_column_moves_the_prospect(context, engine, qtbot):
    ada = add_prospect(engine, "Ada Lovelace")
    board = _board(context, qtbot)
    _drag(board, qtbot, ada, Stage.OUTREACH, Stage.FIRST_CALL)
    assert stage_of(engine, ada) is Stage.FIRST_CALL
    with session_scope(engine) as session:
        history = store.stage_history(session, ada)
    assert (history[-1].from_stage, history[-1].to_stage) == ("outreach", "first_call")
    _wait_card(board, qtbot, ada, Stage.FIRST_CALL)
    qtbot.waitUntil(lambda: board.columns[Stage.OUTREACH].model.row_of(ada) is None, timeout=5000)


def test_illegal_drop_changes_nothing(context, engine, qtbot, shown_errors):
    ada = add_prospect(engine, "Ada Lovelace")
    board = _board(context, qtbot)
    board.columns[Stage.WON].set_unfolded(True)
    _drag(board, qtbot, ada, Stage.OUTREACH, Stage.WON)
    assert stage_of(engine, ada) is Stage.OUTREACH
    assert shown_errors and "Only a prospect in Payment can be marked won" in shown_errors[-1][1]
    assert context.undo_stack.count() == 0


def test_skip_forward_asks_a_reason_and_cancel_changes_nothing(context, engine, qtbot, monkeypatch):
    ada = add_prospect(engine, "Ada Lovelace")
    board = _board(context, qtbot)
    asked: list[str] = []

    def cancel(_parent: Any, _title: str, message: str) -> None:
        asked.append(message)

    monkeypatch.setattr(move_dialogs, "ask_skip_reason", cancel)
    _drag(board, qtbot, ada, Stage.OUTREACH, Stage.TRIAL)
    assert "skips 2 stages" in asked[0]
    assert stage_of(engine, ada) is Stage.OUTREACH

    monkeypatch.setattr(move_dialogs, "ask_skip_reason", lambda *_args: "They asked for a trial")
    _drag(board, qtbot, ada, Stage.OUTREACH, Stage.TRIAL)
    assert stage_of(engine, ada) is Stage.TRIAL
    with session_scope(engine) as session:
        assert store.stage_history(session, ada)[-1].reason == "They asked for a trial"


def test_drop_on_lost_asks_the_lost_reason(context, engine, qtbot, monkeypatch):
    ada = add_prospect(engine, "Ada Lovelace", stage=Stage.FIRST_CALL)
    board = _board(context, qtbot)
    offered: list[tuple[str, ...]] = []

    def pick(_parent: Any, reasons: tuple[str, ...], _name: str) -> move_dialogs.LostAnswer:
        offered.append(reasons)
        return move_dialogs.LostAnswer("No budget", "spent it on a boat")

    monkeypatch.setattr(move_dialogs, "ask_lost_reason", pick)
    # Lost is folded: the drop lands on the column frame, not on a list.
    column = board.columns[Stage.LOST]
    assert not column.unfolded
    source = board.columns[Stage.FIRST_CALL].model
    mime = source.mimeData([source.index(_row(source, ada), 0)])
    from onboard_desk.ui.board.model import dropped_from_mime

    column.sig_card_dropped.emit(dropped_from_mime(mime, Stage.LOST))
    assert "No budget" in offered[0]
    with session_scope(engine) as session:
        prospect = store.get_prospect(session, ada)
    assert prospect.stage == "lost"
    assert prospect.lost_reason == "No budget: spent it on a boat"
    assert prospect.lost_from == "first_call"


def test_undo_restores_the_stage(window, context, engine, qtbot):
    ada = add_prospect(engine, "Ada Lovelace")
    window.show_screen("board")
    board = window.screen_widget("board")
    assert board.loaded
    _drag(board, qtbot, ada, Stage.OUTREACH, Stage.FIRST_CALL)
    assert stage_of(engine, ada) is Stage.FIRST_CALL
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert stage_of(engine, ada) is Stage.OUTREACH
    _wait_card(board, qtbot, ada, Stage.OUTREACH)
    window.redo_action.trigger()
    assert stage_of(engine, ada) is Stage.FIRST_CALL


@pytest.mark.parametrize("page_size", [7])
def test_columns_page_lazily(context, engine, qtbot, page_size):
    ids = [add_prospect(engine, f"Person {n:02d}") for n in range(20)]
    board = _board(context, qtbot)
    model = board.columns[Stage.OUTREACH].model
    model.page_size = page_size
    model._rows = []
    model.reload()
    assert model.rowCount() == page_size
    assert model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert not model.is_loading
    names = [model.card_at(r).name for r in range(model.rowCount())]
    assert names == sorted(names) and len(names) == len(ids)


def test_header_shows_count_and_value(context, engine, qtbot):
    add_prospect(engine, "Ada", value_cents=150_000)
    add_prospect(engine, "Bob", value_cents=250_000)
    board = _board(context, qtbot)
    label = board.columns[Stage.OUTREACH].totals
    assert label.text().startswith("2 ·")
    assert "4,000 USD" in label.text()
    assert board.summary.text() == "2 open prospects · 4,000 USD in the pipeline"


def test_move_without_dragging(context, engine, qtbot, shown_errors):
    ada = add_prospect(engine, "Ada Lovelace", stage=Stage.PAYMENT)
    board = _board(context, qtbot)
    model = board.columns[Stage.PAYMENT].model
    card = model.card_at(_row(model, ada))
    assert board.move_card(card, Stage.WON)
    assert stage_of(engine, ada) is Stage.WON
    bob = add_prospect(engine, "Bob", stage=Stage.TRIAL)
    board.refresh()
    trial = board.columns[Stage.TRIAL].model
    assert not board.move_card(trial.card_at(_row(trial, bob)), Stage.WON)
    assert stage_of(engine, bob) is Stage.TRIAL
    assert "Payment" in shown_errors[-1][1]


def test_pages_are_read_off_the_gui_thread(threaded_context, engine, qtbot, monkeypatch):
    ada = add_prospect(engine, "Ada Lovelace")
    readers: list[threading.Thread] = []
    board_page = ListService.board_page

    def recording(self: ListService, *args: Any, **kwargs: Any) -> Any:
        readers.append(threading.current_thread())
        return board_page(self, *args, **kwargs)

    monkeypatch.setattr(ListService, "board_page", recording)
    board = BoardScreen(threaded_context)
    qtbot.addWidget(board)
    assert not board.loaded  # nothing was read on the way in
    qtbot.waitUntil(lambda: board.loaded, timeout=5000)
    assert board.columns[Stage.OUTREACH].model.row_of(ada) is not None
    assert len(readers) == len(WORKING_STAGES)
    assert threading.main_thread() not in readers
