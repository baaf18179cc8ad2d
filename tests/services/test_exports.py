"""The prospect list export through its service: the list's filter and order, both
formats, and a clear sentence when the file cannot be written."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from onboard_desk.errors import UserError
from onboard_desk.services.desk import Desk
from onboard_desk.services.lists import ProspectFilter


@pytest.fixture
def listed(desk: Desk) -> None:
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        desk.prospects.add({"name": name})


@pytest.mark.usefixtures("listed")
def test_csv_holds_what_the_filter_selects(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / "p.csv"
    flt = ProspectFilter(sort="name")
    assert desk.exports.prospects(flt, target, fmt="csv", bom=True) == 3
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("Name")
    assert [row[column] for row in rows[1:]] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert {row[0] for row in rows[1:]} == {desk.path.name}  # the database column
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert desk.exports.prospects(ProspectFilter(search="grace"), target, fmt="csv") == 1


@pytest.mark.usefixtures("listed")
def test_xlsx_and_unknown_formats(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / "p.xlsx"
    assert desk.exports.prospects(None, target, fmt="xlsx") == 3
    assert openpyxl.load_workbook(target)["Prospects"].max_row == 4
    with pytest.raises(ValueError, match="unknown export format"):
        desk.exports.prospects(None, tmp_path / "p.pdf", fmt="pdf")


def test_an_unwritable_target_is_one_sentence(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"^Cannot write .*\.$"):
        desk.exports.prospects(None, tmp_path / "missing" / "p.csv", fmt="csv")
