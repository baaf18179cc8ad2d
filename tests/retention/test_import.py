"""Importing prospects with a referral code column: links, rewards, rejects, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.importing import ImportOptions, run_import, undo_batch
from onboard_desk.importing.fields import Field, field_for_header
from onboard_desk.pipeline import Stage
from onboard_desk.retention import referrals
from onboard_desk.retention.config import RetentionConfig, save_retention_config
from onboard_desk.storage import db
from tests.retention.conftest import customer


@pytest.fixture
def holder(engine: Engine) -> tuple[int, str]:
    """A customer and their code, with a credit of 30.00 and a 20 % discount configured."""
    with db.session_scope(engine) as session:
        pid = customer(session, "Ann", won=0)
        save_retention_config(
            session, RetentionConfig(referral_credit_cents=3_000, friend_discount_percent=20)
        )
        code = referrals.code_of(session, pid)
    assert code is not None
    return pid, code


def _file(tmp_path: Path, code: str) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(
        "Name,Email,Source,Referral Code\n"
        f"Ben,ben@x.example,cold email,{code[:4].lower()}-{code[4:].lower()}\n"
        "Cat,cat@x.example,website,\n"
        "Dan,dan@x.example,website,ZZZZ-ZZZZ\n"
        "Eve,eve@x.example,website,not a code\n",
        encoding="utf-8",
    )
    return path


def test_the_referral_code_column_is_recognised() -> None:
    for header in ("Referral Code", "referral_code", "Ref code", "Invite code"):
        assert field_for_header(header) is Field.REFERRAL_CODE, header
    assert field_for_header("Referred by") is None  # a name, not a code


@pytest.mark.parametrize("parallel", [False, True])
def test_import_links_referred_prospects(
    engine: Engine, holder: tuple[int, str], tmp_path: Path, parallel: bool
) -> None:
    ann, code = holder
    result = run_import(
        engine, _file(tmp_path, code), ImportOptions(currency="EUR"), by="tester",
        parallel=parallel,
    )  # fmt: skip
    assert (result.created, result.rejected) == (3, 1)
    assert "not a referral code" in result.rejects[0].reason
    assert (result.referrals_linked, result.referral_codes_unmatched) == (1, 1)
    with Session(engine) as session:
        rows = {
            name: (pid, channel)
            for pid, name, channel in session.execute(
                text("SELECT id, name, channel FROM prospect")
            )
        }
        ben, channel = rows["Ben"]
        assert channel == "referral"
        assert rows["Cat"][1] == "website" and rows["Dan"][1] == "referral"
        link = referrals.referral_of(session, ben)
        assert link is not None and link.referrer_id == ann and link.code == code
        # The credit is in the database's home currency (USD here), whatever the file's
        # deals are in: the same terms as a referral made by hand (retention.terms).
        assert (link.credit_cents, link.credit_currency, link.discount_percent) == (
            3_000,
            "USD",
            20,
        )
        assert link.credit_status == "pending"
        assert referrals.referral_of(session, rows["Dan"][0]) is None

    assert result.batch_id is not None
    undo_batch(engine, result.batch_id)
    with Session(engine) as session:
        assert referrals.referrals_by(session, ann) == []


def test_a_dry_run_links_nothing(engine: Engine, holder: tuple[int, str], tmp_path: Path) -> None:
    result = run_import(
        engine, _file(tmp_path, holder[1]), ImportOptions(), by="tester", dry_run=True
    )
    assert result.created == 3 and result.referrals_linked == 0
    with Session(engine) as session:
        assert referrals.referrals_by(session, holder[0]) == []


def test_prospects_imported_as_customers_get_codes_and_no_referral(
    engine: Engine, holder: tuple[int, str], tmp_path: Path
) -> None:
    result = run_import(
        engine, _file(tmp_path, holder[1]), ImportOptions(stage=Stage.WON), by="tester"
    )
    assert result.created == 3
    assert (result.referrals_linked, result.referral_codes_unmatched) == (0, 2)
    with Session(engine) as session:
        codes = {referrals.code_of(session, pid) for pid in result.created_ids}
        assert None not in codes and len(codes) == 3
        assert referrals.code_of(session, holder[0]) not in codes
        assert referrals.issue_missing_codes(session) == 0
