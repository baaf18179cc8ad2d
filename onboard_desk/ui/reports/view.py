"""The Reports screen: filters, the report's sections as tables and charts, and exports.

The screen lays out what :class:`~onboard_desk.ui.reports.state.ReportsState` announces:
the state computes the report off the GUI thread through the report services (the open
database, or every snapshot of a chosen team folder, read-only) and writes exports of the
report on screen; the widgets only show the finished report (tabs in
:mod:`onboard_desk.ui.reports.sections`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.services.reports import FORMATS, Report, ReportFilter, report_tables
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import text_style
from onboard_desk.ui.reports.sections import (
    CUSTOMER_TABLES,
    TABS,
    SectionView,
    StackedSectionView,
    tab_title,
)
from onboard_desk.ui.reports.state import CUSTOM, PERIODS, ReportsState, period_filter


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


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
        self.state = ReportsState(context, self.current_filter, self)
        self._build()
        self.state.sig_busy.connect(self._started)
        self.state.sig_report_ready.connect(self._report_ready)
        self.state.sig_exported.connect(self._exported)
        self.state.sig_failed.connect(self._failed)
        self.context.sig_prospects_changed.connect(self._data_changed)
        self.context.sig_settings_changed.connect(self.refresh)

    @property
    def report(self) -> Report | None:
        """The report on screen."""
        return self.state.report

    @property
    def team_folder(self) -> Path | None:
        return self.state.team_folder

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
        self.sections: dict[str, SectionView] = {}
        for key, title, chart in TABS:
            section = SectionView(chart is not None, self.tabs)
            self.sections[key] = section
            self.tabs.addTab(section, tab_title(title))
        self.customers_section = StackedSectionView(CUSTOMER_TABLES, self.tabs)
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
        custom = (_to_date(self.from_edit.date()), _to_date(self.to_edit.date()))
        return period_filter(
            self.period_combo.currentIndex(), custom, self.owner_combo.currentData()
        )

    @Slot(int)
    def _period_changed(self, index: int) -> None:
        custom = index == CUSTOM
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
        self.period_combo.setCurrentIndex(CUSTOM)
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
        self.folder_edit.setText("" if folder is None else str(folder))
        self.clear_folder_button.setEnabled(folder is not None)
        self.state.set_team_folder(folder)

    # --- computing --------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Compute the report for the current filters off the GUI thread."""
        self.state.refresh()

    @Slot(list)
    def _data_changed(self, _ids: list[int]) -> None:
        if self.isVisible() and self.state.team_folder is None:
            self.refresh()

    @Slot(str)
    def _started(self, message: str) -> None:
        self._set_busy(True, message)

    def _report_ready(self, report: Report) -> None:
        self._set_busy(False, self.tr("Computed in %.2f s") % report.seconds)
        self.show_report(report)

    def _failed(self, message: str) -> None:
        self._set_busy(False, "")
        self.status_label.setText(message)
        self.status_label.setStyleSheet(text_style("error"))
        self.sig_failed.emit(message)

    def _set_busy(self, busy: bool, message: str) -> None:
        self.refresh_button.setEnabled(not busy)
        self.status_label.setStyleSheet("color: palette(mid);")
        self.status_label.setText(message)
        for button in self.export_buttons.values():
            button.setEnabled(not busy and self.state.report is not None)

    def show_report(self, report: Report) -> None:
        """Lay a computed report out in the tabs, the charts and the summary line."""
        tables = {t.key: t for t in report_tables(report)}
        for key, _title, chart_builder in TABS:
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
        if self.state.report is None or self.state.busy:
            return
        path = self.ask_save_path(fmt)
        if path is not None:
            self.state.export(fmt, path)

    def _exported(self, paths: list[Path]) -> None:
        self._set_busy(False, self.tr("Saved %s") % ", ".join(p.name for p in paths[:2]))
        self.sig_exported.emit(paths)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.state.report is None and not self.state.busy:
            self.refresh()
