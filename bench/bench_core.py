"""Core speed: search, one stage's first page, and a move, at the benchmark's size.

Targets (100,000 prospects, ~1,000,000 activities): search first page < 30 ms and within
2x of the same FTS query run directly with the driver; one stage's first 200 rows < 20 ms;
a move < 10 ms. Each figure is printed with the raw-SQL baseline measured in this run.
Also: searches with accents and words too short for the index ("zoe mu") against the same
statement run directly, and the plain search on an encrypted copy of the database against
the same search on the plain file (the cost of encryption).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import demo_build_seconds, demo_database, figure, median_ms

SEARCH_WORDS = ("garc", "summit labs", "ana", "dental", "oakridge", "zoe")
#: Searches that need folding: accents typed or stored, and words under three letters.
FOLDED_SEARCHES = ("müller", "zoe mu", "garcía", "an ga", "o")
PAGE = 50


def run(prospects: int, workdir: Path) -> list[dict[str, Any]]:
    from onboard_desk.pipeline import Stage
    from onboard_desk.storage import queries
    from onboard_desk.storage.db import open_database, session_scope
    from onboard_desk.storage.dialects.sqlite import fts_query
    from onboard_desk.storage.queries import ProspectFilter

    path = demo_database(workdir, prospects)
    results = [figure("demo data generation", demo_build_seconds(path), "s", None)]
    engine = open_database(path)
    raw = sqlite3.connect(path)

    # Search: the app's ranked first page vs the same FTS query straight through sqlite3.
    def app_search() -> None:
        with session_scope(engine) as session:
            for words in SEARCH_WORDS:
                queries.list_prospects(session, flt=ProspectFilter(search=words), limit=PAGE)

    def raw_search() -> None:
        for words in SEARCH_WORDS:
            long_words = [w for w in words.split() if len(w) >= 3]
            raw.execute(
                "SELECT p.* FROM prospect p JOIN (SELECT rowid AS id, rank FROM prospect_fts "
                "WHERE prospect_fts MATCH ?) f ON f.id = p.id ORDER BY f.rank, p.id LIMIT ?",
                (fts_query(long_words), PAGE),
            ).fetchall()

    n = len(SEARCH_WORDS)
    app_ms = median_ms(app_search, repeat=9) / n
    raw_ms = median_ms(raw_search, repeat=9) / n
    results.append(figure("search first page (per query)", app_ms, "ms", raw_ms))

    # Folded searches: the app's statement vs the same statement (FTS plus GLOB patterns
    # for the short words) run directly through the driver.
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        statements.append((sql, params))

    event.listen(engine, "before_cursor_execute", capture)
    with session_scope(engine) as session:  # the driver-level SQL the app sends
        for words in FOLDED_SEARCHES:
            queries.list_prospects(session, flt=ProspectFilter(search=words), limit=PAGE)
    event.remove(engine, "before_cursor_execute", capture)

    def app_folded() -> None:
        with session_scope(engine) as session:
            for words in FOLDED_SEARCHES:
                queries.list_prospects(session, flt=ProspectFilter(search=words), limit=PAGE)

    def raw_folded() -> None:
        for sql, bound in statements:
            raw.execute(sql, bound).fetchall()

    n = len(FOLDED_SEARCHES)
    results.append(
        figure(
            "folded search first page (per query)",
            median_ms(app_folded, repeat=9) / n,
            "ms",
            median_ms(raw_folded, repeat=9) / n,
        )
    )

    # One stage's first 200 rows, sorted by name (the board's and the table's first page).
    def app_stage() -> None:
        with session_scope(engine) as session:
            queries.list_prospects(session, flt=ProspectFilter(stages=(Stage.OUTREACH,)), limit=200)

    def raw_stage() -> None:
        raw.execute(
            "SELECT * FROM prospect WHERE stage = ? ORDER BY name, id LIMIT 200", ("outreach",)
        ).fetchall()

    results.append(
        figure("list one stage, first 200", median_ms(app_stage), "ms", median_ms(raw_stage))
    )

    # A move: back and forth between two stages, each a committed transaction.
    with session_scope(engine) as session:
        target_id = queries.list_prospects(
            session, flt=ProspectFilter(stages=(Stage.FIRST_CALL,)), limit=1
        )[0].id
    assert target_id is not None
    stages = [Stage.OUTREACH, Stage.FIRST_CALL]

    def app_move() -> None:
        with session_scope(engine) as session:
            prospect_ops.move_prospect(session, prospect_id=target_id, target=stages[0], by="bench")
        stages.reverse()

    raw_stages = ["outreach", "first_call"]

    def raw_move() -> None:
        with raw:
            raw.execute(
                "UPDATE prospect SET stage = ?, stage_entered_at = datetime('now') WHERE id = ?",
                (raw_stages[0], target_id),
            )
            raw.execute(
                "INSERT INTO stagechange (prospect_id, from_stage, to_stage, kind, at, by) "
                "VALUES (?, ?, ?, 'back', datetime('now'), 'bench')",
                (target_id, raw_stages[1], raw_stages[0]),
            )
        raw_stages.reverse()

    results.append(
        figure(
            "move a prospect", median_ms(app_move, repeat=21), "ms", median_ms(raw_move, repeat=21)
        )
    )
    raw.close()
    engine.dispose()
    results.append(_encrypted_search(path, app_ms))
    return results


def _encrypted_search(path: Path, plain_ms: float) -> dict[str, Any]:
    """The search first page on an encrypted copy of the database, against the plain one."""
    import shutil
    import time

    from onboard_desk.storage import queries
    from onboard_desk.storage.db import session_scope
    from onboard_desk.storage.dialects import sqlite as sqlite_dialect
    from onboard_desk.storage.dialects.sqlite_cipher import rewrite
    from onboard_desk.storage.keys import new_key
    from onboard_desk.storage.queries import ProspectFilter

    copy = path.with_name(path.stem + "-encrypted.sqlite3")
    key = new_key()
    shutil.copyfile(path, copy)
    started = time.perf_counter()
    rewrite(copy, old_key=None, new_key=key)
    print(f"  encrypting a copy: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    engine = sqlite_dialect.make_engine(copy, key=key)

    def app_search() -> None:
        with session_scope(engine) as session:
            for words in SEARCH_WORDS:
                queries.list_prospects(session, flt=ProspectFilter(search=words), limit=PAGE)

    encrypted_ms = median_ms(app_search, repeat=9) / len(SEARCH_WORDS)
    engine.dispose()
    copy.unlink()
    return figure("search first page, encrypted (per query)", encrypted_ms, "ms", plain_ms)


if __name__ == "__main__":
    from bench.run import main

    sys.exit(main(["--only", "core", *sys.argv[1:]]))
