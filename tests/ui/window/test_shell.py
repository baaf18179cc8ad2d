"""The main window and its services: screens, menus, search focus, file drops, state,
settings, quick switcher, reminders, single instance, start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import Stage
from onboard_desk.storage import settings_store
from onboard_desk.storage.db import session_scope
from onboard_desk.ui.common import ui_state
from onboard_desk.ui.window.main_window import MainWindow
from tests.ui.conftest import add_prospect


class _SearchScreen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.search = QLineEdit(self)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()


def test_factory_screens_are_built_on_first_show(window, qtbot):
    built: list[str] = []

    def factory() -> QWidget:
        built.append("extra")
        return _SearchScreen()

    window.add_screen("extra", "Extra", factory, "prospects")
    assert built == []
    assert window.screen_widget("extra") is None
    window.show_screen("extra")
    window.show_screen("today")
    window.show_screen("extra")
    assert built == ["extra"]
    view_texts = [a.text() for a in window.menus.menu("View").actions()]
    assert view_texts[:2] == ["Today", "Pipeline"] and view_texts[-1] == "Extra"
    shortcuts = [a.shortcut().toString() for a in window.menus.menu("View").actions()]
    assert shortcuts == [f"Ctrl+{n}" for n in range(1, len(view_texts) + 1)]
    with pytest.raises(ValueError):
        window.add_screen("extra", "Again", factory, "prospects")


def test_find_focuses_the_current_screens_search(window, qtbot):
    window.add_screen("extra", "Extra", _SearchScreen(), "prospects")
    window.show()
    qtbot.waitExposed(window)
    window.show_screen("extra")
    window.activateWindow()
    window.find_action.trigger()
    assert window.focusWidget() is window.screen_widget("extra").search
    assert window.find_action.shortcut().toString() == "Ctrl+F"


def test_menu_actions_and_shortcuts(window):
    called: list[int] = []
    action = window.add_menu_action(
        "Reports", "Pipeline report", lambda: called.append(1), "Ctrl+R"
    )
    action.trigger()
    assert called == [1]
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Go", "Outreach", "Reports", "Help"]
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in window.actions()}
    assert shortcuts["New prospect…"] == "Ctrl+N"
    assert shortcuts["Undo"] == "Ctrl+Z"
    assert shortcuts["Redo"] == "Ctrl+Shift+Z"
    assert shortcuts["Quick switcher…"] == "Ctrl+K"


def test_dropped_file_is_announced(window, qtbot, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("name\nAda\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.sig_file_dropped) as blocker:
        window.dropEvent(event)
    assert blocker.args == [path]


def test_open_prospect_emits(window, qtbot):
    with qtbot.waitSignal(window.sig_open_prospect_requested) as blocker:
        window.open_prospect(42)
    assert blocker.args == [42]


def test_geometry_and_last_screen_are_remembered(window, context, db_path, qtbot):
    window.resize(700, 500)
    window.show_screen("board")
    window.close()
    assert ui_state.LAST_SCREEN.get() == "board"
    again = MainWindow(db_path)
    qtbot.addWidget(again)
    from onboard_desk.ui.window.screens import SCREENS

    again.register_screens(SCREENS)
    again.set_context(context)
    assert again.current_screen_key() == "board"
    assert (again.size().width(), again.size().height()) == (700, 500)


def test_settings_are_saved(window, context, engine, qtbot):
    from onboard_desk.ui.settings.dialog import SettingsDialog

    changes: list[bool] = []
    context.sig_settings_changed.connect(lambda: changes.append(True))
    dialog = SettingsDialog(context, window)
    dialog.user_name.setText("Jamie Lee")
    dialog.check_in_delay.setValue(5)
    dialog.idle_limits[Stage.TRIAL].setValue(30)
    dialog.lost_reasons.setPlainText("Too pricey\nNo response\n")
    dialog.checklist_stage.setCurrentIndex(1)
    dialog.checklist_text.setPlainText("Demo on their data\nAsk who decides")
    dialog.save()
    with session_scope(engine) as session:
        config = settings_store.load_config(session)
        assert settings_store.user_name(session) == "Jamie Lee"
    assert config.check_in_delay_days == 5
    assert config.idle_limit(Stage.TRIAL) == 30
    assert config.lost_reasons == ("Too pricey", "No response")
    assert config.checklist(Stage.FIRST_CALL) == ("Demo on their data", "Ask who decides")
    assert changes and context.user == "Jamie Lee"


def test_invalid_settings_are_refused_and_nothing_saved(window, context, engine):
    from onboard_desk.ui.settings.dialog import SettingsDialog

    dialog = SettingsDialog(context, window)
    dialog.check_in_delay.setValue(9)
    dialog.lost_reasons.setPlainText("  \n")
    dialog.save()
    assert "at least one lost reason" in dialog.error.text()
    with session_scope(engine) as session:
        assert settings_store.load_config(session).check_in_delay_days == 3


def test_reminder_for_a_due_action_without_tray(window, context, engine, qtbot):
    from onboard_desk.ui.window.reminders import Reminders

    start = utcnow() - timedelta(minutes=1)
    ada = add_prospect(
        engine, "Ada Lovelace", next_action="Call Ada", due=utcnow() - timedelta(seconds=5)
    )
    add_prospect(engine, "Long overdue", due=utcnow() - timedelta(days=3))
    reminders = Reminders(context, window, use_tray=False, now=start)
    with qtbot.waitSignal(reminders.sig_reminded, timeout=5000) as blocker:
        reminders.check()
    assert [r.prospect_id for r in blocker.args[0]] == [ada]
    assert "Ada Lovelace" in window.statusBar().currentMessage()
    # The next check finds nothing new (the inline pool has run it when check() returns).
    with qtbot.assertNotEmitted(reminders.sig_reminded):
        reminders.check()


def test_clicking_a_tray_reminder_opens_the_prospect(window, context, engine, qtbot):
    from onboard_desk.storage.queries import DueReminder
    from onboard_desk.ui.window.reminders import Reminders

    reminders = Reminders(context, window, use_tray=True)
    reminders.sig_open_prospect.connect(window.open_prospect)
    reminders.remind([DueReminder(7, "Ada", "Call Ada", utcnow())])
    assert reminders.tray is not None
    with qtbot.waitSignal(window.sig_open_prospect_requested) as blocker:
        reminders.tray.messageClicked.emit()
    assert blocker.args == [7]


def test_single_instance_forwards_to_the_running_window(qtbot, tmp_path):
    from onboard_desk.ui.window.single_instance import InstanceServer, forward_to_running

    db = tmp_path / "a.sqlite3"
    assert forward_to_running(db) is False
    server = InstanceServer(db)
    assert server.listen()
    with qtbot.waitSignal(server.sig_activation_requested, timeout=3000):
        assert forward_to_running(db) is True
    assert forward_to_running(tmp_path / "other.sqlite3") is False
    server.close()


def test_launch_shows_the_window_then_opens_the_database(qtbot, tmp_path):
    from onboard_desk.ui.app import launch

    db = tmp_path / "fresh.sqlite3"
    started = launch(db, ["onboard-desk"])
    window = started.window
    assert window is not None
    qtbot.addWidget(window)
    assert window.isVisible()
    assert "fresh.sqlite3" in window.windowTitle()
    with qtbot.waitSignal(window.sig_data_shown, timeout=15000):
        pass
    assert window.context is not None and db.exists()
    assert "opening" not in window.windowTitle()
    # A second launch on the same database hands over instead of opening it again.
    second = launch(db, ["onboard-desk"])
    assert second.window is None and second.exit_code == 0
    assert started.server is not None and started.opener is not None
    started.server.close()
    started.opener.wait(5)
    window.context.thread_pool.waitForDone(5000)


def test_window_does_not_import_sqlalchemy_before_it_is_shown(tmp_path):
    code = (
        "import sys, os; os.environ['QT_QPA_PLATFORM']='offscreen';"
        "from onboard_desk.ui.window.main_window import MainWindow;"
        "from onboard_desk.ui import app;from onboard_desk.ui.window import screens;"
        "print(sorted(m for m in ('sqlalchemy','sqlmodel','alembic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _drawn(icon) -> bool:
    from PySide6.QtGui import QImage

    image = icon.pixmap(24, 24).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return any(image.pixelColor(x, y).alpha() > 0 for x in range(24) for y in range(24))


def test_window_sidebar_and_every_menu_entry_have_drawn_icons(window):
    """The icons come from the package (tests/test_packaging.py checks the files); here the
    wired window shows them: its own icon, each screen's, each menu entry's."""
    assert _drawn(window.windowIcon())
    items = [window.sidebar.item(row) for row in range(window.sidebar.count())]
    assert len(items) == 5 and all(_drawn(item.icon()) for item in items)
    actions = [
        action
        for menu in window.menuBar().actions()
        for action in menu.menu().actions()
        if not action.isSeparator()
    ]
    assert len(actions) >= 20
    assert [action.text() for action in actions if not _drawn(action.icon())] == []


def test_tests_use_a_temporary_settings_file():
    from PySide6.QtCore import QSettings

    assert "qsettings" in QSettings().fileName()


def test_a_file_that_is_not_a_database_is_reported_in_the_window(qtbot, tmp_path, shown_errors):
    from onboard_desk.ui.app import launch

    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("this is not a database, " * 200)
    started = launch(bogus, ["onboard-desk"], single_instance=False)
    window = started.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=10000)
    assert "not an Onboard Desk database" in shown_errors[0][1]
    assert "not an Onboard Desk database" in window._placeholder_label.text()
    assert window.context is None
    assert bogus.read_text().startswith("this is not a database")


def test_no_command_opens_the_window(monkeypatch, tmp_path):
    from onboard_desk import cli
    from onboard_desk.ui import app

    calls: list[str | os.PathLike[str] | None] = []

    def run_gui(db: str | os.PathLike[str] | None = None, argv: list[str] | None = None) -> int:
        calls.append(db)
        return 0

    monkeypatch.setattr(app, "run_gui", run_gui)
    assert cli.main(["--db", str(tmp_path / "x.sqlite3")]) == 0
    assert calls == [str(tmp_path / "x.sqlite3")]


SHELL_MODULES = (
    "app",
    "board/view",
    "board/delegate",
    "board/model",
    "common/dialogs",
    "today/done_dialog",
    "common/guard",
    "common/icons",
    "window/main_window",
    "common/move_flow",
    "window/quick_switcher",
    "window/reminders",
    "settings/dialog",
    "window/single_instance",
    "today/view",
    "common/ui_state",
    "window/menus",
    "window/screens",
    "window/card_panel",
)


def test_window_code_takes_colours_from_the_palette():
    """No fixed colours in the shell's widgets: they would break a dark theme."""
    import re

    folder = Path(__file__).resolve().parents[3] / "onboard_desk" / "ui"
    fixed = re.compile(
        r"#[0-9a-fA-F]{3,8}\b|setStyleSheet\(|QColor\(|Qt\.GlobalColor\.(?!transparent)"
    )
    offenders = [
        name
        for name in SHELL_MODULES
        if fixed.search((folder / f"{name}.py").read_text(encoding="utf-8"))
    ]
    assert offenders == []
