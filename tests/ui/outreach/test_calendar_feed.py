"""The kept-up-to-date calendar file from the window: debounced rewrites after changes, and
the Calendar dialog that exports once or turns the option on."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar

from onboard_desk.services.outreach import FeedOptions
from onboard_desk.ui.outreach.calendar_feed import CalendarExportDialog, CalendarFeedUpdater
from tests.ui.outreach.conftest import add_prospect


def test_calendar_feed_rewrites_file_after_changes(
    qtbot: Any, context: Any, tmp_path: Path
) -> None:
    path = tmp_path / "feed" / "actions.ics"
    prospect_id = add_prospect(context)
    updater = CalendarFeedUpdater(context)
    updater.timer.setInterval(50)
    with qtbot.waitSignal(updater.sig_written, timeout=10_000):
        updater.set_options(FeedOptions(enabled=True, path=str(path)))
    first = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert len(first) == 1
    uid = str(first[0]["UID"])
    context.desk.prospects.set_next_action(
        prospect_id, "Send the contract", datetime.now().astimezone() + timedelta(days=4)
    )
    with qtbot.waitSignal(updater.sig_written, timeout=10_000):
        context.prospects_changed([prospect_id])
        context.prospects_changed([prospect_id])  # a burst: one write
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [uid]
    assert str(events[0]["SUMMARY"]).startswith("Send the contract")
    assert not [p for p in path.parent.iterdir() if p.name != path.name]  # no temp files left
    # Off: changes no longer touch the file, nor schedule a write that could later.
    updater.set_options(FeedOptions(enabled=False, path=str(path)))
    before = os.stat(path).st_mtime_ns
    context.prospects_changed([prospect_id])
    assert not updater.timer.isActive() and not updater.busy
    assert os.stat(path).st_mtime_ns == before


def test_calendar_export_dialog_exports_and_remembers(
    qtbot: Any, context: Any, tmp_path: Path
) -> None:
    add_prospect(context, owner="Kim")
    add_prospect(context, "Ben", owner="Lee")
    updater = CalendarFeedUpdater(context)
    dialog = CalendarExportDialog(context, updater)
    qtbot.addWidget(dialog)
    dialog.show()
    path = tmp_path / "kim.ics"
    dialog.path_edit.setText(str(path))
    dialog.owner_combo.setCurrentIndex(dialog.owner_combo.findData("Kim"))
    with qtbot.waitSignal(updater.sig_written, timeout=10_000):
        dialog.export_button.click()
    assert "Wrote 1 event to" in dialog.status_label.text()
    assert len(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == 1
    dialog.keep_check.setChecked(True)
    dialog.close()
    assert context.desk.outreach.feed_options() == FeedOptions(
        enabled=True, path=str(path), owner="Kim"
    )


def test_a_file_that_cannot_be_written_is_reported(
    qtbot: Any, context: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    add_prospect(context)
    updater = CalendarFeedUpdater(context)
    dialog = CalendarExportDialog(context, updater)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(blocker / "actions.ics"))
    with qtbot.waitSignal(updater.sig_failed, timeout=10_000):
        dialog.export_button.click()
    assert dialog.status_label.text().startswith("Cannot write")
    assert not updater.busy
