"""Settings that belong with the data: the pipeline configuration (working hours
included) and who uses the database (name, e-mail, home currency, phone region).

They live in the ``setting`` table as JSON so that every front end (window, command line,
reports) reads the same rules. UI state such as window geometry lives in QSettings.

Nothing is guessed from the computer: without a chosen name the user has none (the
prospects they add have no owner, and the window and the command line say so), and
without a phone region numbers are kept as written.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from onboard_desk.domain.workhours import WorkingHours
from onboard_desk.pipeline import (
    DEFAULT_IDLE_LIMITS,
    PipelineConfig,
    PipelineError,
    Stage,
)
from onboard_desk.storage.models import Setting

USER_NAME = "user_name"
CHECK_IN_DELAY = "check_in_delay_days"
TRIAL_LENGTH = "trial_length_days"
IDLE_LIMITS = "idle_limits"
LOST_REASONS = "lost_reasons"
CHECKLISTS = "checklists"
DEFAULT_CURRENCY = "default_currency"
PHONE_REGION = "phone_region"
USER_EMAIL = "user_email"
WORKING_HOURS = "working_hours"
#: Set once the first-run questions were answered or skipped (the time, ISO 8601).
FIRST_RUN_DONE = "first_run_done"


def _decoded(raw: str | None, default: Any) -> Any:
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return default


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return _decoded(None if row is None else row.value, default)


def setting_on(connection: Connection, key: str, default: Any = None) -> Any:
    """:func:`get_setting` for bulk writers that work on a connection (the import, the demo)."""
    raw = connection.execute(select(Setting.value).where(col(Setting.key) == key)).scalar()
    return _decoded(raw, default)


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    encoded = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=key, value=encoded))
    else:
        row.value = encoded
        session.add(row)
    session.flush()


def user_name(session: Session) -> str:
    """The salesperson using this database: owner of new prospects and author of moves;
    "" until they choose a name (the login name is never taken for one)."""
    name = get_setting(session, USER_NAME)
    return name.strip() if isinstance(name, str) else ""


def phone_region(session: Session) -> str | None:
    """The region numbers without a country code are read in; None keeps them as written."""
    value = get_setting(session, PHONE_REGION)
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def currency_setting(value: Any) -> str:
    """The home currency a stored setting names (USD when none or not a code)."""
    return value if isinstance(value, str) and len(value) == 3 else "USD"


def default_currency(session: Session) -> str:
    return currency_setting(get_setting(session, DEFAULT_CURRENCY, "USD"))


def load_config(session: Session) -> PipelineConfig:
    """The pipeline configuration, defaults filled in for anything never changed."""
    defaults = PipelineConfig()
    idle = dict(defaults.idle_limits)
    for key, days in (get_setting(session, IDLE_LIMITS, {}) or {}).items():
        if key in Stage.__members__.values() and isinstance(days, int) and days > 0:
            idle[Stage(key)] = days
    checklists = dict(defaults.checklists)
    for key, items in (get_setting(session, CHECKLISTS, {}) or {}).items():
        if key in Stage.__members__.values() and isinstance(items, list):
            checklists[Stage(key)] = tuple(str(item) for item in items)
    reasons = get_setting(session, LOST_REASONS)
    delay = get_setting(session, CHECK_IN_DELAY, defaults.check_in_delay_days)
    trial = get_setting(session, TRIAL_LENGTH, defaults.trial_length_days)
    return PipelineConfig(
        working_hours=WorkingHours.from_setting(get_setting(session, WORKING_HOURS)),
        check_in_delay_days=delay if isinstance(delay, int) and delay >= 0 else 3,
        trial_length_days=trial if isinstance(trial, int) and trial > 0 else 14,
        idle_limits=idle,
        lost_reasons=tuple(str(r) for r in reasons)
        if isinstance(reasons, list) and reasons
        else defaults.lost_reasons,
        checklists=checklists,
    )


def save_config(session: Session, config: PipelineConfig) -> None:
    """Store every editable part of ``config``; invalid values raise PipelineError."""
    if config.check_in_delay_days < 0:
        raise PipelineError("The check-in delay cannot be negative.")
    if config.trial_length_days <= 0:
        raise PipelineError("A trial must last at least one day.")
    for stage, days in config.idle_limits.items():
        if days <= 0:
            raise PipelineError(f"The idle limit for {stage.label} must be at least one day.")
    reasons = [r.strip() for r in config.lost_reasons if r.strip()]
    if not reasons:
        raise PipelineError("Keep at least one lost reason.")
    set_setting(session, CHECK_IN_DELAY, config.check_in_delay_days)
    set_setting(session, TRIAL_LENGTH, config.trial_length_days)
    set_setting(
        session,
        IDLE_LIMITS,
        {s.value: d for s, d in config.idle_limits.items() if s in DEFAULT_IDLE_LIMITS},
    )
    set_setting(session, LOST_REASONS, reasons)
    set_setting(session, CHECKLISTS, {s.value: list(v) for s, v in config.checklists.items()})
    set_setting(session, WORKING_HOURS, config.working_hours.to_setting())
