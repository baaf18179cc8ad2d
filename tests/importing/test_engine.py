"""Whole imports against a real database: formats, duplicates, safety, undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.importing import (
    DuplicateAction,
    Field,
    ImportCancelledError,
    ImportFileError,
    ImportOptions,
    MatchKind,
    run_import,
    undo_batch,
)
from onboard_desk.importing.emails import _plain
from onboard_desk.pipeline import Channel, Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import queries, store
from onboard_desk.storage.queries import ProspectFilter
from tests.importing.conftest import count, prospect_rows

EXPECTED = {
    "linkedin_connections.csv": (5, 0),
    "hubspot_contacts.csv": (3, 3),
    "pipedrive_people.csv": (2, 0),
    "salesforce_leads.csv": (3, 0),
    "excel_cp1252_semicolon.csv": (3, 0),
    "excel_unicode_text.txt": (3, 0),
    "workbook_two_sheets.xlsx": (3, 0),
    "contacts_v3.vcf": (3, 0),
    "contacts_v4.vcf": (2, 0),
    "broken_card.vcf": (1, 1),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_format_imports(do_import, engine: Engine, name: str) -> None:
    result = do_import(name)
    created, rejected = EXPECTED[name]
    assert (result.created, result.rejected) == (created, rejected)
    assert result.batch_id is not None
    rows = prospect_rows(engine)
    assert len(rows) == created
    assert all(r["import_batch_id"] == result.batch_id for r in rows)
    assert list(result.created_ids) == [r["id"] for r in rows]


def test_stored_values_channel_owner_tags_stage(do_import, engine: Engine) -> None:
    result = do_import(
        "linkedin_connections.csv",
        channel=Channel.INBOUND_LINKEDIN,
        owner="Jamie Lee",
        tags="linkedin, 2024",
        stage=Stage.TRIAL,
    )
    zoe = prospect_rows(engine, "email = 'zoe.muller@acme.example'")[0]
    assert (zoe["name"], zoe["company"], zoe["title"]) == (
        "Zoë Müller",
        "Acme GmbH",
        "Head of Sales",
    )
    assert zoe["channel"] == "inbound_linkedin" and zoe["owner"] == "Jamie Lee"
    assert zoe["tags"] == "linkedin,2024" and zoe["stage"] == "trial"
    assert zoe["notes"] == "URL: https://www.linkedin.com/in/zoe-muller"
    assert zoe["created_at"].startswith("2024-03-1")
    assert zoe["next_action"] == "Final check-in: ready to commit?"
    assert zoe["trial_ends_at"] is not None
    with Session(engine) as session:
        history = store.stage_history(session, zoe["id"])
        assert [(h.from_stage, h.to_stage, h.kind, h.by) for h in history] == [
            (None, "trial", "create", "tester")
        ]
        assert history[0].reason == "Imported from linkedin_connections.csv"
        # The search index knows the imported rows.
        found = queries.list_prospects(session, flt=ProspectFilter(search="müller acme"))
        assert [p.id for p in found] == [zoe["id"]]
    assert result.batch_id is not None


def test_lost_is_not_a_starting_stage(do_import) -> None:
    with pytest.raises(Exception, match="cannot start as Lost"):
        do_import("linkedin_connections.csv", stage=Stage.LOST)


def test_duplicates_within_the_file(do_import) -> None:
    result = do_import("pipedrive_people.csv")
    assert (result.created, result.skipped) == (2, 2)
    kinds = [(d.line, d.match.kind, d.existing) for d in result.duplicates]
    assert kinds == [
        (4, MatchKind.EMAIL, "line 2 of this file"),
        (5, MatchKind.NAME, "line 3 of this file"),
    ]
    assert result.duplicates[1].match.score < 100  # "Marco Rosi" ~ "Marco Rossi"


def test_duplicates_against_the_database(do_import, engine: Engine, session: Session) -> None:
    existing = prospect_ops.create_prospect(
        session,
        fields={"name": "Emma Schmidt", "email": "emma.schmidt@nordwind.example"},
        by="me",
    )
    by_phone = prospect_ops.create_prospect(
        session, fields={"name": "Someone Else", "phone": "(415) 555-0132"}, by="me", region="US"
    )
    by_name = prospect_ops.create_prospect(
        session, fields={"name": "Farrah Haddad", "company": "Cedar & Co."}, by="me"
    )
    session.commit()
    result = do_import("hubspot_contacts.csv", region="US")
    assert (result.created, result.skipped, result.rejected) == (0, 3, 3)
    matches = {d.line: (d.match.kind, d.match.prospect_id) for d in result.duplicates}
    assert matches == {
        2: (MatchKind.EMAIL, existing.id),
        4: (MatchKind.PHONE, by_phone.id),
        9: (MatchKind.NAME, by_name.id),
    }
    assert result.duplicates[0].existing == f"#{existing.id} Emma Schmidt"
    assert result.batch_id is None  # nothing changed: no batch recorded
    assert count(engine, "importbatch") == 0


def test_update_create_and_per_row_choices_then_undo(
    do_import, engine: Engine, session: Session
) -> None:
    emma = prospect_ops.create_prospect(
        session,
        fields={"name": "Emma S.", "email": "emma.schmidt@nordwind.example", "tags": "old"},
        by="me",
    )
    session.commit()
    before = prospect_rows(engine, f"id = {emma.id}")[0]
    result = do_import(
        "hubspot_contacts.csv",
        on_duplicate=DuplicateAction.UPDATE,
        row_actions={},
    )
    assert (result.created, result.updated) == (2, 1)
    assert result.updated_ids == [emma.id]
    after = prospect_rows(engine, f"id = {emma.id}")[0]
    assert after["name"] == "Emma Schmidt" and after["title"] == "CEO"
    assert after["tags"] == "old" and after["phone"] == "+49 30 901820"
    assert "Asked for a demo." in after["notes"]
    assert result.batch_id is not None
    undone = undo_batch(engine, result.batch_id)
    assert (undone.deleted, undone.restored) == (2, 1)
    restored = prospect_rows(engine, f"id = {emma.id}")[0]
    assert restored == before
    assert count(engine, "prospect") == 1 and count(engine, "stagechange") == 1
    with pytest.raises(Exception, match="already undone"):
        undo_batch(engine, result.batch_id)
    # Per row: create the duplicate anyway although the import's choice is skip.
    again = do_import("hubspot_contacts.csv", row_actions={2: DuplicateAction.CREATE})
    assert (again.created, again.skipped) == (3, 0)
    assert count(engine, "prospect") == 4


def test_undo_unknown_batch(engine: Engine) -> None:
    with pytest.raises(Exception, match="no import with number 99"):
        undo_batch(engine, 99)


def test_dry_run_and_preview_write_nothing(do_import, engine: Engine, tmp_path: Path) -> None:
    result = run_import(
        engine,
        Path(__file__).parents[1] / "data" / "import" / "hubspot_contacts.csv",
        ImportOptions(stage=Stage.FIRST_CALL),
        by="tester",
        dry_run=True,
        preview_rows=4,
        rejects_path=tmp_path / "rejects.csv",
    )
    assert result.dry_run and result.batch_id is None
    assert (result.created, result.rejected) == (3, 3)
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0
    outcomes = [(p.line, p.outcome) for p in result.preview]
    assert outcomes == [(2, "create"), (4, "create"), (5, "reject"), (6, "reject")]
    first = result.preview[0].values
    assert first["email"] == "EMMA.SCHMIDT@nordwind.example" and first["stage"] == "First call"
    lines = (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",Line,Reason") and len(lines) == 4
    assert "line" not in result.summary() and result.summary().startswith("Would create 3")


def test_rejects_file_can_be_fixed_and_reimported(
    do_import, engine: Engine, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.csv"
    run_import(
        engine,
        Path(__file__).parents[1] / "data" / "import" / "hubspot_contacts.csv",
        ImportOptions(),
        by="tester",
        rejects_path=rejects,
    )
    text = rejects.read_text(encoding="utf-8-sig")
    fixed = text.replace("oliver at bluepeak", "oliver2@bluepeak.example").replace(
        "sometime next week", "2024-05-09"
    )
    rejects.write_text(fixed, encoding="utf-8")
    result = do_import(rejects)
    assert (result.created, result.rejected) == (2, 1)
    assert result.rejects[0].reason == "no name and no email address"


@pytest.mark.parametrize(
    "name",
    ["binary.csv", "empty.csv", "header_only.csv", "contacts.pdf", "text_named.xlsx",
     "workbook_named.csv", "huge_cell.csv"],
)  # fmt: skip
def test_bad_files_change_nothing(do_import, engine: Engine, name: str) -> None:
    with pytest.raises(ImportFileError):
        do_import(name)
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0


def test_huge_cell_after_good_rows_rolls_back(do_import, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    good = "".join(f"Person {i},p{i}@x.example\n" for i in range(5000))
    path.write_text("Name,Email\n" + good + 'Ana,"' + "x" * (5 * 1024 * 1024) + '"\n')
    with pytest.raises(ImportFileError, match="line 5002: a single value is longer"):
        do_import(path)
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0
    assert count(engine, "prospect_fts") == 0


def test_cancel_leaves_nothing(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("Name,Email\n" + "".join(f"P {i},p{i}@x.example\n" for i in range(9000)))
    calls: list[int] = []

    def cancel() -> bool:
        return len(calls) >= 2

    with pytest.raises(ImportCancelledError):
        run_import(
            engine,
            path,
            ImportOptions(),
            by="t",
            progress=lambda _f, rows: calls.append(rows),
            cancel=cancel,
        )
    assert calls == [2000, 4000]
    assert count(engine, "prospect") == 0 and count(engine, "stagechange") == 0
    assert count(engine, "importbatch") == 0
    # The search index trigger is back: a prospect added by hand is searchable.
    with Session(engine) as session:
        prospect_ops.create_prospect(session, fields={"name": "Searchable Person"}, by="me")
        session.commit()
        assert queries.list_prospects(session, flt=ProspectFilter(search="searchable"))


def test_crash_mid_import_leaves_nothing(engine: Engine, tmp_path: Path, monkeypatch) -> None:
    from onboard_desk.importing import writer as import_writer

    path = tmp_path / "many.csv"
    path.write_text("Name,Email\n" + "".join(f"P {i},p{i}@x.example\n" for i in range(5000)))
    original = import_writer.ChunkWriter.flush
    flushes: list[int] = []

    def crashing_flush(self, first_new_id):
        flushes.append(1)
        original(self, first_new_id)
        if len(flushes) == 2:
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(import_writer.ChunkWriter, "flush", crashing_flush)
    with pytest.raises(RuntimeError):
        run_import(engine, path, ImportOptions(), by="t")
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0


def test_saved_mapping_is_used(do_import, engine: Engine) -> None:
    result = do_import(
        "salesforce_leads.csv",
        mapping={"Mobile": Field.PHONE, "Phone": Field.IGNORE, "Description": Field.IGNORE},
    )
    assert result.created == 3
    grace = prospect_rows(engine, "name = 'Grace Okafor'")[0]
    hugo = prospect_rows(engine, "name = 'Hugo Martin'")[0]
    assert grace["phone"] == "+2348031234567" and hugo["phone"] == "" and hugo["notes"] == ""


def test_plain_addresses_take_the_fast_path() -> None:
    for address in ("zoe.muller@acme.example", "a+b@Sub.Domain.COM", "x_y-z%1@q.de"):
        assert _plain(address) is not None
    for address in ("a..b@x.com", ".a@x.com", "a@localhost", "a@x.test", "a@xn--bcher-kva.de",
                    "Zoë@x.com", "a@x.c", '"a b"@x.com'):  # fmt: skip
        assert _plain(address) is None


def test_batch_record(do_import, engine: Engine) -> None:
    result = do_import("hubspot_contacts.csv")
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT source, file_format, by, created_count, rejected_count, undo_data "
            "FROM importbatch"
        ).one()
    assert row[0].endswith("hubspot_contacts.csv") and row[1:5] == ("csv", "tester", 3, 3)
    assert json.loads(row[5])["first_id"] == result.first_created_id


def test_killed_import_leaves_the_database_as_it_was(
    engine: Engine, db_path: Path, tmp_path: Path
) -> None:
    """A crash for real: the importing process is killed (SIGKILL) in the middle."""
    import os
    import signal
    import subprocess
    import sys
    import time

    with Session(engine) as session:
        prospect_ops.create_prospect(session, fields={"name": "Already Here"}, by="me")
        session.commit()
    engine.dispose()
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("Name,Email,Company\n")
        for i in range(400_000):
            handle.write(f"Person {i},p{i}@x{i % 500}.example,Company {i}\n")
    wal = Path(f"{db_path}-wal")
    start_size = wal.stat().st_size if wal.exists() else 0
    process = subprocess.Popen(
        [sys.executable, "-m", "onboard_desk", "--db", str(db_path), "import", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > start_size + 2_000_000:
            break  # well into writing its chunks
        time.sleep(0.05)
    assert process.poll() is None, "the import ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert count(engine, "prospect") == 1 and count(engine, "importbatch") == 0
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        triggers = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'prospect_fts%'"
        ).scalar()
    assert triggers == 3


def test_busy_database_is_a_clear_message(do_import, engine: Engine, db_path: Path) -> None:
    from onboard_desk.errors import UserError
    from onboard_desk.storage.dialects.sqlite import driver as sqlite3

    other = sqlite3.connect(db_path, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        import onboard_desk.storage.dialects.sqlite as specific

        original = specific.BUSY_TIMEOUT_MS
        specific.BUSY_TIMEOUT_MS = 100
        try:
            from onboard_desk.storage.db import make_engine

            quick = make_engine(db_path)
            with pytest.raises(UserError, match="database is busy"):
                run_import(
                    quick,
                    Path(__file__).parents[1] / "data" / "import" / "hubspot_contacts.csv",
                    ImportOptions(),
                    by="t",
                )
            quick.dispose()
        finally:
            specific.BUSY_TIMEOUT_MS = original
    finally:
        other.rollback()
        other.close()
    assert count(engine, "prospect") == 0


def test_imported_prospects_have_journeys_like_any_other(do_import, engine: Engine) -> None:
    """Imports into a database with history: every journey, old and new, matches it."""
    from onboard_desk.demo.fill import fill_demo
    from tests.importing.test_journeys import furthest_mismatches, kept_and_computed

    fill_demo(engine, prospects=40, seed=3)
    do_import("hubspot_contacts.csv", stage=Stage.TRIAL)
    do_import("linkedin_connections.csv")
    kept, computed = kept_and_computed(engine)
    assert kept == computed
    assert len(kept) == count(engine, "prospect") > 40
    assert furthest_mismatches(engine) == 0
