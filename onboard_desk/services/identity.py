"""Who uses a database, and how they work: the first-run questions and their settings.

The identity is the salesperson's name (owner of the prospects they add, author of their
moves), the e-mail address their messages come from, their signature, the home currency,
the phone region (numbers without a country code are read in it; without one they are
kept as written) and the working hours proposed next actions fall in. The window asks for
it once on a new database (skippable), Settings edits it, and the command line's
``settings show`` / ``settings set KEY VALUE`` read and change the same values.

Each value has one home: the name, the currency, the region and the hours are settings of
their own (the hours inside the pipeline rules), the e-mail address is the mail
settings' From address and the signature is the one kept for the user's name. Nothing is
taken from the computer silently: without a chosen name the user has none, and the
window and the command line say so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.domain.workhours import (
    MAX_SPACING,
    MIN_SPACING,
    WorkingHours,
    WorkingHoursError,
    format_days,
    parse_days,
    parse_hours,
)
from onboard_desk.errors import UserError

if TYPE_CHECKING:
    from sqlmodel import Session

# The database side (mail, settings store, phone keys) is imported where it is used: the
# command line lists these keys in its --help, which must not load the database layers.

_CURRENCY = re.compile(r"[A-Z]{3}")
#: The longest name the owner column holds.
NAME_LIMIT = 120


class IdentityError(UserError, ValueError):
    """A value of the identity that cannot be stored; the message says what to correct."""


@dataclass(frozen=True)
class Identity:
    """Who uses the database and how they work (see the module docstring)."""

    name: str = ""
    email: str = ""
    signature: str = ""
    currency: str = "USD"
    #: None: numbers without a country code are kept as written.
    region: str | None = None
    hours: WorkingHours = field(default_factory=WorkingHours)

    @property
    def named(self) -> bool:
        """Whether a name was chosen (without one, prospects added get no owner)."""
        return bool(self.name)

    def checked(self) -> Identity:
        """The identity as it would be stored (trimmed, normalised), or IdentityError."""
        from onboard_desk.domain import contacts

        name = self.name.strip()
        if len(name) > NAME_LIMIT:
            raise IdentityError(f"A name can be at most {NAME_LIMIT} characters.")
        try:
            email = contacts.normalize_email(self.email)
            region = contacts.known_region(self.region) if self.region else None
        except contacts.ContactError as exc:
            raise IdentityError(str(exc)) from None
        currency = self.currency.strip().upper()
        if not _CURRENCY.fullmatch(currency):
            raise IdentityError(
                f"{self.currency.strip()!r} is not a currency code; use three letters such as "
                "EUR, GBP or USD."
            )
        return Identity(name, email, self.signature.strip(), currency, region, self.hours)


# --- session-level use cases ----------------------------------------------------------------


def load_identity(session: Session) -> Identity:
    from onboard_desk import mail
    from onboard_desk.storage import settings_store

    name = settings_store.user_name(session)
    return Identity(
        name=name,
        email=mail.load_mail_settings(session).from_address,
        signature=mail.load_signature(session, name),
        currency=settings_store.default_currency(session),
        region=settings_store.phone_region(session),
        hours=settings_store.load_config(session).working_hours,
    )


def save_identity(session: Session, identity: Identity) -> int:
    """Store every part of ``identity`` (IdentityError, nothing stored, if one is invalid)
    and mark the first-run questions as answered. Returns how many stored phone numbers
    got a new duplicate key because the region changed."""
    from onboard_desk import mail
    from onboard_desk.storage import settings_store
    from onboard_desk.storage.phone_keys import rekey_local_numbers

    new = identity.checked()
    old = load_identity(session)
    settings_store.set_setting(session, settings_store.USER_NAME, new.name)
    if new.email != old.email:
        settings = mail.load_mail_settings(session)
        mail.save_mail_settings(session, replace(settings, from_address=new.email))
    if new.signature != mail.load_signature(session, new.name):
        mail.save_signature(session, new.name, new.signature)
    settings_store.set_setting(session, settings_store.DEFAULT_CURRENCY, new.currency)
    settings_store.set_setting(session, settings_store.PHONE_REGION, new.region or "")
    if new.hours != old.hours:
        config = settings_store.load_config(session)
        settings_store.save_config(session, replace(config, working_hours=new.hours))
    mark_first_run_done(session)
    if new.region != old.region:
        return rekey_local_numbers(session, region=new.region)
    return 0


def mark_first_run_done(session: Session) -> None:
    """Remember that the first-run questions were answered or skipped on this database."""
    from onboard_desk.storage import settings_store

    settings_store.set_setting(session, settings_store.FIRST_RUN_DONE, utcnow().isoformat())


def first_run_needed(session: Session) -> bool:
    """Whether to ask the first-run questions: never answered nor skipped here, and no name
    chosen (a database that already has its salesperson is not asked again)."""
    from onboard_desk.storage import settings_store

    if settings_store.get_setting(session, settings_store.FIRST_RUN_DONE):
        return False
    return not settings_store.user_name(session)


# --- the command line's keys ---------------------------------------------------------------


@dataclass(frozen=True)
class SettingKey:
    """One value ``settings set KEY VALUE`` changes: what it is and how it is read."""

    key: str
    help: str
    #: The identity with the value changed (IdentityError, WorkingHoursError if unreadable).
    apply: Callable[[Identity, str], Identity]
    #: The value as ``settings show`` prints it.
    show: Callable[[Identity], str]


def _region(text: str) -> str | None:
    return None if text.strip().lower() in ("", "none", "-") else text


def _hours(identity: Identity, text: str) -> Identity:
    start, end = parse_hours(text)
    hours = identity.hours
    return replace(identity, hours=WorkingHours(start, end, hours.days, hours.spacing_minutes))


def _days(identity: Identity, text: str) -> Identity:
    hours = identity.hours
    days = parse_days(text)
    return replace(
        identity, hours=WorkingHours(hours.start, hours.end, days, hours.spacing_minutes)
    )


def _spacing(identity: Identity, text: str) -> Identity:
    try:
        minutes = int(text.strip().removesuffix("min").strip())
    except ValueError:
        raise WorkingHoursError(
            f"Cannot read {text.strip()!r} as minutes; write a number from {MIN_SPACING} to "
            f"{MAX_SPACING}."
        ) from None
    hours = identity.hours
    return replace(identity, hours=WorkingHours(hours.start, hours.end, hours.days, minutes))


def _show_region(identity: Identity) -> str:
    from onboard_desk.domain import contacts

    if identity.region is None:
        return "(none: numbers without a country code are kept as written)"
    code = contacts.region_calling_code(identity.region)
    return f"{identity.region} (country code {code})"


SETTING_KEYS: tuple[SettingKey, ...] = (
    SettingKey(
        "name",
        "your name: owner of the prospects you add, author of your moves",
        lambda identity, text: replace(identity, name=text),
        lambda identity: identity.name or "(not chosen: prospects you add get no owner)",
    ),
    SettingKey(
        "email",
        "the address your messages come from",
        lambda identity, text: replace(identity, email=text),
        lambda identity: identity.email or "(none)",
    ),
    SettingKey(
        "signature",
        "the end of your emails ({{ signature }}); \\n starts a new line",
        lambda identity, text: replace(identity, signature=text.replace("\\n", "\n")),
        lambda identity: identity.signature.replace("\n", "\\n") or "(none)",
    ),
    SettingKey(
        "currency",
        "the home currency (three letters, e.g. EUR)",
        lambda identity, text: replace(identity, currency=text),
        lambda identity: identity.currency,
    ),
    SettingKey(
        "phone-region",
        "two-letter region of numbers written without +country (none: keep them as written)",
        lambda identity, text: replace(identity, region=_region(text)),
        _show_region,
    ),
    SettingKey(
        "working-hours",
        "when proposed next actions may fall, e.g. 09:00-17:00",
        _hours,
        lambda identity: f"{identity.hours.start:%H:%M}-{identity.hours.end:%H:%M}",
    ),
    SettingKey(
        "working-days",
        "working days, e.g. mon-fri or mon,tue,thu",
        _days,
        lambda identity: format_days(identity.hours.days),
    ),
    SettingKey(
        "proposal-spacing",
        f"minutes between proposed actions on one day ({MIN_SPACING}-{MAX_SPACING})",
        _spacing,
        lambda identity: str(identity.hours.spacing_minutes),
    ),
)


def setting_key(key: str) -> SettingKey:
    """The key ``settings set`` names (IdentityError listing the keys for an unknown one)."""
    wanted = key.strip().lower().replace("_", "-")
    for item in SETTING_KEYS:
        if item.key == wanted:
            return item
    known = ", ".join(item.key for item in SETTING_KEYS)
    raise IdentityError(f"There is no setting {key!r}; the settings are: {known}.")
