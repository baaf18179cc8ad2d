"""The report and export commands (``onboard_desk.cli.reports``), including --db repeated
and a team folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from onboard_desk.cli import main


def _json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


def test_report_offers_every_format_the_services_write() -> None:
    from onboard_desk.cli.reports import REPORT_FORMATS
    from onboard_desk.services.reports import FORMATS

    assert REPORT_FORMATS == FORMATS


def test_report_json_on_one_database(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main(["--db", str(fixture_db), "report", "--format", "json", "-o", str(out)]) == 0
    data = _json(out)
    assert data["total_prospects"] == 12
    assert data["funnel"][0] == {**data["funnel"][0], "stage": "outreach", "reached": 12}


def test_report_db_repeated_before_and_after_the_command(
    split_dbs: list[Path], tmp_path: Path
) -> None:
    ann, bob = (str(p) for p in split_dbs)
    before, after, mixed = (tmp_path / n for n in ("a.json", "b.json", "c.json"))
    assert main(["--db", ann, "--db", bob, "report", "--format", "json", "-o", str(before)]) == 0
    assert main(["report", "--db", ann, "--db", bob, "--format", "json", "-o", str(after)]) == 0
    assert main(["--db", ann, "report", "--db", bob, "--format", "json", "-o", str(mixed)]) == 0
    for path in (before, after, mixed):
        data = _json(path)
        assert data["total_prospects"] == 12
        assert data["sources"] == ["ann.sqlite3", "bob.sqlite3"]


def test_report_team_folder(split_dbs: list[Path], tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    for path in split_dbs:
        shutil.copy(path, folder / path.name)
    out = tmp_path / "t.json"
    assert main(["report", "--team-folder", str(folder), "--format", "json", "-o", str(out)]) == 0
    data = _json(out)
    assert data["total_prospects"] == 12
    assert [o["owner"] for o in data["owners"]] == ["Ann", "Bob"]


def test_report_filters(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["--db", str(fixture_db), "report", "--from", "2026-01-05", "--to", "2026-01-31"]
    assert main([*args, "--owner", "Bob", "--format", "json", "-o", str(out)]) == 0
    data = _json(out)
    assert data["total_prospects"] == 5
    assert data["owner"] == "Bob"
    assert data["date_from"] == "2026-01-05"


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "csv", "html"])
def test_report_every_format(fixture_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"r.{fmt}"
    assert main(["--db", str(fixture_db), "report", "--format", fmt, "-o", str(out)]) == 0
    assert out.stat().st_size > 500


def test_report_bad_input_is_a_clear_error(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "r.json")
    assert (
        main(
            [
                "--db",
                str(fixture_db),
                "report",
                "--from",
                "01/02/2026",
                "--format",
                "json",
                "-o",
                out,
            ]
        )
        == 1
    )
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert (
        main(["--db", str(tmp_path / "nope.sqlite3"), "report", "--format", "json", "-o", out]) == 1
    )
    assert "no database" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", "--team-folder", str(empty), "--format", "json", "-o", out]) == 1
    assert "no database snapshots" in capsys.readouterr().err
    assert not Path(out).exists()


def test_export_with_list_filters(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    args = ["--db", str(fixture_db), "export", "--owner", "Ann", "--stage", "won"]
    assert main([*args, "--format", "csv", "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 3
    assert {line.split(",")[2] for line in lines[1:]} == {"P1", "P3"}
    xlsx = tmp_path / "p.xlsx"
    assert (
        main(
            [
                "--db",
                str(fixture_db),
                "export",
                "--flag",
                "no-next-action",
                "--format",
                "xlsx",
                "-o",
                str(xlsx),
            ]
        )
        == 0
    )
    sheet = openpyxl.load_workbook(xlsx)["Prospects"]
    names = {sheet.cell(row=r, column=3).value for r in range(2, sheet.max_row + 1)}
    assert names == {"P12"}
    assert all(
        "no-next-action" in sheet.cell(row=r, column=15).value for r in range(2, sheet.max_row + 1)
    )


def test_other_commands_keep_the_last_db(fixture_db: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "other.sqlite3"
    assert main(["--db", str(other), "--db", str(fixture_db), "list", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 12
