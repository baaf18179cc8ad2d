"""Shared fixtures: a real SQLite file per test, its services, the window's context, and Qt
in offscreen mode.

``context`` runs background work inline (:class:`~onboard_desk.ui.common.context.InlinePool`):
a task's callbacks have run by the time the call that started it returns, so no test waits
a fixed time. ``threaded_context`` runs it on a real thread pool, for the tests that check
the window stays responsive.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Before anything imports Qt: no display is needed for any test.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.services.desk import Desk
from onboard_desk.storage.db import open_database

if TYPE_CHECKING:
    from onboard_desk.ui.common.context import AppContext

#: Real SMTP servers, TLS certificates and a keyring, for every test that sends mail (the
#: mail feature's, the outreach screens', the services' and the command line's); the
#: reports' hand-computed databases, for every test that reads a report; a keyring for the
#: database keys.
pytest_plugins = [
    "tests.outreach.mail_fixtures",
    "tests.reports.databases",
    "tests.storage.keyring_fixtures",
]


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's data, settings or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("ONBOARD_DESK_DB", raising=False)
    # New databases stay plain whatever keyring the machine has (scripts/run-tests.sh runs
    # a real one); the encryption tests turn it on where they need it.
    monkeypatch.setenv("ONBOARD_DESK_ENCRYPT_NEW", "0")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.sqlite3"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = open_database(db_path)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
        session.commit()


@pytest.fixture
def desk(engine: Engine, db_path: Path) -> Desk:
    """The services on the test database (the engine fixture disposes of it)."""
    return Desk(engine, db_path)


@pytest.fixture
def context(desk: Desk, qtbot: Any) -> Iterator[AppContext]:
    """The window's context on the test database, running background work inline."""
    from onboard_desk.ui.common.context import AppContext, InlinePool

    yield AppContext(desk, thread_pool=InlinePool())


@pytest.fixture
def threaded_context(desk: Desk, qtbot: Any) -> Iterator[AppContext]:
    """The window's context with a real thread pool (wait for results with qtbot)."""
    from PySide6.QtCore import QThreadPool

    from onboard_desk.ui.common.context import AppContext

    pool = QThreadPool()
    yield AppContext(desk, thread_pool=pool)
    pool.waitForDone(10_000)
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0)
