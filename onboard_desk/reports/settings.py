"""The report's settings, read from a database without ever writing to it.

Forecast probabilities live in the ``setting`` table (key
:data:`~onboard_desk.reports.definitions.PROBABILITIES_SETTING`), beside the pipeline
settings whose idle limits the attention list uses. A team report takes them from the
first database given (normally the lead's own).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlmodel import Session

from onboard_desk.pipeline import Stage
from onboard_desk.reports.compute import ReportSettings
from onboard_desk.reports.definitions import (
    PROBABILITIES_SETTING,
    probabilities_from_setting,
    validate_probabilities,
)
from onboard_desk.retention.config import load_retention_config
from onboard_desk.storage import settings_store
from onboard_desk.storage.db import file_key
from onboard_desk.storage.dialects import sqlite as sqlite_dialect


def load_probabilities(session: Session) -> dict[Stage, float]:
    """The forecast probability of each working stage (defaults where never edited)."""
    return probabilities_from_setting(settings_store.get_setting(session, PROBABILITIES_SETTING))


def save_probabilities(session: Session, values: Mapping[Stage, float]) -> None:
    """Store edited probabilities (0..1 each); ReportError names a bad one."""
    merged = {**load_probabilities(session), **values}
    settings_store.set_setting(session, PROBABILITIES_SETTING, validate_probabilities(merged))


def settings_from_session(session: Session) -> ReportSettings:
    return ReportSettings(
        config=settings_store.load_config(session),
        probabilities=load_probabilities(session),
        currency=settings_store.default_currency(session),
        retention=load_retention_config(session),
    )


def read_report_settings(path: Path) -> ReportSettings:
    """The report settings stored in the database file at ``path``, opened read-only."""
    engine = sqlite_dialect.read_only_engine(path, key=file_key(path))
    try:
        with Session(engine) as session:
            return settings_from_session(session)
    finally:
        engine.dispose()
