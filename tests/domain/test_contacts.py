"""Contact-field normalisation: phone numbers, email addresses and money as typed."""

from __future__ import annotations

import pytest

from onboard_desk.domain import contacts, matching


@pytest.mark.parametrize(
    ("raw", "display", "key"),
    [
        ("+1 (212) 555-0100", "+1 212-555-0100", "+12125550100"),
        ("+44 20 7946 0958", "+44 20 7946 0958", "+442079460958"),
        ("0030 123 456 789", "", ""),
    ],
)
def test_phone_numbers_are_normalised(raw: str, display: str, key: str) -> None:
    if not key:
        assert matching.phone_key(raw, "US") == ""
        return
    assert contacts.normalize_phone(raw, "US") == (display, key)


def test_national_numbers_use_the_region() -> None:
    assert contacts.normalize_phone("030 1234567", "DE")[1] == "+49301234567"


def test_email_validation_and_keys() -> None:
    assert contacts.normalize_email("  ") == ""
    assert contacts.normalize_email("Zoë@Exämple.com") == "Zoë@exämple.com"
    assert matching.email_key("Ana@Example.COM") == "ana@example.com"
    with pytest.raises(contacts.ContactError, match="not a valid email"):
        contacts.normalize_email("ana@@example.com")


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("1200", 120000),
        ("1,200.50", 120050),
        ("1 200", 120000),
        ("€99,90", 9990),
        ("", None),
        (15, 1500),
    ],
)
def test_money(raw: str | int, cents: int | None) -> None:
    assert contacts.parse_money(raw) == cents


def test_money_errors_and_format() -> None:
    with pytest.raises(contacts.ContactError):
        contacts.parse_money("a lot")
    with pytest.raises(contacts.ContactError, match="negative"):
        contacts.parse_money("-5")
    assert contacts.format_money(123456789, "EUR") == "1,234,567.89 EUR"
    assert contacts.format_money(None) == ""
