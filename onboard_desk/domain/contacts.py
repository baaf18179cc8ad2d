"""Validation and normalisation of contact fields (email, phone, name, tags, money).

Used by the store, the importer and the prospect card alike, so a phone number typed in
the window and one read from a CSV file end up in the same canonical form, and
duplicate checks compare like with like.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from onboard_desk.errors import UserError


class ContactError(UserError, ValueError):
    """A field value that cannot be accepted; the message is for the user."""


#: What a number written without a country code may hold: digits and the usual separators,
#: and an extension at the end ("030 1234567", "(518) 555-0199 ext. 12", "06.12.34.56.78").
_LOCAL_NUMBER = re.compile(r"[0-9()\-./\s]+?(?:\s*(?:ext\.?|x|#)\s*[0-9]{1,6})?", re.IGNORECASE)
_EXTENSION = re.compile(r"\s*(?:ext\.?|x|#)\s*[0-9]{1,6}$", re.IGNORECASE)
#: Digits a number without a country code may have (short service numbers to a trunk
#: prefix plus the longest national number).
LOCAL_DIGITS = (4, 17)


def local_phone_key(text: str) -> str:
    """The duplicate key of a number kept as written: its digits, the extension left out
    ("030 123 4567" and "030-1234567" are one number). It never starts with "+", so it
    never equals the E.164 key of a number whose country is known."""
    return "".join(c for c in _EXTENSION.sub("", text) if c.isdigit())


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
    """``(display, key)`` for a phone number.

    A number with its country code (``+49 30 1234567``), or one read in ``region`` (the
    two-letter region of the settings or of an import), is shown in international format
    and keyed in E.164. Without a region, a number without a country code is kept exactly
    as written, keyed by its digits (:func:`local_phone_key`): no country is guessed.
    Raises ContactError for text that is not a possible phone number.
    """
    text = raw.strip()
    if not text:
        return "", ""
    if region is None and not text.startswith("+"):
        digits = len(local_phone_key(text))
        if not _LOCAL_NUMBER.fullmatch(text) or not LOCAL_DIGITS[0] <= digits <= LOCAL_DIGITS[1]:
            raise ContactError(f"{text!r} is not a phone number.")
        if len(text) > 64:
            raise ContactError("A phone number can be at most 64 characters.")
        return text, local_phone_key(text)
    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        raise ContactError(f"{text!r} is not a phone number.") from None
    if not phonenumbers.is_possible_number(number):
        raise ContactError(f"{text!r} is not a possible phone number.")
    display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return display, key


def known_region(code: str) -> str:
    """``code`` as a region phone numbers can be read in ("de" is "DE"), or ContactError."""
    region = code.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ContactError(
            f"{code.strip()!r} is not a phone region; use a two-letter country code such as "
            "DE, FR, GB or US."
        )
    return region


def phone_regions() -> list[tuple[str, int]]:
    """Every region numbers can be read in, with its country calling code, by code."""
    return sorted(
        (region, int(phonenumbers.country_code_for_region(region)))
        for region in phonenumbers.SUPPORTED_REGIONS
    )


def region_calling_code(region: str) -> int:
    """The country calling code of a region (49 for DE), 0 for none."""
    return int(phonenumbers.country_code_for_region(region.upper()))


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
