"""JSON export: every figure of the report, for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from onboard_desk.reports.model import Report


def report_json(report: Report) -> str:
    """The report as JSON text (``total_prospects``, ``funnel`` [{stage, reached, ...}], ...)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def write_json(report: Report, path: Path) -> None:
    path.write_text(report_json(report) + "\n", encoding="utf-8")
