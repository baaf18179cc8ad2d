"""The SMTP password, kept only in the OS keyring through ``keyring``.

With no usable keyring (``keyring.backends.fail``, a locked or missing Secret Service)
every function raises :class:`KeyringUnavailableError`, whose message says so and points
to the mail-program route, which needs no password.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def _backend() -> object:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailableError(NO_KEYRING_MESSAGE)
    return backend


def keyring_status() -> KeyringStatus:
    """Which keyring would keep the password (for the settings page)."""
    try:
        backend = _backend()
    except KeyringUnavailableError as exc:
        return KeyringStatus(False, "", str(exc))
    chained = getattr(backend, "backends", None)  # keyring's ChainerBackend
    first = chained[0] if chained else backend
    name = getattr(first, "name", type(first).__name__)
    return KeyringStatus(True, str(name), f"The password is kept in: {name}.")


def _failed(action: str, exc: Exception) -> KeyringUnavailableError:
    # The exception text is the backend's; it never contains the secret itself.
    return KeyringUnavailableError(
        f"The system keyring could not {action} the SMTP password ({type(exc).__name__}: "
        f"{exc}). Unlock your keyring, or choose 'My mail program' as the way to send."
    )


def store_password(account: str, password: str) -> None:
    """Keep ``password`` for ``account`` (``user@host:port``) in the keyring."""
    import keyring
    from keyring.errors import KeyringError

    _backend()
    try:
        keyring.set_password(SERVICE, account, password)
    except KeyringError as exc:
        raise _failed("store", exc) from None


def read_password(account: str) -> str | None:
    """The stored password for ``account``, or None if none was stored."""
    import keyring
    from keyring.errors import KeyringError

    _backend()
    try:
        return keyring.get_password(SERVICE, account)
    except KeyringError as exc:
        raise _failed("read", exc) from None


def delete_password(account: str) -> None:
    """Forget the password for ``account`` (nothing happens if none was stored)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    _backend()
    try:
        keyring.delete_password(SERVICE, account)
    except PasswordDeleteError:
        return
    except KeyringError as exc:
        raise _failed("delete", exc) from None
