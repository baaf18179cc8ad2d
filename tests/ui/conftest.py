"""Fixtures for the window tests: QSettings in a temporary folder, an AppContext on a real
SQLite file, the main window with its screens, and helpers to add prospects."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy.engine import Engine

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store
from onboard_desk.storage.db import session_scope


@pytest.fixture(autouse=True)
def _qsettings_in_tmp(tmp_path: Path, qapp: Any) -> None:
    from onboard_desk.ui.common import ui_state

    ui_state.configure_application()
    folder = tmp_path / "qsettings"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    QSettings().clear()


@pytest.fixture(autouse=True)
def _no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes are recorded instead of blocking the test."""
    from onboard_desk.ui.common import dialogs

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, title, msg: shown.append((title, msg)))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, title, msg: shown.append((title, msg)))
    return shown


@pytest.fixture
def shown_errors(_no_modal_boxes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return _no_modal_boxes


@pytest.fixture
def window(context: Any, db_path: Path, qtbot: Any) -> Any:
    from onboard_desk.ui.window.main_window import MainWindow
    from onboard_desk.ui.window.screens import SCREENS

    win = MainWindow(db_path)
    qtbot.addWidget(win)
    win.register_screens(SCREENS)
    win.set_context(context)
    return win


def add_prospect(
    engine: Engine,
    name: str,
    *,
    stage: Stage = Stage.OUTREACH,
    company: str = "Acme",
    value_cents: int | None = 100_000,
    next_action: str | None = "Call them",
    due: datetime | None = None,
    by: str = "Tester",
) -> int:
    """A prospect in ``stage`` reached by legal moves, with the given next action."""
    with session_scope(engine) as session:
        prospect = prospect_ops.create_prospect(
            session,
            fields={"name": name, "company": company, "value_cents": value_cents},
            by=by,
            now=utcnow() - timedelta(days=1),
        )
        assert prospect.id is not None
        order = [Stage.OUTREACH, Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL]
        order += [Stage.FINAL_CHECK_IN, Stage.PAYMENT, Stage.WON]
        if stage is Stage.LOST:
            prospect_ops.move_prospect(
                session, prospect_id=prospect.id, target=Stage.LOST, reason="No budget", by=by
            )
        else:
            for step in order[1 : order.index(stage) + 1]:
                prospect_ops.move_prospect(session, prospect_id=prospect.id, target=step, by=by)
        store.set_next_action(
            session,
            prospect_id=prospect.id,
            action=next_action,
            due=due if due is not None else (utcnow() + timedelta(days=2) if next_action else None),
        )
        return prospect.id


def stage_of(engine: Engine, prospect_id: int) -> Stage:
    with session_scope(engine) as session:
        return Stage(store.get_prospect(session, prospect_id).stage)
