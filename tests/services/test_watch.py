"""Noticing other writers: a second process (the command line) or a second Desk on the same
file changes prospects and settings; the watcher says what, and stays quiet otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.services.desk import Desk


def _cli(db: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "onboard_desk", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    return done.stdout.strip()


def _add(desk: Desk, name: str) -> int:
    prospect = desk.prospects.add({"name": name})
    assert prospect.id is not None
    return prospect.id


def test_nothing_changed_says_nothing(desk: Desk) -> None:
    _add(desk, "Ada")
    watcher = desk.watcher()
    assert not watcher.poll()
    assert not watcher.poll()


def test_the_command_line_changing_a_next_action_is_noticed(desk: Desk, db_path: Path) -> None:
    ada, bob = _add(desk, "Ada"), _add(desk, "Bob")
    watcher = desk.watcher()
    _cli(db_path, "next", str(bob), "--action", "Call back", "--due", "tomorrow")
    changes = watcher.poll()
    assert changes.prospect_ids == (bob,) and not changes.everything
    assert ada not in changes.prospect_ids
    assert not watcher.poll()  # said once


def test_prospects_added_or_deleted_elsewhere_refresh_everything(desk: Desk, db_path: Path) -> None:
    ada = _add(desk, "Ada")
    watcher = desk.watcher()
    new_id = int(_cli(db_path, "add", "--name", "Cleo"))
    changes = watcher.poll()
    assert changes.everything and new_id in changes.prospect_ids
    _cli(db_path, "delete", str(ada), "--yes")
    assert watcher.poll().everything


def test_settings_changed_elsewhere_are_noticed(desk: Desk, db_path: Path) -> None:
    watcher = desk.watcher()
    other = Desk.open(db_path)
    try:
        other.settings.set_user_name("Jamie Lee")
    finally:
        other.close()
    assert watcher.poll().settings


def test_this_process_own_additions_are_not_everything(desk: Desk) -> None:
    watcher = desk.watcher()
    ada = _add(desk, "Ada")
    desk.prospects.set_next_action(ada, "Call", utcnow() + timedelta(days=1))
    changes = watcher.poll()
    assert not changes.everything and changes.prospect_ids == (ada,)


def test_a_released_desk_lets_the_watcher_go_and_it_looks_afresh(desk: Desk) -> None:
    watcher = desk.watcher()
    ada = _add(desk, "Ada")
    desk.release()  # what an encryption rewrite does first: no connection stays open
    assert not watcher.poll()  # reconnected: starts from what the database holds now
    desk.prospects.edit(ada, {"company": "Acme"})
    assert watcher.poll().prospect_ids == (ada,)
