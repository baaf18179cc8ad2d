"""The import service: what an import takes from the database, progress, cancel, the write
lock, undo, the list of imports and the saved mappings."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.errors import UserError
from onboard_desk.pipeline import Stage
from onboard_desk.services.desk import Desk
from onboard_desk.services.importing import (
    DuplicateAction,
    Field,
    ImportCancelledError,
    ImportDefaults,
    ImportFileError,
    ImportOptions,
    ImportProgress,
    MappingError,
    file_mapping,
    undo_import,
)
from onboard_desk.storage.settings_store import DEFAULT_CURRENCY, PHONE_REGION
from tests.importing.conftest import DATA, count, prospect_rows
from tests.workday import working_morning


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.fixture
def leads(tmp_path: Path) -> Path:
    """Two rows: a national phone number (read in the database's region) and a value
    without a currency (given the home currency)."""
    path = tmp_path / "leads.csv"
    path.write_text(
        "Name,Email,Phone,Value\n"
        "Ada Byron,ada@x.example,030 1234567,1200\n"
        "Ben Okafor,ben@x.example,,\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def configured(desk: Desk) -> Desk:
    """A database whose user, currency, phone region and pipeline rules are not the defaults."""
    desk.settings.set_user_name("Rosa Marin")
    desk.settings.put(DEFAULT_CURRENCY, "EUR")
    desk.settings.put(PHONE_REGION, "de")
    desk.settings.save_pipeline(replace(desk.config, check_in_delay_days=5, trial_length_days=21))
    return desk


def test_the_defaults_are_the_databases(configured: Desk) -> None:
    defaults = configured.importing.defaults()
    assert (defaults.by, defaults.currency, defaults.region) == ("Rosa Marin", "EUR", "DE")
    assert (defaults.config.check_in_delay_days, defaults.config.trial_length_days) == (5, 21)
    applied = defaults.apply(ImportOptions(currency="JPY"))
    assert (applied.currency, applied.region, applied.config) == ("EUR", "DE", defaults.config)
    # A region named for the import wins over the stored one.
    assert defaults.apply(ImportOptions(region="us")).region == "US"
    none = ImportDefaults(by="me", config=defaults.config, currency="USD", region=None)
    assert none.apply(ImportOptions()).region is None


@pytest.mark.parametrize("parallel", [False, True])
def test_an_import_takes_owner_currency_region_and_rules_from_the_database(
    configured: Desk, engine: Engine, leads: Path, parallel: bool
) -> None:
    """The same for rows planned in this process and in the planning process."""
    result = configured.importing.run(leads, ImportOptions(stage=Stage.TRIAL), parallel=parallel)
    assert result.created == 2
    ada, ben = prospect_rows(engine)
    assert {ada["owner"], ben["owner"]} == {"Rosa Marin"}
    assert (ada["value_cents"], ada["currency"]) == (120_000, "EUR")
    assert ada["phone_key"] == "+49301234567"
    entered = _stamp(ada["stage_entered_at"])
    # The check-in five days on, on a working morning (the two rows spread 15 minutes apart).
    dues = sorted(_stamp(row["next_action_due"]) for row in (ada, ben))
    morning = working_morning(entered.replace(tzinfo=UTC), 5).replace(tzinfo=None)
    assert dues == [morning, morning + timedelta(minutes=15)]
    assert _stamp(ada["trial_ends_at"]) - entered == timedelta(days=21)
    assert ben["owner"] == "Rosa Marin" and ben["phone_key"] in ("", None)


def test_owner_given_for_the_import_wins(configured: Desk, engine: Engine, leads: Path) -> None:
    configured.importing.run(leads, ImportOptions(owner="Sam Park"))
    assert {row["owner"] for row in prospect_rows(engine)} == {"Sam Park"}


def test_progress_reports_rows_and_rate(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("Name,Email\n" + "".join(f"P {i},p{i}@x.example\n" for i in range(5_000)))
    seen: list[ImportProgress] = []
    result = desk.importing.run(path, ImportOptions(), progress=seen.append)
    assert len(seen) >= 3  # every 2,000 rows, then the end
    assert [p.rows for p in seen] == sorted(p.rows for p in seen)
    assert seen[-1].fraction == 1.0 and seen[-1].rows == result.rows_read == 5_000
    assert all(p.rows_per_second > 0 for p in seen)


def _lock_free_while_importing(desk: Desk, path: Path, *, dry_run: bool) -> list[bool]:
    """Whether another thread could take the Desk's write lock while the import ran."""
    free: list[bool] = []

    def probe(_progress: ImportProgress) -> None:
        def attempt() -> None:
            taken = desk.write_lock.acquire(blocking=False)
            if taken:
                desk.write_lock.release()
            free.append(taken)

        other = threading.Thread(target=attempt)
        other.start()
        other.join()

    desk.importing.run(path, ImportOptions(), dry_run=dry_run, progress=probe)
    return free


def test_a_real_import_holds_the_write_lock_and_a_dry_run_does_not(desk: Desk, leads: Path) -> None:
    assert set(_lock_free_while_importing(desk, leads, dry_run=False)) == {False}
    assert set(_lock_free_while_importing(desk, leads, dry_run=True)) == {True}


def test_a_dry_run_writes_nothing(desk: Desk, engine: Engine, leads: Path) -> None:
    result = desk.importing.run(leads, ImportOptions(), dry_run=True, preview_rows=5)
    assert result.dry_run and result.created == 2 and len(result.preview) == 2
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0
    assert desk.importing.batches() == []


def test_cancel_leaves_nothing(desk: Desk, engine: Engine, leads: Path) -> None:
    with pytest.raises(ImportCancelledError, match="nothing was imported"):
        desk.importing.run(leads, ImportOptions(), cancel=lambda: True)
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0


def test_a_file_that_cannot_be_read_is_one_sentence(desk: Desk) -> None:
    with pytest.raises(ImportFileError, match="not a text file"):
        desk.importing.run(DATA / "binary.csv", ImportOptions())


def test_batches_newest_first_and_undo_once(desk: Desk, engine: Engine, session: Session) -> None:
    from onboard_desk.services import prospects as prospect_ops

    emma = prospect_ops.create_prospect(
        session, fields={"name": "Emma", "email": "emma.schmidt@nordwind.example"}, by="me"
    )
    session.commit()
    first = desk.importing.run(
        DATA / "hubspot_contacts.csv", ImportOptions(on_duplicate=DuplicateAction.UPDATE)
    )
    second = desk.importing.run(DATA / "contacts_v3.vcf", ImportOptions())
    assert [b.id for b in desk.importing.batches()] == [second.batch_id, first.batch_id]
    assert [b.id for b in desk.importing.batches(limit=1)] == [second.batch_id]
    assert first.batch_id is not None
    outcome = desk.importing.undo(first.batch_id)
    assert (outcome.deleted, outcome.restored) == (2, 1)
    assert prospect_rows(engine, f"id = {emma.id}")[0]["name"] == "Emma"
    assert desk.importing.batches()[1].undone_at is not None
    with pytest.raises(UserError, match="already undone"):
        desk.importing.undo(first.batch_id)
    with pytest.raises(UserError, match="no import with number 99"):
        desk.importing.undo(99)


def test_undo_composes_in_the_callers_transaction(desk: Desk, engine: Engine) -> None:
    result = desk.importing.run(DATA / "contacts_v3.vcf", ImportOptions())
    assert result.batch_id is not None and count(engine, "prospect") == 3
    with Session(engine) as session:
        outcome = undo_import(session, batch_id=result.batch_id)
        assert outcome.deleted == 3
        session.rollback()
    assert count(engine, "prospect") == 3  # rolled back with the caller's transaction
    assert desk.importing.undo(result.batch_id).deleted == 3


def test_saved_mappings(desk: Desk, tmp_path: Path) -> None:
    service = desk.importing
    assert service.mapping_names() == []
    service.save_mapping(" Trade fair ", {"Full name": Field.NAME, "Mail": Field.EMAIL})
    assert service.mapping_names() == ["Trade fair"]
    assert service.mapping("Trade fair") == {"Full name": Field.NAME, "Mail": Field.EMAIL}
    assert service.resolve_mapping("Trade fair")["Mail"] is Field.EMAIL
    spec = tmp_path / "mapping.json"
    spec.write_text(json.dumps({"Company": "company", "Name": "name"}))
    assert service.resolve_mapping(str(spec)) == {"Company": Field.COMPANY, "Name": Field.NAME}
    with pytest.raises(MappingError, match="Map at least one column"):
        service.save_mapping("Useless", {"Notes": Field.NOTES})
    service.delete_mapping("Trade fair")
    assert service.mapping_names() == []
    with pytest.raises(MappingError, match="no saved mapping named 'Trade fair'"):
        service.mapping("Trade fair")
    with pytest.raises(MappingError, match="no saved mapping"):
        service.delete_mapping("Trade fair")


def test_file_mapping_proposes_or_fits() -> None:
    path = DATA / "workbook_two_sheets.xlsx"
    proposed = file_mapping(path, sheet="Customers")
    assert proposed == {"Name": Field.NAME, "Email": Field.EMAIL, "Company": Field.COMPANY}
    fitted = file_mapping(path, sheet="Customers", saved={"company": Field.IGNORE})
    assert fitted == {"Name": Field.NAME, "Email": Field.EMAIL, "Company": Field.IGNORE}
