"""QtCharts views of a report: the funnel, stage durations and the weekly trend.

Each function fills a :class:`QChart` from a :class:`~onboard_desk.services.reports.Report`
(no recomputation), so the charts show the same numbers as the tables and exports.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QMargins, Qt, QTime, QTimeZone
from PySide6.QtGui import QColor, QPainter

from onboard_desk.services.reports import Report

BLUE = QColor("#4472C4")
ORANGE = QColor("#ED7D31")
GREEN = QColor("#70AD47")


def _new_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _category_bars(
    chart: QChart, labels: list[str], sets: list[tuple[str, list[float], QColor]], fmt: str
) -> None:
    series = QHorizontalBarSeries()
    top = 0.0
    for name, values, color in sets:
        bar_set = QBarSet(name)
        bar_set.setColor(color)
        bar_set.setLabelColor(QColor("#222222"))
        for value in reversed(values):  # first stage at the top
            bar_set.append(value)
            top = max(top, value)
        series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsFormat(fmt)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(list(reversed(labels)))
    values_axis = QValueAxis()
    values_axis.setRange(0, max(top * 1.15, 5))  # an empty report still gets a readable axis
    values_axis.applyNiceNumbers()
    values_axis.setLabelFormat("%.0f")
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    series.attachAxis(values_axis)
    chart.legend().setVisible(len(sets) > 1)


def funnel_chart(report: Report) -> QChart:
    chart = _new_chart("Funnel: prospects reaching each stage")
    _category_bars(
        chart,
        [r.label for r in report.funnel],
        [("Reached", [float(r.reached) for r in report.funnel], BLUE)],
        "@value",
    )
    return chart


def durations_chart(report: Report) -> QChart:
    chart = _new_chart("Stage durations (days)")
    _category_bars(
        chart,
        [r.label for r in report.durations],
        [
            # Horizontal bar sets stack bottom-up within a stage: the median goes on top.
            ("75th percentile", [round(r.p75_days or 0.0, 1) for r in report.durations], ORANGE),
            ("Median", [round(r.median_days or 0.0, 1) for r in report.durations], BLUE),
        ],
        "@value",
    )
    for series in chart.series():
        if isinstance(series, QHorizontalBarSeries):
            series.setLabelsPrecision(6)
    return chart


def trend_chart(report: Report) -> QChart:
    chart = _new_chart("Trend per week")
    weeks = [r.week_start for r in report.trend]
    top = 0.0
    lines: list[QLineSeries] = []
    for name, values, color in (
        ("New prospects", [r.new_prospects for r in report.trend], BLUE),
        ("Moves", [r.moves for r in report.trend], ORANGE),
        ("Wins", [r.wins for r in report.trend], GREEN),
    ):
        series = QLineSeries()
        series.setName(name)
        series.setColor(color)
        for week, value in zip(weeks, values, strict=True):
            series.append(_msecs(week), value)
            top = max(top, value)
        chart.addSeries(series)
        lines.append(series)
    x_axis = QDateTimeAxis()
    x_axis.setFormat("d MMM yy")
    x_axis.setTickCount(min(max(len(weeks), 2), 9))
    x_axis.setTitleText("Week starting (Monday)")
    if weeks:
        x_axis.setRange(_datetime(weeks[0]), _datetime(weeks[-1]))
    y_axis = QValueAxis()
    y_axis.setRange(0, max(top * 1.05, 5))
    y_axis.applyNiceNumbers()
    y_axis.setLabelFormat("%.0f")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for series in lines:
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
    return chart


RENDER_HINT = QPainter.RenderHint.Antialiasing


def _datetime(day: date) -> QDateTime:
    return QDateTime(QDate(day.year, day.month, day.day), QTime(0, 0), QTimeZone.utc())


def _msecs(day: date) -> float:
    return float(_datetime(day).toMSecsSinceEpoch())
