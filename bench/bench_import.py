"""Import speed: a 100,000-row CSV into a database that already holds 100,000 prospects.

Target: at least 50,000 rows a second including duplicate checks (email, phone, close
name at the same company) against the existing prospects and within the file, with
memory flat in the file's size. The file is realistic for a CRM export: names and
companies from the same pools as the demo data (so the fuzzy name check has work to do
at every company), 10% of the rows share an email with an existing prospect, 2% repeat
an earlier row of the file, phone numbers are 70% E.164, 20% formatted national numbers
and 10% empty, and every row has a creation date.

Each import runs in a fresh process on a fresh copy of the demo database, through the
import service (as the window and the command line import), so peak RSS
is the import's own. Memory is compared between the file and a file twice its size: both
are well past the point where SQLite's page cache (capped at
``sqlite_specific.IMPORT_CACHE_KIB`` for the import) has filled, so any growth left is the
import's own. The baseline is the
``sqlite3`` command-line tool's ``.import`` of the same file into a new table: no
validation, no duplicate checks, no indexes, so the ratio shows what those cost. A second
baseline inserts every row of the file (unchecked) into the same demo database through
``sqlite3`` directly, with the same history rows, journey rows (written directly, as the
import does, with the journey trigger paused) and search index work, and the import's page
cache size: the floor that the schema itself sets.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import demo_database, figure

ROOT = Path(__file__).resolve().parents[1]

#: Peak RSS of this process alone. ``getrusage``'s ``ru_maxrss`` is no good here: Linux
#: carries the parent's peak across ``exec``, so a child of the (large) benchmark process
#: would report the parent's size. ``VmHWM`` is the high-water mark of this process's own
#: memory. (The worker's figure still comes from ``RUSAGE_CHILDREN``, so it is at least
#: the importing process's size when it started the worker, early on, before any rows.)
_PEAK_RSS = """
def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

_CHILD = (
    _PEAK_RSS
    + """
import json, resource, sys, time
from pathlib import Path
from onboard_desk.services.desk import Desk
from onboard_desk.services.importing import ImportOptions
desk = Desk.open(Path(sys.argv[1]))
started = time.perf_counter()
result = desk.importing.run(Path(sys.argv[2]), ImportOptions(region="US"))
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds, "rows": result.rows_read, "created": result.created,
    "skipped": result.skipped, "rejected": result.rejected,
    "duplicates": result.duplicate_count,
    "peak_rss_mb": peak_rss_mb(),
    "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""
)


_RAW = """
import csv, json, sys, time
from pathlib import Path
from onboard_desk.storage import journey
from onboard_desk.storage.dialects import sqlite as sqlite_specific
sqlite3 = sqlite_specific.driver  # the app's driver
from onboard_desk.pipeline import Stage
db, csv_path = Path(sys.argv[1]), Path(sys.argv[2])
connection = sqlite3.connect(db, isolation_level=None)
cache = f"cache_size=-{sqlite_specific.IMPORT_CACHE_KIB}"
for pragma in ("journal_mode=WAL", "synchronous=NORMAL", cache, "foreign_keys=ON"):
    connection.execute(f"PRAGMA {pragma}")
started = time.perf_counter()
connection.execute("BEGIN IMMEDIATE")
connection.execute("DROP TRIGGER prospect_fts_ai")
connection.execute("DROP TRIGGER prospectjourney_ai")
first = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM prospect").fetchone()[0]
now = "2026-01-01 00:00:00.000000"
columns = ("id, name, company, title, email, email_key, phone, phone_key, channel, owner, "
           "currency, tags, notes, do_not_contact, stage, stage_entered_at, created_at, "
           "updated_at, furthest_stage")
insert_prospect = f"INSERT INTO prospect ({columns}) VALUES ({', '.join('?' * 19)})"
insert_change = (
    "INSERT INTO stagechange (prospect_id, from_stage, to_stage, kind, at, by, reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
created = journey.created_values(Stage.OUTREACH)
insert_journey = journey.insert_statement(", ".join("?" * len(journey.COLUMNS)))
with csv_path.open(newline="", encoding="utf-8") as handle:
    reader = csv.reader(handle)
    next(reader)
    next_id, rows, history, journeys = first, [], [], []
    for first_name, last, email, phone, company, title, created_at, notes in reader:
        rows.append((next_id, first_name + " " + last, company, title, email, email.lower(),
                     phone, phone, "other", "bench", "USD", "", notes, 0, "outreach", now,
                     created_at, now, created[0]))
        history.append((next_id, None, "outreach", "create", now, "bench", "raw"))
        journeys.append((next_id, created[0], created_at, "bench", *created[1:]))
        next_id += 1
        if len(rows) == 2000:
            connection.executemany(insert_prospect, rows)
            connection.executemany(insert_change, history)
            connection.executemany(insert_journey, journeys)
            rows, history, journeys = [], [], []
    connection.executemany(insert_prospect, rows)
    connection.executemany(insert_change, history)
    connection.executemany(insert_journey, journeys)
connection.execute(
    "INSERT INTO prospect_fts(rowid, name, company, email, notes) "
    "SELECT id, name, company, email, notes FROM prospect WHERE id >= ?", (first,))
connection.execute(sqlite_specific.SEARCH_INDEX_DDL[1])
connection.execute(journey.triggers_ddl()[0])
connection.execute("COMMIT")
print(json.dumps({"seconds": time.perf_counter() - started, "rows": next_id - first}))
"""


def write_csv(path: Path, rows: int, existing_emails: list[str], seed: int = 7) -> None:
    """A CRM-like export of ``rows`` rows (see the module docstring for its make-up)."""
    from onboard_desk.demo import fill as demo

    rng = random.Random(seed)
    recent: list[list[str]] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title",
             "Create Date", "Notes"]
        )  # fmt: skip
        for i in range(rows):
            roll = rng.random()
            if roll < 0.02 and recent:
                writer.writerow(rng.choice(recent))
                continue
            first, last = rng.choice(demo.FIRST_NAMES), rng.choice(demo.LAST_NAMES)
            company = f"{rng.choice(demo.COMPANY_HEADS)} {rng.choice(demo.COMPANY_TAILS)}"
            if roll < 0.12:
                email = rng.choice(existing_emails)
            else:
                email = (
                    f"{demo._ascii(first).lower()}.{i}@{company.lower().replace(' ', '')}.example"
                )
            kind = rng.random()
            area, line = rng.randint(201, 989), rng.randint(0, 9999)
            if kind < 0.7:
                phone = f"+1{area}{rng.randint(200, 999)}{line:04d}"
            elif kind < 0.9:
                phone = f"({area}) {rng.randint(200, 999)}-{line:04d}"
            else:
                phone = ""
            row = [
                first, last, email, phone, company, rng.choice(demo.TITLES),
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:{i % 60:02d}",
                "Met at the fair" if rng.random() < 0.2 else "",
            ]  # fmt: skip
            writer.writerow(row)
            if len(recent) < 1000:
                recent.append(row)
            elif rng.random() < 0.01:
                recent[rng.randrange(1000)] = row


def _existing_emails(db: Path, limit: int = 20_000) -> list[str]:
    from onboard_desk.storage.dialects.sqlite import driver as sqlite3

    connection = sqlite3.connect(db)
    try:
        return [r[0] for r in connection.execute("SELECT email FROM prospect LIMIT ?", (limit,))]
    finally:
        connection.close()


def _fresh_copy(demo: Path, copy: Path) -> None:
    """Copy the demo database and write the copy out, so that the disk writes of a
    530 MB copy do not run during (and slow down) the import being timed."""
    shutil.copyfile(demo, copy)
    os.sync()


def _child_import(db: Path, csv_path: Path, code: str = _CHILD) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(db), str(csv_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def _sqlite_import_seconds(workdir: Path, csv_path: Path) -> float:
    target = workdir / "sqlite-import.sqlite3"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        ["sqlite3", str(target), ".mode csv", f".import '{csv_path}' contacts"],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    target.unlink(missing_ok=True)
    return seconds


def run(prospects: int, workdir: Path) -> list[dict[str, Any]]:
    demo = demo_database(workdir, prospects)
    emails = _existing_emails(demo)
    sizes = {"full": prospects, "double": 2 * prospects}
    results: list[dict[str, Any]] = []
    measured: dict[str, dict[str, Any]] = {}
    for label, rows in sizes.items():
        csv_path = workdir / f"import-{rows}.csv"
        if not csv_path.exists():
            write_csv(csv_path, rows, emails)
        copy = workdir / f"import-target-{label}.sqlite3"
        _fresh_copy(demo, copy)
        measured[label] = _child_import(copy, csv_path)
        copy.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    full = measured["full"]
    csv_full = workdir / f"import-{prospects}.csv"
    baseline = _sqlite_import_seconds(workdir, csv_full)
    copy = workdir / "import-target-raw.sqlite3"
    _fresh_copy(demo, copy)
    raw = _child_import(copy, csv_full, _RAW)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    rate = full["rows"] / full["seconds"]
    results.append(
        figure(f"import {full['rows']:,}-row CSV (rows/s)", rate, "r/s", full["rows"] / baseline)
    )
    results.append(figure("import time vs sqlite3 .import", full["seconds"], "s", baseline))
    results.append(
        figure(
            "import time vs raw inserts, same schema",
            full["seconds"],
            "s",
            raw["seconds"],
        )
    )
    results.append(
        figure(
            f"duplicates found ({full['duplicates']:,}), created",
            full["created"],
            "rows",
            None,
        )
    )
    double = measured["double"]
    results.append(
        figure(
            f"peak RSS, {double['rows']:,} rows vs {full['rows']:,}",
            double["peak_rss_mb"],
            "MB",
            full["peak_rss_mb"],
        )
    )
    results.append(
        figure(
            f"worker peak RSS, {double['rows']:,} rows vs {full['rows']:,}",
            double["worker_peak_rss_mb"],
            "MB",
            full["worker_peak_rss_mb"],
        )
    )
    return results


if __name__ == "__main__":
    from bench.run import main

    sys.exit(main(["--only", "import", *sys.argv[1:]]))
