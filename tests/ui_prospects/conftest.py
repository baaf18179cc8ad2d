"""Fixtures for the prospect screens: an AppContext on a real SQLite file, demo data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from sqlalchemy.engine import Engine

from onboard_desk.demo.fill import fill_demo
from onboard_desk.services.desk import Desk
from onboard_desk.storage.db import open_database
from onboard_desk.ui.common.context import AppContext

DEMO_SIZE = 5_000


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 5,000-prospect demo database, built once and copied for each test that needs it."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    engine = open_database(path)
    fill_demo(engine, prospects=DEMO_SIZE, seed=3)
    engine.dispose()
    return path


@pytest.fixture(autouse=True)
def _ui_settings_in_tmp(tmp_path: Path) -> None:
    """QSettings (column widths, shown columns) go to this test's folder only."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def demo_engine(demo_file: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "demo-copy.sqlite3"
    shutil.copyfile(demo_file, path)
    engine = open_database(path)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_context(qtbot: object, demo_engine: Engine, tmp_path: Path) -> Iterator[AppContext]:
    pool = QThreadPool()
    ctx = AppContext(Desk(demo_engine, tmp_path / "demo-copy.sqlite3"), thread_pool=pool)
    yield ctx
    pool.waitForDone(5000)
