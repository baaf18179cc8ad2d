"""Where the database lives, how it is opened, and how its schema is kept current.

Opening a database upgrades it to this version's schema with Alembic. A database written
by a newer version of Onboard Desk is refused, untouched, with a message that says so.
The schema check reads the revision through the driver first, so an up-to-date database
opens without importing Alembic at all.

A database here is a file, and a file is a SQLite database: how one is opened and read is
the SQLite dialect module's (:mod:`onboard_desk.storage.dialects.sqlite`). An encrypted
file is opened with the key the OS keyring keeps for it (:mod:`.keys`, :func:`file_key`);
a plain one needs none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.errors import UserError
from onboard_desk.storage import keys, locations
from onboard_desk.storage.dialects import UnreadableDatabaseError
from onboard_desk.storage.dialects import sqlite as sqlite_dialect
from onboard_desk.storage.dialects.sqlite_cipher import file_is_encrypted
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


class DatabaseKeyError(DatabaseError):
    """An encrypted database whose key this keyring does not hold (or not the right one)."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        #: The file whose key is missing: a front end can offer its recovery key here.
        self.path = path


def _recover_hint(path: Path) -> str:
    return (
        "If it is an encrypted Onboard Desk database, enter its recovery key "
        f"(onboard-desk encryption recover --db {path})."
    )


def file_key(path: Path) -> bytes | None:
    """The key that opens the file at ``path``: None for a plain, empty or missing file;
    for an encrypted one, the key the keyring keeps for it, or DatabaseKeyError."""
    if not file_is_encrypted(path):
        return None
    try:
        key = keys.read_key(path)
    except keys.KeyringUnavailableError as exc:
        raise DatabaseKeyError(
            f"{path} is encrypted, and its key cannot be read from the system keyring "
            f"({exc}) {_recover_hint(path)}",
            path,
        ) from exc
    if key is None:
        raise DatabaseKeyError(
            f"{path} is not an Onboard Desk database this computer can open: it is "
            "encrypted and the system keyring holds no key for it, or it is not a "
            f"database at all. {_recover_hint(path)}",
            path,
        )
    return key


def make_engine(path: Path, *, key: bytes | None = None) -> Engine:
    """An engine for a database file with the project's pragmas on every connection (the
    file's key, when it is encrypted: :func:`file_key`)."""
    return sqlite_dialect.make_engine(path, key=key)


def _schema_of(path: Path, key: bytes | None) -> str | None:
    """The file's schema revision read with ``key``, or DatabaseError."""
    try:
        revision = sqlite_dialect.read_schema_revision(path, key=key)
    except UnreadableDatabaseError as exc:
        if key is not None:
            raise DatabaseKeyError(
                f"{path} cannot be opened with the key the system keyring keeps for it: "
                f"the key belongs to another database, or the file is damaged. "
                f"{_recover_hint(path)}",
                path,
            ) from exc
        raise DatabaseError(f"{path} is not an Onboard Desk database ({exc}).") from exc
    if revision is None and not sqlite_dialect.is_empty_database(path, key=key):
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


def check_schema(path: Path, *, key: bytes | None = None) -> str | None:
    """The file's schema revision, or raise DatabaseError if it cannot be used (its key
    is looked up in the keyring when it is encrypted and ``key`` is not given)."""
    if not path.exists():
        return None
    return _schema_of(path, key if key is not None else file_key(path))


def upgrade(engine: Engine) -> None:
    """Run Alembic migrations up to the head revision on an open engine."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(path: Path, *, new_key: bytes | None = None) -> Engine:
    """Open (creating and upgrading as needed) the database at ``path``.

    A new database is encrypted with ``new_key`` when one is given (the caller has put it
    in the keyring first); an existing one is opened with the key its file needs.
    """
    existing = path.exists() and path.stat().st_size > 0
    key = file_key(path) if existing else new_key
    revision = _schema_of(path, key) if existing else None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the folder for {path}: {exc.strerror}.") from exc
    engine = make_engine(path, key=key)
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
