"""Mail fixtures: real SMTP servers on 127.0.0.1 (aiosmtpd), TLS certificates, a keyring.

The servers are real: messages cross a socket and are parsed back from what the server
received. Each fixture yields a small handle with the port and what arrived. Registered
as a plugin by ``tests/conftest.py``, so the mail feature's tests, the outreach screens',
the services' and the command line's share them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

REJECTED_MARK = "reject"
GOOD_USER = "jamie"
GOOD_PASSWORD = "s3cret-Pässwort-4711"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    """One message as the server received it."""

    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    """A running test server: where it listens and what it received."""

    port: int
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if REJECTED_MARK in address:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        assert isinstance(parsed, EmailMessage)
        self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _authenticator(server_state: SmtpServer) -> Callable[..., AuthResult]:
    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = data.login.decode()
        password = data.password.decode()
        server_state.logins.append((login, mechanism))
        return AuthResult(success=login == GOOD_USER and password == GOOD_PASSWORD, handled=False)

    return authenticate


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / "cert.pem"
    key_path = folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def server_tls_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def client_tls_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A client context that trusts the test certificate (and only it)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture
def start_server() -> Iterator[Callable[..., SmtpServer]]:
    """Start an aiosmtpd server:
    ``start_server(auth=False, starttls=None, implicit=None, idle_timeout=300)``."""
    controllers: list[Controller] = []

    def start(
        *,
        auth: bool = False,
        starttls: ssl.SSLContext | None = None,
        implicit: ssl.SSLContext | None = None,
        idle_timeout: float = 300,
    ) -> SmtpServer:
        state = SmtpServer(port=free_port())
        kwargs: dict[str, Any] = {"enable_SMTPUTF8": True, "timeout": idle_timeout}
        if auth:
            kwargs.update(
                authenticator=_authenticator(state),
                auth_require_tls=starttls is not None,
            )
        if starttls is not None:
            kwargs.update(tls_context=starttls, require_starttls=False)
        if implicit is not None:
            kwargs.update(ssl_context=implicit)
        controller = Controller(_Handler(state), hostname="127.0.0.1", port=state.port, **kwargs)
        controller.start()
        controllers.append(controller)
        return state

    yield start
    for controller in controllers:
        controller.stop()


@dataclass
class KeyringHandle:
    """The backend in use, and the accounts a test stored (removed afterwards)."""

    backend: str
    accounts: list[str] = field(default_factory=list)


@pytest.fixture
def secret_keyring(tmp_path: Path) -> Iterator[KeyringHandle]:
    """A real keyring backend: the Secret Service when one runs (scripts/run-tests.sh
    starts gnome-keyring on a private D-Bus), else keyrings.alt's file backend in tmp.
    """
    import keyring

    previous = keyring.get_keyring()
    backend: Any = None
    try:
        from keyring.backends import SecretService

        candidate = SecretService.Keyring()
        if candidate.priority > 0:  # raises when no Secret Service answers on D-Bus
            candidate.set_password("onboard-desk-smtp", "probe", "probe")  # locked: raises
            candidate.delete_password("onboard-desk-smtp", "probe")
            backend = candidate
    except Exception:
        backend = None
    if backend is None:
        from keyrings.alt.file import PlaintextKeyring

        # keyrings.alt ships no type information, so its classes are Any to mypy.
        class FileKeyringForTests(PlaintextKeyring):  # type: ignore[misc]
            """keyrings.alt's file backend, ranked as usable so the app accepts it here.

            The app refuses plain-file keyrings (priority below 1) for real users.
            """

            priority = 1

        backend = FileKeyringForTests()
        backend.file_path = str(tmp_path / "keyring_pass.cfg")
    keyring.set_keyring(backend)
    handle = KeyringHandle(f"{type(backend).__module__}.{type(backend).__name__}")
    yield handle
    for account in handle.accounts:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password("onboard-desk-smtp", account)
    keyring.set_keyring(previous)
