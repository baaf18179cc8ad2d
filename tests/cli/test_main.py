"""The ``onboard-desk`` entry point, run as a user runs it (a real process): help, a file
that is not a database, and the database chosen by the environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from onboard_desk.cli import main


def test_entry_point_help_and_bad_database(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "onboard_desk", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    for command in ("add", "list", "show", "move", "log", "next", "demo"):
        assert command in result.stdout
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("garbage")
    result = subprocess.run(
        [sys.executable, "-m", "onboard_desk", "--db", str(bad), "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "not an Onboard Desk database" in result.stderr


def test_environment_variable_selects_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "env.sqlite3"
    monkeypatch.setenv("ONBOARD_DESK_DB", str(target))
    assert main(["add", "--name", "Env"]) == 0
    assert target.exists()
