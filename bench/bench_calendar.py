"""Calendar export speed: every next action and planned call of the demo database as .ics.

No target is set for it; the figure is printed with a baseline measured in the same run:
the same rows fetched with sqlite3 and written as one plain text line each, which is the
least any export has to do. The ratio is the price of real iCalendar (icalendar objects,
escaping, line folding) plus the atomic write.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import demo_database, figure


def _plain_text(path: Path, out: Path) -> int:
    connection = sqlite3.connect(path)
    rows = 0
    with out.open("w", encoding="utf-8") as stream:
        for row in connection.execute(
            "SELECT id, name, company, stage, phone, email, next_action, next_action_due, "
            "updated_at FROM prospect WHERE next_action_due IS NOT NULL "
            "AND next_action IS NOT NULL ORDER BY next_action_due, id"
        ):
            stream.write("\t".join("" if v is None else str(v) for v in row) + "\n")
            rows += 1
        for row in connection.execute(
            "SELECT a.id, a.kind, a.text, a.due_at, p.name, p.company, p.stage, p.phone, p.email "
            "FROM activity a JOIN prospect p ON p.id = a.prospect_id WHERE a.status = 'planned' "
            "AND a.due_at IS NOT NULL AND a.kind IN ('call', 'meeting') ORDER BY a.due_at, a.id"
        ):
            stream.write("\t".join("" if v is None else str(v) for v in row) + "\n")
            rows += 1
    connection.close()
    return rows


def _best_of(function: Any, repeat: int = 3) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def run(prospects: int, workdir: Path) -> list[dict[str, Any]]:
    from onboard_desk.domain.timeutil import utcnow
    from onboard_desk.outreach.calendar_export import EventCache, export_calendar
    from onboard_desk.storage import store
    from onboard_desk.storage.db import open_database, session_scope

    path = demo_database(workdir, prospects)
    engine = open_database(path)
    ics = workdir / "bench-calendar.ics"
    txt = workdir / "bench-calendar.txt"
    ics_seconds, events = _best_of(lambda: export_calendar(engine, ics))
    text_seconds, rows = _best_of(lambda: _plain_text(path, txt))

    # The kept-up-to-date file: after one next action changes, only that event is rebuilt.
    cache = EventCache()
    export_calendar(engine, ics, cache=cache)
    with engine.connect() as connection:
        some_id = connection.exec_driver_sql(
            "SELECT id FROM prospect WHERE next_action_due IS NOT NULL LIMIT 1"
        ).scalar_one()

    def change_and_export() -> int:
        with session_scope(engine) as session:
            store.set_next_action(
                session, prospect_id=some_id, action="Benchmark call", due=utcnow()
            )
        return export_calendar(engine, ics, cache=cache)

    feed_seconds, _ = _best_of(change_and_export)
    engine.dispose()
    assert events == rows, (events, rows)
    results = [
        figure(f"calendar .ics export ({events:,} events)", ics_seconds, "s", text_seconds),
        figure(
            "calendar .ics per event",
            ics_seconds / max(events, 1) * 1_000_000,
            "us",
            text_seconds / max(rows, 1) * 1_000_000,
        ),
        figure("calendar feed rewrite after one change", feed_seconds, "s", text_seconds),
    ]
    return results


if __name__ == "__main__":
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print(
            json.dumps(
                run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, Path(folder)), indent=2
            )
        )
