"""The outreach service on a real database file: writing one message or many (over a real
SMTP server on 127.0.0.1), the template library, the mail settings and the keyring, calls
with their undo, and the calendar file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.errors import UserError
from onboard_desk.mail.secrets import KeyringUnavailableError, read_password
from onboard_desk.pipeline import Stage
from onboard_desk.services.desk import Desk
from onboard_desk.services.outreach import (
    Draft,
    FeedOptions,
    FeedWritten,
    MailRoute,
    MailSettings,
    NotRecordedError,
    Security,
)
from onboard_desk.storage.models import Activity
from onboard_desk.templates.render import TemplateCheckError
from tests.outreach.mail_fixtures import GOOD_PASSWORD, KeyringHandle, SmtpServer


def _prospect(
    desk: Desk, name: str = "Zoë Müller", stage: Stage = Stage.OUTREACH, **fields: object
) -> int:
    prospect = desk.prospects.add({"name": name, "company": "Acme", **fields})
    assert prospect.id is not None
    order = [Stage.OUTREACH, Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL]
    for step in order[1 : order.index(stage) + 1]:
        desk.prospects.move(prospect.id, step)
    return int(prospect.id)


def _emails(desk: Desk, prospect_id: int) -> list[Activity]:
    return [a for a in desk.prospects.activities(prospect_id) if a.kind == "email"]


def _smtp(port: int, **changes: object) -> MailSettings:
    settings = MailSettings(
        route=MailRoute.SMTP,
        host="127.0.0.1",
        port=port,
        security=Security.NONE,
        from_address="jamie@seller.example",
        from_name="Jamie Lee",
        timeout_seconds=5,
        bulk_pause_seconds=0,
    )
    return settings.with_changes(**changes)


def _draft(desk: Desk, prospect_id: int, template: str = "Trial welcome and guide") -> Draft:
    start = desk.outreach.compose(prospect_id)
    chosen = next(t for t in start.templates if t.name == template)
    rendered = desk.outreach.render(chosen.text, prospect_id)
    return Draft(prospect_id, start.name, start.address, rendered.subject, rendered.body, template)


# --- one message ----------------------------------------------------------------------------


def test_compose_offers_the_stage_template_and_its_next_action(desk: Desk) -> None:
    prospect_id = _prospect(desk, stage=Stage.TRIAL, email="zoe@example.org")
    start = desk.outreach.compose(prospect_id)
    assert start.templates[0].name == "Trial welcome and guide"
    assert start.templates[0].stage is Stage.TRIAL
    assert (start.name, start.address, start.stage) == (
        "Zoë Müller",
        "zoe@example.org",
        Stage.TRIAL,
    )
    assert start.proposal is not None and start.proposal.text.startswith("Final check-in")
    assert start.values["first_name"] == "Zoë" and start.values["custom_text"] == ""
    assert start.settings.route is MailRoute.MAIL_PROGRAM  # nothing configured yet


def test_send_records_the_message_and_sets_the_proposed_next_action(
    desk: Desk, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    prospect_id = _prospect(desk, stage=Stage.TRIAL, email="zoe@example.org")
    record = desk.outreach.send(_draft(desk, prospect_id), _smtp(server.port))
    [email] = _emails(desk, prospect_id)
    assert record.activity_id == email.id and email.template == "Trial welcome and guide"
    assert server.received[0].message["From"] == "Jamie Lee <jamie@seller.example>"
    assert str(desk.prospects.get(prospect_id).next_action).startswith("Final check-in")


def test_mail_program_and_smtp_record_the_same_way(
    desk: Desk, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    by_smtp = _prospect(desk, "Ana", stage=Stage.TRIAL, email="ana@example.org")
    by_program = _prospect(desk, "Ben", stage=Stage.TRIAL, email="ben@example.org")
    desk.outreach.send(_draft(desk, by_smtp), _smtp(server.port))
    desk.outreach.record_sent(_draft(desk, by_program))
    [smtp_email], [program_email] = _emails(desk, by_smtp), _emails(desk, by_program)
    fields = ("kind", "outcome", "template", "by")
    assert [getattr(smtp_email, f) for f in fields] == [getattr(program_email, f) for f in fields]
    assert desk.prospects.get(by_smtp).next_action == desk.prospects.get(by_program).next_action


def test_an_email_to_a_customer_proposes_their_nudge_not_the_thank_you_again(
    desk: Desk,
) -> None:
    customer = desk.prospects.add(
        {"name": "Ana Lopez", "email": "ana@example.org"}, stage=Stage.WON
    )
    assert customer.id is not None
    now = utcnow()
    for days in (240, 120):
        desk.customers.record_purchase(customer.id, 1_000, purchased_at=now - timedelta(days=days))
    start = desk.outreach.compose(customer.id)
    assert start.proposal is not None
    assert start.proposal.text.startswith("Repeat purchase expected around")
    same_rule = desk.prospects.proposal_after_contact(customer.id)
    assert same_rule is not None and same_rule.text == start.proposal.text
    assert "thank-you" not in start.proposal.text


def test_keeping_the_next_action(desk: Desk) -> None:
    prospect_id = _prospect(desk, stage=Stage.TRIAL, email="zoe@example.org")
    desk.prospects.set_next_action(prospect_id, "Mine", utcnow() + timedelta(days=9))
    record = desk.outreach.record_sent(_draft(desk, prospect_id), propose_next=False)
    assert record.next_action is None
    assert desk.prospects.get(prospect_id).next_action == "Mine"


def test_a_failed_send_records_nothing(desk: Desk) -> None:
    from tests.outreach.mail_fixtures import free_port

    prospect_id = _prospect(desk, email="zoe@example.org")
    with pytest.raises(UserError, match="Cannot reach the mail server"):
        desk.outreach.send(_draft(desk, prospect_id, "Cold outreach"), _smtp(free_port()))
    assert _emails(desk, prospect_id) == []


def test_sent_but_not_recorded_says_it_went(
    desk: Desk, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    prospect_id = _prospect(desk, email="zoe@example.org")
    draft = _draft(desk, prospect_id, "Cold outreach")
    desk.prospects.delete(prospect_id)  # gone between writing and sending
    with pytest.raises(NotRecordedError, match="was sent"):
        desk.outreach.send(draft, _smtp(server.port))
    assert len(server.received) == 1


def test_sending_records_under_the_write_lock(
    desk: Desk, start_server: Callable[..., SmtpServer]
) -> None:
    """Another writer of this process holds the lock: the message goes out at once, and is
    recorded once the lock is free (SQLite never sees two writers from one process)."""
    server = start_server()
    prospect_id = _prospect(desk, email="zoe@example.org")
    draft = _draft(desk, prospect_id, "Cold outreach")
    results: list[object] = []
    with desk.write_lock:
        worker = threading.Thread(
            target=lambda: results.append(desk.outreach.send(draft, _smtp(server.port)))
        )
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive() and results == []  # sent, waiting to record
    worker.join(timeout=10)
    assert len(results) == 1 and len(_emails(desk, prospect_id)) == 1


# --- many messages --------------------------------------------------------------------------


def test_recipients_of_a_stage_by_owner_and_due(desk: Desk) -> None:
    ana = _prospect(desk, "Ana", owner="Kim")
    ben = _prospect(desk, "Ben", owner="Lee")
    cem = _prospect(desk, "Cem", owner="Kim")
    _prospect(desk, "Dia", stage=Stage.FIRST_CALL, owner="Kim")
    desk.prospects.set_next_action(ana, "Call", utcnow() - timedelta(hours=1))
    assert desk.outreach.recipients(Stage.OUTREACH) == [ana, ben, cem]
    assert desk.outreach.recipients(Stage.OUTREACH, owner="Kim") == [ana, cem]
    assert desk.outreach.recipients(Stage.OUTREACH, due_only=True) == [ana]
    in_a_week = datetime.now() + timedelta(days=7)
    assert desk.outreach.recipients(Stage.OUTREACH, due_only=True, today=in_a_week) == [
        ana,
        ben,
        cem,
    ]


def test_plan_and_run_a_bulk_send(desk: Desk, start_server: Callable[..., SmtpServer]) -> None:
    server = start_server()
    ids = [
        _prospect(desk, "Ana", stage=Stage.TRIAL, email="ana@example.org"),
        _prospect(desk, "Ben", email="ben@example.org", do_not_contact=True),
        _prospect(desk, "Cem", stage=Stage.TRIAL, email="reject-cem@example.org"),
        _prospect(desk, "Dia", stage=Stage.TRIAL),
    ]
    offered = desk.outreach.offered_templates(ids)
    assert offered[0].stage is Stage.TRIAL  # the recipients' most common stage first
    items = desk.outreach.plan_bulk(ids, offered[0].text, custom_text="Hi!")
    assert [i.skip_reason for i in items] == ["", "do not contact", "", "Dia has no email address."]
    seen: list[str] = []
    results = desk.outreach.run_bulk(
        items, _smtp(server.port), on_result=lambda r: seen.append(r.status)
    )
    assert [r.status for r in results] == seen == ["sent", "skipped", "failed", "skipped"]
    assert [r.recipients for r in server.received] == [["ana@example.org"]]
    assert len(_emails(desk, ids[0])) == 1 and _emails(desk, ids[2]) == []


def test_a_cancelled_bulk_send_sends_nothing(
    desk: Desk, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    ids = [_prospect(desk, name, email=f"{name}@example.org") for name in ("ana", "ben")]
    items = desk.outreach.plan_bulk(ids, desk.outreach.find_template("Cold outreach").text)
    cancel = threading.Event()
    cancel.set()
    results = desk.outreach.run_bulk(items, _smtp(server.port), cancel=cancel)
    assert [(r.status, r.message) for r in results] == [("not sent", "cancelled")] * 2
    assert server.received == []


# --- mail settings and the keyring ----------------------------------------------------------


def test_settings_signature_and_password_each_in_their_place(
    desk: Desk, db_path: Path, secret_keyring: KeyringHandle
) -> None:
    settings = _smtp(2525, user="jamie")
    secret_keyring.accounts.append(settings.keyring_user)
    assert not desk.outreach.password_stored(settings)
    desk.outreach.save_mail_settings(settings, password=GOOD_PASSWORD, signature="  Jamie\n")
    assert desk.outreach.mail_settings() == settings
    assert desk.outreach.signature() == "Jamie"
    assert desk.outreach.password_stored(settings)
    assert read_password(settings.keyring_user) == GOOD_PASSWORD
    assert desk.outreach.keyring_status().available
    desk.close()
    for path in db_path.parent.glob(db_path.name + "*"):
        assert GOOD_PASSWORD.encode() not in path.read_bytes()


def test_a_keyring_that_refuses_the_password_leaves_the_settings(desk: Desk) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not desk.outreach.keyring_status().available
        with pytest.raises(KeyringUnavailableError, match="My mail program"):
            desk.outreach.save_mail_settings(_smtp(25, user="jamie"), password="x")
        assert desk.outreach.mail_settings() == MailSettings()
        # Without a user there is no password to keep: the settings are stored.
        desk.outreach.save_mail_settings(_smtp(25), password="ignored")
        assert desk.outreach.mail_settings().route is MailRoute.SMTP
    finally:
        keyring.set_keyring(previous)


def test_test_message_goes_to_the_sender_and_is_not_recorded(
    desk: Desk, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server()
    prospect_id = _prospect(desk, email="zoe@example.org")
    desk.outreach.send_test(_smtp(server.port), subject="Test", body="It works.\n")
    assert server.received[0].recipients == ["jamie@seller.example"]
    assert server.received[0].message["Subject"] == "Test"
    assert _emails(desk, prospect_id) == []


# --- the template library -------------------------------------------------------------------


def test_template_library_use_cases(desk: Desk) -> None:
    names = [t.name for t in desk.outreach.templates()]
    assert len(names) == 9 and names[0] == "Cold outreach"  # the starter set, installed once
    first = desk.outreach.new_template("New template")
    second = desk.outreach.new_template("New template")
    assert (first.name, second.name) == ("New template", "New template 2")
    assert "{{ signature }}" in first.body and not first.builtin
    saved = desk.outreach.save_template(
        template_id=first.id,
        name="Webinar",
        subject="Join us, {{ first_name }}",
        body="Hi",
        stage=Stage.FIRST_CALL,
    )
    assert desk.outreach.template(first.id) == saved and saved.stage is Stage.FIRST_CALL
    with pytest.raises(TemplateCheckError):
        desk.outreach.save_template(
            template_id=first.id, name="Webinar", subject="{{ x }}", body=""
        )
    assert desk.outreach.find_template("webinar") == saved
    copy = desk.outreach.copy_template(saved.id)
    assert copy.name == "Webinar (copy)" and copy.body == saved.body
    starter = desk.outreach.find_template("Payment guide")
    assert desk.outreach.delete_template(starter.id) == starter
    assert "Payment guide" not in [t.name for t in desk.outreach.templates()]
    assert desk.outreach.restore_starters() == 1
    assert desk.outreach.find_template("Payment guide").builtin


def test_render_and_preview_against_real_prospects(desk: Desk) -> None:
    older = _prospect(desk, "Ana Old")
    newer = _prospect(desk, "Zoë Müller", stage=Stage.TRIAL)
    template = desk.outreach.find_template("Cold outreach").text
    rendered = desk.outreach.render(template, newer, custom_text="Nice to meet you.")
    assert rendered.subject == "Acme: a shorter way to onboard new customers"
    assert desk.outreach.merge_values(newer, custom_text=" x ")["custom_text"] == "x"
    rows = desk.outreach.preview_prospects()
    assert [(r[0], r[3]) for r in rows] == [(newer, Stage.TRIAL), (older, Stage.OUTREACH)]
    assert desk.outreach.preview_prospects(limit=1)[0][1:3] == ("Zoë Müller", "Acme")


# --- calls ----------------------------------------------------------------------------------


def test_log_a_call_schedule_the_next_and_undo(desk: Desk) -> None:
    prospect_id = _prospect(desk, phone="+49 30 1234567")
    start = desk.outreach.call_start(prospect_id)
    assert start.tel == "tel:+49301234567" and start.planned_id is None
    when = utcnow() + timedelta(days=1)
    first = desk.outreach.log_call(prospect_id, outcome="no answer", next_call_at=when)
    planned = desk.outreach.call_start(prospect_id)
    assert planned.planned_id == first.scheduled_call_id and planned.planned_due == when
    second = desk.outreach.log_call(
        prospect_id, outcome="reached", notes="Keen", planned_call_id=planned.planned_id
    )
    assert second.activity_id == planned.planned_id
    assert desk.outreach.call_start(prospect_id).planned_id is None
    desk.outreach.undo_call(second)
    desk.outreach.undo_call(first)
    assert desk.prospects.activities(prospect_id) == []
    assert desk.prospects.get(prospect_id).next_action == "Follow up on the first contact"
    with pytest.raises(UserError, match="not a call outcome"):
        desk.outreach.log_call(prospect_id, outcome="busy")


# --- the calendar ---------------------------------------------------------------------------


def test_calendar_export_and_the_kept_up_to_date_file(desk: Desk, tmp_path: Path) -> None:
    _prospect(desk, "Ana", owner="Kim")
    _prospect(desk, "Ben", owner="Lee")
    assert desk.outreach.export_calendar(tmp_path / "all.ics") == 2
    assert desk.outreach.export_calendar(tmp_path / "kim.ics", owner="Kim") == 1
    assert desk.outreach.feed_options() == FeedOptions()
    assert desk.outreach.refresh_feed() is None  # the option is off
    feed = tmp_path / "feed.ics"
    options = FeedOptions(enabled=True, path=str(feed), owner="Lee")
    desk.outreach.save_feed_options(options)
    assert desk.outreach.feed_options() == options
    assert desk.outreach.refresh_feed() == FeedWritten(feed, 1)
    events = icalendar.Calendar.from_ical(feed.read_bytes()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Follow up on the first contact – Ben (Acme)"]
    assert desk.outreach.write_feed(FeedOptions(path=str(feed))) == 2
