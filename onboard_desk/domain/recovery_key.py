"""Recovery keys: a database key written out for people, to print or save and type back.

An encrypted database's key is 32 random bytes kept in the OS keyring. Its recovery key
is the same bytes, with a two-byte checksum, in base32 (letters and the digits 2-7) in
groups of five: 55 characters that survive being printed, read aloud and typed again.
The checksum tells a typo ("check the key for a typo") from a key that belongs to
another database. Reading is lenient: case, spaces and dashes do not matter, and the
digits 0, 1 and 8 are read as the letters O, I and B they are mistaken for.
Plain Python: no database, no keyring.
"""

from __future__ import annotations

import base64
import hashlib

from onboard_desk.errors import UserError

#: Bytes of a database key: SQLCipher's raw 256-bit key (random, so it needs no
#: derivation from a passphrase).
KEY_BYTES = 32
#: Bytes of checksum after the key.
CHECKSUM_BYTES = 2
#: Characters per group in the written form.
GROUP = 5

_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


class RecoveryKeyError(UserError, ValueError):
    """Text that is not a recovery key; the message says why."""


def _checksum(key: bytes) -> bytes:
    return hashlib.sha256(b"onboard-desk recovery key\x00" + key).digest()[:CHECKSUM_BYTES]


def format_recovery_key(key: bytes) -> str:
    """The recovery key of ``key``: ``ABCDE-FGHIJ-…`` (11 groups of five)."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"A database key has {KEY_BYTES} bytes, not {len(key)}.")
    text = base64.b32encode(key + _checksum(key)).decode("ascii").rstrip("=")
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def parse_recovery_key(text: str) -> bytes:
    """The database key a typed recovery key stands for, or RecoveryKeyError."""
    compact = "".join(text.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if not compact:
        raise RecoveryKeyError("The recovery key is empty.")
    expected = len(format_recovery_key(bytes(KEY_BYTES)).replace("-", ""))
    if len(compact) != expected:
        raise RecoveryKeyError(
            f"A recovery key has {expected} letters and digits (in groups of {GROUP}); "
            f"this one has {len(compact)}."
        )
    padding = "=" * (-len(compact) % 8)
    try:
        raw = base64.b32decode(compact + padding)
    except ValueError:
        raise RecoveryKeyError(
            "A recovery key holds only the letters A-Z and the digits 2-7; check it for a typo."
        ) from None
    key, checksum = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if len(key) != KEY_BYTES or checksum != _checksum(key):
        raise RecoveryKeyError("This recovery key has a typo; check it letter by letter.")
    return key


def find_recovery_key(text: str) -> str:
    """The recovery key in a saved file's text: the line that reads as one (the file the
    app writes also says what the key is for), else the whole text, to be parsed."""
    for line in text.splitlines():
        try:
            parse_recovery_key(line)
        except RecoveryKeyError:
            continue
        return line
    return text
