"""The window follows other writers: what the command line changes shows on the open card,
the board and the list, and the list keeps its selection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from onboard_desk.pipeline import Stage
from tests.ui.conftest import add_prospect


def _cli(db: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "onboard_desk", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    return done.stdout.strip()


def test_a_next_action_set_from_the_command_line_shows_on_the_card_and_the_board(
    window: Any, context: Any, engine: Any, db_path: Path, qtbot: Any
) -> None:
    ada = add_prospect(engine, "Ada Lovelace", stage=Stage.TRIAL, next_action=None)
    window.show_screen("board")
    window.open_prospect(ada)
    card = window.card_panel.card
    assert card is not None and card.prospect is not None
    assert card.prospect.next_action is None
    _cli(db_path, "next", str(ada), "--action", "Call about the trial", "--due", "tomorrow")
    context.look_for_outside_changes()  # what the window's timer does every 1.5 s
    qtbot.waitUntil(lambda: card.prospect.next_action == "Call about the trial", timeout=3000)
    column = window.screen_widget("board").columns[Stage.TRIAL].model

    def board_shows_it() -> bool:
        row = column.row_of(ada)
        return row is not None and column.card_at(row).next_action == "Call about the trial"

    qtbot.waitUntil(board_shows_it, timeout=3000)


def test_the_list_keeps_its_selection_when_another_writer_edits_a_row(
    window: Any, context: Any, engine: Any, db_path: Path, qtbot: Any
) -> None:
    ids = [add_prospect(engine, f"Prospect {n:02}") for n in range(30)]
    window.show_screen("prospects")
    view = window.screen_widget("prospects")
    qtbot.waitUntil(lambda: view.model.rowCount() == 30, timeout=3000)
    chosen = ids[17]
    view.table.selectRow(next(r for r in range(30) if view.model.prospect_id(r) == chosen))
    assert view.selected_prospect_id() == chosen
    _cli(db_path, "next", str(ids[3]), "--action", "Send the offer", "--due", "tomorrow")
    context.look_for_outside_changes()
    row = next(r for r in range(view.model.rowCount()) if view.model.prospect_id(r) == ids[3])
    qtbot.waitUntil(
        lambda: (
            "Send the offer"
            in str([view.model.index(row, c).data() for c in range(view.model.columnCount())])
        ),
        timeout=3000,
    )
    assert view.selected_prospect_id() == chosen


def test_the_window_looks_for_other_writers_on_its_own(window: Any, context: Any) -> None:
    assert context._watch_timer is not None and context._watch_timer.isActive()
    assert context._watch_timer.interval() <= 2000  # "within a couple of seconds"
