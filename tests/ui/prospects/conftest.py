"""Fixtures for the Prospects screen: a 5,000-prospect demo database, and the window's
context on a copy of it (background work inline, or on a real pool for the test that
checks the GUI thread stays free). QSettings go to the test's folder (``tests/ui``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRunnable, QThreadPool
from sqlalchemy.engine import Engine

from onboard_desk.demo.fill import fill_demo
from onboard_desk.services.desk import Desk
from onboard_desk.storage.db import open_database
from onboard_desk.ui.common.context import AppContext, InlinePool

DEMO_SIZE = 5_000


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 5,000-prospect demo database, built once and copied for each test that needs it."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    engine = open_database(path)
    fill_demo(engine, prospects=DEMO_SIZE, seed=3)
    engine.dispose()
    return path


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo-copy.sqlite3"
    shutil.copyfile(demo_file, path)
    return path


@pytest.fixture
def demo_engine(demo_path: Path) -> Iterator[Engine]:
    engine = open_database(demo_path)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_desk(demo_engine: Engine, demo_path: Path) -> Desk:
    return Desk(demo_engine, demo_path)


@pytest.fixture
def demo_context(qtbot: object, demo_desk: Desk) -> AppContext:
    """The context on the demo copy, running background work inline."""
    return AppContext(demo_desk, thread_pool=InlinePool())


@pytest.fixture
def threaded_demo_context(qtbot: object, demo_desk: Desk) -> Iterator[AppContext]:
    """The context on the demo copy with a real thread pool (wait with qtbot)."""
    pool = QThreadPool()
    yield AppContext(demo_desk, thread_pool=pool)
    pool.waitForDone(10_000)


class HeldPool:
    """A pool that keeps its tasks until :meth:`release` runs them, oldest first: the
    answers to a query changed in between arrive late, as they may from a real pool."""

    def __init__(self) -> None:
        self.tasks: list[QRunnable] = []

    def start(self, runnable: QRunnable, priority: int = 0) -> None:
        self.tasks.append(runnable)

    def waitForDone(self, msecs: int = -1) -> bool:
        return not self.tasks

    def release(self) -> None:
        while self.tasks:
            self.tasks.pop(0).run()
