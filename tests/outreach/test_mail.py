"""Sending over a real SMTP server on 127.0.0.1, and every way it can fail."""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from email.headerregistry import Address
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from onboard_desk import mail
from onboard_desk.mail import (
    AuthenticationError,
    Draft,
    MailRoute,
    MailSettings,
    RecipientRejectedError,
    Security,
    ServerUnreachableError,
    TemplateText,
    TlsError,
)
from onboard_desk.pipeline import PipelineConfig, Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store
from onboard_desk.storage.db import session_scope
from onboard_desk.storage.models import Activity
from tests.outreach.mail_fixtures import (
    GOOD_PASSWORD,
    GOOD_USER,
    KeyringHandle,
    SmtpServer,
    free_port,
)

TEMPLATE = TemplateText(
    "Cold outreach",
    "Hallo {{ first_name }} – {{ company }}",
    "Liebe {{ first_name }},\n\nschön, dass {{ company }} dabei ist. Grüße aus Köln 😊\n",
)


def _settings(port: int, **changes: object) -> MailSettings:
    base = MailSettings(
        route=MailRoute.SMTP,
        host="127.0.0.1",
        port=port,
        security=Security.NONE,
        from_address="jamie@seller.example",
        from_name="Jamie Lée",
        timeout_seconds=5,
        bulk_pause_seconds=0,
    )
    return base.with_changes(**changes)


def _prospect(engine: Engine, name: str, email: str, **fields: object) -> int:
    with session_scope(engine) as session:
        prospect = prospect_ops.create_prospect(
            session,
            fields={"name": name, "company": "Müller & Söhne", "email": email, **fields},
            by="Jamie Lée",
        )
        assert prospect.id is not None
        return prospect.id


def _draft(engine: Engine, prospect_id: int) -> Draft:
    with session_scope(engine) as session:
        return mail.prepare_draft(
            session,
            prospect_id=prospect_id,
            template=TEMPLATE,
            config=PipelineConfig(),
            user="Jamie Lée",
        )


def _emails(engine: Engine) -> list[Activity]:
    with Session(engine) as session:
        return list(session.exec(select(Activity).where(Activity.kind == "email")))


def test_message_arrives_with_utf8_headers_body_and_is_logged(
    engine: Engine, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    prospect_id = _prospect(engine, "Zoë Ñúñez 王", "zoe@acme.example")
    draft = _draft(engine, prospect_id)
    record = mail.send_draft(
        engine,
        draft=draft,
        settings=_settings(server.port),
        by="Jamie Lée",
        config=PipelineConfig(),
    )
    [received] = server.received
    assert received.recipients == ["zoe@acme.example"]
    assert received.mail_from == "jamie@seller.example"
    message = received.message
    assert message["Subject"] == "Hallo Zoë – Müller & Söhne"
    to = message["To"].addresses[0]
    assert (to.display_name, to.addr_spec) == ("Zoë Ñúñez 王", "zoe@acme.example")
    assert message["From"].addresses[0].display_name == "Jamie Lée"
    assert message.get_content_charset() == "utf-8"
    assert "Grüße aus Köln 😊" in message.get_content()
    raw_headers = message.as_bytes().split(b"\n\n", 1)[0]
    assert raw_headers.isascii()  # encoded words, not raw UTF-8, in the headers

    [activity] = _emails(engine)
    assert activity.id == record.activity_id
    assert activity.subject == "Hallo Zoë – Müller & Söhne"
    assert activity.template == "Cold outreach"
    assert activity.status == "done" and activity.outcome == "sent"
    with session_scope(engine) as session:
        prospect = store.get_prospect(session, prospect_id)
        assert prospect.next_action == "Follow up on the first contact"
        assert record.next_action is not None
        assert prospect.next_action_due == record.next_action.due


def test_login_with_password_from_keyring(
    engine: Engine,
    start_server: Callable[..., SmtpServer],
    server_tls_context: ssl.SSLContext,
    client_tls_context: ssl.SSLContext,
    secret_keyring: KeyringHandle,
) -> None:
    server = start_server(auth=True, starttls=server_tls_context)
    settings = _settings(server.port, security=Security.STARTTLS, user=GOOD_USER)
    secret_keyring.accounts.append(settings.keyring_user)
    mail.store_password(settings.keyring_user, GOOD_PASSWORD)
    assert mail.read_password(settings.keyring_user) == GOOD_PASSWORD
    draft = _draft(engine, _prospect(engine, "Ana", "ana@example.org"))
    mail.send_draft(
        engine,
        draft=draft,
        settings=settings,
        by="me",
        config=PipelineConfig(),
        ssl_context=client_tls_context,
    )
    assert server.logins and server.logins[0][0] == GOOD_USER
    assert len(server.received) == 1 and len(_emails(engine)) == 1


def test_wrong_password_is_an_auth_error_and_nothing_logged(
    engine: Engine,
    start_server: Callable[..., SmtpServer],
    server_tls_context: ssl.SSLContext,
    client_tls_context: ssl.SSLContext,
    secret_keyring: KeyringHandle,
) -> None:
    server = start_server(auth=True, starttls=server_tls_context)
    settings = _settings(server.port, security=Security.STARTTLS, user=GOOD_USER)
    secret_keyring.accounts.append(settings.keyring_user)
    mail.store_password(settings.keyring_user, "wrong")
    draft = _draft(engine, _prospect(engine, "Ana", "ana@example.org"))
    with pytest.raises(AuthenticationError, match="refused the user name or password"):
        mail.send_draft(
            engine,
            draft=draft,
            settings=settings,
            by="me",
            config=PipelineConfig(),
            ssl_context=client_tls_context,
        )
    assert server.received == [] and _emails(engine) == []


def test_server_without_login_refuses_auth(
    engine: Engine, start_server: Callable[..., SmtpServer], secret_keyring: KeyringHandle
) -> None:
    server = start_server()  # no AUTH offered
    settings = _settings(server.port, user=GOOD_USER)
    secret_keyring.accounts.append(settings.keyring_user)
    mail.store_password(settings.keyring_user, GOOD_PASSWORD)
    draft = _draft(engine, _prospect(engine, "Ana", "ana@example.org"))
    with pytest.raises(AuthenticationError, match="does not offer logging in"):
        mail.send_draft(engine, draft=draft, settings=settings, by="me", config=PipelineConfig())
    assert _emails(engine) == []


def test_rejected_recipient(engine: Engine, start_server: Callable[..., SmtpServer]) -> None:
    server = start_server()
    draft = _draft(engine, _prospect(engine, "Ana", "reject-me@example.org"))
    with pytest.raises(RecipientRejectedError, match="550"):
        mail.send_draft(
            engine, draft=draft, settings=_settings(server.port), by="me", config=PipelineConfig()
        )
    assert server.received == [] and _emails(engine) == []


def test_no_server_listening(engine: Engine) -> None:
    draft = _draft(engine, _prospect(engine, "Ana", "ana@example.org"))
    with pytest.raises(ServerUnreachableError, match="connection was refused"):
        mail.send_draft(
            engine, draft=draft, settings=_settings(free_port()), by="me", config=PipelineConfig()
        )
    assert _emails(engine) == []


def test_implicit_tls_against_plain_server_is_a_tls_error(
    engine: Engine, start_server: Callable[..., SmtpServer], client_tls_context: ssl.SSLContext
) -> None:
    server = start_server()
    draft = _draft(engine, _prospect(engine, "Ana", "ana@example.org"))
    with pytest.raises(TlsError, match="secure connection"):
        mail.send_draft(
            engine,
            draft=draft,
            settings=_settings(server.port, security=Security.TLS),
            by="me",
            config=PipelineConfig(),
            ssl_context=client_tls_context,
        )
    assert _emails(engine) == []


def test_starttls_not_offered_is_a_tls_error(
    engine: Engine, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    draft = _draft(engine, _prospect(engine, "Ana", "ana@example.org"))
    with pytest.raises(TlsError, match="does not offer STARTTLS"):
        mail.send_draft(
            engine,
            draft=draft,
            settings=_settings(server.port, security=Security.STARTTLS),
            by="me",
            config=PipelineConfig(),
        )


def test_untrusted_certificate_is_a_tls_error(
    engine: Engine, start_server: Callable[..., SmtpServer], server_tls_context: ssl.SSLContext
) -> None:
    server = start_server(implicit=server_tls_context)
    draft = _draft(engine, _prospect(engine, "Ana", "ana@example.org"))
    with pytest.raises(TlsError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        mail.send_draft(
            engine,
            draft=draft,
            settings=_settings(server.port, security=Security.TLS),
            by="me",
            config=PipelineConfig(),
        )
    assert server.received == []


def test_implicit_tls_with_trusted_certificate_sends(
    engine: Engine,
    start_server: Callable[..., SmtpServer],
    server_tls_context: ssl.SSLContext,
    client_tls_context: ssl.SSLContext,
) -> None:
    server = start_server(implicit=server_tls_context)
    draft = _draft(engine, _prospect(engine, "Ana", "ana@example.org"))
    mail.send_draft(
        engine,
        draft=draft,
        settings=_settings(server.port, security=Security.TLS),
        by="me",
        config=PipelineConfig(),
        ssl_context=client_tls_context,
    )
    assert len(server.received) == 1


def test_do_not_contact_and_missing_address_refused(engine: Engine) -> None:
    blocked = _prospect(engine, "Ana", "ana@example.org", do_not_contact=True)
    with pytest.raises(mail.DoNotContactError):
        _draft(engine, blocked)
    no_address = _prospect(engine, "Ben", "")
    with pytest.raises(mail.NoAddressError):
        _draft(engine, no_address)


def test_bulk_send_reviews_skips_pauses_and_reports_each(
    engine: Engine, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    ids = [
        _prospect(engine, "Ana Núñez", "ana@example.org"),
        _prospect(engine, "Ben", "ben@example.org", do_not_contact=True),
        _prospect(engine, "Cem", "reject-cem@example.org"),
        _prospect(engine, "Dörte", "doerte@example.org"),
        _prospect(engine, "Eli", ""),
    ]
    with session_scope(engine) as session:
        items = mail.plan_bulk(
            session, prospect_ids=ids, template=TEMPLATE, config=PipelineConfig(), user="me"
        )
    assert [i.skip_reason for i in items][:2] == ["", "do not contact"]
    assert "no email address" in items[4].skip_reason
    seen: list[str] = []
    results = mail.run_bulk(
        engine,
        items=items,
        settings=_settings(server.port),
        by="me",
        config=PipelineConfig(),
        pause_seconds=0.05,
        on_result=lambda r: seen.append(r.status),
    )
    assert [r.status for r in results] == ["sent", "skipped", "failed", "sent", "skipped"]
    assert seen == [r.status for r in results]
    assert "550" in results[2].message
    assert sorted(r.recipients[0] for r in server.received) == [
        "ana@example.org",
        "doerte@example.org",
    ]
    logged = {a.prospect_id for a in _emails(engine)}
    assert logged == {ids[0], ids[3]}


def test_bulk_send_stops_when_server_unreachable_and_can_be_cancelled(engine: Engine) -> None:
    ids = [_prospect(engine, f"P{i}", f"p{i}@example.org") for i in range(3)]
    with session_scope(engine) as session:
        items = mail.plan_bulk(
            session, prospect_ids=ids, template=TEMPLATE, config=PipelineConfig(), user="me"
        )
    results = mail.run_bulk(
        engine, items=items, settings=_settings(free_port()), by="me", config=PipelineConfig()
    )
    assert [r.status for r in results] == ["failed", "not sent", "not sent"]
    assert results[1].message.startswith("stopped: Cannot reach")
    cancel = threading.Event()
    cancel.set()
    results = mail.run_bulk(
        engine,
        items=items,
        settings=_settings(free_port()),
        by="me",
        config=PipelineConfig(),
        cancel=cancel,
    )
    assert {r.status for r in results} == {"not sent"} and _emails(engine) == []


def test_mailto_url_encodes_everything() -> None:
    draft = Draft(1, "Zoë", "zoe@acme.example", "Grüße & mehr?", "Zeile 1\nZeile 2 ü")
    url = mail.mailto_url(draft)
    assert url.startswith("mailto:zoe@acme.example?subject=Gr%C3%BC%C3%9Fe%20%26%20mehr%3F")
    assert "&body=Zeile%201%0D%0AZeile%202%20%C3%BC" in url


def test_bad_address_refused() -> None:
    draft = Draft(1, "Zoë", "not an address", "S", "B")
    with pytest.raises(mail.AddressError):
        mail.build_message(draft, from_name="me", from_address="me@example.org")
    assert isinstance(mail.message.make_address("Ä", "a@b.example"), Address)


def test_settings_round_trip_without_password(session: Session) -> None:
    settings = _settings(2525, user="jamie", security=Security.TLS)
    mail.save_mail_settings(session, settings)
    assert mail.load_mail_settings(session) == settings
    assert "password" not in str(vars(settings)).lower()
    assert settings.problems() == []
    assert MailSettings().problems()


def test_password_never_in_database_settings_or_logs(
    engine: Engine,
    db_path: Path,
    start_server: Callable[..., SmtpServer],
    server_tls_context: ssl.SSLContext,
    client_tls_context: ssl.SSLContext,
    secret_keyring: KeyringHandle,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    import os

    from PySide6.QtCore import QSettings

    caplog.set_level(logging.DEBUG)
    server = start_server(auth=True, starttls=server_tls_context)
    settings = _settings(server.port, security=Security.STARTTLS, user=GOOD_USER)
    with session_scope(engine) as session:
        mail.save_mail_settings(session, settings)
    secret_keyring.accounts.append(settings.keyring_user)
    mail.store_password(settings.keyring_user, GOOD_PASSWORD)
    # The app's settings file goes where the desktop keeps settings ($XDG_CONFIG_HOME),
    # whatever another test pointed QSettings at before.
    config_dir = Path(os.environ["XDG_CONFIG_HOME"])
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(config_dir))
    qsettings = QSettings("onboard-desk", "onboard-desk")
    qsettings.setValue("mail/last_route", settings.route.value)
    qsettings.sync()
    ids = [_prospect(engine, "Ana", "ana@example.org"), _prospect(engine, "Ben", "x-reject@b.org")]
    with session_scope(engine) as session:
        items = mail.plan_bulk(
            session, prospect_ids=ids, template=TEMPLATE, config=PipelineConfig(), user="me"
        )
    results = mail.run_bulk(
        engine,
        items=items,
        settings=settings,
        by="me",
        config=PipelineConfig(),
        ssl_context=client_tls_context,
    )
    assert [r.status for r in results] == ["sent", "failed"]
    # A failed login must not leak it either.
    draft = items[0].draft
    assert draft is not None
    with pytest.raises(AuthenticationError) as failure:
        mail.send_draft(
            engine,
            draft=draft,
            settings=settings.with_changes(user="someone-else"),
            by="me",
            config=PipelineConfig(),
            ssl_context=client_tls_context,
        )
    engine.dispose()

    secret = GOOD_PASSWORD.encode()
    files = [p for p in db_path.parent.glob(db_path.name + "*")]
    config_home = Path(os.environ["XDG_CONFIG_HOME"])
    files += [p for p in config_home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".conf" for p in files), "QSettings file was written"
    assert len(files) >= 2
    for path in files:
        data = path.read_bytes()
        assert secret not in data and GOOD_PASSWORD.encode("utf-16-le") not in data, path
    assert GOOD_PASSWORD not in caplog.text
    assert "Sent" in caplog.text  # the log did record the send
    assert GOOD_PASSWORD not in str(failure.value)
    assert GOOD_PASSWORD not in "".join(r.message for r in results)


def test_no_keyring_backend_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        status = mail.keyring_status()
        assert not status.available
        assert "My mail program" in status.message
        with pytest.raises(mail.KeyringUnavailableError, match="No system keyring"):
            mail.store_password("a@b:1", "pw")
        with pytest.raises(mail.KeyringUnavailableError):
            mail.read_password("a@b:1")
    finally:
        keyring.set_keyring(previous)


def test_stage_next_action_proposed_after_sending(
    engine: Engine, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    prospect_id = _prospect(engine, "Ana", "ana@example.org")
    with session_scope(engine) as session:
        for stage in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL):
            prospect_ops.move_prospect(session, prospect_id=prospect_id, target=stage, by="me")
        store.set_next_action(session, prospect_id=prospect_id, action=None, due=None)
    config = PipelineConfig(check_in_delay_days=5)
    record = mail.send_draft(
        engine,
        draft=_draft(engine, prospect_id),
        settings=_settings(server.port),
        by="me",
        config=config,
    )
    assert record.next_action is not None
    assert record.next_action.text.startswith("Final check-in")
    assert record.previous_next_action[:2] == (None, None)


def test_password_round_trip_through_real_backend(
    secret_keyring: KeyringHandle, record_property: Callable[[str, object], None]
) -> None:
    record_property("keyring_backend", secret_keyring.backend)
    print(f"keyring backend: {secret_keyring.backend}")
    account = "jamie@127.0.0.1:2525"
    secret_keyring.accounts.append(account)
    mail.store_password(account, GOOD_PASSWORD)
    assert mail.read_password(account) == GOOD_PASSWORD
    mail.delete_password(account)
    assert mail.read_password(account) is None
    mail.delete_password(account)  # forgetting twice is harmless
    assert mail.keyring_status().available


def test_plain_file_keyring_is_refused(tmp_path: Path) -> None:
    import keyring
    from keyring.backends import chainer
    from keyrings.alt.file import PlaintextKeyring

    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "plain.cfg")
    previous = keyring.get_keyring()
    try:
        for backend in (plain, chainer.ChainerBackend()):
            keyring.set_keyring(backend)
            if isinstance(backend, chainer.ChainerBackend) and backend.backends:
                first = backend.backends[0]
                if float(first.priority) >= 1:
                    continue  # a real keyring leads the chain on this machine
            status = mail.keyring_status()
            assert not status.available
            with pytest.raises(mail.KeyringUnavailableError):
                mail.store_password("a@b:1", "pw")
        assert not Path(plain.file_path).exists()
    finally:
        keyring.set_keyring(previous)


def test_bulk_send_without_keyring_stops_at_once(engine: Engine) -> None:
    import keyring
    from keyring.backends import fail

    ids = [_prospect(engine, f"P{i}", f"p{i}@example.org") for i in range(3)]
    with session_scope(engine) as session:
        items = mail.plan_bulk(
            session, prospect_ids=ids, template=TEMPLATE, config=PipelineConfig(), user="me"
        )
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        results = mail.run_bulk(
            engine,
            items=items,
            settings=_settings(free_port(), user="jamie"),
            by="me",
            config=PipelineConfig(),
        )
    finally:
        keyring.set_keyring(previous)
    assert [r.status for r in results] == ["failed", "not sent", "not sent"]
    assert "No system keyring" in results[0].message
    assert _emails(engine) == []


def test_bulk_send_reconnects_when_server_drops_idle_session(
    engine: Engine, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server(idle_timeout=0.3)
    ids = [_prospect(engine, f"P{i}", f"p{i}@example.org") for i in range(3)]
    with session_scope(engine) as session:
        items = mail.plan_bulk(
            session, prospect_ids=ids, template=TEMPLATE, config=PipelineConfig(), user="me"
        )
    results = mail.run_bulk(
        engine,
        items=items,
        settings=_settings(server.port),
        by="me",
        config=PipelineConfig(),
        pause_seconds=0.8,  # longer than the server keeps an idle session
    )
    assert [r.status for r in results] == ["sent", "sent", "sent"]
    assert len(server.received) == 3  # each exactly once
    assert len(_emails(engine)) == 3


def test_sent_but_not_recorded_is_reported_as_sent(
    engine: Engine, start_server: Callable[..., SmtpServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_server()
    ids = [_prospect(engine, "Ana", "ana@example.org"), _prospect(engine, "Ben", "ben@b.org")]
    with session_scope(engine) as session:
        items = mail.plan_bulk(
            session, prospect_ids=ids, template=TEMPLATE, config=PipelineConfig(), user="me"
        )

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("onboard_desk.mail.outbox.record_sent", broken)
    results = mail.run_bulk(
        engine, items=items, settings=_settings(server.port), by="me", config=PipelineConfig()
    )
    assert [r.status for r in results] == ["sent", "sent"]
    assert "was sent, but it could not be put on the timeline (disk full)" in results[0].message
    assert len(server.received) == 2
