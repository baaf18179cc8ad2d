"""A report reads whatever ReportDatabases its dialect builds, not SQLite files as such.

``OneDatabase`` hands the report code what a server dialect would: one connection to one
database, its tables under that database's own schema, no attached files. The report
and its prospect list must come out the same as from the snapshot file itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from onboard_desk.reports import ReportError, ReportFilter, ReportSources, build_report
from onboard_desk.reports.model import Report
from onboard_desk.reports.prospect_rows import report_prospects
from onboard_desk.storage.dialects import ReportConnection, SqlDialect, UnreadableDatabaseError
from onboard_desk.storage.dialects import sqlite as sqlite_dialect
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver
from tests.reports.fixture import NOW


@dataclass(frozen=True)
class OneDatabase:
    """One database on one connection, under its own schema (``main``)."""

    path: Path

    @property
    def dialect(self) -> SqlDialect:
        return sqlite_dialect

    @property
    def names(self) -> tuple[str, ...]:
        return ("team",)

    @property
    def schemas(self) -> tuple[str, ...]:
        return ("main",)

    @contextmanager
    def connect(self) -> Iterator[ReportConnection]:
        uri = f"file:{self.path}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            yield connection
        finally:
            connection.close()


def _comparable(report: Report) -> Report:
    return replace(report, seconds=0.0, sources=())


@pytest.mark.parametrize(
    "flt",
    [
        ReportFilter(),
        ReportFilter(owner="Ann"),
        ReportFilter(date_from=date(2026, 1, 5), date_to=date(2026, 1, 11)),
    ],
)
def test_the_report_is_the_same_on_one_database_under_its_own_schema(
    fixture_db: Path, flt: ReportFilter
) -> None:
    files = ReportSources.of([fixture_db])
    server_like = ReportSources(OneDatabase(fixture_db))
    from_files = build_report(files, flt, now=NOW)
    from_one = build_report(server_like, flt, now=NOW)
    assert from_files.total_prospects > 0
    assert _comparable(from_one) == _comparable(from_files)
    assert from_one.sources == ("team",)
    assert list(report_prospects(server_like, flt, now=NOW)) == [
        ("team", *row[1:]) for row in report_prospects(files, flt, now=NOW)
    ]


def test_snapshot_files_are_attached_read_only(fixture_db: Path) -> None:
    files = sqlite_dialect.SnapshotFiles((fixture_db, fixture_db))
    assert files.schemas == ("src0", "src1")
    assert files.dialect is sqlite_dialect
    with files.connect() as connection:
        assert sqlite_dialect.has_table(connection, "src1", "prospect")
        assert not sqlite_dialect.has_table(connection, "src1", "no_such_table")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("DELETE FROM src0.prospect")


def test_an_unreadable_source_is_one_sentence(tmp_path: Path) -> None:
    class Broken(OneDatabase):
        @contextmanager
        def connect(self) -> Iterator[ReportConnection]:
            raise UnreadableDatabaseError("unable to open database file")
            yield  # pragma: no cover

    with pytest.raises(ReportError, match="Cannot read the databases: unable to open"):
        build_report(ReportSources(Broken(tmp_path / "gone.sqlite3")), now=NOW)
