"""The facade over one open database: sessions, the write lock, settings, and the services.

The window's thread pool and its GUI thread share one Desk; every write goes through
:meth:`Desk.writing`, which holds one lock, so SQLite never sees two writers from this
process (another process, such as the command line, waits on SQLite's busy timeout).
Settings that every use case needs (the pipeline configuration with the working hours,
the user's name, the home currency, the phone region) are read once and kept until
:meth:`Desk.forget_settings`.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from onboard_desk.storage.db import open_database, session_scope
from onboard_desk.storage.settings_store import (
    default_currency,
    load_config,
    phone_region,
    user_name,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from onboard_desk.pipeline import PipelineConfig
    from onboard_desk.retention.config import RetentionConfig
    from onboard_desk.services.customers import CustomerService
    from onboard_desk.services.exports import ExportService
    from onboard_desk.services.importing import ImportService
    from onboard_desk.services.lists import ListService
    from onboard_desk.services.maintenance import MaintenanceService
    from onboard_desk.services.outreach import OutreachService
    from onboard_desk.services.prospects import ProspectService
    from onboard_desk.services.reports import ReportService
    from onboard_desk.services.settings import SettingsService
    from onboard_desk.services.watch import ChangeWatcher


class Desk:
    """One open database and the use cases on it (see the package docstring)."""

    def __init__(self, engine: Engine, path: Path) -> None:
        #: The engine, for services and features only: front ends go through the services.
        self.engine = engine
        self.path = path
        #: Held by every write of this process (features that write through a connection of
        #: their own, such as the import, take it too).
        self.write_lock = threading.RLock()
        self._config: PipelineConfig | None = None
        self._retention: RetentionConfig | None = None
        self._user: str | None = None
        self._currency: str | None = None
        self._region: tuple[str | None] | None = None
        #: Set by :meth:`open` when it created the database: whether it is encrypted (the
        #: front end then offers the recovery key, or says why it is not encrypted).
        self.created: bool = False
        self.created_encrypted: bool = False
        #: How many write transactions this process has committed (a change watcher tells
        #: this process's own changes from another writer's by it).
        self.local_writes = 0
        self._watchers: weakref.WeakSet[ChangeWatcher] = weakref.WeakSet()

    @classmethod
    def open(cls, path: Path) -> Desk:
        """Open (creating and upgrading as needed) the database at ``path``; a new one is
        encrypted when a system keyring can keep its key
        (:func:`~onboard_desk.services.encryption.key_for_new_database`)."""
        from onboard_desk.services.encryption import key_for_new_database

        created = not (path.exists() and path.stat().st_size > 0)
        key = key_for_new_database(path) if created else None
        desk = cls(open_database(path, new_key=key), path)
        desk.created = created
        desk.created_encrypted = key is not None
        return desk

    def close(self) -> None:
        self.release()

    def release(self) -> None:
        """Close every connection to the file (the pool's and the watchers'), for a rewrite
        of the file or the end of the process; the next use opens new ones."""
        for watcher in list(self._watchers):
            watcher.close()
        self.engine.dispose()

    def reopen(self) -> None:
        """Open the database file again (after it was rewritten with another key): new
        connections, with the key the file needs now."""
        self.engine.dispose()
        self.engine = open_database(self.path)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (on any thread; SQLite's WAL lets readers run beside a writer)."""
        with session_scope(self.engine) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any error, holding the
        process's write lock."""
        with self.write_lock:
            with session_scope(self.engine) as session:
                yield session
            self.local_writes += 1

    # -- settings every use case needs ------------------------------------------------------

    @property
    def config(self) -> PipelineConfig:
        """The pipeline configuration (read once, until :meth:`forget_settings`)."""
        if self._config is None:
            with self.reading() as session:
                self._config = load_config(session)
        return self._config

    @property
    def retention_config(self) -> RetentionConfig:
        """The retention rules (read once, until :meth:`forget_settings`)."""
        if self._retention is None:
            from onboard_desk.retention.config import load_retention_config

            with self.reading() as session:
                self._retention = load_retention_config(session)
        return self._retention

    @property
    def user(self) -> str:
        """The person using this database: owner of what they add, author of their moves;
        "" while no name is chosen (see :meth:`SettingsService.identity`)."""
        if self._user is None:
            with self.reading() as session:
                self._user = user_name(session)
        return self._user

    @property
    def currency(self) -> str:
        """The database's home currency."""
        if self._currency is None:
            with self.reading() as session:
                self._currency = default_currency(session)
        return self._currency

    @property
    def region(self) -> str | None:
        """The region phone numbers without a country code are read in (None: they are kept
        as written)."""
        if self._region is None:
            with self.reading() as session:
                self._region = (phone_region(session),)
        return self._region[0]

    def forget_settings(self) -> None:
        """Read the settings again next time (after they changed, here or elsewhere)."""
        self._config = None
        self._retention = None
        self._user = None
        self._currency = None
        self._region = None

    # -- the services -----------------------------------------------------------------------

    @cached_property
    def prospects(self) -> ProspectService:
        from onboard_desk.services.prospects import ProspectService

        return ProspectService(self)

    @cached_property
    def lists(self) -> ListService:
        from onboard_desk.services.lists import ListService

        return ListService(self)

    @cached_property
    def settings(self) -> SettingsService:
        from onboard_desk.services.settings import SettingsService

        return SettingsService(self)

    @cached_property
    def importing(self) -> ImportService:
        from onboard_desk.services.importing import ImportService

        return ImportService(self)

    @cached_property
    def outreach(self) -> OutreachService:
        from onboard_desk.services.outreach import OutreachService

        return OutreachService(self)

    @cached_property
    def customers(self) -> CustomerService:
        from onboard_desk.services.customers import CustomerService

        return CustomerService(self)

    @cached_property
    def exports(self) -> ExportService:
        from onboard_desk.services.exports import ExportService

        return ExportService(self)

    @cached_property
    def maintenance(self) -> MaintenanceService:
        from onboard_desk.services.maintenance import MaintenanceService

        return MaintenanceService(self)

    @cached_property
    def reports(self) -> ReportService:
        from onboard_desk.services.reports import ReportService

        return ReportService(self)

    def watcher(self) -> ChangeWatcher:
        """A new :class:`~onboard_desk.services.watch.ChangeWatcher` on this database (the
        window keeps one, to notice what other writers change)."""
        from onboard_desk.services.watch import ChangeWatcher

        watcher = ChangeWatcher(self)
        self._watchers.add(watcher)
        return watcher
