"""Report fixtures: the hand-computed pipeline in one database, or split in two.

A plugin of the root ``conftest.py``, so the feature's, the services', the command line's
and the Reports screen's tests report on the same databases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from onboard_desk.reports import ReportSources
from onboard_desk.storage.db import open_database
from tests.reports import fixture


@pytest.fixture
def fixture_db(tmp_path: Path) -> Path:
    path = tmp_path / "team.sqlite3"
    engine = open_database(path)
    fixture.fill({"*": engine})
    engine.dispose()
    return path


@pytest.fixture
def split_dbs(tmp_path: Path) -> list[Path]:
    """Ann's prospects in one database, Bob's in another (the same ids in both)."""
    paths = [tmp_path / "ann.sqlite3", tmp_path / "bob.sqlite3"]
    engines = {"Ann": open_database(paths[0]), "Bob": open_database(paths[1])}
    fixture.fill(engines)
    for engine in engines.values():
        engine.dispose()
    return paths


@pytest.fixture
def sources(fixture_db: Path) -> ReportSources:
    return ReportSources.of([fixture_db])
