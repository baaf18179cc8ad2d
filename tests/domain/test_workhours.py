"""Working hours: where a proposed next action lands, how a busy day is spread, and how
the hours are read, written and stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onboard_desk.domain.workhours import (
    WorkingHours,
    WorkingHoursError,
    describe_days,
    format_days,
    parse_days,
    parse_hours,
    parse_time,
)
from onboard_desk.pipeline import (
    PipelineConfig,
    Stage,
    enter_stage,
    proposal_may_replace,
    propose_next_action,
)

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
HOURS = WorkingHours()  # Monday to Friday, 9:00 to 17:00, 15 minutes apart


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_an_evening_proposal_lands_on_a_working_morning_not_at_the_same_hour() -> None:
    # Tuesday 8 December 2026, 21:00 in Berlin: "follow up in three days" is Friday 9:00.
    due = HOURS.due_after(berlin(2026, 12, 8, 21, 0), 3, zone=BERLIN)
    assert due == berlin(2026, 12, 11, 9, 0)
    assert due.tzinfo is UTC or due.utcoffset() == timedelta(0)


def test_a_day_off_moves_the_proposal_to_the_next_working_day() -> None:
    # Thursday evening + 2 days is Saturday: Monday morning instead.
    assert HOURS.due_after(berlin(2026, 12, 10, 19, 30), 2, zone=BERLIN) == berlin(
        2026, 12, 14, 9, 0
    )
    # A team working Sunday to Thursday: Friday + 1 is Saturday, so Sunday.
    gulf = WorkingHours(time(8), time(16), parse_days("sun-thu"))
    assert gulf.due_after(berlin(2026, 12, 11, 10, 0), 1, zone=BERLIN) == berlin(2026, 12, 13, 8, 0)


def test_today_is_used_while_a_slot_is_left_and_never_before_the_moment() -> None:
    # Days 0 at 10:10 on a Monday: the next slot, 10:15, the same day.
    assert HOURS.due_after(berlin(2026, 12, 7, 10, 10), 0, zone=BERLIN) == berlin(
        2026, 12, 7, 10, 15
    )
    # Days 0 before work starts: that morning.
    assert HOURS.due_after(berlin(2026, 12, 7, 6, 45), 0, zone=BERLIN) == berlin(2026, 12, 7, 9, 0)
    # Days 0 after work on a Friday: Monday morning.
    assert HOURS.due_after(berlin(2026, 12, 11, 17, 5), 0, zone=BERLIN) == berlin(
        2026, 12, 14, 9, 0
    )


def test_eighteen_proposals_for_one_day_are_spread_over_it_not_stacked() -> None:
    evening = berlin(2026, 12, 8, 21, 0)
    dues = [HOURS.due_after(evening, 3, slot=slot, zone=BERLIN) for slot in range(18)]
    assert len(set(dues)) == 18
    local = [due.astimezone(BERLIN) for due in dues]
    assert {moment.date() for moment in local} == {date(2026, 12, 11)}
    assert local[0].time() == time(9, 0) and local[1].time() == time(9, 15)
    assert local[-1].time() == time(13, 15)  # the 18th: 9:00 + 17 x 15 minutes
    assert all(time(9) <= moment.time() < time(17) for moment in local)


def test_a_full_day_starts_again_from_the_morning() -> None:
    per_day = HOURS.slots_per_day
    assert per_day == 32
    morning = HOURS.due_after(berlin(2026, 12, 8, 21, 0), 1, zone=BERLIN)
    assert HOURS.due_after(berlin(2026, 12, 8, 21, 0), 1, slot=per_day, zone=BERLIN) == morning


def test_the_hours_are_wall_clock_hours_across_a_daylight_saving_change() -> None:
    # Friday 27 March 2026 (UTC+1) + 3 days is Monday 30 March (UTC+2): still 9:00 local.
    due = HOURS.due_after(berlin(2026, 3, 27, 16, 0), 3, zone=BERLIN)
    assert due.astimezone(BERLIN).time() == time(9, 0)
    assert due == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_the_local_day_decides_not_the_utc_day() -> None:
    # 23:30 UTC on Tuesday is already Wednesday 8:30 in Tokyo: the next day is Thursday.
    moment = datetime(2026, 12, 8, 23, 30, tzinfo=UTC)
    assert HOURS.due_after(moment, 1, zone=TOKYO) == datetime(2026, 12, 10, 9, 0, tzinfo=TOKYO)


def test_the_pipeline_proposes_in_working_hours_and_spreads_by_slot() -> None:
    config = PipelineConfig(
        working_hours=WorkingHours(time(8, 30), time(12), parse_days("mon-fri"))
    )
    friday_night = berlin(2026, 12, 11, 22, 15)
    first = propose_next_action(Stage.OUTREACH, friday_night, config, zone=BERLIN)
    third = propose_next_action(Stage.OUTREACH, friday_night, config, slot=2, zone=BERLIN)
    assert first is not None and third is not None
    assert first.due == berlin(2026, 12, 14, 8, 30)  # Friday + 3 = Monday
    assert third.due == berlin(2026, 12, 14, 9, 0)  # 8:30 + 2 x 15 minutes
    entry = enter_stage(Stage.TRIAL, friday_night, config, zone=BERLIN)
    assert entry.next_action is not None
    assert entry.next_action.due == berlin(2026, 12, 14, 8, 30)  # Friday + 3 days
    assert entry.trial_ends_at == friday_night + timedelta(days=14)  # a trial's end is exact


def test_a_proposal_may_not_replace_a_next_action_chosen_minutes_ago() -> None:
    now = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert proposal_may_replace(None, now)
    assert not proposal_may_replace(now - timedelta(minutes=2), now)
    assert not proposal_may_replace(now - timedelta(minutes=9, seconds=59), now)
    assert proposal_may_replace(now - timedelta(minutes=10), now)
    assert proposal_may_replace(now - timedelta(days=3), now)


def test_reading_what_people_type() -> None:
    assert parse_hours("09:00-17:00") == (time(9), time(17))
    assert parse_hours("8:30 – 16") == (time(8, 30), time(16))
    assert parse_hours("7 to 15:45") == (time(7), time(15, 45))
    assert parse_time("24:00") == time(23, 59)
    assert parse_days("mon-fri") == frozenset(range(5))
    assert parse_days("Monday, Wednesday,FRI") == frozenset({0, 2, 4})
    assert parse_days("sun-thu") == frozenset({6, 0, 1, 2, 3})
    assert format_days(frozenset({6, 0, 1, 2, 3})) == "sun-thu"
    assert describe_days(frozenset(range(5))) == "Mon–Fri"
    assert describe_days(frozenset({0, 2, 4})) == "Mon, Wed, Fri"
    assert describe_days(frozenset(range(7))) == "Every day"
    assert HOURS.describe() == "Mon–Fri 09:00–17:00"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_hours("nine to five"), "Cannot read 'nine' as a time"),
        (lambda: parse_hours("17:00"), "write them as 09:00-17:00"),
        (lambda: parse_time("25:10"), "is not a time of day"),
        (lambda: parse_days("mon-fr1"), "'fr1' is not a day of the week"),
        (lambda: parse_days(" , "), "at least one working day"),
        (lambda: WorkingHours(time(17), time(9)), "must end after it starts"),
        (lambda: WorkingHours(days=frozenset()), "at least one working day"),
        (lambda: WorkingHours(spacing_minutes=1), "5 to 240 minutes apart"),
    ],
)
def test_bad_hours_are_refused_in_one_sentence(call: object, message: str) -> None:
    with pytest.raises(WorkingHoursError, match=message):
        call()  # type: ignore[operator]


def test_stored_hours_round_trip_and_damage_falls_back_to_the_defaults() -> None:
    hours = WorkingHours(time(7, 45), time(15, 15), frozenset({0, 1, 2, 3, 6}), 20)
    assert WorkingHours.from_setting(hours.to_setting()) == hours
    assert WorkingHours.from_setting(None) == HOURS
    assert WorkingHours.from_setting({"start": "late", "end": "17:00"}) == HOURS
    assert WorkingHours.from_setting({"start": "18:00", "end": "08:00"}) == HOURS
    assert WorkingHours.from_setting({"days": ["mon"], "spacing_minutes": "x"}) == WorkingHours(
        days=frozenset({0})
    )


@given(st.frozensets(st.integers(0, 6), min_size=1))
def test_any_set_of_days_is_written_as_it_is_read(days: frozenset[int]) -> None:
    assert parse_days(format_days(days)) == days


@given(
    start=st.times(max_value=time(22, 0)).map(lambda t: t.replace(second=0, microsecond=0)),
    length=st.integers(30, 600),
    days=st.frozensets(st.integers(0, 6), min_size=1),
    spacing=st.integers(5, 240),
    moment=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(BERLIN)
    ),
    ahead=st.integers(0, 30),
    slot=st.integers(0, 500),
)
def test_every_proposal_falls_inside_the_working_hours_and_after_the_moment(
    start: time,
    length: int,
    days: frozenset[int],
    spacing: int,
    moment: datetime,
    ahead: int,
    slot: int,
) -> None:
    end_minutes = min(start.hour * 60 + start.minute + length, 23 * 60 + 59)
    end = time(end_minutes // 60, end_minutes % 60)
    hours = WorkingHours(start, end, days, spacing)
    due = hours.due_after(moment, ahead, slot=slot, zone=BERLIN).astimezone(BERLIN)
    assert due >= moment
    assert due.weekday() in days
    assert due.date() >= moment.date() + timedelta(days=ahead)
    # Inside the day's hours (a clock that skips forward may shift the start by an hour).
    opening, closing = hours.window(due.date(), BERLIN)
    assert opening <= due < closing
