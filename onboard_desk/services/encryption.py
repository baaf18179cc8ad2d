"""Encryption at rest: the use cases on a database file and its key in the OS keyring.

- A new database is encrypted when a system keyring can keep its key
  (:func:`key_for_new_database`); with none, it is made unencrypted and the user is told.
- :func:`turn_on` / :func:`turn_off` rewrite an existing database with a new key or with
  none (copied, checked, then swapped: :func:`onboard_desk.storage.encryption.rewrite`)
  while nothing else has it open; the key reaches the keyring before the encrypted file
  replaces the plain one, and leaves it only after the plain file is in place.
- :func:`recovery_key` writes the key out for people (:mod:`onboard_desk.domain.recovery_key`);
  :func:`recover` takes it back when the keyring lost the key, or for a file the keyring
  never knew (a colleague's snapshot for a team report), and keeps it for that file.
- :func:`back_up` writes a snapshot of a database, encrypted with the same key when the
  database is, and keeps that key for the snapshot's own path too.

These work on a file, not on an open :class:`~onboard_desk.services.desk.Desk`: turning
encryption on or off needs the database closed everywhere.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from onboard_desk.domain.recovery_key import format_recovery_key, parse_recovery_key
from onboard_desk.errors import UserError
from onboard_desk.storage import keys
from onboard_desk.storage.db import DatabaseError, DatabaseKeyError, check_schema, file_key
from onboard_desk.storage.dialects import UnreadableDatabaseError
from onboard_desk.storage.dialects import sqlite as sqlite_dialect
from onboard_desk.storage.dialects.sqlite_cipher import file_is_encrypted, rewrite
from onboard_desk.storage.keys import KeyringStatus, KeyringUnavailableError

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

__all__ = [
    "ENCRYPT_NEW_ENV_VAR",
    "DatabaseKeyError",
    "EncryptionStatus",
    "KeyringStatus",
    "KeyringUnavailableError",
    "back_up",
    "key_for_new_database",
    "keyring_status",
    "recover",
    "recovery_key",
    "status",
    "turn_off",
    "turn_off_while_open",
    "turn_on",
    "turn_on_while_open",
]

#: Environment variable: "0" makes new databases unencrypted even with a keyring (for
#: scripts and shared machines), "1" refuses to make one unencrypted.
ENCRYPT_NEW_ENV_VAR = "ONBOARD_DESK_ENCRYPT_NEW"

#: What encryption protects, in one place for the settings page and ``encryption status``.
PROTECTS = (
    "Encryption protects the database file, its write-ahead log and its backups on disk: "
    "without the key (in your system keyring) or the recovery key they are unreadable. "
    "It does not protect data while you are logged in (anyone using your session can "
    "open Onboard Desk), exports and reports you write, e-mails you sent, or plain copies "
    "and backups made before encryption was turned on."
)


@dataclass(frozen=True)
class EncryptionStatus:
    """Whether a database file is encrypted, and whether this keyring holds its key."""

    path: Path
    exists: bool
    encrypted: bool
    #: The keyring holds a key for the file (None: the keyring could not be asked).
    key_in_keyring: bool | None
    keyring: KeyringStatus

    @property
    def summary(self) -> str:
        """One sentence for the user."""
        if not self.exists:
            return f"There is no database at {self.path} yet."
        if not self.encrypted:
            return f"{self.path} is not encrypted."
        if self.key_in_keyring:
            return f"{self.path} is encrypted; its key is in {self.keyring.backend}."
        return (
            f"{self.path} is encrypted, and this keyring holds no key for it: enter its "
            "recovery key to open it (onboard-desk encryption recover)."
        )


def keyring_status() -> KeyringStatus:
    """Which keyring keeps database keys, or why there is none."""
    return keys.keyring_status()


def status(path: Path) -> EncryptionStatus:
    """Whether ``path`` is encrypted and whether its key is at hand (reads no data)."""
    keyring = keys.keyring_status()
    exists = path.is_file() and path.stat().st_size > 0
    encrypted = exists and file_is_encrypted(path)
    in_keyring: bool | None = None
    if encrypted and keyring.available:
        try:
            in_keyring = keys.read_key(path) is not None
        except KeyringUnavailableError:
            in_keyring = None
    return EncryptionStatus(path, exists, encrypted, in_keyring, keyring)


def key_for_new_database(path: Path) -> bytes | None:
    """The key to create the database at ``path`` with, already in the keyring: a new key
    when the file does not exist yet and a keyring can keep it, else None (an existing
    file keeps what it is; with no keyring a new one is made unencrypted).

    With :data:`ENCRYPT_NEW_ENV_VAR` set to "0" new databases are never encrypted; set
    to "1", a missing keyring is an error instead of an unencrypted database.
    """
    if path.exists() and path.stat().st_size > 0:
        return None
    wanted = os.environ.get(ENCRYPT_NEW_ENV_VAR, "").strip()
    if wanted == "0":
        return None
    key = keys.new_key()
    try:
        keys.store_key(path, key)
    except KeyringUnavailableError:
        if wanted == "1":
            raise
        return None
    return key


def turn_on(path: Path) -> str:
    """Encrypt the database at ``path`` with a new key kept in the keyring; returns its
    recovery key, to show the user once so they can print or save it."""
    _require_database(path)
    if file_is_encrypted(path):
        raise UserError(f"{path} is already encrypted.")
    check_schema(path)
    key = keys.new_key()
    keys.store_key(path, key)  # before the swap: an encrypted file always has its key
    try:
        rewrite(path, old_key=None, new_key=key)
    except BaseException:
        if file_is_encrypted(path):  # the swap happened after all: keep the key
            raise
        # A key for a plain file does no harm; it is replaced next time.
        with contextlib.suppress(KeyringUnavailableError):
            keys.delete_key(path)
        raise
    return format_recovery_key(key)


def turn_off(path: Path) -> None:
    """Decrypt the database at ``path`` (its key from the keyring), then forget the key."""
    _require_database(path)
    if not file_is_encrypted(path):
        raise UserError(f"{path} is not encrypted.")
    key = file_key(path)
    check_schema(path, key=key)
    rewrite(path, old_key=key, new_key=None)
    # The file is plain now; a stale key in the keyring opens nothing.
    with contextlib.suppress(KeyringUnavailableError):
        keys.delete_key(path)


def turn_on_while_open(desk: Desk) -> str:
    """:func:`turn_on` for the database this process has open (the window's): its writes
    wait, its connections close for the rewrite and reopen with the new key after."""
    with desk.write_lock:
        desk.release()
        try:
            return turn_on(desk.path)
        finally:
            desk.reopen()


def turn_off_while_open(desk: Desk) -> None:
    """:func:`turn_off` for the database this process has open (see
    :func:`turn_on_while_open`)."""
    with desk.write_lock:
        desk.release()
        try:
            turn_off(desk.path)
        finally:
            desk.reopen()


def recovery_key(path: Path) -> str:
    """The recovery key of the encrypted database at ``path`` (its key must be in the
    keyring)."""
    _require_database(path)
    if not file_is_encrypted(path):
        raise UserError(f"{path} is not encrypted, so it has no recovery key.")
    key = file_key(path)
    assert key is not None
    check_schema(path, key=key)  # the kept key really opens this file
    return format_recovery_key(key)


def recover(path: Path, text: str) -> None:
    """Open the encrypted file at ``path`` with the recovery key ``text`` and keep its key
    in the keyring for that file from now on; UserError if it is not the file's key."""
    _require_database(path)
    if not file_is_encrypted(path):
        raise UserError(f"{path} is not encrypted; it opens without a recovery key.")
    key = parse_recovery_key(text)
    try:
        sqlite_dialect.read_schema_revision(path, key=key)
    except UnreadableDatabaseError:
        raise UserError(
            f"This recovery key does not open {path}: it belongs to another database, or "
            "the file is damaged. Nothing was changed."
        ) from None
    check_schema(path, key=key)
    keys.store_key(path, key)


def back_up(source: Path, target: Path) -> None:
    """A consistent snapshot of the database at ``source`` written to ``target``
    atomically; encrypted with the same key when the database is, and that key then kept
    for ``target`` too, so the backup opens (for a restore or a report) like the original."""
    key = file_key(source)
    check_schema(source, key=key)
    if key is not None:
        keys.store_key(target, key)
    sqlite_dialect.snapshot_database(source, target, key=key)


def _require_database(path: Path) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise DatabaseError(f"There is no database at {path}.")
