"""Every figure of the report against numbers worked out by hand from tests/reports/fixture.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from onboard_desk.reports import (
    ReportError,
    ReportFilter,
    ReportSources,
    build_report,
)
from onboard_desk.reports.definitions import percentile
from onboard_desk.reports.model import Report
from tests.reports.fixture import NOW


@pytest.fixture
def report(sources: ReportSources) -> Report:
    return build_report(sources, now=NOW)


def test_totals(report: Report) -> None:
    assert report.total_prospects == 12
    assert report.won == 2
    assert report.overall_conversion == pytest.approx(2 / 12)
    assert report.value_won == 1500.0


def test_funnel_reached_converted_in_stage_dropped(report: Report) -> None:
    rows = {r.stage: r for r in report.funnel}
    assert [r.stage for r in report.funnel] == [
        "outreach", "first_call", "follow_up", "trial", "final_check_in", "payment", "won",
    ]  # fmt: skip
    assert [r.reached for r in report.funnel] == [12, 9, 6, 5, 3, 3, 2]
    assert [r.converted for r in report.funnel] == [9, 6, 5, 3, 3, 2, None]
    expected = [9 / 12, 6 / 9, 5 / 6, 3 / 5, 1.0, 2 / 3]
    assert [r.conversion for r in report.funnel[:6]] == pytest.approx(expected)
    assert rows["won"].conversion is None
    assert [r.in_stage for r in report.funnel] == [2, 1, 1, 0, 0, 1, 0]
    assert [r.dropped for r in report.funnel] == [1, 3, 0, 1, 0, 0, 0]
    # reached - converted = still open with this furthest stage + dropped off here
    assert rows["outreach"].reached - (rows["outreach"].converted or 0) == 2 + 1


def test_lost_reasons_per_stage_use_the_latest_loss(report: Report) -> None:
    rows = {r.stage: r for r in report.funnel}
    first_call = {x.reason: x.prospects for x in rows["first_call"].lost_reasons}
    # P10 was lost for "No budget", reopened, then lost for "No response": counted once.
    assert first_call == {"No budget": 1, "No response": 1, "Bad timing": 1}
    assert {x.reason: x.prospects for x in rows["outreach"].lost_reasons} == {"No response": 1}
    assert {x.reason: x.prospects for x in rows["trial"].lost_reasons} == {"Trial not used": 1}
    # P3 was lost from Trial, reopened and won: no drop-off.
    assert "Chose a competitor" not in {x.reason for r in report.funnel for x in r.lost_reasons}


def test_stage_durations(report: Report) -> None:
    rows = {r.key: (r.prospects, r.median_days, r.p75_days) for r in report.durations}
    expected = {
        "outreach": (10, 2.0, 3.5),
        "first_call": (9, 4.0, 6.0),
        "follow_up": (4, 1.0, 1.75),
        "trial": (5, 10.0, 10.0),  # P3's two trial stays add up to 15 days
        "final_check_in": (3, 2.0, 2.0),
        "payment": (2, 3.5, 4.25),
        "to_payment": (3, 18.0, 26.0),
        "to_won": (2, 29.5, 34.25),
    }
    for key, (count, median, p75) in expected.items():
        assert rows[key][0] == count, key
        assert rows[key][1] == pytest.approx(median, abs=1e-6), key
        assert rows[key][2] == pytest.approx(p75, abs=1e-6), key


def test_channels(report: Report) -> None:
    rows = {r.channel: (r.prospects, r.won, r.conversion, r.value_won) for r in report.channels}
    assert rows == {
        "cold_email": (3, 1, pytest.approx(1 / 3), 1000.0),
        "referral": (3, 1, pytest.approx(1 / 3), 500.0),
        "website": (4, 0, 0.0, 0.0),
        "cold_call": (2, 0, 0.0, 0.0),
    }


def test_owners(report: Report) -> None:
    rows = {r.owner: r for r in report.owners}
    ann, bob = rows["Ann"], rows["Bob"]
    assert (ann.prospects, ann.won, ann.lost, ann.win_rate) == (6, 2, 2, 0.5)
    assert (bob.prospects, bob.won, bob.lost, bob.win_rate) == (6, 0, 3, 0.0)
    assert (ann.activities, ann.prospects_worked, ann.moves) == (4, 2, 25)
    assert (bob.activities, bob.prospects_worked, bob.moves) == (3, 2, 12)


def test_forecast(report: Report) -> None:
    rows = [
        (r.month, r.stage, r.prospects, r.open_value, r.weighted_value) for r in report.forecast
    ]
    assert rows == [
        ("2026-03", "outreach", 2, 3700.0, 185.0),
        ("2026-03", "first_call", 1, 4000.0, 400.0),
        ("2026-03", "follow_up", 1, 1500.0, 300.0),
        ("2026-04", "payment", 1, 2500.0, 2000.0),
    ]
    assert report.open_value == 11700.0
    assert report.weighted_value == 2885.0


def test_attention(report: Report) -> None:
    rows = {
        r.owner: (r.overdue, r.stale, r.no_next_action, r.needs_attention) for r in report.attention
    }
    assert rows == {"Ann": (0, 2, 1, 2), "Bob": (3, 2, 0, 3)}


def test_trend(report: Report) -> None:
    weeks = {r.week_start: r for r in report.trend}
    assert report.trend[0].week_start == date(2025, 12, 22)
    assert report.trend[-1].week_start == date(2026, 3, 2)
    assert len(report.trend) == 11
    assert {w: r.new_prospects for w, r in weeks.items() if r.new_prospects} == {
        date(2025, 12, 22): 1,
        date(2026, 1, 5): 10,
        date(2026, 2, 9): 1,
    }
    assert sum(r.moves for r in report.trend) == 37
    assert {w: r.wins for w, r in weeks.items() if r.wins} == {
        date(2026, 1, 19): 1,
        date(2026, 2, 9): 1,
    }
    assert weeks[date(2025, 12, 29)].moves == 1


def test_period_and_owner_filter(sources: ReportSources) -> None:
    flt = ReportFilter(date_from=date(2026, 1, 5), date_to=date(2026, 1, 31), owner="Bob")
    report = build_report(sources, flt, now=NOW)
    assert report.total_prospects == 5
    assert [r.reached for r in report.funnel] == [5, 3, 3, 2, 0, 0, 0]
    assert [r.owner for r in report.owners] == ["Bob"]
    bob = report.owners[0]
    assert (bob.moves, bob.activities, bob.prospects_worked) == (10, 2, 1)
    assert [r.week_start for r in report.trend] == [
        date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26),
    ]  # fmt: skip
    assert {r.owner for r in report.attention} == {"Bob"}


def test_empty_period_has_zeros_not_errors(sources: ReportSources) -> None:
    flt = ReportFilter(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31))
    report = build_report(sources, flt, now=NOW)
    assert report.total_prospects == 0
    assert report.overall_conversion is None
    assert all(r.reached == 0 for r in report.funnel)
    assert all(r.median_days is None for r in report.durations)


def test_bad_period_is_refused() -> None:
    with pytest.raises(ReportError, match="starts"):
        ReportFilter(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))


def test_percentile_matches_excel_percentile_inc() -> None:
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([1, 2, 3, 4], 0.75) == 3.25
    assert percentile([7], 0.75) == 7
    assert percentile([], 0.5) is None


def test_team_report_over_two_databases_equals_one(
    split_dbs: list[Path], sources: ReportSources
) -> None:
    team = build_report(ReportSources.of(split_dbs), now=NOW)
    single = build_report(sources, now=NOW)
    for field in ("total_prospects", "won", "value_won", "open_value", "weighted_value"):
        assert getattr(team, field) == getattr(single, field), field
    assert team.funnel == single.funnel
    assert team.channels == single.channels
    assert team.owners == single.owners
    assert team.forecast == single.forecast
    assert team.attention == single.attention
    assert team.trend == single.trend
    assert [(d.key, d.prospects) for d in team.durations] == [
        (d.key, d.prospects) for d in single.durations
    ]
    for a, b in zip(team.durations, single.durations, strict=True):
        assert a.median_days == pytest.approx(b.median_days)
        assert a.p75_days == pytest.approx(b.p75_days)
    assert team.sources == ("ann.sqlite3", "bob.sqlite3")


def test_team_report_reads_without_writing(split_dbs: list[Path]) -> None:
    before = [p.read_bytes() for p in split_dbs]
    build_report(ReportSources.of(split_dbs), now=NOW)
    assert [p.read_bytes() for p in split_dbs] == before


def test_missing_or_foreign_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no database"):
        ReportSources.of([tmp_path / "missing.sqlite3"])
    from onboard_desk.storage.dialects.sqlite import driver as sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.commit()
    with pytest.raises(Exception, match="another program"):
        ReportSources.of([other])
