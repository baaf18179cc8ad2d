"""The Reports screen driven with pytest-qt: filters, same numbers on screen, exports.

The screen runs on the shared inline ``context`` (its work is done when the call that
started it returns); the tests about the GUI thread run on the real pool.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import QAbstractSeries, QHorizontalBarSeries, QLineSeries
from sqlalchemy.engine import Engine

from onboard_desk.services.reports import Report, ReportBasis, snapshot_basis
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.reports.model import RAW_ROLE
from onboard_desk.ui.reports.state import PERIODS
from onboard_desk.ui.reports.view import ReportsView
from tests.reports import fixture


@pytest.fixture
def report_db(engine: Engine, db_path: Path) -> Path:
    """The reports' hand-computed pipeline, in the database the context has open."""
    fixture.fill({"*": engine})
    return db_path


@pytest.fixture
def view(qtbot, context: AppContext, report_db: Path) -> ReportsView:
    widget = ReportsView(context)
    qtbot.addWidget(widget)
    return widget


def _compute(qtbot, view: ReportsView, action) -> Report:
    with qtbot.waitSignal(view.sig_report_ready, timeout=10000) as blocker:
        action()
    report = blocker.args[0]
    assert isinstance(report, Report)
    return report


def _column(view: ReportsView, key: str, column: int) -> list[object]:
    model = view.sections[key].model
    return [model.index(r, column).data(RAW_ROLE) for r in range(model.rowCount())]


def _series(view: ReportsView, key: str) -> list[QAbstractSeries]:
    chart_view = view.sections[key].chart_view
    assert chart_view is not None, f"the {key} section has no chart"
    return chart_view.chart().series()


def test_shows_the_same_numbers_as_the_report(qtbot, view: ReportsView, report_db: Path) -> None:
    report = _compute(qtbot, view, view.show)
    expected = snapshot_basis([report_db]).build(now=report.generated_at)
    assert report.total_prospects == expected.total_prospects == 12
    assert _column(view, "funnel", 1) == [r.reached for r in expected.funnel]
    assert _column(view, "funnel", 2) == [r.converted for r in expected.funnel]
    assert _column(view, "owners", 7) == [r.moves for r in expected.owners]
    model = view.sections["funnel"].model
    assert model.index(0, 3).data() == "75.0 %"
    assert "12" in view.summary_label.text()
    # Charts carry the same figures (bars are listed bottom-up: Won first).
    funnel_series = _series(view, "funnel")[0]
    assert isinstance(funnel_series, QHorizontalBarSeries)
    bar_set = funnel_series.barSets()[0]
    assert [bar_set.at(i) for i in range(bar_set.count())][::-1] == [
        float(r.reached) for r in expected.funnel
    ]
    durations = _series(view, "durations")[0]
    assert isinstance(durations, QHorizontalBarSeries)
    medians = durations.barSets()[1]
    assert medians.label() == "Median"
    assert medians.at(medians.count() - 1) == pytest.approx(
        expected.durations[0].median_days, abs=0.05
    )
    trend = _series(view, "trend")
    assert [s.name() for s in trend] == ["New prospects", "Moves", "Wins"]
    assert all(isinstance(s, QLineSeries) for s in trend)
    assert isinstance(trend[1], QLineSeries)
    assert sum(p.y() for p in trend[1].points()) == sum(r.moves for r in expected.trend)
    assert all(button.isEnabled() for button in view.export_buttons.values())


def test_owner_and_custom_period_filters(qtbot, view: ReportsView) -> None:
    _compute(qtbot, view, view.show)
    assert view.owner_combo.findData("Bob") > 0
    from datetime import date

    report = _compute(qtbot, view, lambda: view.set_period(date(2026, 1, 5), date(2026, 1, 31)))
    assert report.date_from == date(2026, 1, 5)
    assert view.from_edit.isEnabled()
    report = _compute(qtbot, view, lambda: view.set_owner("Bob"))
    assert report.owner == "Bob"
    assert report.total_prospects == 5
    assert _column(view, "funnel", 1)[:4] == [5, 3, 3, 2]


def test_backwards_custom_range_is_reported_not_computed(qtbot, view: ReportsView) -> None:
    _compute(qtbot, view, view.show)
    from PySide6.QtCore import QDate

    view.period_combo.setCurrentIndex(len(PERIODS) - 1)
    assert not view.state.busy
    with qtbot.waitSignal(view.sig_failed, timeout=5000):
        view.from_edit.setDate(QDate(2026, 3, 1))
        view.to_edit.setDate(QDate(2026, 1, 1))
    assert "starts" in view.status_label.text()


def test_team_folder(qtbot, view: ReportsView, split_dbs: list[Path], tmp_path: Path) -> None:
    _compute(qtbot, view, view.show)
    folder = tmp_path / "team"
    folder.mkdir()
    for path in split_dbs:
        shutil.copy(path, folder / path.name)
    report = _compute(qtbot, view, lambda: view.set_team_folder(folder))
    assert report.sources == ("ann.sqlite3", "bob.sqlite3")
    assert report.total_prospects == 12
    assert view.clear_folder_button.isEnabled()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "html", "pdf"])
def test_export_buttons_write_the_report_on_screen(
    qtbot, view: ReportsView, tmp_path: Path, monkeypatch, fmt: str
) -> None:
    report = _compute(qtbot, view, view.show)
    target = tmp_path / f"out.{fmt}"
    monkeypatch.setattr(view, "ask_save_path", lambda _fmt: target)
    with qtbot.waitSignal(view.sig_exported, timeout=20000) as blocker:
        view.export_buttons[fmt].click()
    assert target in blocker.args[0]
    assert target.stat().st_size > 200
    if fmt == "json":
        data = json.loads(target.read_text())
        assert data["total_prospects"] == report.total_prospects
        assert [f["reached"] for f in data["funnel"]] == _column(view, "funnel", 1)


def test_the_customers_tab_shows_the_reports_customer_tables(qtbot, view: ReportsView) -> None:
    from onboard_desk.services.reports import report_tables
    from onboard_desk.ui.reports.sections import CUSTOMER_TABLES

    report = _compute(qtbot, view, view.show)
    tables = {t.key: t for t in report_tables(report)}
    tab_titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert tab_titles[-1] == "Customers"
    section = view.customers_section
    for key in CUSTOMER_TABLES:
        model = section.models[key]
        assert section.titles[key].text() == tables[key].title
        assert model.rowCount() == len(tables[key].rows)
        assert model.columnCount() == len(tables[key].columns)
        shown = [
            [model.index(r, c).data(RAW_ROLE) for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]
        assert shown == [list(row) for row in tables[key].rows]
    assert section.models["customers"].rowCount() > 0


def test_an_export_writes_the_report_on_screen_after_a_failed_refresh(
    qtbot, view: ReportsView, tmp_path: Path, monkeypatch
) -> None:
    """A team folder that cannot be read leaves this database's report on screen, and the
    export writes that report with its own prospect list (not the folder's)."""
    report = _compute(qtbot, view, view.show)
    empty = tmp_path / "empty"
    empty.mkdir()
    with qtbot.waitSignal(view.sig_failed) as failed:
        view.set_team_folder(empty)
    assert "no database snapshots" in failed.args[0]
    assert view.report is report
    assert all(button.isEnabled() for button in view.export_buttons.values())
    target = tmp_path / "kept"
    monkeypatch.setattr(view, "ask_save_path", lambda _fmt: target)
    with qtbot.waitSignal(view.sig_exported) as exported:
        view.export_buttons["csv"].click()
    paths = exported.args[0]
    assert paths[0] == tmp_path / "kept.csv"  # the prospect list; the sections beside it
    assert len(paths[0].read_text().splitlines()) == 1 + 12
    assert view.status_label.text().startswith("Saved")


def test_json_export_adds_the_extension(qtbot, view: ReportsView, tmp_path: Path, monkeypatch):
    report = _compute(qtbot, view, view.show)
    monkeypatch.setattr(view, "ask_save_path", lambda _fmt: tmp_path / "figures")
    with qtbot.waitSignal(view.sig_exported) as exported:
        view.export("json")
    assert exported.args[0] == [tmp_path / "figures.json"]
    assert json.loads((tmp_path / "figures.json").read_text())["sources"] == list(report.sources)


def _recording_build(monkeypatch, gate: threading.Event | None = None) -> list[Any]:
    """Record the thread each report is computed on (holding it until ``gate`` is set)."""
    threads: list[Any] = []
    build = ReportBasis.build

    def recorded(self: ReportBasis, *args: Any, **kwargs: Any) -> Report:
        threads.append(threading.current_thread())
        if gate is not None:
            assert gate.wait(10)
        return build(self, *args, **kwargs)

    monkeypatch.setattr(ReportBasis, "build", recorded)
    return threads


def test_the_report_is_computed_off_the_gui_thread(
    qtbot, threaded_context: AppContext, report_db: Path, monkeypatch
) -> None:
    threads = _recording_build(monkeypatch)
    screen = ReportsView(threaded_context)
    qtbot.addWidget(screen)
    report = _compute(qtbot, screen, screen.show)
    assert report.total_prospects == 12
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert screen.refresh_button.isEnabled()


def test_a_filter_changed_while_computing_is_computed_next(
    qtbot, threaded_context: AppContext, report_db: Path, monkeypatch
) -> None:
    """The report being computed when the owner changes is stale: it is not shown, and the
    report for the new owner follows."""
    gate = threading.Event()
    threads = _recording_build(monkeypatch, gate)
    screen = ReportsView(threaded_context)
    qtbot.addWidget(screen)
    shown: list[Report] = []
    screen.sig_report_ready.connect(shown.append)
    screen.show()
    qtbot.waitUntil(lambda: len(threads) == 1)
    assert screen.state.busy
    assert not screen.refresh_button.isEnabled()
    screen.set_owner("Bob")
    gate.set()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert [r.owner for r in shown] == ["Bob"]
    assert shown[0].total_prospects == 6  # all time: P11 too
    assert len(threads) == 2
    assert not screen.state.busy
