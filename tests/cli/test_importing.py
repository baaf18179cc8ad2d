"""The import commands as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from onboard_desk.cli import main
from tests.importing.conftest import DATA


@pytest.fixture
def data_dir() -> Path:
    return DATA


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_counts_and_rejects(
    db_path: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rejects = tmp_path / "rejects.csv"
    code, out, err = run(
        db_path,
        "import",
        str(data_dir / "hubspot_contacts.csv"),
        "--channel",
        "website",
        "--owner",
        "Sam Park",
        "--stage",
        "first_call",
        "--tags",
        "hubspot",
        "--rejects",
        str(rejects),
        capsys=capsys,
    )
    assert code == 0
    assert "Created 3, updated 0, skipped 0, rejected 3." in out
    assert "line 5: 'oliver at bluepeak' is not a valid email address" in err
    assert "line 8: no name and no email address" in err
    assert rejects.exists() and "import-undo 1" in out
    code, out, _ = run(db_path, "list", "--format", "json", capsys=capsys)
    rows = json.loads(out)
    assert {r["stage"] for r in rows} == {"first_call"}
    assert {r["channel"] for r in rows} == {"website"} and {r["owner"] for r in rows} == {
        "Sam Park"
    }
    assert {r["tags"] for r in rows} == {"hubspot"}


def test_duplicates_dry_run_update_and_undo(
    db_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(data_dir / "linkedin_connections.csv")
    assert run(db_path, "import", path, capsys=capsys)[0] == 0
    code, out, _ = run(db_path, "import", path, "--dry-run", capsys=capsys)
    assert code == 0 and "would have created 1, updated 0, skipped 4, rejected 0" in out
    code, out, _ = run(db_path, "import", path, "--on-duplicate", "create", capsys=capsys)
    assert "Created 5," in out
    code, out, _ = run(db_path, "import-batches", "--format", "json", capsys=capsys)
    batches = json.loads(out)
    assert [b["created"] for b in batches] == [5, 5]
    code, out, _ = run(db_path, "import-undo", str(batches[0]["id"]), capsys=capsys)
    assert code == 0 and "deleted 5 prospects" in out
    code, out, _ = run(db_path, "list", "--format", "csv", capsys=capsys)
    assert len(out.strip().splitlines()) == 6
    code, _, err = run(db_path, "import-undo", str(batches[0]["id"]), capsys=capsys)
    assert code == 1 and "already undone" in err


def test_mapping_file_saved_mapping_and_sheet(
    db_path: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "customers.json"
    mapping.write_text(json.dumps({"Name": "name", "Email": "email", "Company": "ignore"}))
    code, out, _ = run(
        db_path,
        "import",
        str(data_dir / "workbook_two_sheets.xlsx"),
        "--sheet",
        "Customers",
        "--mapping",
        str(mapping),
        "--save-mapping",
        "Customers sheet",
        "--show-mapping",
        capsys=capsys,
    )
    assert code == 0 and "Created 1," in out and "sheet 'Customers'" in out
    assert '"Company": "ignore"' in out
    code, out, _ = run(db_path, "import-mappings", capsys=capsys)
    assert out.strip() == "Customers sheet"
    code, out, _ = run(db_path, "import-mappings", "--show", "Customers sheet", capsys=capsys)
    assert json.loads(out)["Company"] == "ignore"
    code, _, err = run(db_path, "import", str(data_dir / "linkedin_connections.csv"),
                       "--mapping", "Nope", capsys=capsys)  # fmt: skip
    assert code == 1 and "no saved mapping named 'Nope'" in err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "is empty"),
        ("header_only.csv", "has a header row but no data rows"),
        ("binary.csv", "not a text file"),
        ("contacts.pdf", "is not one of them"),
    ],
)
def test_unreadable_files_exit_non_zero(
    db_path: Path, data_dir: Path, name: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(db_path, "import", str(data_dir / name), capsys=capsys)
    assert code == 1 and message in err and out == ""


def test_all_rows_rejected_still_exits_zero(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Name,Email,Company\n,,Acme\nAna,not-an-address,\n")
    code, out, _ = run(db_path, "import", str(path), capsys=capsys)
    assert code == 0 and "rejected 2" in out


def test_help_lists_import_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "onboard_desk", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("import", "import-undo", "import-batches", "import-mappings"):
        assert command in result.stdout


def test_import_takes_region_currency_and_owner_from_the_database(
    desk, engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.importing.conftest import prospect_rows

    desk.settings.put("phone_region", "de")
    desk.settings.put("default_currency", "EUR")
    desk.settings.set_user_name("Rosa Marin")
    path = tmp_path / "leads.csv"
    path.write_text("Name,Phone,Value\nAda Byron,030 1234567,12\n", encoding="utf-8")
    code, out, _ = run(desk.path, "import", str(path), capsys=capsys)
    assert code == 0 and "Created 1," in out
    (ada,) = prospect_rows(engine)
    assert (ada["owner"], ada["currency"], ada["phone_key"]) == (
        "Rosa Marin",
        "EUR",
        "+49301234567",
    )
    code, out, _ = run(desk.path, "import", str(path), "--region", "us", "--on-duplicate",
                       "create", capsys=capsys)  # fmt: skip
    assert code == 0
    assert prospect_rows(engine)[1]["phone_key"] != "+49301234567"


def test_delete_a_saved_mapping(
    db_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(data_dir / "linkedin_connections.csv")
    assert run(db_path, "import", path, "--save-mapping", "LinkedIn", capsys=capsys)[0] == 0
    code, out, _ = run(db_path, "import-mappings", "--delete", "LinkedIn", capsys=capsys)
    assert code == 0 and "Deleted the mapping 'LinkedIn'." in out
    code, out, _ = run(db_path, "import-mappings", capsys=capsys)
    assert out.startswith("No saved mappings yet")
    code, _, err = run(db_path, "import-mappings", "--delete", "LinkedIn", capsys=capsys)
    assert code == 1 and "no saved mapping named 'LinkedIn'" in err
