"""Opening databases: location, migrations, refusal of foreign or newer files."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from onboard_desk.storage import db
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver
from onboard_desk.storage.migrations import HEAD_REVISION, KNOWN_REVISIONS


def test_known_revisions_match_the_alembic_scripts() -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    script = ScriptDirectory.from_config(config)
    ordered = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(ordered) == KNOWN_REVISIONS
    assert script.get_current_head() == HEAD_REVISION


def test_new_database_is_created_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "new.sqlite3"
    engine = db.open_database(path)
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == HEAD_REVISION
        )
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    db.open_database(path).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(db.SchemaTooNewError, match="newer version of Onboard Desk"):
        db.open_database(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE photos (id INTEGER)")
    with pytest.raises(db.DatabaseError, match="another program"):
        db.open_database(path)


def test_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(db.DatabaseError, match="not an Onboard Desk database"):
        db.open_database(path)
    assert path.read_bytes().startswith(b"this is not")


def test_an_old_schema_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = db.make_engine(path)
    db.upgrade(engine)  # at head today; a downgrade-less check that upgrade is idempotent
    engine.dispose()
    db.open_database(path).dispose()
    assert db.check_schema(path) == HEAD_REVISION


def test_location_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(db.DB_ENV_VAR, raising=False)
    assert db.resolve_db_path(None).name == db.DB_FILENAME
    assert "onboard-desk" in str(db.resolve_db_path(None).parent)
    monkeypatch.setenv(db.DB_ENV_VAR, str(tmp_path / "env.sqlite3"))
    assert db.resolve_db_path(None) == tmp_path / "env.sqlite3"
    assert db.resolve_db_path(str(tmp_path / "cli.sqlite3")) == tmp_path / "cli.sqlite3"


def test_unwritable_folder_gives_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(db.DatabaseError, match="Cannot create the folder"):
        db.open_database(blocker / "inside" / "db.sqlite3")


def test_current_database_opens_without_importing_alembic(tmp_path: Path) -> None:
    """Alembic costs about half a second to import; the window must not wait for it."""
    import subprocess
    import sys

    path = tmp_path / "current.sqlite3"
    db.open_database(path).dispose()
    code = (
        "import sys; from pathlib import Path; from onboard_desk.storage.db import open_database; "
        f"open_database(Path({str(path)!r})).dispose(); sys.exit('alembic' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_revision_0006_makes_duration_indexes_partial_and_back(tmp_path: Path) -> None:
    """0006 narrows the indexes a new prospect writes; its downgrade restores them."""
    from alembic import command

    path = tmp_path / "lighter.sqlite3"
    db.open_database(path).dispose()

    def indexes() -> dict[str, str]:
        with sqlite3.connect(path) as connection:
            return dict(
                connection.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                ).fetchall()
            )

    def migrate(step: str, revision: str) -> None:
        engine = db.make_engine(path)
        config = Config()
        config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, step)(config, revision)
        engine.dispose()

    head = indexes()
    assert "ix_prospect_owner_stage" not in head
    assert "ix_prospect_company_name" not in head
    assert head["ix_prospectjourney_days_trial"].endswith("WHERE days_trial IS NOT NULL")
    migrate("downgrade", "0005")
    old = indexes()
    assert {"ix_prospect_owner_stage", "ix_prospect_company_name"} <= set(old)
    assert "WHERE" not in old["ix_prospectjourney_days_trial"]
    migrate("upgrade", "head")
    assert indexes() == head


def test_new_databases_get_large_pages_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    new = tmp_path / "new.sqlite3"
    db.open_database(new).dispose()
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")  # the file now exists with 4 KiB pages
        connection.execute("DROP TABLE t")
    db.open_database(old).dispose()
    for path, size in ((new, 16384), (old, 4096)):
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA page_size").fetchone()[0] == size
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _migrate(path: Path, step: str, revision: str) -> None:
    from alembic import command

    engine = db.make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)
    engine.dispose()


def test_revision_0007_adds_checklist_ticks_and_its_downgrade_removes_them(
    tmp_path: Path,
) -> None:
    """Up from 0006 with prospects in the file, down again, and up: the prospects stay, the
    ticks table comes and goes with its unique index and its cascade."""
    path = tmp_path / "ticks.sqlite3"
    db.open_database(path).dispose()
    _migrate(path, "downgrade", "0006")

    def tables() -> set[str]:
        with sqlite3.connect(path) as connection:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return {name for (name,) in rows}

    assert "checklisttick" not in tables()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO prospect (id, name, company, title, email, email_key, phone, "
            "phone_key, channel, owner, currency, tags, notes, do_not_contact, stage, "
            "stage_entered_at, created_at, updated_at) VALUES (7, 'Ana', '', '', '', '', '', "
            "'', 'other', '', 'USD', '', '', 0, 'outreach', '2026-12-01 10:00:00.000000', "
            "'2026-12-01 10:00:00.000000', '2026-12-01 10:00:00.000000')"
        )

    _migrate(path, "upgrade", "0007")
    assert db.check_schema(path) == "0007"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        (index_sql,) = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'ix_checklisttick_prospect_item'"
        ).fetchone()
        assert index_sql.startswith("CREATE UNIQUE INDEX")
        insert = (
            "INSERT INTO checklisttick (prospect_id, stage, item, ticked_at, by) "
            "VALUES (7, 'outreach', 'Research', '2026-12-01 11:00:00.000000', 'Jamie')"
        )
        connection.execute(insert)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            connection.execute(insert)
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            connection.execute(insert.replace("VALUES (7,", "VALUES (8,"))
        connection.execute("DELETE FROM prospect WHERE id = 7")
        assert connection.execute("SELECT count(*) FROM checklisttick").fetchone() == (0,)
        connection.rollback()  # keep Ana and her tick for the downgrade

    _migrate(path, "downgrade", "0006")
    assert "checklisttick" not in tables()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM prospect").fetchall() == [("Ana",)]
        assert (
            connection.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE '%checklisttick%'"
            ).fetchall()
            == []
        )
    _migrate(path, "upgrade", "head")
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM checklisttick").fetchone() == (0,)


# SQLite cannot reflect the expression index on lower(company); the comparison skips it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_checklist_ticks_model_matches_its_migration(tmp_path: Path) -> None:
    """models.ChecklistTick mirrors 0007: Alembic finds nothing to change for the table."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import onboard_desk.storage.models  # noqa: F401  (the tables on SQLModel.metadata)

    engine = db.open_database(tmp_path / "compare.sqlite3")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert [d for d in differences if "checklisttick" in repr(d)] == []
