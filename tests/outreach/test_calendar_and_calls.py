"""Calls (outcomes, next call, tel: links) and the .ics export parsed back with icalendar."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.outreach import calls
from onboard_desk.outreach.calendar_export import export_calendar, write_atomically
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store
from onboard_desk.storage.db import session_scope
from onboard_desk.storage.models import Activity


def _prospect(engine: Engine, name: str = "Zoë Müller", **fields: object) -> int:
    with session_scope(engine) as session:
        prospect = prospect_ops.create_prospect(
            session,
            fields={"name": name, "company": "Acme", "phone": "+49 30 1234567", **fields},
            by="Jamie",
        )
        assert prospect.id is not None
        return prospect.id


def _events(path: Path) -> dict[str, icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_tel_url() -> None:
    assert calls.tel_url("+49 30 1234567", "+49301234567") == "tel:+49301234567"
    assert calls.tel_url("(555) 010-2030") == "tel:5550102030"
    assert calls.tel_url("") == ""


def test_log_call_with_outcome_and_next_call(engine: Engine) -> None:
    prospect_id = _prospect(engine)
    when = utcnow() + timedelta(days=2)
    with session_scope(engine) as session:
        result = calls.log_call(
            session,
            prospect_id=prospect_id,
            outcome="voicemail",
            by="Jamie",
            duration_seconds=45,
            notes="Left a message",
            next_call_at=when,
            next_call_note="Try again after lunch",
        )
    with Session(engine) as session:
        done = session.get(Activity, result.activity_id)
        assert done is not None
        assert (done.kind, done.status, done.outcome, done.duration_seconds) == (
            "call",
            "done",
            "voicemail",
            45,
        )
        planned = session.get(Activity, result.scheduled_call_id)
        assert planned is not None and planned.status == "planned"
        prospect = store.get_prospect(session, prospect_id)
        assert prospect.next_action == "Call Zoë Müller: Try again after lunch"
        assert prospect.next_action_due == when


def test_logging_the_planned_call_completes_it_and_undo_restores(engine: Engine) -> None:
    prospect_id = _prospect(engine)
    with session_scope(engine) as session:
        first = calls.log_call(
            session,
            prospect_id=prospect_id,
            outcome="no answer",
            by="me",
            next_call_at=utcnow() + timedelta(hours=3),
        )
        planned = calls.next_planned_call(session, prospect_id=prospect_id)
        assert planned is not None and planned.id == first.scheduled_call_id
        second = calls.log_call(
            session,
            prospect_id=prospect_id,
            outcome="reached",
            by="me",
            duration_seconds=600,
            notes="Interested",
            planned_call_id=planned.id,
        )
        assert second.activity_id == planned.id
        assert calls.next_planned_call(session, prospect_id=prospect_id) is None
        calls.undo_call(session, result=second)
        again = calls.next_planned_call(session, prospect_id=prospect_id)
        assert again is not None and again.id == planned.id and again.outcome == ""
        calls.undo_call(session, result=first)
        rows = list(session.exec(select(Activity).where(Activity.prospect_id == prospect_id)))
        assert rows == []


def test_bad_call_input_rejected(engine: Engine) -> None:
    prospect_id = _prospect(engine)
    with session_scope(engine) as session:
        with pytest.raises(store.ValidationError, match="not a call outcome"):
            calls.log_call(session, prospect_id=prospect_id, outcome="busy", by="me")
        with pytest.raises(store.ValidationError, match="future"):
            calls.log_call(
                session,
                prospect_id=prospect_id,
                outcome="reached",
                by="me",
                next_call_at=utcnow() - timedelta(hours=1),
            )


def test_ics_export_parses_back_with_stable_uids(engine: Engine, tmp_path: Path) -> None:
    a = _prospect(engine, "Zoë Müller", owner="Jamie")
    b = _prospect(engine, "Ben Okafor", owner="Kim")
    with session_scope(engine) as session:
        calls.log_call(
            session,
            prospect_id=a,
            outcome="no answer",
            by="me",
            next_call_at=utcnow() + timedelta(days=1),
            next_call_note="Second try",
        )
    path = tmp_path / "actions.ics"
    assert export_calendar(engine, path) == 3
    first = _events(path)
    assert len(first) == 3
    summaries = sorted(str(e["SUMMARY"]) for e in first.values())
    assert any(s.startswith("Call Zoë Müller: Second try") for s in summaries)
    assert any("Ben Okafor (Acme)" in s for s in summaries)
    event_a = next(
        e for e in first.values() if "next-action" in str(e["UID"]) and "Zoë" in str(e["SUMMARY"])
    )
    assert "Phone: +49 30 1234567" in str(event_a["DESCRIPTION"])

    # Change a's next action: same UID, new time and a higher SEQUENCE; nothing duplicated.
    new_due = utcnow() + timedelta(days=5)
    with session_scope(engine) as session:
        store.set_next_action(
            session,
            prospect_id=a,
            action="Send the offer",
            due=new_due,
            now=utcnow() + timedelta(seconds=5),
        )
    assert export_calendar(engine, path) == 3
    second = _events(path)
    assert second.keys() == first.keys()
    updated = second[str(event_a["UID"])]
    assert str(updated["SUMMARY"]).startswith("Send the offer")
    assert updated.decoded("DTSTART") == new_due.replace(microsecond=0)
    assert int(updated.decoded("SEQUENCE")) > int(event_a.decoded("SEQUENCE"))

    # Owner and horizon filters.
    assert export_calendar(engine, path, owner="Kim") == 1
    assert next(str(e["SUMMARY"]) for e in _events(path).values()).endswith("Ben Okafor (Acme)")
    # within 2 days: only the call (next actions are 3 and 5 days out)
    assert export_calendar(engine, path, days=2) == 1
    with session_scope(engine) as session:
        store.set_next_action(session, prospect_id=b, action=None, due=None)
    assert export_calendar(engine, path, owner="Kim") == 0


def test_ics_export_to_unwritable_place_keeps_old_file(engine: Engine, tmp_path: Path) -> None:
    _prospect(engine)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(Exception, match="Cannot write"):
        export_calendar(engine, blocker / "sub" / "a.ics")
    assert blocker.read_text() == "x"


def test_interrupted_write_keeps_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.ics"
    write_atomically(path, b"old")

    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("onboard_desk.outreach.calendar_export.os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["a.ics"] and path.read_bytes() == b"old"


def test_cached_rewrite_serialises_only_changes_and_matches_full_export(
    engine: Engine, tmp_path: Path
) -> None:
    from onboard_desk.outreach.calendar_export import EventCache

    ids = [_prospect(engine, f"P{i}") for i in range(5)]
    cache = EventCache()
    cached, full = tmp_path / "cached.ics", tmp_path / "full.ics"
    assert export_calendar(engine, cached, cache=cache) == 5
    assert cache.last_built == 5
    with session_scope(engine) as session:
        store.set_next_action(
            session, prospect_id=ids[2], action="Call back", due=utcnow() + timedelta(days=1)
        )
        store.set_next_action(session, prospect_id=ids[4], action=None, due=None)
    assert export_calendar(engine, cached, cache=cache) == 4
    assert cache.last_built == 1
    export_calendar(engine, full)
    assert cached.read_bytes() == full.read_bytes()
    assert len(_events(cached)) == 4
