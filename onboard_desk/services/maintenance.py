"""Looking after the database file: a consistent snapshot (backup) and sample data.

A backup is the same rule wherever it starts (File > Back up database in the window,
``onboard-desk backup`` on the command line): the source must be an Onboard Desk
database, the snapshot never replaces it, and it is copied through SQLite's online backup
into a file beside the target that is renamed into place, so it is consistent while the
window writes and never left half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from onboard_desk.errors import UserError

if TYPE_CHECKING:
    from onboard_desk.demo.fill import DemoSummary
    from onboard_desk.services.desk import Desk

__all__ = ["MaintenanceService", "SnapshotExistsError", "back_up_database"]


class SnapshotExistsError(UserError):
    """The backup's target exists and was not to be replaced."""

    def __init__(self, target: Path) -> None:
        super().__init__(f"{target} already exists.")
        self.target = target


def back_up_database(source: Path, target: Path, *, overwrite: bool = False) -> None:
    """Write a consistent snapshot of the database at ``source`` to ``target``, safe while
    the database is in use; every refusal is a UserError saying what to change.

    The source is not opened as a database (a backup never creates or upgrades one). An
    encrypted database's backup is encrypted with the same key
    (:func:`onboard_desk.services.encryption.back_up`).
    """
    from onboard_desk.services.encryption import back_up

    if not source.is_file():
        raise UserError(f"There is no database at {source}.")
    if target.resolve() == source.resolve():
        raise UserError("The snapshot cannot replace the database itself; choose another file.")
    if target.exists() and not overwrite:
        raise SnapshotExistsError(target)
    if not target.parent.is_dir():
        raise UserError(f"The folder {target.parent} does not exist.")
    try:
        back_up(source, target)
    except OSError as exc:
        raise UserError(f"Cannot write {target}: {exc.strerror or exc}.") from exc


class MaintenanceService:
    """Backup and sample data for one open database."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def back_up(self, target: Path, *, overwrite: bool = False) -> None:
        """A snapshot of this database at ``target`` (see :func:`back_up_database`)."""
        back_up_database(self._desk.path, target, overwrite=overwrite)

    def fill_demo(self, *, prospects: int, seed: int = 1) -> DemoSummary:
        """Add ``prospects`` simulated prospects with their histories (to try the app or
        measure it), in one transaction."""
        from onboard_desk.demo.fill import fill_demo

        with self._desk.write_lock:
            return fill_demo(self._desk.engine, prospects=prospects, seed=seed)
