"""Encryption in the window: the Settings entry turns it on and off, the recovery key is
shown, saved and accepted back, and a database whose key is missing asks for it."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from onboard_desk.domain.recovery_key import find_recovery_key, parse_recovery_key
from onboard_desk.services import encryption
from onboard_desk.services.desk import Desk
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.storage import keys
from onboard_desk.storage.models import Prospect
from onboard_desk.ui.app import DatabaseOpener
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.settings.dialog import SettingsDialog
from onboard_desk.ui.settings.encryption import ask_recovery_key


def add_people(context: AppContext) -> None:
    with context.desk.writing() as session:
        session.add(Prospect(name="Zoë Müller", company="Acme GmbH", owner="me"))
        session.add(Prospect(name="Françoise Lopéz", company="Numérique SA", owner="me"))


def test_settings_turns_encryption_on_and_off(
    qtbot: QtBot,
    context: AppContext,
    database_keyring: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    add_people(context)
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 720)
    dialog.show()
    box = dialog.encryption_box
    assert "not encrypted" in box.status_label.text()
    assert box.toggle_button.text() == "Turn encryption on…"
    assert not box.recovery_button.isEnabled()

    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(box.sig_changed):
        box.toggle_button.click()
    assert "is encrypted" in box.status_label.text()
    assert box.recovery_dialog is not None and box.recovery_dialog.isVisible()
    key = box.recovery_dialog.key
    assert parse_recovery_key(key) == keys.read_key(context.db_path)
    # The window kept working on the rewritten file, with its new key.
    names = [p.name for p in context.desk.lists.prospects(ProspectFilter(search="muller"))]
    assert names == ["Zoë Müller"]

    saved = tmp_path / "recovery.txt"
    assert box.recovery_dialog.save_to(saved)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert parse_recovery_key(find_recovery_key(saved.read_text())) == keys.read_key(
        context.db_path
    )
    box.recovery_dialog.close()

    box.recovery_button.click()
    assert box.recovery_dialog.key == key

    with qtbot.waitSignal(box.sig_changed):
        box.toggle_button.click()
    assert "not encrypted" in box.status_label.text()
    assert keys.read_key(context.db_path) is None
    assert context.desk.lists.count() == 2
    context.desk.close()


def test_settings_says_so_without_a_keyring(
    qtbot: QtBot, context: AppContext, no_keyring: None
) -> None:
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.encryption_box
    assert "No system keyring is available" in box.status_label.text()
    assert not box.toggle_button.isEnabled()


def test_a_missing_key_is_asked_for_and_then_the_database_opens(
    qtbot: QtBot, database_keyring: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lost.sqlite3"
    desk = Desk.open(path)
    assert desk.created_encrypted
    with desk.writing() as session:
        session.add(Prospect(name="Zoë Müller", owner="me"))
    desk.close()
    recovery = encryption.recovery_key(path)
    keys.delete_key(path)

    opener = DatabaseOpener(path)
    with qtbot.waitSignal(opener.sig_key_needed) as blocker:
        opener.start()
    opener.wait()
    message = blocker.args[0]
    assert "holds no key" in message

    answers = iter([("not a key", True), (recovery, True)])
    prompts: list[str] = []

    def answer(_parent: Any, _title: str, prompt: str, *_args: Any) -> tuple[str, bool]:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", answer)
    assert ask_recovery_key(None, path, message)
    assert "groups of 5" in prompts[1]  # the first answer's problem, said plainly
    with qtbot.waitSignal(opener.sig_opened) as opened:
        opener.start()
    opener.wait()
    reopened = opened.args[0]
    assert [p.name for p in reopened.lists.prospects()] == ["Zoë Müller"]
    reopened.close()


def test_the_quick_switcher_finds_accented_names(qtbot: QtBot, context: AppContext) -> None:
    from onboard_desk.ui.window.quick_switcher import QuickSwitcher

    add_people(context)
    switcher = QuickSwitcher(context)
    qtbot.addWidget(switcher)
    switcher.popup()
    with qtbot.waitSignal(switcher.sig_results_shown):
        switcher.field.setText("zoe mu")
        switcher.search()
    assert switcher.model.rowCount() == 1
    assert switcher.model.item(0).text().startswith("Zoë Müller — Acme GmbH")
    with qtbot.waitSignal(switcher.sig_results_shown):
        switcher.field.setText("NUMERIQUE")
        switcher.search()
    assert switcher.model.item(0).text().startswith("Françoise Lopéz")
