"""Validation and normalisation of contact fields (email, phone, name, tags, money).

Used by the store, the importer and the prospect card alike, so a phone number typed in
the window and one read from a CSV file end up in the same canonical form, and
duplicate checks compare like with like.
"""

from __future__ import annotations

import locale
from decimal import Decimal, InvalidOperation

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from onboard_desk.errors import UserError


class ContactError(UserError, ValueError):
    """A field value that cannot be accepted; the message is for the user."""


def default_region() -> str:
    """The two-letter region used to read phone numbers written without a country code."""
    try:
        language = locale.getlocale()[0] or ""
    except ValueError:
        language = ""
    if "_" in language:
        region = language.split("_", 1)[1][:2].upper()
        if region in phonenumbers.SUPPORTED_REGIONS:
            return region
    return "US"


def normalize_email(raw: str) -> str:
    """A syntactically valid address with its domain normalised, or "" for empty input.

    No DNS lookups: the app works offline and a salesperson may enter an address
    before the domain resolves.
    """
    text = raw.strip()
    if not text:
        return ""
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ContactError(f"{text!r} is not a valid email address: {exc}") from None
    return str(result.normalized)


def normalize_phone(raw: str, region: str | None = None) -> tuple[str, str]:
    """``(display, key)`` for a phone number: international format and E.164.

    Raises ContactError for text that is not a possible phone number.
    """
    text = raw.strip()
    if not text:
        return "", ""
    try:
        number = phonenumbers.parse(text, region or default_region())
    except phonenumbers.NumberParseException:
        raise ContactError(f"{text!r} is not a phone number.") from None
    if not phonenumbers.is_possible_number(number):
        raise ContactError(f"{text!r} is not a possible phone number.")
    display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return display, key


def normalize_tags(raw: str | list[str] | tuple[str, ...]) -> str:
    """Comma-separated tags, trimmed, de-duplicated case-insensitively, order kept."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: set[str] = set()
    tags: list[str] = []
    for item in items:
        tag = item.strip()
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return ",".join(tags)


def parse_money(raw: str | float | int | None) -> int | None:
    """Deal value in cents from what a user types ("1200", "1,200.50", "1 200"), or None."""
    if raw is None:
        return None
    if isinstance(raw, int):
        return raw * 100
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    for symbol in "$€£¥":
        text = text.replace(symbol, "")
    if "," in text and "." in text:
        text = text.replace(",", "")
    elif text.count(",") == 1 and len(text.split(",")[1]) in (1, 2):
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ContactError(f"{raw!r} is not an amount of money.") from None
    if amount < 0:
        raise ContactError("A deal value cannot be negative.")
    return int((amount * 100).quantize(Decimal(1)))


def format_money(cents: int | None, currency: str = "") -> str:
    """``12,000.00 USD`` style; "" for no value."""
    if cents is None:
        return ""
    whole, part = divmod(abs(cents), 100)
    text = f"{'-' if cents < 0 else ''}{whole:,}.{part:02d}"
    return f"{text} {currency}".strip()
