"""Proposed next actions at working times, spread over a busy day, and never written over
a next action the salesperson chose minutes before (a move, a sent email, a logged call).

Real SQLite files, real imports; every due time is checked against the rule written out
by hand (:func:`tests.workday.working_morning`), in the computer's own time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.domain.workhours import WorkingHours, parse_days
from onboard_desk.pipeline import RECENT_CHOICE, Stage
from onboard_desk.services.desk import Desk
from onboard_desk.services.importing import ImportOptions
from onboard_desk.services.outreach import Draft
from onboard_desk.services.settings import Identity
from onboard_desk.storage import store
from tests.importing.conftest import prospect_rows
from tests.workday import working_morning

#: Eighteen LinkedIn-style connections from several countries, as an evening's export.
CONNECTIONS = [
    ("Zoë Müller", "Acme GmbH", "+49 30 1234567"),
    ("Élodie Martin", "Numérique SA", "+33 1 23 45 67 89"),
    ("Ana López", "Soluciones Norte", "+34 912 345 678"),
    ("Søren Ångström", "Nordlys ApS", "+45 32 12 34 56"),
    ("Priya Natarajan", "Kaveri Labs", "+91 11 2345 6789"),
    ("Kenji Watanabe", "Sakura KK", "+81 3-1234-5678"),
    ("Chloe Bennett", "Thames Analytics", "+44 20 7946 0958"),
    ("Marco Rossi", "Rossi & Figli", "+39 06 1234 5678"),
    ("Jonas Weber", "Weber Logistik", "030 7654321"),
    ("Lena Schmidt", "Schmidt Dental", "089 1234567"),
    ("Tomás Silva", "Lisboa Digital", "+351 21 123 4567"),
    ("Aisha Bello", "Lagos Tech", "+234 1 234 5678"),
    ("Mei Chen", "Harbour Trading", "+852 2123 4567"),
    ("Olivia Brown", "Maple Clinics", "(416) 555-0142"),
    ("Noah Wilson", "Bay Area Bikes", "+1 415 555 0100"),
    ("Sofia Kowalska", "Wisła Systems", "+48 22 123 45 67"),
    ("Emma Jansen", "Delta Zorg", "06 12345678"),
    ("Lucas Dubois", "Boulangerie Dubois", "01 98 76 54 32"),
]


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "Connections.csv"
    lines = ["First Name,Last Name,Company,Phone"]
    for name, company, phone in CONNECTIONS:
        first, last = name.split(" ", 1)
        lines.append(f'{first},{last},"{company}",{phone}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _due(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _local(moment: datetime) -> datetime:
    return moment.astimezone()


@pytest.mark.parametrize("parallel", [False, True])
def test_an_import_of_eighteen_spreads_their_follow_ups_over_the_working_day(
    desk: Desk, engine: object, tmp_path: Path, parallel: bool
) -> None:
    """Today's bug: every follow-up kept the time of the import (21:00 for an evening
    import), eighteen of them stacked on one minute. The same whether the rows are
    planned in this process or in the planning process."""
    started = utcnow()
    result = desk.importing.run(_csv(tmp_path), ImportOptions(), parallel=parallel)
    assert result.created == 18
    rows = prospect_rows(engine)  # type: ignore[arg-type]
    dues = sorted(_due(row["next_action_due"]) for row in rows)
    assert len(set(dues)) == 18  # spread, not stacked
    morning = working_morning(started, 3)
    assert dues == [morning + timedelta(minutes=15 * slot) for slot in range(18)]
    for due in dues:
        local = _local(due)
        assert local.weekday() < 5 and time(9) <= local.time() < time(17)
    # Numbers without a country code stay as written (no region is set).
    jonas = next(row for row in rows if row["name"] == "Jonas Weber")
    assert (jonas["phone"], jonas["phone_key"]) == ("030 7654321", "0307654321")


def test_an_import_starts_after_the_actions_the_day_already_holds(
    desk: Desk, engine: object, tmp_path: Path
) -> None:
    started = utcnow()
    first = [desk.prospects.add({"name": f"Lead {n}"}) for n in range(3)]
    morning = working_morning(started, 3)
    assert [p.next_action_due for p in first] == [
        morning + timedelta(minutes=15 * slot) for slot in range(3)
    ]
    desk.importing.run(_csv(tmp_path), ImportOptions())
    imported = [
        _due(row["next_action_due"])
        for row in prospect_rows(engine, "import_batch_id IS NOT NULL")  # type: ignore[arg-type]
    ]
    assert min(imported) == morning + timedelta(minutes=45)


def test_the_working_hours_from_the_settings_are_used(desk: Desk) -> None:
    hours = WorkingHours(time(7, 30), time(12, 0), parse_days("sun-thu"), 10)
    desk.settings.save_identity(Identity(hours=hours))
    now = utcnow()
    a = desk.prospects.add({"name": "Noura Al-Sayed"})
    b = desk.prospects.add({"name": "Omar Haddad"})
    day = now.astimezone().date() + timedelta(days=3)
    while day.weekday() in (4, 5):  # Friday and Saturday are off
        day += timedelta(days=1)
    first = datetime.combine(day, time(7, 30)).astimezone().astimezone(UTC)
    assert (a.next_action_due, b.next_action_due) == (first, first + timedelta(minutes=10))


def test_moves_one_after_another_take_the_next_free_slots(desk: Desk) -> None:
    ids = [desk.prospects.add({"name": name}).id or 0 for name in ("Ada", "Ben", "Cleo")]
    now = utcnow()
    for prospect_id in ids:
        desk.prospects.move(prospect_id, Stage.FIRST_CALL)  # "Hold the showcase call", 2 days
    morning = working_morning(now, 2)
    dues = [desk.prospects.get(i).next_action_due for i in ids]
    assert dues == [morning, morning + timedelta(minutes=15), morning + timedelta(minutes=30)]


def _draft(desk: Desk, prospect_id: int) -> Draft:
    start = desk.outreach.compose(prospect_id)
    chosen = next(t for t in start.templates if t.name == "Trial welcome and guide")
    rendered = desk.outreach.render(chosen.text, prospect_id)
    return Draft(
        prospect_id, start.name, start.address, rendered.subject, rendered.body, chosen.name
    )


def _in_trial(desk: Desk) -> int:
    prospect = desk.prospects.add({"name": "Zoë Müller", "email": "zoe@acme.example"})
    prospect_id = prospect.id or 0
    for stage in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL):
        desk.prospects.move(prospect_id, stage)
    return prospect_id


def test_writing_an_email_right_after_scheduling_a_call_keeps_the_call(desk: Desk) -> None:
    """Today's bug: the template's proposal replaced the call just scheduled."""
    prospect_id = _in_trial(desk)
    call_at = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    desk.outreach.log_call(
        prospect_id, outcome="reached", next_call_at=call_at, next_call_note="pricing"
    )
    start = desk.outreach.compose(prospect_id)
    assert start.proposal is not None and start.kept is not None  # offered, not applied
    assert start.kept.action == "Call Zoë Müller: pricing"
    record = desk.outreach.record_sent(_draft(desk, prospect_id))
    kept = desk.prospects.get(prospect_id)
    assert (kept.next_action, kept.next_action_due) == ("Call Zoë Müller: pricing", call_at)
    assert record.next_action is None
    assert record.offered is not None and record.offered.text.startswith("Final check-in")
    # Asked for explicitly, the proposal does replace it.
    replaced = desk.outreach.record_sent(_draft(desk, prospect_id), replace_chosen=True)
    assert replaced.next_action is not None
    assert desk.prospects.get(prospect_id).next_action == replaced.next_action.text


def test_a_move_right_after_setting_a_next_action_keeps_it_and_offers_the_proposal(
    desk: Desk,
) -> None:
    prospect_id = desk.prospects.add({"name": "Kenji Watanabe"}).id or 0
    due = (utcnow() + timedelta(days=4)).replace(microsecond=0)
    desk.prospects.set_next_action(prospect_id, "Send the Japanese deck", due)
    result = desk.prospects.move(prospect_id, Stage.FIRST_CALL)
    prospect = desk.prospects.get(prospect_id)
    assert (prospect.next_action, prospect.next_action_due) == ("Send the Japanese deck", due)
    assert result.offered is not None and result.offered.text == "Hold the showcase call"
    # Undo puts back the action and the time it was chosen.
    desk.prospects.revert_move(result)
    restored = desk.prospects.get(prospect_id)
    assert restored.next_action_chosen_at is not None
    # Marking lost still clears it: a lost prospect has no next action, by rule.
    desk.prospects.move(prospect_id, Stage.LOST, "No budget")
    assert desk.prospects.get(prospect_id).next_action is None


def test_an_older_choice_gives_way_to_the_proposal_as_before(desk: Desk) -> None:
    prospect_id = desk.prospects.add({"name": "Chloe Bennett"}).id or 0
    desk.prospects.set_next_action(prospect_id, "Call back", utcnow() + timedelta(days=1))
    with desk.writing() as session:
        prospect = store.get_prospect(session, prospect_id)
        prospect.next_action_chosen_at = utcnow() - RECENT_CHOICE - timedelta(seconds=1)
        session.add(prospect)
    result = desk.prospects.move(prospect_id, Stage.FIRST_CALL)
    assert result.offered is None
    assert desk.prospects.get(prospect_id).next_action == "Hold the showcase call"


def test_a_proposal_applied_is_no_choice_and_a_done_action_is(desk: Desk) -> None:
    from onboard_desk.services.prospects import Done

    prospect_id = desk.prospects.add({"name": "Marco Rossi"}).id or 0
    assert desk.prospects.get(prospect_id).next_action_chosen_at is None  # proposed
    desk.prospects.mark_done(
        prospect_id,
        Done("Follow up", "email", next_action="Send the offer", next_due=utcnow() + timedelta(1)),
    )
    assert desk.prospects.get(prospect_id).next_action_chosen_at is not None
    result = desk.prospects.move(prospect_id, Stage.FIRST_CALL)
    assert result.offered is not None
    assert desk.prospects.get(prospect_id).next_action == "Send the offer"
