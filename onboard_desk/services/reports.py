"""Pipeline reports: how a report is made and written, for the window and the command line.

A report reads one or several databases read-only, side by side: the open database, every
snapshot in a team folder, or the snapshot files named on the command line (``--db``
repeated). What it reads and the settings it follows (idle limits, forecast probabilities,
home currency, retention rules) are one :class:`ReportBasis`; a report and every export of
it come from the same basis, so the prospect list in an XLSX or CSV file is the cohort of
the report it goes with, flagged by the same rules, whatever changed on screen since.

There are two ways to a basis. The window asks the Desk (:meth:`ReportService.basis`):
the open database's settings, over the open database or a team folder. The command line
reports on files it must never create or upgrade, so it opens no Desk:
:func:`snapshot_basis` checks the files and reads the settings of the first one (normally
the lead's own) read-only.

The computing and the formats live in :mod:`onboard_desk.reports`; this module decides
what a report reads and which settings it follows. The value types the front ends need
(the report, its filter, its tables) are re-exported here, so no front end imports the
feature's database code or the storage layer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from onboard_desk.pipeline import Stage
from onboard_desk.reports import settings as report_settings_store
from onboard_desk.reports.compute import ReportSettings, build_report
from onboard_desk.reports.definitions import (
    DEFAULT_STAGE_PROBABILITIES,
    ReportError,
    ReportFilter,
    parse_report_date,
)
from onboard_desk.reports.exporters import FORMATS, export_report
from onboard_desk.reports.model import Report
from onboard_desk.reports.prospect_rows import ProspectTuple, report_prospects
from onboard_desk.reports.sources import ReportSources, team_folder_files
from onboard_desk.reports.tables import Column, Table, format_value, report_tables

if TYPE_CHECKING:
    from sqlmodel import Session

    from onboard_desk.services.desk import Desk

__all__ = [
    "DEFAULT_STAGE_PROBABILITIES",
    "FORMATS",
    "Column",
    "Report",
    "ReportBasis",
    "ReportError",
    "ReportFilter",
    "ReportService",
    "ReportSettings",
    "Table",
    "format_value",
    "parse_report_date",
    "report_settings",
    "report_tables",
    "save_probabilities",
    "snapshot_basis",
    "team_folder_files",
]

#: The title a report gets unless asked for another.
DEFAULT_TITLE = "Pipeline report"


@dataclass(frozen=True)
class ReportBasis:
    """The databases one report reads and the settings it follows; a report built on a
    basis is exported from the same basis."""

    sources: ReportSources
    settings: ReportSettings

    @property
    def names(self) -> tuple[str, ...]:
        """One label per database read (the files' names), as the report lists them."""
        return self.sources.names

    def build(
        self,
        flt: ReportFilter | None = None,
        *,
        title: str = DEFAULT_TITLE,
        now: datetime | None = None,
    ) -> Report:
        """Every section of the report for ``flt`` (ReportError if a database cannot be
        read). Reads several databases at once: run it off the GUI thread."""
        return build_report(self.sources, flt, settings=self.settings, now=now, title=title)

    def prospects(self, report: Report) -> Iterator[ProspectTuple]:
        """The prospect list that goes with ``report``: its cohort, flagged as of the moment
        it was made, database by database, oldest first."""
        flt = ReportFilter(report.date_from, report.date_to, report.owner)
        return report_prospects(
            self.sources, flt, config=self.settings.config, now=report.generated_at
        )

    def export(self, report: Report, fmt: str, path: Path, *, bom: bool = False) -> list[Path]:
        """Write ``report`` as ``fmt`` (one of :data:`FORMATS`) to ``path``, with its
        prospect list where the format holds one (XLSX, CSV); returns every file written.
        ReportError says why a file could not be written."""
        return export_report(report, fmt, path, lambda: self.prospects(report), bom=bom)


# --- session-level use cases ----------------------------------------------------------------


def report_settings(session: Session) -> ReportSettings:
    """The report settings stored in the session's database."""
    return report_settings_store.settings_from_session(session)


def save_probabilities(session: Session, values: Mapping[Stage, float]) -> None:
    """Store edited forecast probabilities (0..1 each; the stages not given keep theirs);
    ReportError names a bad one and nothing is stored."""
    report_settings_store.save_probabilities(session, values)


# --- reports on files, without a Desk -------------------------------------------------------


def snapshot_basis(paths: Sequence[Path]) -> ReportBasis:
    """A report over database files, side by side, following the settings of the first
    (the command line's reports: nothing is created, upgraded or written). ReportError
    says why a file cannot be read: missing, empty, not a database, or from a newer
    version."""
    sources = ReportSources.of(paths)
    return ReportBasis(sources, report_settings_store.read_report_settings(sources.paths[0]))


# --- the service the window calls -----------------------------------------------------------


class ReportService:
    """Reports on the open database, or on a team folder with its settings."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def settings(self) -> ReportSettings:
        """The report settings of the open database, read now (another process may have
        changed them)."""
        with self._desk.reading() as session:
            return report_settings(session)

    def probabilities(self) -> dict[Stage, float]:
        """The forecast probability of each working stage (defaults where never edited)."""
        return dict(self.settings().probabilities)

    def save_probabilities(self, values: Mapping[Stage, float]) -> None:
        """Store edited forecast probabilities (see :func:`save_probabilities`)."""
        with self._desk.writing() as session:
            save_probabilities(session, values)

    def basis(self, team_folder: Path | None = None) -> ReportBasis:
        """A report over the open database, or over every snapshot in ``team_folder``,
        following the open database's settings either way (ReportError if the folder holds
        no snapshot or one cannot be read). Checks the files: run it off the GUI thread."""
        files = team_folder_files(team_folder) if team_folder is not None else [self._desk.path]
        return ReportBasis(ReportSources.of(files), self.settings())

    def build(
        self,
        flt: ReportFilter | None = None,
        *,
        team_folder: Path | None = None,
        title: str = DEFAULT_TITLE,
        now: datetime | None = None,
    ) -> Report:
        """The report for ``flt`` on the open database or ``team_folder`` (see
        :meth:`basis`); keep the basis instead to export the report later."""
        return self.basis(team_folder).build(flt, title=title, now=now)
