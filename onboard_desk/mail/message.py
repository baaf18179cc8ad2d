"""Turning a rendered template into something to send: a MIME message or a mailto: URL.

Names and text in any language survive: headers are encoded per RFC 2047 (display names)
by the standard library's ``EmailMessage``, bodies are UTF-8. Addresses with non-ASCII
local parts need a server with SMTPUTF8, which ``smtplib`` asks for when it is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.errors import UserError


class AddressError(UserError, ValueError):
    """An address that cannot be put in a message header."""


@dataclass(frozen=True)
class Draft:
    """A message ready to go to one prospect, and what to record once it went."""

    prospect_id: int
    to_name: str
    to_address: str
    subject: str
    body: str
    template_name: str = ""


def make_address(name: str, address: str) -> Address:
    """A header address; a display name in any script is encoded when serialised."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c in address for c in " \r\n<>,"):
        raise AddressError(f"{address!r} is not an email address.")
    try:
        return Address(display_name=" ".join(name.split()), username=local, domain=domain)
    except (ValueError, IndexError) as exc:
        raise AddressError(f"{address!r} cannot be used as an address: {exc}") from None


def build_message(
    draft: Draft, *, from_name: str, from_address: str, reply_to: str = ""
) -> EmailMessage:
    """A standard MIME message (UTF-8 text body) for SMTP."""
    message = EmailMessage()
    sender = make_address(from_name, from_address)
    message["From"] = sender
    message["To"] = make_address(draft.to_name, draft.to_address)
    if reply_to:
        message["Reply-To"] = make_address(from_name, reply_to)
    message["Subject"] = " ".join(draft.subject.split())
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.domain or None)
    body = draft.body if draft.body.endswith("\n") else draft.body + "\n"
    message.set_content(body, charset="utf-8")
    return message


def mailto_url(draft: Draft) -> str:
    """A ``mailto:`` URL (RFC 6068) that opens the user's mail program with the message."""
    body = draft.body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(draft.to_address.strip(), safe='@')}"
        f"?subject={quote(draft.subject, safe='')}&body={quote(body, safe='')}"
    )
