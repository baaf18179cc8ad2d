"""Sending over SMTP with ``smtplib``, every failure turned into a message a user can act on.

One :class:`SmtpConnection` serves one message or a whole bulk send. Only the errors are
translated; nothing is logged here beyond the server and the recipient, and never the
password (``smtplib``'s own debug output stays off).
"""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from email.message import EmailMessage
from types import TracebackType

from onboard_desk.errors import UserError
from onboard_desk.mail.settings import MailSettings, Security


class MailError(UserError):
    """Sending failed; the message says why and what to check."""

    #: Whether the next message of a bulk send would fail the same way (stop the run).
    fatal = True


class ServerUnreachableError(MailError):
    """No connection to the server (wrong name or port, offline, firewall)."""


class TlsError(MailError):
    """The secure connection could not be set up."""


class AuthenticationError(MailError):
    """The server refused the user name or password."""


class RecipientRejectedError(MailError):
    """The server refused this one recipient; other messages may still go."""

    fatal = False


class MessageRejectedError(MailError):
    """The server refused the sender or the message itself."""


def _reply(code: int, text: bytes | str) -> str:
    decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {decoded}".strip()


class SmtpConnection:
    """An open, authenticated SMTP session (a context manager)."""

    def __init__(
        self,
        settings: MailSettings,
        password: str | None,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._password = password
        self._ssl_context = ssl_context
        self._client: smtplib.SMTP | None = None

    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def open(self) -> None:
        """Connect, secure and log in; raises a MailError subclass on failure."""
        settings = self.settings
        problems = settings.problems()
        if problems:
            raise MailError(" ".join(problems))
        try:
            if settings.security is Security.TLS:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host,
                    settings.port,
                    timeout=settings.timeout_seconds,
                    context=self._context(),
                )
            else:
                client = smtplib.SMTP(
                    settings.host, settings.port, timeout=settings.timeout_seconds
                )
        except ssl.SSLError as exc:
            raise self._tls_error(exc) from None
        except (socket.gaierror, ConnectionRefusedError, TimeoutError, OSError) as exc:
            raise self._unreachable(exc) from None
        except smtplib.SMTPException as exc:
            raise self._unreachable(exc) from None
        self._client = client
        try:
            client.ehlo()
            if settings.security is Security.STARTTLS:
                if not client.has_extn("starttls"):
                    raise TlsError(
                        f"The server {self._where} does not offer STARTTLS. Check the port "
                        "and the security setting (SSL/TLS is usually port 465)."
                    )
                client.starttls(context=self._context())
                client.ehlo()
            if settings.needs_password:
                self._login(client)
        except MailError:
            self.close()
            raise
        except ssl.SSLError as exc:
            self.close()
            raise self._tls_error(exc) from None
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            raise self._unreachable(exc) from None
        except smtplib.SMTPException as exc:
            self.close()
            raise MailError(f"The server {self._where} answered unexpectedly: {exc}") from None
        except OSError as exc:
            self.close()
            raise self._unreachable(exc) from None

    def _login(self, client: smtplib.SMTP) -> None:
        if not self._password:
            raise AuthenticationError(
                f"No password is stored for {self.settings.user} on {self.settings.host}. "
                "Enter it in Mail settings."
            )
        if not client.has_extn("auth"):
            hint = (
                " It may only allow logging in over a secure connection; choose STARTTLS or "
                "SSL/TLS."
                if self.settings.security is Security.NONE
                else ""
            )
            raise AuthenticationError(f"The server {self._where} does not offer logging in.{hint}")
        try:
            if (self.settings.user + self._password).isascii():
                client.login(self.settings.user, self._password)
            else:
                self._login_utf8(client, self.settings.user, self._password)
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthenticationError(
                f"The server {self._where} refused the user name or password for "
                f"{self.settings.user} ({_reply(exc.smtp_code, exc.smtp_error)}). Check them "
                "in Mail settings."
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise AuthenticationError(
                f"The server {self._where} offers no login method Onboard Desk can use."
            ) from None

    def _login_utf8(self, client: smtplib.SMTP, user: str, password: str) -> None:
        """AUTH PLAIN with UTF-8 credentials (RFC 4616); smtplib only sends ASCII ones."""
        mechanisms = client.esmtp_features.get("auth", "").upper().split()
        if "PLAIN" not in mechanisms:
            raise AuthenticationError(
                f"The server {self._where} cannot take a user name or password with "
                "non-ASCII characters (it does not offer AUTH PLAIN)."
            )
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
        code, text = client.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, text)

    def _tls_error(self, exc: BaseException) -> TlsError:
        reason = getattr(exc, "reason", None) or str(exc)
        return TlsError(
            f"A secure connection to {self._where} failed ({reason}). Check the security "
            "setting: STARTTLS is usually port 587, SSL/TLS port 465; a certificate error "
            "means the server is not who it claims to be."
        )

    def _unreachable(self, exc: BaseException) -> ServerUnreachableError:
        if isinstance(exc, socket.gaierror):
            detail = "the server name is unknown"
        elif isinstance(exc, ConnectionRefusedError):
            detail = "the connection was refused"
        elif isinstance(exc, TimeoutError | socket.timeout):
            detail = "no answer in time"
        elif isinstance(exc, smtplib.SMTPServerDisconnected):
            detail = "the server closed the connection"
        else:
            detail = str(exc) or type(exc).__name__
        return ServerUnreachableError(
            f"Cannot reach the mail server {self._where}: {detail}. Check the server name, "
            "the port and your connection."
        )

    def _still_connected(self) -> bool:
        """Whether the open session still answers (servers drop idle ones during pauses)."""
        if self._client is None:
            return False
        try:
            code, _text = self._client.noop()
        except (smtplib.SMTPException, OSError):
            code = 0
        if code == 250:
            return True
        self.close()
        return False

    def send(self, message: EmailMessage) -> None:
        """Send one message to its To address; raises a MailError subclass when refused.

        A session the server dropped (idle timeout between bulk messages) is reopened
        first; nothing is ever sent twice, since the check happens before the message.
        """
        if not self._still_connected():
            self.open()
        assert self._client is not None
        recipient = str(message["To"])
        try:
            refused = self._client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            details = "; ".join(
                f"{address}: {_reply(code, text)}"
                for address, (code, text) in exc.recipients.items()
            )
            raise RecipientRejectedError(
                f"The server refused the recipient {recipient} ({details})."
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            raise MessageRejectedError(
                f"The server refused the sender address {exc.sender!r} "
                f"({_reply(exc.smtp_code, exc.smtp_error)}). Check the From address."
            ) from None
        except smtplib.SMTPDataError as exc:
            raise MessageRejectedError(
                f"The server refused the message ({_reply(exc.smtp_code, exc.smtp_error)})."
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise MessageRejectedError(
                f"The server cannot deliver this message: {exc} (an address with non-ASCII "
                "characters needs a server with SMTPUTF8)."
            ) from None
        except smtplib.SMTPServerDisconnected as exc:
            self._client = None
            raise self._unreachable(exc) from None
        except smtplib.SMTPException as exc:
            raise MailError(f"Sending to {recipient} failed: {exc}") from None
        except OSError as exc:
            self._client = None
            raise self._unreachable(exc) from None
        if refused:
            raise RecipientRejectedError(f"The server refused the recipient {recipient}.")

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()

    def __enter__(self) -> SmtpConnection:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
