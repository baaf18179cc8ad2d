"""The same imports with the rows planned in a worker process (as large files are)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.importing import (
    DuplicateAction,
    ImportCancelledError,
    ImportFileError,
    ImportOptions,
    MatchKind,
    run_import,
)
from onboard_desk.services import prospects as prospect_ops
from tests.importing.conftest import count, prospect_rows


@pytest.mark.parametrize(
    ("name", "created", "rejected"),
    [
        ("hubspot_contacts.csv", 3, 3),
        ("workbook_two_sheets.xlsx", 3, 0),
        ("contacts_v3.vcf", 3, 0),
        ("broken_card.vcf", 1, 1),
    ],
)
def test_formats_in_the_worker(
    do_import, engine: Engine, name: str, created: int, rejected: int
) -> None:
    serial = do_import(name, dry_run=True, preview_rows=10)
    result = do_import(name, parallel=True, preview_rows=10)
    assert (result.created, result.rejected) == (created, rejected)
    assert [(p.line, p.outcome) for p in result.preview] == [
        (p.line, p.outcome) for p in serial.preview
    ]
    assert [r.reason for r in result.rejects] == [r.reason for r in serial.rejects]
    assert count(engine, "prospect") == created


def test_duplicates_and_updates_in_the_worker(do_import, engine: Engine, session: Session) -> None:
    emma = prospect_ops.create_prospect(
        session, fields={"name": "Emma", "email": "emma.schmidt@nordwind.example"}, by="me"
    )
    session.commit()
    result = do_import("hubspot_contacts.csv", parallel=True, on_duplicate=DuplicateAction.UPDATE)
    assert (result.created, result.updated) == (2, 1) and result.updated_ids == [emma.id]
    assert prospect_rows(engine, f"id = {emma.id}")[0]["name"] == "Emma Schmidt"
    within = do_import(
        "pipedrive_people.csv", parallel=True, row_actions={4: DuplicateAction.UPDATE}
    )
    assert [(d.line, d.match.kind, d.action) for d in within.duplicates] == [
        (4, MatchKind.EMAIL, DuplicateAction.UPDATE),
        (5, MatchKind.NAME, DuplicateAction.SKIP),
    ]
    assert within.duplicates[0].existing == "line 2 of this file"


def test_bad_cell_late_in_the_file_in_the_worker(
    do_import, engine: Engine, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "late.csv"
    good = "".join(f"Person {i},p{i}@x.example\n" for i in range(5000))
    path.write_text("Name,Email\n" + good + 'Ana,"' + "x" * (200 * 1024) + '"\n')
    with pytest.raises(ImportFileError, match="line 5002: a single value is longer"):
        do_import(path, parallel=True)
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0


def test_cancel_stops_the_worker(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("Name,Email\n" + "".join(f"P {i},p{i}@x.example\n" for i in range(30_000)))
    seen: list[int] = []
    with pytest.raises(ImportCancelledError):
        run_import(
            engine,
            path,
            ImportOptions(),
            by="t",
            parallel=True,
            progress=lambda _f, rows: seen.append(rows),
            cancel=lambda: len(seen) >= 2,
        )
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0
