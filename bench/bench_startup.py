"""Start-up and memory of the window at the benchmark's size.

Targets (100,000 prospects): the window usable (first paint) within 1.5x of a bare
PySide6 QMainWindow's start-up measured in the same run, both as fresh processes; resident
memory with the database open and the board shown under 300 MB. "First data shown" (the
Today screen filled from the database) is reported separately. Each figure is the median
of several launches, alternating app and baseline so load on the machine hits both.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import demo_database, figure, median_ms

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 7


def _launch(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run the probe once; times come back relative to this process's start of the child."""
    before = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "bench.startup_probe", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    result: dict[str, float] = {}
    for key in ("window_shown", "data_shown", "board_shown"):
        if key in report:
            result[key] = (report[key] - before) * 1000
    result["rss_mb"] = report.get("rss_kb", 0) / 1024
    return result


def run(prospects: int, workdir: Path) -> list[dict[str, Any]]:
    path = demo_database(workdir, prospects)
    # An installed package has its bytecode compiled; without this (and with
    # PYTHONDONTWRITEBYTECODE set) every launch would compile the modules again.
    compileall.compile_dir(str(ROOT / "onboard_desk"), quiet=1)
    settings = Path(tempfile.mkdtemp(prefix="onboard-bench-settings-", dir=workdir))
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["XDG_CONFIG_HOME"] = str(settings)  # QSettings: default screen, no saved state
    env["QT_LOGGING_RULES"] = "qt.qpa.*=false"
    _launch(["bare"], env)  # warm the file cache for both
    _launch(["app", str(path)], env)
    bare: list[dict[str, float]] = []
    app: list[dict[str, float]] = []
    for _ in range(REPEATS):
        bare.append(_launch(["bare"], env))
        app.append(_launch(["app", str(path)], env))

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(row[key] for row in rows if key in row)

    bare_shown = median(bare, "window_shown")
    return [*_startup_rows(app, bare, bare_shown, median), *_board_paging(path)]


def _board_paging(path: Path) -> list[dict[str, Any]]:
    """A deep page of the biggest board column costs what the first page costs
    (keyset paging), which is what keeps a 10,000-card column smooth to scroll."""
    from onboard_desk.pipeline import Stage
    from onboard_desk.storage import queries
    from onboard_desk.storage.db import open_database, session_scope

    engine = open_database(path)
    with session_scope(engine) as session:
        totals = {t.stage: t.count for t in queries.stage_totals(session)}
        stage = max((Stage.LOST, Stage.WON, Stage.OUTREACH), key=lambda s: totals[s])
        cards: list[queries.BoardCard] = []
        after: tuple[str, int] | None = None
        while len(cards) < 10_000:
            page = queries.board_page(session, stage=stage, after=after, limit=500)
            if not page:
                break
            cards.extend(page)
            after = (page[-1].name, page[-1].prospect_id)
        deep = (cards[-1].name, cards[-1].prospect_id)

        def first() -> None:
            queries.board_page(session, stage=stage, limit=200)

        def deeper() -> None:
            queries.board_page(session, stage=stage, after=deep, limit=200)

        first_ms = median_ms(first, repeat=9)
        deep_ms = median_ms(deeper, repeat=9)
    engine.dispose()
    return [
        figure(f"board page after {len(cards):,} cards ({stage.value})", deep_ms, "ms", first_ms)
    ]


def _startup_rows(
    app: list[dict[str, float]], bare: list[dict[str, float]], bare_shown: float, median: Any
) -> list[dict[str, Any]]:
    return [
        figure("window usable (first paint)", median(app, "window_shown"), "ms", bare_shown),
        figure("first data shown (Today filled)", median(app, "data_shown"), "ms", bare_shown),
        figure("board shown (all columns loaded)", median(app, "board_shown"), "ms", bare_shown),
        figure(
            "memory, database open and board shown",
            median(app, "rss_mb"),
            "MB",
            median(bare, "rss_mb"),
        ),
    ]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    options = parser.parse_args()
    for row in run(options.prospects, options.workdir):
        print(row)
