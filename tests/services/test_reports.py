"""The report services: a report and its exports from one basis (the open database, a team
folder with the open database's settings, or snapshot files with the first one's), and the
forecast probabilities kept in the database."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from onboard_desk.pipeline import Stage
from onboard_desk.reports import ReportSources, build_report
from onboard_desk.services.desk import Desk
from onboard_desk.services.reports import (
    DEFAULT_STAGE_PROBABILITIES,
    FORMATS,
    ReportError,
    ReportFilter,
    snapshot_basis,
)
from tests.reports import fixture
from tests.reports.fixture import NOW

JANUARY_BOB = ReportFilter(date_from=date(2026, 1, 5), date_to=date(2026, 1, 31), owner="Bob")


@pytest.fixture
def filled(desk: Desk, engine: Engine) -> Desk:
    """The services on the reports' hand-computed pipeline."""
    fixture.fill({"*": engine})
    return desk


@pytest.fixture
def team_folder(split_dbs: list[Path], tmp_path: Path) -> Path:
    folder = tmp_path / "team"
    folder.mkdir()
    for path in split_dbs:
        shutil.copy(path, folder / path.name)
    return folder


def test_a_report_on_the_open_database_is_the_features_report(filled: Desk) -> None:
    report = filled.reports.build(now=NOW, title="Q1")
    expected = build_report(ReportSources.of([filled.path]), now=NOW)
    assert report.title == "Q1"
    assert report.sources == (filled.path.name,)
    assert report.total_prospects == expected.total_prospects == 12
    assert report.funnel == expected.funnel
    assert report.owners == expected.owners
    narrow = filled.reports.build(JANUARY_BOB, now=NOW)
    assert (narrow.owner, narrow.date_from, narrow.total_prospects) == ("Bob", date(2026, 1, 5), 5)


def test_a_team_folder_follows_the_open_databases_settings(filled: Desk, team_folder: Path) -> None:
    filled.reports.save_probabilities({Stage.TRIAL: 0.5})
    basis = filled.reports.basis(team_folder)
    assert basis.names == ("ann.sqlite3", "bob.sqlite3")
    assert basis.settings.probabilities[Stage.TRIAL] == 0.5
    report = basis.build(now=NOW)
    assert report.total_prospects == 12
    assert report.probabilities["trial"] == 0.5
    # The folder's own settings are the defaults: the open database's were followed.
    own = snapshot_basis(sorted(team_folder.glob("*.sqlite3"))).settings
    assert own.probabilities[Stage.TRIAL] == DEFAULT_STAGE_PROBABILITIES[Stage.TRIAL]


def test_a_folder_without_snapshots_is_a_clear_error(filled: Desk, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ReportError, match="no database snapshots"):
        filled.reports.basis(empty)
    with pytest.raises(ReportError, match="is not a folder"):
        filled.reports.basis(tmp_path / "missing")


def test_snapshot_files_follow_the_first_ones_settings_and_stay_unchanged(
    split_dbs: list[Path],
) -> None:
    ann, bob = split_dbs
    desk = Desk.open(ann)
    try:
        desk.reports.save_probabilities({Stage.PAYMENT: 0.9})
    finally:
        desk.close()
    before = [path.read_bytes() for path in split_dbs]
    basis = snapshot_basis([ann, bob, ann])  # a file given twice is read once
    assert basis.names == ("ann.sqlite3", "bob.sqlite3")
    assert basis.settings.probabilities[Stage.PAYMENT] == 0.9
    assert snapshot_basis([bob, ann]).settings.probabilities[Stage.PAYMENT] == 0.8
    assert basis.build(now=NOW).total_prospects == 12
    assert [path.read_bytes() for path in split_dbs] == before


def test_snapshot_files_that_cannot_be_read_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no database at"):
        snapshot_basis([tmp_path / "missing.sqlite3"])
    with pytest.raises(ReportError, match="at least one"):
        snapshot_basis([])
    assert not (tmp_path / "missing.sqlite3").exists()


def test_an_export_holds_the_reports_own_prospects(filled: Desk, tmp_path: Path) -> None:
    """The prospect list of an export is the report's cohort, flagged with the settings
    and at the moment the report was made."""
    basis = filled.reports.basis()
    report = basis.build(JANUARY_BOB, now=NOW)
    written = basis.export(report, "csv", tmp_path / "bob.csv", bom=True)
    assert written[0] == tmp_path / "bob.csv"
    with written[0].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == report.total_prospects == 5
    assert {row["Owner"] for row in rows} == {"Bob"}
    listed = list(basis.prospects(report))
    assert [row[2] for row in listed] == [row["Name"] for row in rows]
    # P4 has sat in Outreach since day 2: stale at the report's moment (day 56.5).
    assert "stale" in next(row for row in rows if row["Name"] == "P4")["Flags"]


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_every_format_writes_the_same_report(filled: Desk, tmp_path: Path, fmt: str) -> None:
    assert fmt in FORMATS
    basis = filled.reports.basis()
    report = basis.build(now=NOW)
    [path] = basis.export(report, fmt, tmp_path / f"r.{fmt}")
    text = path.read_text()
    if fmt == "json":
        assert json.loads(text)["total_prospects"] == report.total_prospects
    else:
        assert report.title in text


def test_an_unknown_format_or_an_unwritable_file_is_a_clear_error(
    filled: Desk, tmp_path: Path
) -> None:
    basis = filled.reports.basis()
    report = basis.build(now=NOW)
    with pytest.raises(ReportError, match="Unknown format"):
        basis.export(report, "docx", tmp_path / "r.docx")
    with pytest.raises(ReportError, match="Cannot write"):
        basis.export(report, "json", tmp_path / "missing" / "r.json")


def test_forecast_probabilities_are_kept_and_checked(desk: Desk, db_path: Path) -> None:
    reports = desk.reports
    assert reports.probabilities() == DEFAULT_STAGE_PROBABILITIES
    reports.save_probabilities({Stage.TRIAL: 0.45, Stage.PAYMENT: 0.95})
    with pytest.raises(ReportError, match="between 0 and 100"):
        reports.save_probabilities({Stage.OUTREACH: 0.01, Stage.TRIAL: 1.5})
    with pytest.raises(ReportError, match="no forecast probability"):
        reports.save_probabilities({Stage.WON: 1.0})
    expected = {**DEFAULT_STAGE_PROBABILITIES, Stage.TRIAL: 0.45, Stage.PAYMENT: 0.95}
    assert reports.probabilities() == expected
    # Read afresh each time: another process's change shows at once.
    other = Desk.open(db_path)
    try:
        other.reports.save_probabilities({Stage.OUTREACH: 0.02})
    finally:
        other.close()
    assert reports.settings().probabilities[Stage.OUTREACH] == 0.02
    assert reports.settings().currency == desk.currency
