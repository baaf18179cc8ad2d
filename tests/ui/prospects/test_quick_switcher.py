"""The quick switcher (Ctrl+K): type part of a name, Enter opens the prospect."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from onboard_desk.pipeline import Stage
from onboard_desk.services.desk import Desk
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.window.quick_switcher import LIMIT, QuickSwitcher
from tests.ui.conftest import add_prospect

from .conftest import HeldPool


def make_switcher(qtbot: QtBot, context: AppContext) -> QuickSwitcher:
    switcher = QuickSwitcher(context)
    qtbot.addWidget(switcher)
    switcher.popup()
    return switcher


def shown(switcher: QuickSwitcher) -> list[str]:
    return [switcher.model.index(r, 0).data() for r in range(switcher.model.rowCount())]


def test_quick_switcher_jumps_to_a_prospect(
    window: Any, context: AppContext, engine: Engine, qtbot: QtBot
) -> None:
    add_prospect(engine, "Grace Hopper", company="Navy")
    ada = add_prospect(engine, "Ada Lovelace", company="Analytical Engines")
    window.quick_switcher_action.trigger()
    switcher = window._quick_switcher
    with qtbot.waitSignal(switcher.sig_results_shown, timeout=5000):
        qtbot.keyClicks(switcher.field, "lovel")
    assert switcher.model.rowCount() == 1
    with qtbot.waitSignal(window.sig_open_prospect_requested) as blocker:
        qtbot.keyClick(switcher.field, Qt.Key.Key_Return)
    assert blocker.args == [ada]
    assert not switcher.isVisible()


def test_results_name_the_company_and_stage(
    qtbot: QtBot, context: AppContext, engine: Engine
) -> None:
    add_prospect(engine, "Ada Lovelace", company="Analytical Engines", stage=Stage.TRIAL)
    add_prospect(engine, "Ada Byron", company="")
    add_prospect(engine, "Grace Hopper", company="Navy")
    switcher = make_switcher(qtbot, context)
    switcher.field.setText("ada")
    switcher.search()
    assert sorted(shown(switcher)) == [
        "Ada Byron   ·   Outreach",
        "Ada Lovelace — Analytical Engines   ·   Trial",
    ]
    assert switcher.results.currentIndex().row() == 0


def test_no_match_says_so(qtbot: QtBot, context: AppContext, engine: Engine) -> None:
    add_prospect(engine, "Ada Lovelace")
    switcher = make_switcher(qtbot, context)
    switcher.field.setText("zzyzx")
    switcher.search()
    assert shown(switcher) == []
    assert switcher.status.text() == "No prospect matches “zzyzx”."
    switcher.field.clear()
    switcher.search()
    assert shown(switcher) == []


def test_at_most_a_screenful_of_results(qtbot: QtBot, context: AppContext, desk: Desk) -> None:
    for n in range(LIMIT + 5):
        desk.prospects.add({"name": f"Ada Number{n}"})
    switcher = make_switcher(qtbot, context)
    switcher.field.setText("ada")
    switcher.search()
    assert switcher.model.rowCount() == LIMIT


def test_enter_before_the_search_ran_searches_first(
    qtbot: QtBot, context: AppContext, engine: Engine
) -> None:
    ada = add_prospect(engine, "Ada Lovelace")
    switcher = make_switcher(qtbot, context)
    with qtbot.assertNotEmitted(switcher.sig_prospect_chosen):
        qtbot.keyClicks(switcher.field, "ada")
        qtbot.keyClick(switcher.field, Qt.Key.Key_Return)  # the pause has not passed yet
    assert shown(switcher) == ["Ada Lovelace — Acme   ·   Outreach"]
    with qtbot.waitSignal(switcher.sig_prospect_chosen) as blocker:
        qtbot.keyClick(switcher.field, Qt.Key.Key_Return)
    assert blocker.args == [ada]


def test_up_and_down_move_through_the_results(
    qtbot: QtBot, context: AppContext, engine: Engine
) -> None:
    add_prospect(engine, "Ada Lovelace")
    add_prospect(engine, "Ada Byron")
    switcher = make_switcher(qtbot, context)
    switcher.field.setText("ada")
    switcher.search()
    assert switcher.results.currentIndex().row() == 0
    qtbot.keyClick(switcher.field, Qt.Key.Key_Down)
    assert switcher.results.currentIndex().row() == 1
    qtbot.keyClick(switcher.field, Qt.Key.Key_Down)  # stays on the last
    assert switcher.results.currentIndex().row() == 1
    qtbot.keyClick(switcher.field, Qt.Key.Key_Up)
    assert switcher.results.currentIndex().row() == 0


def test_only_the_newest_answer_is_shown(qtbot: QtBot, desk: Desk, engine: Engine) -> None:
    add_prospect(engine, "Ada Lovelace")
    add_prospect(engine, "Grace Hopper")
    pool = HeldPool()
    switcher = make_switcher(qtbot, AppContext(desk, thread_pool=pool))
    switcher.field.setText("ada")
    switcher.search()
    switcher.field.setText("grace")
    switcher.search()
    with qtbot.waitSignal(switcher.sig_results_shown) as blocker:
        pool.release()  # the answer for "ada" arrives after "grace" was asked for
    assert blocker.signal_triggered
    assert shown(switcher) == ["Grace Hopper — Acme   ·   Outreach"]
