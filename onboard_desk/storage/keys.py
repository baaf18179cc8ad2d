"""Database keys, kept only in the OS keyring (``keyring``), one per database file.

A key is filed under the absolute path of its file (service :data:`SERVICE`), so the
database, each of its backups and each snapshot a team lead was given has an entry of its
own. Nothing else ever holds a key: not the database, not the settings, not a log.

With no usable keyring (``keyring.backends.fail``, a locked or missing Secret Service, or
only a plain-file keyring, which keeps secrets readable) :func:`usable_backend` raises
:class:`KeyringUnavailableError` and new databases are made without encryption; an
encrypted file then cannot be opened until its recovery key is given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onboard_desk.domain.recovery_key import KEY_BYTES
from onboard_desk.errors import UserError

#: The keyring service every database key is filed under.
SERVICE = "onboard-desk-database"

NO_KEYRING_MESSAGE = (
    "No system keyring is available, so Onboard Desk cannot keep a database key: "
    "the database is not encrypted. Install and unlock a keyring (for example GNOME "
    "Keyring or KWallet) to encrypt it."
)
INSECURE_MESSAGE = (
    "The only keyring available keeps secrets in a plain file ({name}), so Onboard Desk "
    "will not keep a database key there: the database is not encrypted. Install and "
    "unlock a system keyring (for example GNOME Keyring or KWallet) to encrypt it."
)


class KeyringUnavailableError(UserError):
    """No keyring to keep a database key in (or it refused); the message says so."""


@dataclass(frozen=True)
class KeyringStatus:
    """Whether a keyring is usable, its name, and a sentence for the user."""

    available: bool
    backend: str
    message: str


def usable_backend() -> Any:
    """The keyring backend that keeps database keys, or KeyringUnavailableError.

    keyring's chainer falls through to the next backend when one fails (a locked Secret
    Service would hand the key to a plain-file keyring), so the first backend of a chain
    is used directly; backends keyring itself ranks below 1 (plain files, "fail") are
    refused.
    """
    import keyring
    from keyring.backends import chainer, fail

    backend: Any = keyring.get_keyring()
    if isinstance(backend, chainer.ChainerBackend):
        backends = list(backend.backends)
        if not backends:
            raise KeyringUnavailableError(NO_KEYRING_MESSAGE)
        backend = backends[0]
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailableError(NO_KEYRING_MESSAGE)
    try:
        priority = float(backend.priority)
    except Exception:  # a backend that cannot even tell its priority is unusable
        raise KeyringUnavailableError(NO_KEYRING_MESSAGE) from None
    if priority < 1:
        name = getattr(backend, "name", type(backend).__name__)
        raise KeyringUnavailableError(INSECURE_MESSAGE.format(name=name))
    return backend


def keyring_status() -> KeyringStatus:
    """Which keyring keeps the keys (for the settings page and ``encryption status``)."""
    try:
        backend = usable_backend()
    except KeyringUnavailableError as exc:
        return KeyringStatus(False, "", str(exc))
    name = str(getattr(backend, "name", type(backend).__name__))
    return KeyringStatus(True, name, f"Database keys are kept in: {name}.")


def entry_name(path: Path) -> str:
    """The keyring entry of the file at ``path``: its absolute path."""
    return str(path.expanduser().resolve())


def new_key() -> bytes:
    """A fresh random database key."""
    return os.urandom(KEY_BYTES)


def _failed(action: str, path: Path, exc: Exception) -> KeyringUnavailableError:
    # The exception text is the backend's; it never contains the key itself.
    return KeyringUnavailableError(
        f"The system keyring could not {action} the key of {path} "
        f"({type(exc).__name__}: {exc}). Unlock your keyring and try again."
    )


def read_key(path: Path) -> bytes | None:
    """The key kept for the file at ``path``, or None if the keyring holds none."""
    from keyring.errors import KeyringError

    backend = usable_backend()
    try:
        value = backend.get_password(SERVICE, entry_name(path))
    except KeyringError as exc:
        raise _failed("read", path, exc) from None
    if value is None:
        return None
    try:
        key = bytes.fromhex(str(value))
    except ValueError:
        return None  # not a key of ours: as good as none
    return key if len(key) == KEY_BYTES else None


def store_key(path: Path, key: bytes) -> None:
    """Keep ``key`` for the file at ``path``, and read it back: a keyring that accepts a
    key and then cannot return it would lock the user out of their data."""
    from keyring.errors import KeyringError

    backend = usable_backend()
    try:
        backend.set_password(SERVICE, entry_name(path), key.hex())
    except KeyringError as exc:
        raise _failed("store", path, exc) from None
    if read_key(path) != key:
        raise KeyringUnavailableError(
            f"The system keyring did not keep the key of {path}; nothing was changed."
        )


def delete_key(path: Path) -> None:
    """Forget the key of the file at ``path`` (nothing happens if none was kept)."""
    from keyring.errors import KeyringError, PasswordDeleteError

    backend = usable_backend()
    try:
        backend.delete_password(SERVICE, entry_name(path))
    except PasswordDeleteError:
        return
    except KeyringError as exc:
        raise _failed("delete", path, exc) from None
