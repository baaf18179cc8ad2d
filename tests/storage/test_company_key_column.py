"""``prospect.company_key`` (revision 0009): filled for existing prospects, removed by the
downgrade, and kept in step with the company by every writer (store, import, demo)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.demo.fill import fill_demo
from onboard_desk.domain import matching
from onboard_desk.domain.matching import company_key
from onboard_desk.importing import DuplicateAction, ImportOptions, run_import, undo_batch
from onboard_desk.storage import db, store
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver
from onboard_desk.storage.migrations import HEAD_REVISION

COMPANIES = ("Acme Inc.", "ACME", "Müller & Söhne GmbH", "", "Blue Harbor")
INDEX = "ix_prospect_company_key"


def _migrate(path: Path, step: str, revision: str) -> None:
    from alembic import command

    engine = db.make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)
    engine.dispose()


def _columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[1] for row in connection.execute("PRAGMA table_info(prospect)")}


def _stale_keys(path: Path) -> list[tuple[str, str]]:
    """(company, stored key) of every prospect whose key is not the rule's."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT company, company_key FROM prospect").fetchall()
    return [(company, key) for company, key in rows if key != company_key(company)]


def test_upgrade_fills_the_keys_and_downgrade_removes_the_column(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite3"
    engine = db.open_database(path)
    with db.session_scope(engine) as session:
        for number, company in enumerate(COMPANIES):
            store.create_prospect(
                session, fields={"name": f"P{number}", "company": company}, by="Ann"
            )
    engine.dispose()

    _migrate(path, "downgrade", "0008")
    assert "company_key" not in _columns(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute(
            f"SELECT count(*) FROM sqlite_master WHERE name = '{INDEX}'"
        ).fetchone() == (0,)
        # A prospect written at 0008 (by an older version) has no key to keep.
        connection.execute(
            "INSERT INTO prospect (id, name, company, title, email, email_key, phone, "
            "phone_key, channel, owner, currency, tags, notes, do_not_contact, stage, "
            "stage_entered_at, created_at, updated_at) VALUES (99, 'Old', 'Café Zoë S.A.', "
            "'', '', '', '', '', 'other', '', 'USD', '', '', 0, 'outreach', "
            "'2026-12-01 10:00:00.000000', '2026-12-01 10:00:00.000000', "
            "'2026-12-01 10:00:00.000000')"
        )
        # The search index's triggers survive the column's removal.
        assert connection.execute(
            "SELECT count(*) FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'prospect_fts%'"
        ).fetchone() == (3,)

    _migrate(path, "upgrade", "head")
    assert db.check_schema(path) == HEAD_REVISION
    assert "company_key" in _columns(path)
    assert _stale_keys(path) == []
    with sqlite3.connect(path) as connection:
        keys = dict(connection.execute("SELECT name, company_key FROM prospect"))
        plan = " ".join(
            str(row[-1])
            for row in connection.execute(
                "EXPLAIN QUERY PLAN SELECT id, name FROM prospect WHERE company_key = ? "
                "ORDER BY id",
                ("acme",),
            )
        )
        search = connection.execute(
            "SELECT rowid FROM prospect_fts WHERE prospect_fts MATCH 'müller OR café' "
            "ORDER BY rowid"
        ).fetchall()
    assert keys == {
        "P0": "acme",
        "P1": "acme",
        "P2": "muller sohne",
        "P3": "",
        "P4": "blue harbor",
        "Old": "cafe zoe",
    }
    assert INDEX in plan and "TEMP B-TREE" not in plan
    assert search == [(3,), (99,)]


# SQLite cannot reflect the expression index on lower(company); the comparison skips it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_model_matches_the_migration(tmp_path: Path) -> None:
    """models.Prospect mirrors 0009: Alembic finds nothing to change for the key."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import onboard_desk.storage.models  # noqa: F401  (the tables on SQLModel.metadata)

    engine = db.open_database(tmp_path / "compare.sqlite3")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert [d for d in differences if "company_key" in repr(d)] == []


def test_the_store_keeps_the_key_on_create_edit_undo_and_restore(
    session: Session, db_path: Path
) -> None:
    prospect = store.create_prospect(
        session, fields={"name": "Ana", "company": "Acme, Inc."}, by="Ann"
    )
    assert prospect.id is not None and prospect.company_key == "acme"
    previous = store.update_prospect(
        session, prospect_id=prospect.id, changes={"company": "Müller & Söhne GmbH"}
    )
    assert store.get_prospect(session, prospect.id).company_key == "muller sohne"
    store.update_prospect(session, prospect_id=prospect.id, changes=previous)
    assert store.get_prospect(session, prospect.id).company_key == "acme"
    snapshot = store.delete_prospect(session, prospect_id=prospect.id)
    session.commit()
    store.restore_prospect(session, snapshot=snapshot)
    session.commit()
    assert store.get_prospect(session, prospect.id).company_key == "acme"
    assert _stale_keys(db_path) == []


def test_the_import_keeps_the_key_on_create_update_and_undo(
    engine: Engine, session: Session, db_path: Path, tmp_path: Path
) -> None:
    existing = store.create_prospect(
        session,
        fields={"name": "Ana López", "company": "", "email": "ana@acme.example"},
        by="Ann",
    )
    session.commit()
    csv = tmp_path / "people.csv"
    csv.write_text(
        "Name,Company,Email\n"
        'Ana López,"Acme Robotics, Inc.",ana@acme.example\n'
        "Ben Okafor,Blue Harbor GmbH,ben@blue.example\n",
        encoding="utf-8",
    )
    result = run_import(
        engine, csv, ImportOptions(on_duplicate=DuplicateAction.UPDATE), by="t", parallel=False
    )
    assert (result.created, result.updated) == (1, 1)
    assert _stale_keys(db_path) == []
    with sqlite3.connect(db_path) as connection:
        keys = dict(connection.execute("SELECT name, company_key FROM prospect"))
    assert keys == {"Ana López": "acme robotics", "Ben Okafor": "blue harbor"}
    assert result.batch_id is not None
    undo_batch(engine, result.batch_id)
    session.expire_all()
    assert existing.id is not None
    assert store.get_prospect(session, existing.id).company_key == ""
    assert _stale_keys(db_path) == []


def test_demo_data_has_the_rules_keys(engine: Engine, db_path: Path) -> None:
    fill_demo(engine, prospects=300, seed=3)
    assert _stale_keys(db_path) == []
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute(
            "SELECT company_key, email, email_key, phone, phone_key FROM prospect"
        ).fetchall()
    assert len(rows) == 300 and all(row[0] for row in rows)
    assert all(matching.email_key(email) == key for _c, email, key, _p, _k in rows)
    assert all(matching.phone_key(phone, "US") == key for _c, _e, _k, phone, key in rows)
