"""The window's File and Outreach menus reach import, export, backup, reports and outreach."""

from __future__ import annotations

import csv
import threading
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget

from onboard_desk.importing import ImportOptions, run_import
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver
from onboard_desk.ui.importing.wizard import ImportWizard
from onboard_desk.ui.outreach.bulk_send import BulkSendDialog
from onboard_desk.ui.outreach.calendar_feed import CalendarExportDialog
from onboard_desk.ui.outreach.compose import ComposeDialog
from onboard_desk.ui.outreach.log_call import LogCallDialog
from onboard_desk.ui.outreach.template_editor import TemplateEditor
from onboard_desk.ui.prospects.new_prospect import NewProspectDialog
from onboard_desk.ui.window.actions import MailSettingsDialog
from tests.ui.conftest import add_prospect

DATA = Path(__file__).resolve().parents[2] / "data" / "import"

W = TypeVar("W", bound=QWidget)


def _top_level(kind: type[W]) -> list[W]:
    """The shown top-level windows of ``kind`` (dialogs the window opened)."""
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _menu_texts(window, title: str) -> list[str]:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return [a.text().replace("&", "") for a in action.menu().actions() if a.text()]
    return []


def test_menus_offer_every_part(window) -> None:
    file_items = _menu_texts(window, "File")
    assert file_items == [
        "New prospect…",
        "Import…",
        "Export prospects…",
        "Back up database…",
        "Quit",
    ]
    outreach = _menu_texts(window, "Outreach")
    assert outreach[:2] == ["Write email…", "Log call…"]
    assert {"Email templates…", "Mail settings…", "Calendar file…"} <= set(outreach)
    assert window.window_actions.import_action.shortcut().toString() == "Ctrl+I"


def test_reports_is_a_screen(window, engine, qtbot) -> None:
    add_prospect(engine, "Ada Lovelace")
    window.show_screen("reports")
    view = window.screen_widget("reports")
    assert type(view).__name__ == "ReportsView"


def test_a_dropped_file_opens_the_import_wizard(window, qtbot) -> None:
    window.sig_file_dropped.emit(DATA / "hubspot_contacts.csv")
    wizards = _top_level(ImportWizard)
    assert wizards, "the wizard opens"
    wizard = wizards[-1]
    paths = [edit.text() for edit in wizard.findChildren(QLineEdit)]
    assert any(text.endswith("hubspot_contacts.csv") for text in paths)
    wizard.reject()


def test_show_the_imported_prospects(window, engine, qtbot) -> None:
    add_prospect(engine, "Somebody Else")
    result = run_import(engine, DATA / "hubspot_contacts.csv", ImportOptions(), by="Tester")
    assert result.batch_id is not None and result.created >= 2
    window.window_actions.show_import_batch(result.batch_id, [])
    assert window.current_screen_key() == "prospects"
    view = window.screen_widget("prospects")
    qtbot.waitUntil(lambda: view.model.total_count == result.created, timeout=5000)
    assert view.batch_label.isVisibleTo(view)
    view.clear_filters()
    qtbot.waitUntil(lambda: view.model.total_count == result.created + 1, timeout=5000)
    assert not view.batch_label.isVisibleTo(view)


def test_export_writes_what_the_list_shows(window, engine, qtbot, tmp_path, monkeypatch) -> None:
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        add_prospect(engine, name)
    target = tmp_path / "out" / "prospects.csv"
    target.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "CSV, UTF-8 (*.csv)")
    )
    window.show_screen("prospects")
    view = window.screen_widget("prospects")
    view.search_edit.setText("grace")
    view._search_now()
    qtbot.waitUntil(lambda: view.model.total_count == 1, timeout=5000)
    window.window_actions.export_action.trigger()
    assert "Exported 1 " in window.statusBar().currentMessage()  # the inline pool: done
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    name_column = [h.lower() for h in rows[0]].index("name")
    assert [r[name_column] for r in rows[1:]] == ["Grace Hopper"]


def test_backup_is_a_consistent_database(window, engine, qtbot, tmp_path, monkeypatch) -> None:
    add_prospect(engine, "Ada Lovelace")
    target = tmp_path / "snapshot.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    window.window_actions.backup_action.trigger()
    assert "Backup written" in window.statusBar().currentMessage()
    with sqlite3.connect(target) as snapshot:
        assert snapshot.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert snapshot.execute("SELECT name FROM prospect").fetchall() == [("Ada Lovelace",)]


def test_export_and_backup_run_off_the_gui_thread(
    threaded_context, db_path, engine, qtbot, tmp_path, monkeypatch
) -> None:
    """On the real pool the file work runs on a worker thread; the status bar says when
    it is done."""
    from onboard_desk.ui.window.main_window import MainWindow
    from onboard_desk.ui.window.screens import SCREENS

    win = MainWindow(db_path)
    qtbot.addWidget(win)
    win.register_screens(SCREENS)
    win.set_context(threaded_context)
    actions = win.window_actions
    assert actions is not None
    add_prospect(engine, "Ada Lovelace")
    desk = threaded_context.desk
    threads: list[threading.Thread] = []
    export, back_up = desk.exports.prospects, desk.maintenance.back_up

    def exporting(*args: Any, **kwargs: Any) -> int:
        threads.append(threading.current_thread())
        return export(*args, **kwargs)

    def backing_up(*args: Any, **kwargs: Any) -> None:
        threads.append(threading.current_thread())
        back_up(*args, **kwargs)

    monkeypatch.setattr(desk.exports, "prospects", exporting)
    monkeypatch.setattr(desk.maintenance, "back_up", backing_up)
    target = tmp_path / "prospects.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    actions.export_action.trigger()
    qtbot.waitUntil(lambda: "Exported 1 " in win.statusBar().currentMessage(), timeout=5000)
    snapshot = tmp_path / "snapshot.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(snapshot), ""))
    actions.backup_action.trigger()
    qtbot.waitUntil(lambda: "Backup written" in win.statusBar().currentMessage(), timeout=5000)
    assert len(threads) == 2
    assert all(thread is not threading.main_thread() for thread in threads)
    assert target.exists() and snapshot.exists()


def test_backup_refuses_to_overwrite_the_database(window, db_path, monkeypatch, shown_errors):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(db_path), ""))
    window.window_actions.backup_action.trigger()
    assert shown_errors and "cannot replace the database" in shown_errors[-1][1]


def test_email_and_call_act_on_the_prospect_on_the_card(window, engine, qtbot, shown_errors):
    window.window_actions.compose_action.trigger()
    assert shown_errors[-1][0] == "No prospect chosen"
    ada = add_prospect(engine, "Ada Lovelace")
    window.open_prospect(ada)
    assert window.card_panel.card.prospect_id == ada
    assert window.window_actions.current_prospect_id() == ada
    window.window_actions.call_action.trigger()
    dialogs = _top_level(LogCallDialog)
    assert dialogs and dialogs[-1].prospect_id == ada
    dialogs[-1].reject()
    window.window_actions.compose_action.trigger()
    composers = _top_level(ComposeDialog)
    assert composers
    composers[-1].reject()


def test_send_to_the_listed_prospects_reviews_them_first(window, engine, qtbot) -> None:
    ids = {add_prospect(engine, name) for name in ("Ada Lovelace", "Grace Hopper")}
    window.show_screen("prospects")
    window.window_actions.bulk_action.trigger()
    assert _top_level(BulkSendDialog)
    dialog = _top_level(BulkSendDialog)[-1]
    assert set(dialog.prospect_ids) == ids
    dialog.reject()


def test_calendar_and_templates_dialogs_open(window) -> None:
    window.window_actions.calendar_action.trigger()
    calendars = _top_level(CalendarExportDialog)
    assert calendars and calendars[-1].updater is window.window_actions.calendar_feed
    calendars[-1].reject()
    window.window_actions.templates_action.trigger()
    assert _top_level(TemplateEditor)
    _top_level(TemplateEditor)[-1].reject()
    window.window_actions.mail_settings_action.trigger()
    assert _top_level(MailSettingsDialog)
    _top_level(MailSettingsDialog)[-1].reject()


def test_a_new_database_shows_how_to_begin(window, engine, qtbot) -> None:
    window.show_screen("today")
    today = window.screen_widget("today")
    qtbot.waitUntil(lambda: today.agenda is not None, timeout=5000)
    assert today.stack.currentWidget() is today.empty_state
    assert today.empty_title.text() == "Welcome to Onboard Desk"
    today.empty_import_button.click()
    wizards = _top_level(ImportWizard)
    assert wizards
    wizards[-1].reject()
    today.empty_new_button.click()
    assert _top_level(NewProspectDialog)
    _top_level(NewProspectDialog)[-1].reject()


def test_nothing_due_is_said_and_the_list_returns_when_something_is(window, engine, qtbot):
    from datetime import timedelta

    from onboard_desk.domain.timeutil import utcnow

    add_prospect(engine, "Ada Lovelace", due=utcnow() + timedelta(days=5))
    window.show_screen("today")
    today = window.screen_widget("today")
    today.refresh()  # the screen may have been built before the prospect was added
    qtbot.waitUntil(lambda: today.empty_title.text() == "Nothing due today", timeout=5000)
    assert today.stack.currentWidget() is today.empty_state
    assert not today.empty_import_button.isVisibleTo(today)
    add_prospect(engine, "Grace Hopper", due=utcnow() - timedelta(hours=1))
    today.refresh()
    qtbot.waitUntil(lambda: today.stack.currentWidget() is today.view, timeout=5000)
