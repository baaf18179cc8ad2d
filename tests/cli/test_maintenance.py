"""``backup`` and ``demo``: a consistent snapshot, even while a writer holds the database,
that the report reads; refusals that keep data safe; sample data."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from onboard_desk.cli import main
from onboard_desk.storage.db import open_database
from tests.reports import fixture


@pytest.fixture
def fixture_db(tmp_path: Path) -> Path:
    """The reports' hand-computed pipeline: twelve prospects."""
    path = tmp_path / "team.sqlite3"
    engine = open_database(path)
    fixture.fill({"*": engine})
    engine.dispose()
    return path


def _json(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


def test_backup_writes_a_readable_snapshot(fixture_db: Path, tmp_path: Path) -> None:
    snap = tmp_path / "snap.sqlite3"
    assert main(["--db", str(fixture_db), "backup", "-o", str(snap)]) == 0
    count = sqlite3.connect(snap).execute("SELECT count(*) FROM prospect").fetchone()[0]
    assert count == 12
    assert main(["--db", str(fixture_db), "backup", "-o", str(snap)]) == 1  # exists
    assert main(["--db", str(fixture_db), "backup", "-o", str(snap), "--overwrite"]) == 0
    assert main(["--db", str(fixture_db), "backup", "-o", str(fixture_db)]) == 1


def test_backup_while_a_writer_holds_the_database(fixture_db: Path, tmp_path: Path) -> None:
    """A writer keeps inserting (and holds an open transaction) while the snapshot is taken:
    the snapshot is consistent and opens as a database the report can read."""
    stop = threading.Event()
    started = threading.Event()
    inserted = 0

    def writer() -> None:
        nonlocal inserted
        connection = sqlite3.connect(fixture_db, timeout=5)
        connection.execute("PRAGMA journal_mode=WAL")
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "INSERT INTO setting (key, value) VALUES (?, '1')", (f"k{inserted}",)
            )
            started.set()
            time.sleep(0.01)  # the transaction stays open while the backup runs
            connection.commit()
            inserted += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(5)
        snap = tmp_path / "live.sqlite3"
        assert main(["--db", str(fixture_db), "backup", "-o", str(snap)]) == 0
    finally:
        stop.set()
        thread.join()
    check = sqlite3.connect(snap)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT count(*) FROM prospect").fetchone()[0] == 12
    check.close()
    out = tmp_path / "r.json"
    assert main(["--db", str(snap), "report", "--format", "json", "-o", str(out)]) == 0
    assert _json(out)["total_prospects"] == 12
    assert inserted > 0


def test_backup_says_why_it_refuses(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = tmp_path / "snap.sqlite3"
    snap.write_bytes(b"")
    assert main(["--db", str(fixture_db), "backup", "-o", str(snap)]) == 1
    assert "snap.sqlite3 already exists; add --overwrite to replace it." in capsys.readouterr().err
    assert main(["--db", str(fixture_db), "backup", "-o", str(fixture_db)]) == 1
    assert "cannot replace the database itself" in capsys.readouterr().err
    missing = tmp_path / "none.sqlite3"
    assert main(["--db", str(missing), "backup", "-o", str(tmp_path / "x.sqlite3")]) == 1
    assert "There is no database at" in capsys.readouterr().err
    assert not missing.exists()  # a backup never creates a database
    # --db may also come after the command's name.
    assert main(["backup", "--db", str(fixture_db), "-o", str(tmp_path / "y.sqlite3")]) == 0


def test_demo_adds_sample_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.sqlite3"
    assert main(["--db", str(db), "demo", "--prospects", "40", "--seed", "2"]) == 0
    assert "Added 40 prospects" in capsys.readouterr().out
    assert main(["--db", str(db), "list", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 40
