"""Where the database lives, how it is opened, and how its schema is kept current.

Opening a database upgrades it to this version's schema with Alembic. A database written
by a newer version of Onboard Desk is refused, untouched, with a message that says so.
The schema check reads the revision through the driver first, so an up-to-date database
opens without importing Alembic at all.

A database here is a file, and a file is a SQLite database: how one is opened and read is
the SQLite dialect module's (:mod:`onboard_desk.storage.dialects.sqlite`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.errors import UserError
from onboard_desk.storage import locations
from onboard_desk.storage.dialects import UnreadableDatabaseError
from onboard_desk.storage.dialects import sqlite as sqlite_dialect
from onboard_desk.storage.migrations import HEAD_REVISION, KNOWN_REVISIONS

# The location helpers live in a module without SQLAlchemy (the window needs the path
# before that import); they stay importable from here.
APP_NAME = locations.APP_NAME
DB_FILENAME = locations.DB_FILENAME
DB_ENV_VAR = locations.DB_ENV_VAR
default_db_path = locations.default_db_path
resolve_db_path = locations.resolve_db_path


class DatabaseError(UserError):
    """The database cannot be opened; the message is meant for the user."""


class SchemaTooNewError(DatabaseError):
    """The file was written by a newer Onboard Desk; it is left untouched."""


def make_engine(path: Path) -> Engine:
    """An engine for a database file with the project's pragmas on every connection."""
    return sqlite_dialect.make_engine(path)


def check_schema(path: Path) -> str | None:
    """The file's schema revision, or raise DatabaseError if it cannot be used."""
    if not path.exists():
        return None
    try:
        revision = sqlite_dialect.read_schema_revision(path)
    except UnreadableDatabaseError as exc:
        raise DatabaseError(f"{path} is not an Onboard Desk database ({exc}).") from exc
    if revision is None and not sqlite_dialect.is_empty_database(path):
        raise DatabaseError(
            f"{path} is a SQLite database from another program; "
            "Onboard Desk will not change it. Choose another file."
        )
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise SchemaTooNewError(
            f"{path} was written by a newer version of Onboard Desk (schema {revision}). "
            "Update Onboard Desk to open it; the file has not been changed."
        )
    return revision


def upgrade(engine: Engine) -> None:
    """Run Alembic migrations up to the head revision on an open engine."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(path: Path) -> Engine:
    """Open (creating and upgrading as needed) the database at ``path``."""
    revision = check_schema(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the folder for {path}: {exc.strerror}.") from exc
    engine = make_engine(path)
    if revision != HEAD_REVISION:
        try:
            upgrade(engine)
        except Exception as exc:
            engine.dispose()
            raise DatabaseError(f"Could not prepare the database {path}: {exc}") from exc
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
