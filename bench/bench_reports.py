"""Report speed: the whole pipeline report, and its XLSX export, at the benchmark's size.

Targets (100,000 prospects, ~1,000,000 activities): the whole report (every section,
settings included) < 1 s and within 2x of one hand-written SQL query computing the funnel
(prospects reaching each stage, for the same cohort) run directly with sqlite3 in the same
run; the XLSX export (sections, charts and the 100,000-row prospect list) < 10 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import demo_database, figure, median_ms

#: The baseline: furthest stage per prospect of the cohort, then prospects per stage.
FUNNEL_SQL = """
SELECT furthest, SUM(COUNT(*)) OVER (ORDER BY furthest DESC) AS reached FROM (
  SELECT sc.prospect_id, MAX(CASE sc.to_stage WHEN 'outreach' THEN 0 WHEN 'first_call' THEN 1
    WHEN 'follow_up' THEN 2 WHEN 'trial' THEN 3 WHEN 'final_check_in' THEN 4
    WHEN 'payment' THEN 5 WHEN 'won' THEN 6 ELSE -1 END) AS furthest
  FROM stagechange sc JOIN prospect p ON p.id = sc.prospect_id
  WHERE p.created_at >= ? AND p.created_at < ?
  GROUP BY sc.prospect_id)
GROUP BY furthest ORDER BY furthest
"""


def run(prospects: int, workdir: Path) -> list[dict[str, Any]]:
    """The report through the report services, as ``onboard-desk report`` makes it: the
    file checked, its settings read, every section computed, and the XLSX written."""
    from onboard_desk.domain.timeutil import utcnow
    from onboard_desk.services.reports import ReportFilter, snapshot_basis
    from onboard_desk.storage.dialects.sqlite_text import timestamp_param

    path = demo_database(workdir, prospects)
    flt = ReportFilter()
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    raw.execute("PRAGMA cache_size=-32000")

    def app_report() -> Any:
        return snapshot_basis([path]).build(flt)

    def raw_funnel() -> list[tuple[int, int]]:
        end = timestamp_param(utcnow())
        return raw.execute(FUNNEL_SQL, ("0001-01-01 00:00:00", end)).fetchall()

    report = app_report()
    reached = {stage: n for stage, n in raw_funnel() if stage >= 0}
    assert [r.reached for r in report.funnel] == [reached.get(i, 0) for i in range(7)], (
        "the baseline must compute the report's funnel"
    )
    results = []
    app_ms = median_ms(app_report, repeat=7, warmup=1)
    raw_ms = median_ms(raw_funnel, repeat=7, warmup=1)
    results.append(figure("whole report (all sections)", app_ms, "ms", raw_ms))

    basis = snapshot_basis([path])
    owner = report.owners[0].owner if report.owners else None
    today = utcnow().date()
    narrow = ReportFilter(date_from=today.replace(day=1), date_to=today, owner=owner)
    narrow_ms = median_ms(lambda: basis.build(narrow), repeat=7)
    results.append(figure("report: one owner, this month", narrow_ms, "ms", None))

    with tempfile.TemporaryDirectory(prefix="onboard-bench-xlsx-") as folder:
        target = Path(folder) / "report.xlsx"
        started = time.perf_counter()
        basis.export(report, "xlsx", target)
        seconds = time.perf_counter() - started
        rows = _prospect_rows(target)
        assert rows == report.total_prospects, "the XLSX must hold the report's prospects"
    results.append(figure(f"XLSX export ({rows:,} prospect rows)", seconds, "s", None))
    raw.close()
    return results


def _prospect_rows(workbook: Path) -> int:
    """Rows of the written workbook's prospect list (its header aside)."""
    import openpyxl

    book = openpyxl.load_workbook(workbook, read_only=True)
    try:
        return int(book["Prospects"].max_row or 1) - 1
    finally:
        book.close()


if __name__ == "__main__":
    import json

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, Path(".")), indent=2))
