"""The declared screens: every one builds, and the window hears when the first shows data,
even when that data arrived inline, before the window could listen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from onboard_desk.ui.window.main_window import MainWindow
from onboard_desk.ui.window.screens import SCREENS, Loading, Searchable
from tests.ui.conftest import add_prospect


def test_every_declared_screen_builds_and_says_what_it_offers(window, engine, qtbot):
    add_prospect(engine, "Ada Lovelace")
    assert window.screen_keys() == [spec.key for spec in SCREENS]
    for spec in SCREENS:
        window.show_screen(spec.key)
        widget = window.screen_widget(spec.key)
        assert widget is not None and window.stack.currentWidget() is widget
    assert isinstance(window.screen_widget("prospects"), Searchable)
    assert isinstance(window.screen_widget("today"), Loading)


@pytest.mark.parametrize("first", ["today", "board", "customers"])
def test_data_shown_even_when_the_first_screen_loaded_inline(
    context: Any, db_path: Path, qtbot: Any, first: str
) -> None:
    window = MainWindow(db_path)
    qtbot.addWidget(window)
    window.register_screens(SCREENS)
    window.show_screen(first)  # the screen the window opens on, once the database is open
    with qtbot.waitSignal(window.sig_data_shown, timeout=1000):
        window.set_context(context)  # the screen builds and reads its first data inline
