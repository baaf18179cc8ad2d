"""The kept-up-to-date calendar file follows changes made on the command line.

Each test enables the option in a real database file, runs commands through the entry
point, and reads the .ics back with icalendar.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import icalendar
import pytest

from onboard_desk.cli import main
from onboard_desk.services.desk import Desk
from onboard_desk.services.outreach import FeedOptions, MailRoute, MailSettings, Security
from tests.outreach.mail_fixtures import SmtpServer


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def set_feed(db: Path, options: FeedOptions) -> None:
    """Store the option as the window's Calendar dialog does."""
    desk = Desk.open(db)
    try:
        desk.outreach.save_feed_options(options)
    finally:
        desk.close()


def events(path: Path) -> dict[str, Any]:
    """The file's events by summary (each test's summaries are unique)."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_move_next_log_delete_rewrite_the_file(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "calendar" / "actions.ics"
    set_feed(db_path, FeedOptions(enabled=True, path=str(feed)))
    assert run(db_path, "add", "--name", "Zoë Müller", "--company", "Acme", capsys=capsys)[:2] == (
        0,
        "1\n",
    )
    first = events(feed)
    assert list(first) == ["Follow up on the first contact – Zoë Müller (Acme)"]
    uid = str(next(iter(first.values()))["UID"])
    assert "Stage: Outreach" in str(next(iter(first.values()))["DESCRIPTION"])

    assert run(db_path, "move", "1", "first_call", capsys=capsys)[0] == 0
    moved = events(feed)
    assert list(moved) == ["Hold the showcase call – Zoë Müller (Acme)"]
    event = moved["Hold the showcase call – Zoë Müller (Acme)"]
    assert str(event["UID"]) == uid
    assert "Stage: First call" in str(event["DESCRIPTION"])

    code, _, err = run(
        db_path,
        "next",
        "1",
        "--action",
        "Send the contract",
        "--due",
        "2030-01-02 09:30",
        capsys=capsys,
    )
    assert code == 0 and err == ""
    event = events(feed)["Send the contract – Zoë Müller (Acme)"]
    assert str(event["UID"]) == uid
    assert event.decoded("DTSTART").astimezone().date() == date(2030, 1, 2)
    sequence = int(event["SEQUENCE"])

    # Logging a call touches the prospect: the event's modification time moves on.
    os.utime(feed, ns=(0, 0))
    assert run(db_path, "log", "1", "call", "--outcome", "reached", capsys=capsys)[0] == 0
    assert os.stat(feed).st_mtime_ns != 0
    assert int(events(feed)["Send the contract – Zoë Müller (Acme)"]["SEQUENCE"]) >= sequence

    assert run(db_path, "next", "1", "--clear", capsys=capsys)[0] == 0
    assert events(feed) == {}
    assert run(db_path, "next", "1", "--action", "Call", "--due", "+3d", capsys=capsys)[0] == 0
    assert list(events(feed)) == ["Call – Zoë Müller (Acme)"]
    assert run(db_path, "delete", "1", "--yes", capsys=capsys)[0] == 0
    assert events(feed) == {}
    assert sorted(p.name for p in feed.parent.iterdir()) == ["actions.ics"]  # no temp files


def test_import_and_its_undo_rewrite_the_file_with_the_stored_options(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "kim.ics"
    set_feed(db_path, FeedOptions(enabled=True, path=str(feed), owner="Kim", days=30))
    source = tmp_path / "contacts.csv"
    source.write_text(
        "Name,Email,Company\nBea Ray,bea@example.org,Beacon\nCal Dor,cal@example.org,\n",
        encoding="utf-8",
    )
    code, _, _ = run(db_path, "import", str(source), "--dry-run", "--owner", "Kim", capsys=capsys)
    assert code == 0 and not feed.exists()  # a dry run changes nothing

    assert run(db_path, "import", str(source), "--owner", "Kim", capsys=capsys)[0] == 0
    assert sorted(events(feed)) == [
        "Follow up on the first contact – Bea Ray (Beacon)",
        "Follow up on the first contact – Cal Dor",
    ]
    # The stored owner and horizon apply: Lee's prospect and a far action stay out.
    assert run(db_path, "add", "--name", "Lee's lead", "--owner", "Lee", capsys=capsys)[0] == 0
    assert run(db_path, "next", "1", "--action", "Later", "--due", "+60d", capsys=capsys)[0] == 0
    assert list(events(feed)) == ["Follow up on the first contact – Cal Dor"]

    assert run(db_path, "import-undo", "1", capsys=capsys)[0] == 0
    assert events(feed) == {}


def test_unwritable_file_warns_and_the_command_still_succeeds(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the feed's folder should be", encoding="utf-8")
    feed = blocker / "actions.ics"
    set_feed(db_path, FeedOptions(enabled=True, path=str(feed)))
    code, out, err = run(db_path, "add", "--name", "Ann", capsys=capsys)
    assert code == 0 and out == "1\n"  # scripts that read the id still get only the id
    assert "warning: the calendar file was not updated" in err
    assert str(feed) in err and "The change itself is saved." in err
    code, out, err = run(db_path, "move", "1", "first_call", capsys=capsys)
    assert code == 0 and "Outreach -> First call" in out and "not updated" in err
    code, out, _ = run(db_path, "list", "--format", "csv", capsys=capsys)
    assert "first_call" in out


def test_interrupted_rewrite_warns_and_the_command_still_succeeds(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_feed(db_path, FeedOptions(enabled=True, path=str(tmp_path / "actions.ics")))

    def interrupted(*_args: Any, **_kwargs: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("onboard_desk.outreach.calendar_feed.export_calendar", interrupted)
    code, out, err = run(db_path, "add", "--name", "Ann", capsys=capsys)
    assert code == 0 and out == "1\n"
    assert "calendar file was not updated: interrupted. The change itself is saved." in err


def test_disabled_or_unset_option_writes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "actions.ics"
    # Never set: nothing about a calendar file is said (only that the owner is unknown).
    code, out, err = run(db_path, "add", "--name", "Ann", "--owner", "Jamie", capsys=capsys)
    assert (code, out, err) == (0, "1\n", "")
    set_feed(db_path, FeedOptions(enabled=False, path=str(feed)))
    assert run(db_path, "move", "1", "first_call", capsys=capsys)[0] == 0
    assert run(db_path, "next", "1", "--action", "Call", "--due", "+1d", capsys=capsys)[0] == 0
    assert not [p.name for p in tmp_path.iterdir() if "actions.ics" in p.name]  # nor temp files


def test_reading_and_failing_commands_leave_the_file_alone(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "actions.ics"
    set_feed(db_path, FeedOptions(enabled=True, path=str(feed)))
    assert run(db_path, "add", "--name", "Ann", capsys=capsys)[0] == 0
    feed.unlink()
    assert run(db_path, "list", capsys=capsys)[0] == 0
    assert run(db_path, "show", "1", capsys=capsys)[0] == 0
    code, _, err = run(db_path, "move", "1", "payment", capsys=capsys)  # refused: skips stages
    assert code == 1 and "warning" not in err
    assert not feed.exists()


def test_installed_command_rewrites_the_file(db_path: Path, tmp_path: Path) -> None:
    """A real process, as a calendar subscriber's user runs it from a shell or a script."""
    feed = tmp_path / "actions.ics"
    set_feed(db_path, FeedOptions(enabled=True, path=str(feed)))
    command = [sys.executable, "-m", "onboard_desk", "--db", str(db_path)]
    subprocess.run([*command, "add", "--name", "Ann"], check=True, capture_output=True)
    done = subprocess.run(
        [*command, "move", "1", "first_call"], check=True, capture_output=True, text=True
    )
    assert done.stderr == ""
    assert list(events(feed)) == ["Hold the showcase call – Ann"]


def test_send_rewrites_the_file_with_the_proposed_next_action(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    start_server: Callable[..., SmtpServer],
) -> None:
    server = start_server()
    desk = Desk.open(db_path)
    desk.outreach.save_mail_settings(
        MailSettings(
            route=MailRoute.SMTP,
            host="127.0.0.1",
            port=server.port,
            security=Security.NONE,
            from_address="me@example.org",
        )
    )
    desk.close()
    feed = tmp_path / "actions.ics"
    set_feed(db_path, FeedOptions(enabled=True, path=str(feed)))
    assert run(db_path, "add", "--name", "Ann", "--email", "ann@example.org", capsys=capsys)[0] == 0
    assert run(db_path, "next", "1", "--action", "Old", "--due", "+5d", capsys=capsys)[0] == 0
    assert list(events(feed)) == ["Old – Ann"]
    code, _, _ = run(
        db_path,
        "send",
        "--prospect",
        "1",
        "--template",
        "Cold outreach",
        "--pause",
        "0",
        # "Old" was chosen a moment ago: only asked for, the proposal replaces it.
        "--replace-next-action",
        capsys=capsys,
    )
    assert code == 0 and len(server.received) == 1
    _, out, _ = run(db_path, "list", "--format", "json", capsys=capsys)
    proposed = json.loads(out)[0]["next_action"]
    assert proposed and proposed != "Old"
    assert list(events(feed)) == [f"{proposed} – Ann"]


def test_demo_data_lands_in_the_file_as_the_calendar_command_writes_it(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "actions.ics"
    set_feed(db_path, FeedOptions(enabled=True, path=str(feed)))
    assert run(db_path, "demo", "--prospects", "40", capsys=capsys)[0] == 0
    exported = tmp_path / "export.ics"
    assert run(db_path, "calendar", "-o", str(exported), capsys=capsys)[0] == 0
    fed = icalendar.Calendar.from_ical(feed.read_bytes()).walk("VEVENT")
    assert fed  # the demo plans next actions and calls
    assert [e.to_ical() for e in fed] == [
        e.to_ical() for e in icalendar.Calendar.from_ical(exported.read_bytes()).walk("VEVENT")
    ]
