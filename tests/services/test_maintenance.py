"""Backups and demo data through the maintenance service: the same refusals for the window
and the command line, and a snapshot that is a consistent database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from onboard_desk.errors import UserError
from onboard_desk.services.desk import Desk
from onboard_desk.services.maintenance import SnapshotExistsError, back_up_database


def test_a_backup_is_a_readable_snapshot(desk: Desk, tmp_path: Path) -> None:
    desk.prospects.add({"name": "Ada Lovelace"})
    target = tmp_path / "snap.sqlite3"
    desk.maintenance.back_up(target)
    with sqlite3.connect(target) as snapshot:
        assert snapshot.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert snapshot.execute("SELECT name FROM prospect").fetchall() == [("Ada Lovelace",)]
    assert not target.with_name("snap.sqlite3.partial").exists()
    with pytest.raises(SnapshotExistsError, match="already exists"):
        desk.maintenance.back_up(target)
    desk.maintenance.back_up(target, overwrite=True)


def test_a_backup_refuses_what_would_lose_data(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot replace the database itself"):
        desk.maintenance.back_up(desk.path, overwrite=True)
    with pytest.raises(UserError, match="does not exist"):
        desk.maintenance.back_up(tmp_path / "gone" / "snap.sqlite3")
    with pytest.raises(UserError, match="There is no database"):
        back_up_database(tmp_path / "nothing.sqlite3", tmp_path / "snap.sqlite3")
    assert not (tmp_path / "nothing.sqlite3").exists()  # a backup never creates a database
    foreign = tmp_path / "notes.sqlite3"
    foreign.write_text("not a database " * 100)
    with pytest.raises(UserError, match="not an Onboard Desk database"):
        back_up_database(foreign, tmp_path / "snap.sqlite3")


def test_demo_data_goes_through_the_write_lock(desk: Desk) -> None:
    summary = desk.maintenance.fill_demo(prospects=30, seed=2)
    assert summary.prospects == 30
    assert desk.lists.count() == 30
