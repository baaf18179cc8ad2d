"""Turning one row of cells into the values a prospect is stored with, or a reason not to.

A row is rejected when it has neither a name nor an email address, when its email
address is not valid, when a date cannot be read, when a deal value is not an
amount, or when a referral code cannot be one. Everything else is normalised the way
the store does it (email domain lower case, phone numbers in international form with an
E.164 key, tags de-duplicated) so that imported prospects look and match like those
typed in by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from onboard_desk.domain import contacts, matching
from onboard_desk.domain.referral_codes import ReferralCodeError, normalize_code
from onboard_desk.importing.dates import DateReader
from onboard_desk.importing.emails import normalize_email
from onboard_desk.importing.fields import Field
from onboard_desk.importing.phones import PhoneNormalizer
from onboard_desk.importing.sources.base import header_key
from onboard_desk.pipeline import PipelineError, parse_channel

#: Limits of the prospect table's text columns.
TEXT_LIMITS: Mapping[Field, int] = {
    Field.NAME: 200,
    Field.COMPANY: 200,
    Field.TITLE: 200,
    Field.OWNER: 120,
    Field.NEXT_ACTION: 500,
}
#: Notes columns whose text is taken as it is; other columns going to notes are labelled.
_PLAIN_NOTE_HEADERS = frozenset({"notes", "note", "description", "comments", "comment"})
_TAG_SPLIT = re.compile(r"[,;|]")
_NAME_FROM_EMAIL = re.compile(r"[._+-]+")


@dataclass(slots=True)
class CleanRow:
    """One row's values as they will be stored (None: the file did not give one)."""

    name: str
    company: str
    #: The company's duplicate-check key (:func:`onboard_desk.domain.matching.company_key`).
    company_key: str
    title: str
    email: str
    email_key: str
    phone: str
    phone_key: str
    notes: str
    tags: str
    value_cents: int | None
    currency: str | None
    channel: str | None
    owner: str | None
    created_at: datetime | None
    next_action: str | None
    next_action_due: datetime | None
    #: A customer's referral code, normalised (see :mod:`onboard_desk.domain.referral_codes`).
    referral_code: str | None = None


class RowRejectedError(ValueError):
    """Why a row is not imported; ``str()`` is the reason shown to the user."""


def name_from_email(email: str) -> str:
    """A readable name from an address's local part: "zoe.muller@x" -> "Zoe Muller"."""
    local = email.split("@", 1)[0]
    words = [w for w in _NAME_FROM_EMAIL.split(local) if w]
    return " ".join(w.capitalize() for w in words) or local


class RowValidator:
    """Validates rows of one file under one mapping; built once, called per row."""

    def __init__(
        self,
        headers: Sequence[str],
        mapping: Mapping[str, Field],
        *,
        region: str | None = None,
        tags: str = "",
    ) -> None:
        index = {h: i for i, h in enumerate(headers)}

        def one(field: Field) -> int | None:
            for header, target in mapping.items():
                if target is field and header in index:
                    return index[header]
            return None

        def many(field: Field) -> list[tuple[str, int]]:
            return [(h, index[h]) for h, f in mapping.items() if f is field and h in index]

        self.headers = list(headers)
        self.i_name = one(Field.NAME)
        self.i_first = one(Field.FIRST_NAME)
        self.i_last = one(Field.LAST_NAME)
        self.i_company = one(Field.COMPANY)
        self.i_title = one(Field.TITLE)
        self.i_email = one(Field.EMAIL)
        self.i_phone = one(Field.PHONE)
        self.i_value = one(Field.VALUE)
        self.i_currency = one(Field.CURRENCY)
        self.i_channel = one(Field.CHANNEL)
        self.i_owner = one(Field.OWNER)
        self.i_created = one(Field.CREATED)
        self.i_next = one(Field.NEXT_ACTION)
        self.i_due = one(Field.NEXT_ACTION_DUE)
        self.i_referral = one(Field.REFERRAL_CODE)
        self.notes = [
            (i, "" if header_key(h) in _PLAIN_NOTE_HEADERS else f"{h}: ")
            for h, i in many(Field.NOTES)
        ]
        self.tag_columns = [i for _h, i in many(Field.TAGS)]
        self.extra_tags = contacts.normalize_tags(tags)
        self.phones = PhoneNormalizer(region)
        self.created_dates = DateReader()
        self.due_dates = DateReader()
        self._channels: dict[str, str | None] = {}

    def _text(self, cells: Sequence[str], index: int | None, field: Field) -> str:
        if index is None:
            return ""
        text = cells[index].strip()
        limit = TEXT_LIMITS.get(field)
        if limit is not None and len(text) > limit:
            raise RowRejectedError(
                f"{self.headers[index]} is longer than {limit} characters ({len(text):,})"
            )
        return text

    def _date(self, cells: Sequence[str], index: int | None, reader: DateReader) -> datetime | None:
        if index is None:
            return None
        text = cells[index].strip()
        if not text:
            return None
        try:
            return reader(text)
        except ValueError:
            raise RowRejectedError(
                f"{self.headers[index]}: cannot read {text!r} as a date"
            ) from None

    def _channel(self, raw: str) -> str | None:
        key = raw.strip()
        if key not in self._channels:
            try:
                self._channels[key] = parse_channel(key).value if key else None
            except PipelineError:
                self._channels[key] = None  # an unknown source: the import's channel applies
        return self._channels[key]

    def _referral_code(self, cells: Sequence[str]) -> str | None:
        assert self.i_referral is not None
        text = cells[self.i_referral].strip()
        if not text:
            return None
        try:
            return normalize_code(text)
        except ReferralCodeError as exc:
            raise RowRejectedError(f"{self.headers[self.i_referral]}: {exc}") from None

    def validate(self, cells: Sequence[str]) -> CleanRow:
        """The row's stored values; raises RowRejectedError with the reason."""
        name = self._text(cells, self.i_name, Field.NAME)
        if not name:
            first = cells[self.i_first].strip() if self.i_first is not None else ""
            last = cells[self.i_last].strip() if self.i_last is not None else ""
            name = f"{first} {last}".strip() if first and last else first or last
        raw_email = cells[self.i_email].strip() if self.i_email is not None else ""
        if not name and not raw_email:
            raise RowRejectedError("no name and no email address")
        email = ""
        if raw_email:
            try:
                email = normalize_email(raw_email)
            except contacts.ContactError as exc:
                raise RowRejectedError(str(exc)) from None
        if not name:
            name = name_from_email(email)
        if len(name) > 200:
            raise RowRejectedError(f"the name is longer than 200 characters ({len(name):,})")
        phone = phone_key = ""
        if self.i_phone is not None and cells[self.i_phone]:
            phone, phone_key = self.phones(cells[self.i_phone])
        value_cents = None
        if self.i_value is not None and cells[self.i_value].strip():
            try:
                value_cents = contacts.parse_money(cells[self.i_value])
            except contacts.ContactError:
                raise RowRejectedError(
                    f"{self.headers[self.i_value]}: {cells[self.i_value].strip()!r} "
                    "is not an amount of money"
                ) from None
        currency = None
        if self.i_currency is not None:
            code = cells[self.i_currency].strip().upper()
            currency = code if len(code) == 3 and code.isalpha() else None
        notes = ""
        if self.notes:
            parts = [f"{label}{cells[i].strip()}" for i, label in self.notes if cells[i].strip()]
            notes = "\n".join(parts)
        tags = self.extra_tags
        if self.tag_columns:
            found = [t for i in self.tag_columns for t in _TAG_SPLIT.split(cells[i])]
            if any(t.strip() for t in found):
                tags = contacts.normalize_tags([*found, *tags.split(",")])
        company = self._text(cells, self.i_company, Field.COMPANY)
        return CleanRow(
            name=name,
            company=company,
            company_key=matching.company_key(company),
            title=self._text(cells, self.i_title, Field.TITLE),
            email=email,
            email_key=matching.email_key(email),
            phone=phone,
            phone_key=phone_key,
            notes=notes,
            tags=tags,
            value_cents=value_cents,
            currency=currency,
            channel=self._channel(cells[self.i_channel]) if self.i_channel is not None else None,
            owner=self._text(cells, self.i_owner, Field.OWNER) or None,
            created_at=self._date(cells, self.i_created, self.created_dates),
            next_action=self._text(cells, self.i_next, Field.NEXT_ACTION) or None,
            next_action_due=self._date(cells, self.i_due, self.due_dates),
            referral_code=self._referral_code(cells) if self.i_referral is not None else None,
        )
