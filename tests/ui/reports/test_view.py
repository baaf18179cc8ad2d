"""The Reports screen driven with pytest-qt: filters, same numbers on screen, exports."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCharts import QAbstractSeries, QHorizontalBarSeries, QLineSeries

from onboard_desk.reports import Report, ReportSources, build_report
from onboard_desk.services.desk import Desk
from onboard_desk.storage.db import open_database
from onboard_desk.ui.common.context import AppContext, InlinePool
from onboard_desk.ui.reports.model import RAW_ROLE
from onboard_desk.ui.reports.view import PERIODS, ReportsView


@pytest.fixture
def view(qtbot, fixture_db: Path) -> Iterator[ReportsView]:
    engine = open_database(fixture_db)
    context = AppContext(Desk(engine, fixture_db), thread_pool=InlinePool())
    widget = ReportsView(context)
    qtbot.addWidget(widget)
    yield widget
    context.thread_pool.waitForDone(5000)
    engine.dispose()


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


def test_shows_the_same_numbers_as_the_report(qtbot, view: ReportsView, fixture_db: Path) -> None:
    report = _compute(qtbot, view, view.show)
    expected = build_report(ReportSources.of([fixture_db]), now=report.generated_at)
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
    qtbot.waitUntil(lambda: not view._busy, timeout=10000)
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
    from onboard_desk.reports.tables import report_tables
    from onboard_desk.ui.reports.view import CUSTOMER_TABLES

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
