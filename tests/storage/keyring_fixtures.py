"""Keyrings for the encryption tests: the real one, a file one for subprocesses, none.

``database_keyring`` is the real keyring of :func:`tests.outreach.mail_fixtures.secret_keyring`
(the Secret Service under ``scripts/run-tests.sh``, else a file in the test's folder), with
new databases encrypted as a user's are, and every database key the test kept removed
afterwards. ``no_keyring`` is a machine without any. :class:`FileKeyring` is a keyring a
command run as a subprocess can load by name (``PYTHON_KEYRING_BACKEND``), kept in the file
named by ``ONBOARD_DESK_TEST_KEYRING``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyrings.alt.file import PlaintextKeyring

from onboard_desk.storage import keys


class FileKeyring(PlaintextKeyring):  # type: ignore[misc]  # keyrings.alt has no types
    """keyrings.alt's file backend in a file of the test's, ranked as usable so the app
    accepts it (the app refuses plain-file keyrings for real users)."""

    priority = 1

    @property
    def file_path(self) -> str:
        return os.environ["ONBOARD_DESK_TEST_KEYRING"]

    @file_path.setter
    def file_path(self, _value: str) -> None:  # keyrings.alt assigns a default
        pass


@pytest.fixture
def database_keyring(secret_keyring: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The real keyring, new databases encrypted, the test's database keys removed after."""
    monkeypatch.delenv("ONBOARD_DESK_ENCRYPT_NEW", raising=False)
    yield secret_keyring
    backend = keys.usable_backend()
    for path in tmp_path.rglob("*"):
        with contextlib.suppress(Exception):
            backend.delete_password(keys.SERVICE, keys.entry_name(path))


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine with no keyring backend at all (keyring's "fail" backend)."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    monkeypatch.delenv("ONBOARD_DESK_ENCRYPT_NEW", raising=False)
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def file_keyring_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a subprocess whose keyring is a :class:`FileKeyring` file."""
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = f"{__name__}.FileKeyring"
    env["ONBOARD_DESK_TEST_KEYRING"] = str(tmp_path / "subprocess-keyring.cfg")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    env.pop("ONBOARD_DESK_ENCRYPT_NEW", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env
