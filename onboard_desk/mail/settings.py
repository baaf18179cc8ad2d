"""How mail leaves the app: the route (mail program or SMTP) and the SMTP server settings.

They are stored with the data (``setting`` table) so the window and the command line send
the same way. The password is never part of them: it lives in the OS keyring only
(:mod:`onboard_desk.mail.secrets`). Each salesperson's signature is kept here too, under
the key the ``{{ signature }}`` merge field reads.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlmodel import Session

from onboard_desk.errors import UserError
from onboard_desk.storage.settings_store import get_setting, set_setting
from onboard_desk.templates.fields import SIGNATURES_SETTING

MAIL_SETTINGS = "mail"


class MailRoute(enum.StrEnum):
    """Hand the message to the user's mail program, or send it over SMTP ourselves."""

    MAIL_PROGRAM = "mail_program"
    SMTP = "smtp"

    @property
    def label(self) -> str:
        return {
            MailRoute.MAIL_PROGRAM: "My mail program (opens a new message)",
            MailRoute.SMTP: "Send directly (SMTP)",
        }[self]


class Security(enum.StrEnum):
    """How the SMTP connection is protected."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            Security.STARTTLS: "STARTTLS (usually port 587)",
            Security.TLS: "SSL/TLS (usually port 465)",
            Security.NONE: "None (local test servers only)",
        }[self]

    @property
    def default_port(self) -> int:
        return {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}[self]


@dataclass(frozen=True)
class MailSettings:
    """Everything about sending except the password."""

    route: MailRoute = MailRoute.MAIL_PROGRAM
    host: str = ""
    port: int = 587
    security: Security = Security.STARTTLS
    user: str = ""
    from_address: str = ""
    from_name: str = ""
    timeout_seconds: float = 20.0
    #: Pause between two messages of a bulk send, so servers do not flag it as spam.
    bulk_pause_seconds: float = 5.0

    def with_changes(self, **changes: Any) -> MailSettings:
        return replace(self, **changes)

    @property
    def keyring_user(self) -> str:
        """The account name the password is filed under in the keyring."""
        return f"{self.user}@{self.host}:{self.port}"

    @property
    def needs_password(self) -> bool:
        return bool(self.user)

    def problems(self) -> list[str]:
        """What keeps these settings from sending over SMTP (empty: ready)."""
        problems = []
        if not self.host.strip():
            problems.append("Enter the SMTP server name (for example smtp.example.com).")
        if not 0 < self.port < 65536:
            problems.append("The port must be between 1 and 65535.")
        if "@" not in self.from_address:
            problems.append("Enter the address your messages come from.")
        return problems


def load_mail_settings(session: Session) -> MailSettings:
    """The stored settings, defaults for anything missing or unreadable."""
    stored = get_setting(session, MAIL_SETTINGS, {}) or {}
    defaults = MailSettings()
    if not isinstance(stored, dict):
        return defaults
    try:
        route = MailRoute(stored.get("route", defaults.route))
    except ValueError:
        route = defaults.route
    try:
        security = Security(stored.get("security", defaults.security))
    except ValueError:
        security = defaults.security

    def number(key: str, fallback: float) -> float:
        value = stored.get(key, fallback)
        return float(value) if isinstance(value, int | float) and value >= 0 else fallback

    return MailSettings(
        route=route,
        host=str(stored.get("host", "")),
        port=int(number("port", defaults.port)),
        security=security,
        user=str(stored.get("user", "")),
        from_address=str(stored.get("from_address", "")),
        from_name=str(stored.get("from_name", "")),
        timeout_seconds=number("timeout_seconds", defaults.timeout_seconds),
        bulk_pause_seconds=number("bulk_pause_seconds", defaults.bulk_pause_seconds),
    )


def save_mail_settings(session: Session, settings: MailSettings) -> None:
    """Store the settings (never a password: there is no field for one)."""
    if not 0 < settings.port < 65536:
        raise UserError("The port must be between 1 and 65535.")
    if settings.bulk_pause_seconds < 0:
        raise UserError("The pause between messages cannot be negative.")
    data = asdict(settings)
    data["route"] = settings.route.value
    data["security"] = settings.security.value
    data["host"] = settings.host.strip()
    data["user"] = settings.user.strip()
    data["from_address"] = settings.from_address.strip()
    data["from_name"] = settings.from_name.strip()
    set_setting(session, MAIL_SETTINGS, data)


def load_signature(session: Session, owner: str) -> str:
    """The signature ``owner`` keeps for their messages ("" when none is saved)."""
    signatures = get_setting(session, SIGNATURES_SETTING, {}) or {}
    return str(signatures.get(owner, "")) if isinstance(signatures, dict) else ""


def save_signature(session: Session, owner: str, text: str) -> None:
    """Keep ``owner``'s signature beside the other salespeople's (one setting for all)."""
    signatures = get_setting(session, SIGNATURES_SETTING, {}) or {}
    if not isinstance(signatures, dict):
        signatures = {}
    signatures[owner] = text.strip()
    set_setting(session, SIGNATURES_SETTING, signatures)
