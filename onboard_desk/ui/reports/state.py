"""What the Reports screen knows and does, without its widgets: which databases it reports
on, the report on screen with the basis it was made on, and computing and exporting off the
GUI thread through the report services.

One piece of work runs at a time. A refresh asked for while one runs is remembered, and
made once the work ends with the filter the screen shows then; a report that arrives
meanwhile is already stale and is not announced. An export writes the report on screen
from the basis it was made on (its databases and settings), whatever changed since.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.services.reports import Report, ReportBasis, ReportError, ReportFilter
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded

#: Period presets: label -> days back from today (None: all time, -1: custom range).
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("All time", None),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("Last 365 days", 365),
    ("Custom range", -1),
)
#: The index of the custom range in :data:`PERIODS`.
CUSTOM = len(PERIODS) - 1


def period_filter(
    index: int, custom: tuple[date, date], owner: str | None, today: date | None = None
) -> ReportFilter:
    """The filter of period preset ``index`` (the ``custom`` range for Custom range) and
    ``owner``; ReportError for a range that ends before it starts."""
    days = PERIODS[index][1]
    if days is None:
        return ReportFilter(owner=owner)
    if days == -1:
        return ReportFilter(date_from=custom[0], date_to=custom[1], owner=owner)
    today = today or utcnow().date()
    return ReportFilter(date_from=today - timedelta(days=days - 1), date_to=today, owner=owner)


class ReportsState(QObject):
    """Computes and exports reports for the screen, which shows what it announces."""

    #: Work began (computing or exporting): what is being done, for the status line.
    sig_busy = Signal(str)
    #: A report was computed for the latest filter (argument: Report).
    sig_report_ready = Signal(object)
    #: An export was written: the files.
    sig_exported = Signal(list)
    #: A report or an export could not be made: the one-sentence reason.
    sig_failed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        current_filter: Callable[[], ReportFilter],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        #: The filter the screen shows (asked when a report is computed; may raise
        #: ReportError).
        self._current_filter = current_filter
        #: The folder of team snapshots reported on (None: the open database).
        self.team_folder: Path | None = None
        #: The report on screen and the basis it was made on.
        self.report: Report | None = None
        self.basis: ReportBasis | None = None
        self.busy = False
        self._pending = False

    def set_team_folder(self, folder: Path | None) -> None:
        """Report on every snapshot in ``folder`` (None: on the open database)."""
        self.team_folder = folder
        self.refresh()

    def refresh(self) -> None:
        """Compute the report for the current filter off the GUI thread."""
        if self.busy:
            self._pending = True
            return
        try:
            flt = self._current_filter()
        except ReportError as exc:  # a backwards range: say so, keep the last report
            self.sig_failed.emit(str(exc))
            return
        reports = self.context.desk.reports
        team_folder = self.team_folder

        def compute() -> tuple[ReportBasis, Report]:
            basis = reports.basis(team_folder)
            return basis, basis.build(flt)

        self._start(self.tr("Computing the report…"))
        self.context.run(compute, guarded(self, self._computed), guarded(self, self._failed))

    def export(self, fmt: str, path: Path) -> None:
        """Write the report on screen as ``fmt`` to ``path`` (the format's extension added
        when missing) off the GUI thread; nothing while there is no report or work runs."""
        report, basis = self.report, self.basis
        if report is None or basis is None or self.busy:
            return
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")

        def write() -> list[Path]:
            return basis.export(report, fmt, path)

        self._start(self.tr("Exporting %s…") % fmt.upper())
        self.context.run(write, guarded(self, self._exported), guarded(self, self._failed))

    # --- results --------------------------------------------------------------------------

    def _start(self, message: str) -> None:
        self.busy = True
        self.sig_busy.emit(message)

    def _refresh_if_asked(self) -> bool:
        """Make the refresh asked for while the work ran, if one was; True if so."""
        if not self._pending:
            return False
        self._pending = False
        self.refresh()
        return True

    def _computed(self, result: tuple[ReportBasis, Report]) -> None:
        self.busy = False
        if self._refresh_if_asked():  # the filters changed meanwhile: this one is stale
            return
        self.basis, self.report = result
        self.sig_report_ready.emit(self.report)

    def _exported(self, paths: list[Path]) -> None:
        self.busy = False
        self.sig_exported.emit(paths)
        self._refresh_if_asked()

    def _failed(self, message: str) -> None:
        self.busy = False
        self.sig_failed.emit(message)
        self._refresh_if_asked()
