"""Where the database lives, how it is opened, and how its schema is kept current.

Opening a database upgrades it to this version's schema with Alembic. A database written
by a newer version of Onboard Desk is refused, untouched, with a message that says so.
The schema check reads the revision with the standard library first, so an up-to-date
database opens without importing Alembic at all.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk import sqlite_specific
from onboard_desk.errors import UserError
from onboard_desk.migrations import HEAD_REVISION, KNOWN_REVISIONS

APP_NAME = "onboard-desk"
DB_FILENAME = "onboard-desk.sqlite3"
#: Environment variable that overrides the database location (``--db`` wins over it).
DB_ENV_VAR = "ONBOARD_DESK_DB"


class DatabaseError(UserError):
    """The database cannot be opened; the message is meant for the user."""


class SchemaTooNewError(DatabaseError):
    """The file was written by a newer Onboard Desk; it is left untouched."""


def default_db_path() -> Path:
    """The database in the platform's user data folder (e.g. ~/.local/share/onboard-desk)."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` if given, else ``$ONBOARD_DESK_DB``, else the user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


def make_engine(path: Path) -> Engine:
    """An engine for a SQLite file with the project's pragmas on every connection."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": sqlite_specific.BUSY_TIMEOUT_MS / 1000},
    )
    sqlite_specific.install_pragmas(engine)
    return engine


def check_schema(path: Path) -> str | None:
    """The file's schema revision, or raise DatabaseError if it cannot be used."""
    if not path.exists():
        return None
    try:
        revision = sqlite_specific.read_schema_revision(path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"{path} is not an Onboard Desk database (SQLite says: {exc})."
        ) from exc
    if revision is None and not sqlite_specific.is_empty_database(path):
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
