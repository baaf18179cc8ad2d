"""Pipeline reports: definitions, computation over one or several databases, exports.

``build_report`` computes a :class:`Report` once; the exporters and the Reports screen
only read it, so every format shows the same numbers.
"""

from __future__ import annotations

from onboard_desk.reports.compute import ReportSettings, build_report
from onboard_desk.reports.definitions import ReportError, ReportFilter
from onboard_desk.reports.model import Report
from onboard_desk.reports.sources import ReportSources, team_folder_files

__all__ = [
    "Report",
    "ReportError",
    "ReportFilter",
    "ReportSettings",
    "ReportSources",
    "build_report",
    "team_folder_files",
]
