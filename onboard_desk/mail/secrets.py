"""The SMTP password, kept only in the OS keyring through ``keyring``.

With no usable keyring (``keyring.backends.fail``, a locked or missing Secret Service)
every function raises :class:`KeyringUnavailableError`, whose message says so and points
to the mail-program route, which needs no password.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onboard_desk.errors import UserError

#: The keyring service every SMTP password is filed under.
SERVICE = "onboard-desk-smtp"

NO_KEYRING_MESSAGE = (
    "No system keyring is available, so Onboard Desk cannot keep an SMTP password. "
    "Choose 'My mail program' as the way to send, or install and unlock a keyring "
    "(for example GNOME Keyring or KWallet)."
)


class KeyringUnavailableError(UserError):
    """No keyring backend to keep the password in."""


@dataclass(frozen=True)
class KeyringStatus:
    """Whether a keyring is usable, and a name to show for it."""

    available: bool
    backend: str
    message: str


INSECURE_MESSAGE = (
    "The only keyring available keeps passwords in a plain file ({name}), so Onboard Desk "
    "will not store the SMTP password there. Choose 'My mail program' as the way to send, "
    "or install and unlock a system keyring (for example GNOME Keyring or KWallet)."
)


def _backend() -> Any:
    """The keyring backend that would keep the password, or KeyringUnavailableError.

    keyring's chainer falls through to the next backend when one fails (a locked Secret
    Service would hand the password to a plain-file keyring), so the first backend of a
    chain is used directly; backends keyring itself ranks below 1 (plain files, "fail")
    are refused.
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
    """Which keyring would keep the password (for the settings page)."""
    try:
        backend = _backend()
    except KeyringUnavailableError as exc:
        return KeyringStatus(False, "", str(exc))
    name = getattr(backend, "name", type(backend).__name__)
    return KeyringStatus(True, str(name), f"The password is kept in: {name}.")


def _failed(action: str, exc: Exception) -> KeyringUnavailableError:
    # The exception text is the backend's; it never contains the secret itself.
    return KeyringUnavailableError(
        f"The system keyring could not {action} the SMTP password ({type(exc).__name__}: "
        f"{exc}). Unlock your keyring, or choose 'My mail program' as the way to send."
    )


def store_password(account: str, password: str) -> None:
    """Keep ``password`` for ``account`` (``user@host:port``) in the keyring."""
    from keyring.errors import KeyringError

    backend = _backend()
    try:
        backend.set_password(SERVICE, account, password)
    except KeyringError as exc:
        raise _failed("store", exc) from None


def read_password(account: str) -> str | None:
    """The stored password for ``account``, or None if none was stored."""
    from keyring.errors import KeyringError

    backend = _backend()
    try:
        value = backend.get_password(SERVICE, account)
    except KeyringError as exc:
        raise _failed("read", exc) from None
    return None if value is None else str(value)


def delete_password(account: str) -> None:
    """Forget the password for ``account`` (nothing happens if none was stored)."""
    from keyring.errors import KeyringError, PasswordDeleteError

    backend = _backend()
    try:
        backend.delete_password(SERVICE, account)
    except PasswordDeleteError:
        return
    except KeyringError as exc:
        raise _failed("delete", exc) from None
