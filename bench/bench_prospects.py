"""Prospects screen speed: the table model's first page, through the real model and thread.

Each figure is the time from changing the model's filter to the first page being in the
model (the query runs on the thread pool, the rows arrive by signal), against the same
query run directly with sqlite3 in the same run. Also the time the GUI thread is busy
per filter change (it only starts the work), a deep page, the count the screen shows,
and the new-prospect duplicate check.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import demo_database, figure, median_ms

SEARCHES = ("garc", "summit labs", "dental", "oakridge", "zoe")
PAGE = 200


def run(prospects: int, workdir: Path) -> list[dict[str, Any]]:
    from PySide6.QtWidgets import QApplication

    from onboard_desk.pipeline import Stage
    from onboard_desk.services.desk import Desk
    from onboard_desk.storage.db import open_database, session_scope
    from onboard_desk.storage.dialects.sqlite import fts_query
    from onboard_desk.storage.duplicates import find_likely_duplicates
    from onboard_desk.storage.queries import ProspectFilter
    from onboard_desk.ui.common.context import AppContext
    from onboard_desk.ui.prospects.model import ProspectTableModel

    app = QApplication.instance() or QApplication([])
    path = demo_database(workdir, prospects)
    engine = open_database(path)
    context = AppContext(Desk(engine, path))
    model = ProspectTableModel(context, page_size=PAGE)
    raw = sqlite3.connect(path)
    blocked: list[float] = []

    def first_page(flt: ProspectFilter) -> None:
        started = time.perf_counter()
        if model.prospect_filter == flt:
            model.reload()
        else:
            model.set_filter(flt)
        blocked.append((time.perf_counter() - started) * 1000)
        while model.is_loading:
            app.processEvents()
            time.sleep(0.0002)

    results = []

    # Ranked full-text search, first page.
    def app_search() -> None:
        for words in SEARCHES:
            first_page(ProspectFilter(search=words))

    def raw_search() -> None:
        for words in SEARCHES:
            long_words = [w for w in words.split() if len(w) >= 3]
            raw.execute(
                "SELECT p.* FROM prospect p JOIN (SELECT rowid AS id, rank FROM prospect_fts "
                "WHERE prospect_fts MATCH ?) f ON f.id = p.id ORDER BY f.rank, p.id LIMIT ?",
                (fts_query(long_words), PAGE),
            ).fetchall()

    n = len(SEARCHES)
    results.append(
        figure(
            "table first page, search (per query)",
            median_ms(app_search, repeat=7) / n,
            "ms",
            median_ms(raw_search, repeat=7) / n,
        )
    )

    # One stage, sorted by name (index ix_prospect_stage_name).
    stage_filter = ProspectFilter(stages=(Stage.OUTREACH,), sort="name")

    def raw_stage() -> None:
        raw.execute(
            "SELECT * FROM prospect WHERE stage = ? ORDER BY name, id LIMIT ?",
            ("outreach", PAGE),
        ).fetchall()

    results.append(
        figure(
            "table first page, stage filter by name",
            median_ms(lambda: first_page(stage_filter)),
            "ms",
            median_ms(raw_stage),
        )
    )

    # Everyone, newest update first (index ix_prospect_updated_at).
    updated_filter = ProspectFilter(sort="updated_at", descending=True)

    def raw_updated() -> None:
        raw.execute(
            "SELECT * FROM prospect ORDER BY updated_at DESC, id LIMIT ?", (PAGE,)
        ).fetchall()

    results.append(
        figure(
            "table first page, all by last update",
            median_ms(lambda: first_page(updated_filter)),
            "ms",
            median_ms(raw_updated),
        )
    )

    # The GUI thread's share of a filter change (the query itself runs on the pool).
    blocked.sort()
    results.append(
        figure("GUI thread busy per filter change (median)", blocked[len(blocked) // 2], "ms", None)
    )

    # A deep page: what scrolling far down a by-name list costs (offset paging).
    from onboard_desk.storage import queries

    deep = min(50_000, max(prospects // 2, 0))
    name_filter = ProspectFilter(sort="name")

    def app_deep() -> None:
        with session_scope(engine) as session:
            queries.list_prospects(session, flt=name_filter, offset=deep, limit=PAGE)

    def raw_deep() -> None:
        raw.execute(
            "SELECT * FROM prospect ORDER BY name, id LIMIT ? OFFSET ?", (PAGE, deep)
        ).fetchall()

    results.append(
        figure(
            f"page at row {deep:,} by name (worker thread)",
            median_ms(app_deep, repeat=9),
            "ms",
            median_ms(raw_deep, repeat=9),
        )
    )

    # The count shown above the table, for a search.
    def app_count() -> None:
        with session_scope(engine) as session:
            queries.count_prospects(session, flt=ProspectFilter(search="garc"))

    def raw_count() -> None:
        raw.execute(
            "SELECT count(*) FROM prospect WHERE id IN "
            "(SELECT rowid FROM prospect_fts WHERE prospect_fts MATCH ?)",
            (fts_query(["garc"]),),
        ).fetchone()

    results.append(
        figure("count matching a search", median_ms(app_count), "ms", median_ms(raw_count))
    )

    # The duplicate check of the new-prospect dialog (email, phone, name at company).
    sample = raw.execute(
        "SELECT name, company, email, phone FROM prospect WHERE company != '' LIMIT 1 OFFSET ?",
        (prospects // 3,),
    ).fetchone()

    def app_duplicates() -> None:
        with session_scope(engine) as session:
            find_likely_duplicates(session, sample[0], sample[1], sample[2], sample[3])

    def raw_duplicates() -> None:
        raw.execute("SELECT * FROM prospect WHERE email_key = ?", (sample[2].lower(),)).fetchall()
        raw.execute("SELECT * FROM prospect WHERE phone_key = ?", (sample[3],)).fetchall()
        raw.execute(
            "SELECT * FROM prospect WHERE lower(company) = ?", (sample[1].lower(),)
        ).fetchall()

    results.append(
        figure(
            "new-prospect duplicate check",
            median_ms(app_duplicates),
            "ms",
            median_ms(raw_duplicates),
        )
    )

    context.thread_pool.waitForDone(5000)
    raw.close()
    engine.dispose()
    return results


if __name__ == "__main__":
    from bench.run import main

    sys.exit(main(["--only", "prospects", *sys.argv[1:]]))
