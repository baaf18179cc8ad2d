"""Revision 0008: the retention tables come and go, and existing customers are backfilled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.config import Config

from onboard_desk.domain.referral_codes import ALPHABET, CODE_LENGTH
from onboard_desk.pipeline import WORKING_STAGES, Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import db
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver
from onboard_desk.storage.migrations import HEAD_REVISION

TABLES = {"purchase", "surveyanswer", "referralcode", "referral"}
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _migrate(path: Path, step: str, revision: str) -> None:
    from alembic import command

    engine = db.make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)
    engine.dispose()


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def _win(session, prospect_id: int, at: datetime) -> None:
    for offset, stage in enumerate((*WORKING_STAGES[1:], Stage.WON)):
        prospect_ops.move_prospect(
            session,
            prospect_id=prospect_id,
            target=stage,
            by="Ann",
            now=at + timedelta(hours=offset),
        )


def test_upgrade_backfills_customers_and_downgrade_removes_the_tables(tmp_path: Path) -> None:
    """Customers won before 0008 get a code and the purchase their win would now record;
    the downgrade drops the four tables and keeps the prospects."""
    path = tmp_path / "old.sqlite3"
    engine = db.open_database(path)
    with db.session_scope(engine) as session:
        ids = []
        for number, value in enumerate((120_000, None, 50_000)):
            prospect = prospect_ops.create_prospect(
                session, fields={"name": f"C{number}", "value_cents": value}, by="Ann", now=T0
            )
            assert prospect.id is not None
            ids.append(prospect.id)
        _win(session, ids[0], T0 + timedelta(days=3))
        _win(session, ids[1], T0 + timedelta(days=4))
        # Won, moved back to Payment and won again: two wins, two purchases.
        _win(session, ids[2], T0 + timedelta(days=5))
        prospect_ops.move_prospect(
            session, prospect_id=ids[2], target=Stage.PAYMENT, by="Ann", now=T0 + timedelta(days=6)
        )
        prospect_ops.move_prospect(
            session, prospect_id=ids[2], target=Stage.WON, by="Ann", now=T0 + timedelta(days=7)
        )
        prospect_ops.create_prospect(session, fields={"name": "Open"}, by="Ann", now=T0)
    engine.dispose()

    _migrate(path, "downgrade", "0007")
    assert not TABLES & _tables(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM prospect").fetchone() == (4,)

    _migrate(path, "upgrade", "head")
    assert _tables(path) >= TABLES
    with sqlite3.connect(path) as connection:
        codes = dict(connection.execute("SELECT prospect_id, code FROM referralcode"))
        purchases = connection.execute(
            "SELECT u.prospect_id, u.amount_cents, u.source, u.purchased_at = sc.at "
            "FROM purchase u JOIN stagechange sc ON sc.id = u.stage_change_id "
            "ORDER BY u.prospect_id, u.purchased_at"
        ).fetchall()
    assert sorted(codes) == ids
    assert len(set(codes.values())) == 3
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes.values())
    assert purchases == [
        (ids[0], 120_000, "win", 1),
        (ids[1], None, "win", 1),
        (ids[2], 50_000, "win", 1),
        (ids[2], 50_000, "win", 1),
    ]

    # The upgraded file works like a new one: undoing nothing, the cascade deletes.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(f"DELETE FROM prospect WHERE id = {ids[2]}")
        assert connection.execute(
            f"SELECT count(*) FROM purchase WHERE prospect_id = {ids[2]}"
        ).fetchone() == (0,)
        connection.rollback()

    _migrate(path, "downgrade", "0007")
    assert not TABLES & _tables(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'ix_purchase%' "
            "OR name LIKE 'ix_referral%' OR name LIKE 'ix_surveyanswer%'"
        ).fetchone() == (0,)
    _migrate(path, "upgrade", "head")
    assert db.check_schema(path) == HEAD_REVISION


def test_constraints_of_the_new_tables(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db.open_database(path).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(
            "INSERT INTO prospect (id, name, company, title, email, email_key, phone, "
            "phone_key, channel, owner, currency, tags, notes, do_not_contact, stage, "
            "stage_entered_at, created_at, updated_at) VALUES (7, 'Ana', '', '', '', '', '', "
            "'', 'other', '', 'USD', '', '', 0, 'won', '2026-12-01 10:00:00.000000', "
            "'2026-12-01 10:00:00.000000', '2026-12-01 10:00:00.000000')"
        )
        survey = (
            "INSERT INTO surveyanswer (prospect_id, score, comment, answered_at, by) "
            "VALUES (7, {}, '', '2026-12-02 10:00:00.000000', 'Jamie')"
        )
        connection.execute(survey.format(10))
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            connection.execute(survey.format(11))
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            connection.execute(survey.format(-1))
        code = "INSERT INTO referralcode (prospect_id, code, issued_at) VALUES ({}, 'ABCDEFGH', '')"
        connection.execute(code.format(7))
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute(code.format(8))  # no such prospect
        connection.execute(
            "INSERT INTO prospect (id, name, company, title, email, email_key, phone, "
            "phone_key, channel, owner, currency, tags, notes, do_not_contact, stage, "
            "stage_entered_at, created_at, updated_at) SELECT 8, 'Ben', company, title, email, "
            "email_key, phone, phone_key, channel, owner, currency, tags, notes, "
            "do_not_contact, stage, stage_entered_at, created_at, updated_at FROM prospect"
        )
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            connection.execute(code.format(8))
        connection.execute("DELETE FROM prospect WHERE id = 7")
        for table in ("surveyanswer", "referralcode"):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


# SQLite cannot reflect the expression index on lower(company); the comparison skips it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_retention_models_match_their_migration(tmp_path: Path) -> None:
    """models.py mirrors 0008: Alembic finds nothing to change for the four tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import onboard_desk.storage.models  # noqa: F401  (the tables on SQLModel.metadata)

    engine = db.open_database(tmp_path / "compare.sqlite3")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    names = (*TABLES, "ix_activity_customer")
    assert [d for d in differences if any(t in repr(d) for t in names)] == []
