"""Phone numbers are kept as the user wrote them unless their country is known: written
with it, or read in a region the user chose. The computer's locale is never asked."""

from __future__ import annotations

import locale

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onboard_desk.domain import contacts, matching
from onboard_desk.importing.phones import PhoneNormalizer

#: Numbers as people write them at home, and what they are once the country is known.
NATIONAL = [
    # (as written, region, international display, E.164)
    ("030 1234567", "DE", "+49 30 1234567", "+49301234567"),
    ("01 23 45 67 89", "FR", "+33 1 23 45 67 89", "+33123456789"),
    ("020 7946 0958", "GB", "+44 20 7946 0958", "+442079460958"),
    ("(518) 555-0199", "US", "+1 518-555-0199", "+15185550199"),
    ("03-1234-5678", "JP", "+81 3-1234-5678", "+81312345678"),
    ("06 1234 5678", "NL", "+31 6 12345678", "+31612345678"),
    ("011 2345 6789", "IN", "+91 11 2345 6789", "+911123456789"),
]


@pytest.mark.parametrize(("raw", "region", "display", "key"), NATIONAL)
def test_without_a_region_a_national_number_is_kept_exactly_as_written(
    raw: str, region: str, display: str, key: str
) -> None:
    shown, stored_key = contacts.normalize_phone(raw)
    assert shown == raw
    assert stored_key == "".join(c for c in raw if c.isdigit())
    assert not stored_key.startswith("+")  # never a guessed country


@pytest.mark.parametrize(("raw", "region", "display", "key"), NATIONAL)
def test_in_its_region_a_national_number_gets_its_country(
    raw: str, region: str, display: str, key: str
) -> None:
    assert contacts.normalize_phone(raw, region) == (display, key)
    assert contacts.normalize_phone(raw, region.lower()) == (display, key)


def test_the_system_locale_is_not_used_to_guess_a_country(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Today's bug: with the locale's US, "030 1234567" became "+1 0301234567"."""
    monkeypatch.setattr(locale, "getlocale", lambda *args: ("en_US", "UTF-8"))
    assert contacts.normalize_phone("030 1234567") == ("030 1234567", "0301234567")
    assert contacts.normalize_phone("01 23 45 67 89") == ("01 23 45 67 89", "0123456789")
    assert matching.phone_key("030 1234567") == "0301234567"


def test_a_number_with_its_country_code_needs_no_region() -> None:
    assert contacts.normalize_phone("+49 30 1234567") == ("+49 30 1234567", "+49301234567")
    assert contacts.normalize_phone("+33 1 23 45 67 89") == ("+33 1 23 45 67 89", "+33123456789")
    assert contacts.normalize_phone("+81 3-1234-5678", "DE")[1] == "+81312345678"


def test_one_number_written_two_ways_has_one_key_and_never_a_known_countrys() -> None:
    assert matching.phone_key("030 1234567") == matching.phone_key("030-123 4567")
    assert matching.phone_key("030 1234567") == matching.phone_key("(030) 12 34 567")
    assert matching.phone_key("030 1234567 ext. 12") == matching.phone_key("030 1234567")
    assert matching.phone_key("030 1234567") != matching.phone_key("+49 30 1234567")
    assert matching.phone_key("030 1234567") != matching.phone_key("030 1234567", "DE")


@pytest.mark.parametrize("raw", ["call me", "12", "030 1234567 8901 2345 678", "+49 xx"])
def test_text_that_is_no_phone_number_is_refused_in_one_sentence(raw: str) -> None:
    with pytest.raises(contacts.ContactError, match="phone number"):
        contacts.normalize_phone(raw)
    assert matching.phone_key(raw) == ""


def test_regions_are_checked() -> None:
    assert contacts.known_region(" de ") == "DE"
    with pytest.raises(contacts.ContactError, match="'XX' is not a phone region"):
        contacts.known_region("XX")
    assert contacts.region_calling_code("FR") == 33
    assert ("DE", 49) in contacts.phone_regions()


def test_the_import_and_new_prospect_read_a_number_alike() -> None:
    """The import's cached reader follows the same rule, with and without a region."""
    keep = PhoneNormalizer(None)
    german = PhoneNormalizer("de")
    for raw, region, display, key in NATIONAL:
        assert keep(raw) == contacts.normalize_phone(raw)
        assert PhoneNormalizer(region)(raw) == (display, key)
    assert german("+14155550100") == ("+14155550100", "+14155550100")
    assert keep("call me") == ("call me", "")


@given(st.text(alphabet="0123456789 ()-./+x#ext", max_size=30))
def test_any_text_is_read_or_refused_and_the_key_follows_the_kept_text(raw: str) -> None:
    for region in (None, "DE", "US"):
        try:
            display, key = contacts.normalize_phone(raw, region)
        except contacts.ContactError:
            assert matching.phone_key(raw, region) == ""
            continue
        assert matching.phone_key(raw, region) == key
        if region is None and not raw.strip().startswith("+"):
            assert display == raw.strip()
            assert key == contacts.local_phone_key(raw.strip())
