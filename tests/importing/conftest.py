"""Fixtures for import tests: the sample files and a helper that imports one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from onboard_desk.importing import ImportOptions, ImportResult, run_import

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def do_import(engine: Engine):
    """``do_import(name_or_path, **options)`` -> ImportResult, with by="tester"."""

    def run(
        target: str | Path,
        *,
        dry_run: bool = False,
        preview_rows: int = 0,
        parallel: bool | None = False,
        **options: Any,
    ) -> ImportResult:
        path = target if isinstance(target, Path) else DATA / target
        return run_import(
            engine,
            path,
            ImportOptions(**options),
            by="tester",
            dry_run=dry_run,
            preview_rows=preview_rows,
            parallel=parallel,
        )

    return run


def prospect_rows(engine: Engine, where: str = "1=1") -> list[dict[str, Any]]:
    with engine.connect() as connection:
        result = connection.exec_driver_sql(f"SELECT * FROM prospect WHERE {where} ORDER BY id")
        return [dict(row._mapping) for row in result]


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0)
