"""The Reports screen's tabs: one per section of the report, a chart above a table where
the section has one, and the Customers tab's tables one above the other.

Each tab shows a :class:`~onboard_desk.services.reports.Table` of the finished report
through a :class:`~onboard_desk.ui.reports.model.ReportTableModel`, and the charts of
:mod:`onboard_desk.ui.reports.charts`: the figures the exports hold, laid out for the
screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from onboard_desk.services.reports import Report, Table
from onboard_desk.ui.reports import charts as report_charts
from onboard_desk.ui.reports.model import ReportTableModel

ChartBuilder = Callable[[Report], QChart]

#: Sections shown as tabs, in order: (table key, title, chart builder or None).
TABS: tuple[tuple[str, str, ChartBuilder | None], ...] = (
    ("funnel", "Funnel", report_charts.funnel_chart),
    ("dropoffs", "Drop-offs", None),
    ("durations", "Stage durations", report_charts.durations_chart),
    ("channels", "Channels", None),
    ("owners", "Owners", None),
    ("forecast", "Forecast", None),
    ("attention", "Attention", None),
    ("trend", "Trend", report_charts.trend_chart),
)

#: The Customers tab: its tables, each under its own heading, one above the other.
CUSTOMER_TABLES: tuple[str, ...] = ("customers", "engagement", "purchases_due", "referral_chains")


def tab_title(title: str) -> str:
    """A tab's title from :data:`TABS`, translated (context "ReportsView", where the
    screen's other words are)."""
    return QCoreApplication.translate("ReportsView", title)


def _table_view(parent: QWidget, model: ReportTableModel) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def _show(model: ReportTableModel, view: QTableView, table: Table) -> None:
    model.set_table(table)
    # A trailing text column (lost reasons) takes the spare width; numbers stay narrow.
    last_is_text = bool(table.columns) and table.columns[-1].kind == "text"
    view.horizontalHeader().setStretchLastSection(last_is_text)


class SectionView(QWidget):
    """One tab: an optional chart above a table."""

    def __init__(self, with_chart: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ReportTableModel(parent=self)
        self.table_view = _table_view(self, self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.chart_view: QChartView | None = None
        if with_chart:
            splitter = QSplitter(Qt.Orientation.Vertical, self)
            self.chart_view = QChartView(splitter)
            self.chart_view.setRenderHint(report_charts.RENDER_HINT)
            self.chart_view.setMinimumHeight(260)
            splitter.addWidget(self.chart_view)
            splitter.addWidget(self.table_view)
            splitter.setStretchFactor(0, 3)
            splitter.setStretchFactor(1, 2)
            splitter.setSizes([480, 320])
            layout.addWidget(splitter)
        else:
            layout.addWidget(self.table_view)

    def show_table(self, table: Table, chart: QChart | None) -> None:
        _show(self.model, self.table_view, table)
        if self.chart_view is not None and chart is not None:
            old = self.chart_view.chart()
            self.chart_view.setChart(chart)
            if old is not None:
                old.deleteLater()


class StackedSectionView(QWidget):
    """One tab holding several small tables (the Customers tab), each with its title,
    in a vertical splitter so the user can give room to the one they read."""

    def __init__(self, keys: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.titles: dict[str, QLabel] = {}
        self.models: dict[str, ReportTableModel] = {}
        self.views: dict[str, QTableView] = {}
        for key in keys:
            part = QWidget(splitter)
            box = QVBoxLayout(part)
            box.setContentsMargins(0, 4, 0, 0)
            title = QLabel(part)
            title.setStyleSheet("font-weight: bold;")
            model = ReportTableModel(parent=self)
            view = _table_view(part, model)
            box.addWidget(title)
            box.addWidget(view, 1)
            splitter.addWidget(part)
            self.titles[key], self.models[key], self.views[key] = title, model, view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def show_tables(self, tables: Mapping[str, Table]) -> None:
        for key, model in self.models.items():
            table = tables[key]
            self.titles[key].setText(table.title)
            _show(model, self.views[key], table)
