"""The Reports screen: filters, the report's sections as tables and charts, and exports.

The report is computed off the GUI thread through :meth:`AppContext.run_task` (it reads
the open database, or every snapshot of a chosen team folder, read-only); the widgets
only show the finished :class:`~onboard_desk.reports.model.Report`. Exports run off the
GUI thread too and write exactly the report on screen.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.reports import (
    Report,
    ReportFilter,
    ReportSources,
    build_report,
    team_folder_files,
)
from onboard_desk.reports.exporters import FORMATS, export_report
from onboard_desk.reports.prospect_rows import report_prospects
from onboard_desk.reports.settings import settings_from_session
from onboard_desk.reports.tables import Table, report_tables
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import text_style
from onboard_desk.ui.reports import charts as report_charts
from onboard_desk.ui.reports.model import ReportTableModel

#: Period presets: label -> days back from today (None: all time, -1: custom range).
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("All time", None),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("Last 365 days", 365),
    ("Custom range", -1),
)

#: Sections shown as tabs: (table key, chart builder or None).
TABS: tuple[tuple[str, Any], ...] = (
    ("funnel", report_charts.funnel_chart),
    ("dropoffs", None),
    ("durations", report_charts.durations_chart),
    ("channels", None),
    ("owners", None),
    ("forecast", None),
    ("attention", None),
    ("trend", report_charts.trend_chart),
)


#: The Customers tab: its tables, each under its own heading, one above the other.
CUSTOMER_TABLES: tuple[str, ...] = ("customers", "engagement", "purchases_due", "referral_chains")


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class _Section(QWidget):
    """One tab: an optional chart above a table."""

    def __init__(self, with_chart: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ReportTableModel(parent=self)
        self.table_view = QTableView(self)
        self.table_view.setModel(self.model)
        self.table_view.setAlternatingRowColors(True)
        self.table_view.verticalHeader().setVisible(False)
        self.table_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
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
        self.model.set_table(table)
        # A trailing text column (lost reasons) takes the spare width; numbers stay narrow.
        last_is_text = bool(table.columns) and table.columns[-1].kind == "text"
        self.table_view.horizontalHeader().setStretchLastSection(last_is_text)
        if self.chart_view is not None and chart is not None:
            old = self.chart_view.chart()
            self.chart_view.setChart(chart)
            if old is not None:
                old.deleteLater()


class _StackedSection(QWidget):
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
            view = QTableView(part)
            view.setModel(model)
            view.setAlternatingRowColors(True)
            view.verticalHeader().setVisible(False)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            box.addWidget(title)
            box.addWidget(view, 1)
            splitter.addWidget(part)
            self.titles[key], self.models[key], self.views[key] = title, model, view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def show_tables(self, tables: dict[str, Table]) -> None:
        for key, model in self.models.items():
            table = tables[key]
            self.titles[key].setText(table.title)
            model.set_table(table)
            last_is_text = bool(table.columns) and table.columns[-1].kind == "text"
            self.views[key].horizontalHeader().setStretchLastSection(last_is_text)


class ReportsView(QWidget):
    """Pipeline reports for the open database or a team folder of snapshots."""

    #: A report finished computing and is on screen.
    sig_report_ready = Signal(object)
    #: An export finished: the files written.
    sig_exported = Signal(list)
    #: Computing or exporting failed: the message shown.
    sig_failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: Report | None = None
        self.team_folder: Path | None = None
        self._busy = False
        self._pending = False
        self._build()
        self.context.sig_prospects_changed.connect(self._data_changed)
        self.context.sig_settings_changed.connect(self.refresh)

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.period_combo = QComboBox(self)
        for label, _days in PERIODS:
            self.period_combo.addItem(self.tr(label))
        self.from_edit = QDateEdit(self)
        self.to_edit = QDateEdit(self)
        today = QDate.currentDate()
        for edit, value in ((self.from_edit, today.addDays(-30)), (self.to_edit, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(value)
            edit.setEnabled(False)
        self.owner_combo = QComboBox(self)
        self.owner_combo.addItem(self.tr("Whole team"), None)
        self.owner_combo.setMinimumContentsLength(14)
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setPlaceholderText(self.tr("This database"))
        self.folder_button = QPushButton(self.tr("Team folder…"), self)
        self.clear_folder_button = QPushButton(self.tr("This database"), self)
        self.clear_folder_button.setEnabled(False)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)

        # Two rows, so that the screen fits beside the prospect card on a laptop.
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Period:"), self))
        filters.addWidget(self.period_combo)
        filters.addWidget(self.from_edit)
        filters.addWidget(QLabel("–", self))
        filters.addWidget(self.to_edit)
        filters.addSpacing(12)
        filters.addWidget(QLabel(self.tr("Owner:"), self))
        filters.addWidget(self.owner_combo)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)
        source = QHBoxLayout()
        source.addWidget(QLabel(self.tr("Data:"), self))
        source.addWidget(self.folder_edit, 1)
        source.addWidget(self.folder_button)
        source.addWidget(self.clear_folder_button)

        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        self.status_label = QLabel(self)
        self.status_label.setStyleSheet("color: palette(mid);")

        self.tabs = QTabWidget(self)
        self.sections: dict[str, _Section] = {}
        titles = {
            "funnel": self.tr("Funnel"),
            "dropoffs": self.tr("Drop-offs"),
            "durations": self.tr("Stage durations"),
            "channels": self.tr("Channels"),
            "owners": self.tr("Owners"),
            "forecast": self.tr("Forecast"),
            "attention": self.tr("Attention"),
            "trend": self.tr("Trend"),
        }
        for key, chart in TABS:
            section = _Section(chart is not None, self.tabs)
            self.sections[key] = section
            self.tabs.addTab(section, titles[key])
        self.customers_section = _StackedSection(CUSTOMER_TABLES, self.tabs)
        self.tabs.addTab(self.customers_section, self.tr("Customers"))

        exports = QHBoxLayout()
        exports.addWidget(QLabel(self.tr("Export:"), self))
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt in FORMATS:
            button = QPushButton(fmt.upper(), self)
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
            exports.addWidget(button)
        exports.addStretch(1)
        exports.addWidget(self.status_label)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(source)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(exports)

        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self.from_edit.dateChanged.connect(self.refresh)
        self.to_edit.dateChanged.connect(self.refresh)
        self.owner_combo.currentIndexChanged.connect(self.refresh)
        self.folder_button.clicked.connect(self.choose_team_folder)
        self.clear_folder_button.clicked.connect(lambda: self.set_team_folder(None))
        self.refresh_button.clicked.connect(self.refresh)

    # --- filters ----------------------------------------------------------------------------

    def current_filter(self) -> ReportFilter:
        """The filter the widgets describe (raises ReportError for a backwards range)."""
        _label, days = PERIODS[self.period_combo.currentIndex()]
        owner = self.owner_combo.currentData()
        today = utcnow().date()
        if days is None:
            return ReportFilter(owner=owner)
        if days == -1:
            return ReportFilter(
                date_from=_to_date(self.from_edit.date()),
                date_to=_to_date(self.to_edit.date()),
                owner=owner,
            )
        return ReportFilter(date_from=today - timedelta(days=days - 1), date_to=today, owner=owner)

    @Slot(int)
    def _period_changed(self, index: int) -> None:
        custom = PERIODS[index][1] == -1
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        self.refresh()

    def set_period(self, date_from: date, date_to: date) -> None:
        """Show a custom range (used by the window's "report for this range" actions)."""
        for edit, value in ((self.from_edit, date_from), (self.to_edit, date_to)):
            edit.blockSignals(True)
            edit.setDate(QDate(value.year, value.month, value.day))
            edit.blockSignals(False)
        self.period_combo.blockSignals(True)
        self.period_combo.setCurrentIndex(len(PERIODS) - 1)
        self.period_combo.blockSignals(False)
        self.from_edit.setEnabled(True)
        self.to_edit.setEnabled(True)
        self.refresh()

    def set_owner(self, owner: str | None) -> None:
        index = self.owner_combo.findData(owner)
        if index < 0:
            self.owner_combo.addItem(owner or self.tr("Whole team"), owner)
            index = self.owner_combo.count() - 1
        self.owner_combo.setCurrentIndex(index)

    @Slot()
    def choose_team_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the folder of team snapshots")
        )
        if folder:
            self.set_team_folder(Path(folder))

    def set_team_folder(self, folder: Path | None) -> None:
        """Report on every snapshot in ``folder`` (None: on this database)."""
        self.team_folder = folder
        self.folder_edit.setText("" if folder is None else str(folder))
        self.clear_folder_button.setEnabled(folder is not None)
        self.refresh()

    def _sources(self) -> ReportSources:
        if self.team_folder is not None:
            return ReportSources.of(team_folder_files(self.team_folder))
        return ReportSources.of([self.context.db_path])

    # --- computing --------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Compute the report for the current filters off the GUI thread."""
        if self._busy:
            self._pending = True
            return
        try:
            flt = self.current_filter()
        except Exception as exc:  # a backwards range: say so, keep the last report
            self._show_error(str(exc))
            return
        team_folder = self.team_folder
        db_path = self.context.db_path

        def compute(session: Session) -> Report:
            settings = settings_from_session(session)
            files = team_folder_files(team_folder) if team_folder else [db_path]
            return build_report(ReportSources.of(files), flt, settings=settings)

        self._set_busy(True, self.tr("Computing the report…"))
        self.context.run_task(compute, self._report_ready, self._report_failed)

    @Slot(list)
    def _data_changed(self, _ids: list[int]) -> None:
        if self.isVisible() and self.team_folder is None:
            self.refresh()

    def _report_ready(self, report: Report) -> None:
        if self._pending:  # the filters changed meanwhile: this report is already stale
            self._pending = False
            self._busy = False
            self.refresh()
            return
        self._set_busy(False, self.tr("Computed in %.2f s") % report.seconds)
        self.show_report(report)

    def _report_failed(self, message: str) -> None:
        self._set_busy(False, "")
        self._show_error(message)
        if self._pending:
            self._pending = False
            self.refresh()

    def _show_error(self, message: str) -> None:
        self.status_label.setText(message)
        self.status_label.setStyleSheet(text_style("error"))
        self.sig_failed.emit(message)

    def _set_busy(self, busy: bool, message: str) -> None:
        self._busy = busy
        self.refresh_button.setEnabled(not busy)
        self.status_label.setStyleSheet("color: palette(mid);")
        self.status_label.setText(message)
        for button in self.export_buttons.values():
            button.setEnabled(not busy and self.report is not None)

    def show_report(self, report: Report) -> None:
        """Lay a computed report out in the tabs, the charts and the summary line."""
        self.report = report
        tables = {t.key: t for t in report_tables(report)}
        for key, chart_builder in TABS:
            chart = chart_builder(report) if chart_builder else None
            self.sections[key].show_table(tables[key], chart)
        self.customers_section.show_tables(tables)
        self._update_owners(report)
        conversion = (
            "—" if report.overall_conversion is None else f"{report.overall_conversion:.1%}"
        )
        sources = ", ".join(report.sources)
        self.summary_label.setText(
            self.tr(
                "<b>{total:,}</b> prospects created ({period}, {owner}) · <b>{won:,}</b> won · "
                "<b>{conversion}</b> conversion to paid · value won <b>{value:,.2f} {cur}</b> · "
                "weighted forecast <b>{weighted:,.2f} {cur}</b> · <i>{sources}</i>"
            ).format(
                total=report.total_prospects,
                period=report.period,
                owner=report.owner_label,
                won=report.won,
                conversion=conversion,
                value=report.value_won,
                weighted=report.weighted_value,
                cur=report.currency,
                sources=sources,
            )
        )
        for button in self.export_buttons.values():
            button.setEnabled(True)
        self.sig_report_ready.emit(report)

    def _update_owners(self, report: Report) -> None:
        names = sorted({r.owner for r in report.owners if r.owner}, key=str.lower)
        current = self.owner_combo.currentData()
        known = {self.owner_combo.itemData(i) for i in range(self.owner_combo.count())}
        self.owner_combo.blockSignals(True)
        for name in names:
            if name not in known:
                self.owner_combo.addItem(name, name)
        index = self.owner_combo.findData(current)
        self.owner_combo.setCurrentIndex(max(index, 0))
        self.owner_combo.blockSignals(False)

    # --- exporting --------------------------------------------------------------------------

    def ask_save_path(self, fmt: str) -> Path | None:
        """Where to save an export (a file dialog; tests replace this)."""
        suggested = f"pipeline-report.{fmt}"
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export the report"), suggested, f"{fmt.upper()} (*.{fmt})"
        )
        return Path(path) if path else None

    def export(self, fmt: str) -> None:
        """Write the report on screen as ``fmt`` to a chosen file, off the GUI thread."""
        report = self.report
        if report is None or self._busy:
            return
        path = self.ask_save_path(fmt)
        if path is None:
            return
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        flt = ReportFilter(report.date_from, report.date_to, report.owner)
        sources = self._sources()

        def write(session: Session) -> list[Path]:
            config = settings_from_session(session).config
            return export_report(
                report,
                fmt,
                path,
                lambda: report_prospects(sources, flt, config=config, now=report.generated_at),
            )

        self._set_busy(True, self.tr("Exporting %s…") % fmt.upper())
        self.context.run_task(write, self._exported, self._report_failed)

    def _exported(self, paths: list[Path]) -> None:
        self._set_busy(False, self.tr("Saved %s") % ", ".join(p.name for p in paths[:2]))
        self.sig_exported.emit(paths)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.report is None and not self._busy:
            self.refresh()
