"""The first-run questions and Settings › You, driven as a new user would, at a laptop's
1280x720: asked once on a new database before its first screen is used, answered or
skipped, and "no name chosen" said plainly until a name is chosen."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTime
from pytestqt.qtbot import QtBot

from onboard_desk.domain.workhours import WorkingHours, parse_days
from onboard_desk.services.desk import Desk
from onboard_desk.services.settings import Identity
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.settings.dialog import SettingsDialog
from onboard_desk.ui.settings.first_run import FirstRunDialog

TIMEOUT = 15_000


def _launch(qtbot: QtBot, db: Path) -> Any:
    from onboard_desk.ui.app import launch

    started = launch(db, ["onboard-desk"], single_instance=False)
    window = started.window
    assert window is not None
    qtbot.addWidget(window)
    window.resize(1280, 720)
    with qtbot.waitSignal(window.sig_data_shown, timeout=TIMEOUT):
        pass
    return started


def _close(started: Any) -> None:
    assert started.opener is not None
    started.opener.wait(5)
    context = started.window.context
    context.thread_pool.waitForDone(5000)
    if started.first_run is not None:
        started.first_run.close()
    started.window.close()
    context.desk.close()


def _fill(dialog: FirstRunDialog) -> None:
    form = dialog.form
    form.name_edit.setText("Zoë Müller")
    form.email_edit.setText("zoe@acme.example")
    form.signature_edit.setPlainText("Zoë Müller\nAcme GmbH, Berlin")
    form.currency_combo.setCurrentText("EUR")
    form.set_region("DE")
    form.start_edit.setTime(QTime(8, 30))
    form.end_edit.setTime(QTime(16, 30))
    form.day_boxes[4].setChecked(False)  # Fridays off


def test_a_new_database_asks_who_you_are_once_before_the_first_screen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = tmp_path / "new.sqlite3"
    started = _launch(qtbot, db)
    window, dialog = started.window, started.first_run
    assert isinstance(dialog, FirstRunDialog)
    assert dialog.isVisible() and dialog.isModal()
    assert dialog.parentWidget() is started.window
    # It fits the laptop screen with room to spare.
    assert dialog.width() <= 1280 and dialog.height() <= 680
    assert window.no_name_notice.isVisible()  # nothing chosen yet, and it says so
    _fill(dialog)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    desk = window.context.desk
    identity = desk.settings.identity()
    assert identity == Identity(
        "Zoë Müller",
        "zoe@acme.example",
        "Zoë Müller\nAcme GmbH, Berlin",
        "EUR",
        "DE",
        WorkingHours(time(8, 30), time(16, 30), parse_days("mon-thu")),
    )
    assert not window.no_name_notice.isVisible()
    added = desk.prospects.add({"name": "Jonas Weber", "phone": "030 1234567"})
    assert (added.owner, added.phone) == ("Zoë Müller", "+49 30 1234567")
    _close(started)
    again = _launch(qtbot, db)
    assert again.first_run is None  # asked once
    _close(again)


def test_skipping_keeps_the_defaults_and_says_no_name_is_chosen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = tmp_path / "skipped.sqlite3"
    started = _launch(qtbot, db)
    dialog = started.first_run
    assert dialog is not None
    dialog.skip_button.click()
    window = started.window
    desk: Desk = window.context.desk
    assert desk.settings.identity().named is False
    assert desk.settings.identity().region is None  # no guessed region either
    assert window.no_name_notice.isVisible()
    assert "No name chosen" in window.no_name_notice.text()
    added = desk.prospects.add({"name": "Ana López", "phone": "030 1234567"})
    assert (added.owner, added.phone) == ("", "030 1234567")
    _close(started)
    again = _launch(qtbot, db)
    assert again.first_run is None
    assert again.window.no_name_notice.isVisible()  # still said, every start
    _close(again)


def test_a_bad_answer_is_said_in_one_sentence_and_nothing_is_lost(
    qtbot: QtBot, context: AppContext
) -> None:
    dialog = FirstRunDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog)
    dialog.form.email_edit.setText("zoe at acme")
    dialog.save()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "is not a valid email address" in dialog.error.text()
    assert "\n" not in dialog.error.text() and "Traceback" not in dialog.error.text()
    assert dialog.form.name_edit.text() == "Zoë Müller"  # what was typed stays
    assert context.desk.settings.first_run_needed()  # nothing stored
    dialog.form.end_edit.setTime(QTime(8, 0))
    dialog.form.email_edit.setText("zoe@acme.example")
    dialog.save()
    assert "must end after it starts" in dialog.error.text()
    dialog.form.end_edit.setTime(QTime(16, 30))
    dialog.save()
    assert not dialog.isVisible()
    assert context.user == "Zoë Müller"


def test_settings_you_edits_the_same_values(qtbot: QtBot, context: AppContext, window: Any) -> None:
    context.desk.settings.save_identity(Identity(name="Jamie Lee", currency="GBP"))
    dialog = SettingsDialog(context, window)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 720)
    dialog.show()
    form = dialog.identity_form
    assert (form.name_edit.text(), form.currency_combo.currentText()) == ("Jamie Lee", "GBP")
    assert not dialog.no_name_label.isVisible()
    form.set_region("FR")
    form.spacing_spin.setValue(20)
    form.signature_edit.setPlainText("Jamie Lee\nThames Analytics")
    dialog.save()
    assert not dialog.isVisible()
    stored = context.desk.settings.identity()
    assert (stored.region, stored.hours.spacing_minutes) == ("FR", 20)
    assert stored.signature == "Jamie Lee\nThames Analytics"
    assert context.config.working_hours.spacing_minutes == 20
    added = context.desk.prospects.add({"name": "Élodie Martin", "phone": "01 23 45 67 89"})
    assert added.phone == "+33 1 23 45 67 89"
    again = SettingsDialog(context, window)
    qtbot.addWidget(again)
    again.show()
    again.user_name.clear()
    assert again.no_name_label.isVisible()  # an empty name is allowed, and said
    again.save()
    assert context.user == "" and not window.no_name_notice.isHidden()
