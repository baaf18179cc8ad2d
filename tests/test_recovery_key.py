"""Recovery keys: written for people, read back leniently, typos caught."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onboard_desk.domain.recovery_key import (
    KEY_BYTES,
    RecoveryKeyError,
    find_recovery_key,
    format_recovery_key,
    parse_recovery_key,
)


def test_a_recovery_key_reads_back_as_its_key() -> None:
    key = os.urandom(KEY_BYTES)
    text = format_recovery_key(key)
    groups = text.split("-")
    assert len(groups) == 11 and all(len(g) == 5 for g in groups)
    assert parse_recovery_key(text) == key
    # Case, spaces, dashes and the digits people mistake for letters do not matter.
    sloppy = " ".join(groups).lower().replace("o", "0").replace("i", "1").replace("b", "8")
    assert parse_recovery_key(sloppy) == key


def test_typos_and_other_text_are_clear_messages() -> None:
    text = format_recovery_key(bytes(range(KEY_BYTES)))
    swapped = text[:6] + text[7] + text[6] + text[8:]
    if swapped != text:
        with pytest.raises(RecoveryKeyError, match="typo"):
            parse_recovery_key(swapped)
    with pytest.raises(RecoveryKeyError, match="empty"):
        parse_recovery_key("  - ")
    with pytest.raises(RecoveryKeyError, match="55 letters"):
        parse_recovery_key(text[:-1])
    with pytest.raises(RecoveryKeyError, match="A-Z"):
        parse_recovery_key("!" + text.replace("-", "")[1:])


def test_a_saved_file_gives_up_its_key() -> None:
    key = os.urandom(KEY_BYTES)
    saved = f"Onboard Desk recovery key for /x.sqlite3\n\n    {format_recovery_key(key)}\n"
    assert parse_recovery_key(find_recovery_key(saved)) == key


@given(st.text(max_size=80))
def test_any_text_is_a_key_or_a_message(text: str) -> None:
    try:
        key = parse_recovery_key(text)
    except RecoveryKeyError as exc:
        assert str(exc).endswith(".")
    else:
        assert len(key) == KEY_BYTES and format_recovery_key(key)


@given(st.binary(min_size=KEY_BYTES, max_size=KEY_BYTES))
def test_every_key_round_trips(key: bytes) -> None:
    assert parse_recovery_key(format_recovery_key(key)) == key
