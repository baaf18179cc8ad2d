"""SQLite's fragments of SQL (dates, numbers, index steering, scratch tables) and the
journeys' triggers.

Part of the SQLite-only layer (see :mod:`onboard_desk.storage.dialects.sqlite`, which
re-exports every name here as the dialect's own).
"""

from __future__ import annotations

from collections.abc import Mapping

from onboard_desk.storage.dialects.protocol import ReportConnection

# --- Fragments of SQL: dates, numbers, index steering, scratch tables --------------------------


def day_number(expression: str) -> str:
    """SQL for a stored timestamp as a fractional day number (differences are days)."""
    return f"julianday({expression})"


def day_of(expression: str) -> str:
    """SQL for the calendar day (``YYYY-MM-DD``, UTC) of a stored timestamp."""
    return f"substr({expression}, 1, 10)"


def month_of(expression: str) -> str:
    """SQL for the month (``YYYY-MM``, UTC) of a stored timestamp."""
    return f"substr({expression}, 1, 7)"


def integer_part(expression: str) -> str:
    """SQL for the integer part of a non-negative number: SQLite's cast truncates."""
    return f"CAST({expression} AS INTEGER)"


def not_for_index(expression: str) -> str:
    """SQL for ``expression`` that SQLite will not use an index for (unary ``+``).

    The report's activity count must scan its covering index in (person, prospect) order;
    with statistics present SQLite may prefer the date index instead, which then reads
    every wide activity row. A Today group lists its first rows in the order of one chosen
    index and stops there; without statistics (a database filled after its last ANALYZE)
    SQLite guesses that an equality on stage or owner is narrow and picks that index, then
    reads and sorts every match. A PostgreSQL sibling returns the expression unchanged.
    """
    return f"+{expression}"


def indexed_by(index: str) -> str:
    """SQL after a table's name that makes SQLite read it through ``index`` (``INDEXED BY``).

    For the customers' activities: SQLite does not weigh a small partial index against the
    index on (status, due) well without statistics, and would read every done activity.
    A PostgreSQL sibling returns "" (its planner knows the partial index's size).
    """
    return f"INDEXED BY {index}"


def scratch_table(name: str) -> str:
    """The connection's temporary table ``name``, qualified (SQLite's ``temp`` schema)."""
    return f"temp.{name}"


def has_table(connection: ReportConnection, schema: str, table: str) -> bool:
    """Whether the database attached as ``schema`` has ``table``."""
    row = connection.execute(
        f"SELECT count(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = :table",
        {"table": table},
    ).fetchone()
    return bool(row[0])


# --- The journeys: triggers that keep each prospect's journey in step with its history ------

#: One trigger per kind of change to the stage history.
JOURNEY_TRIGGERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("prospectjourney_ai", "AFTER INSERT", ("new.prospect_id",)),
    ("prospectjourney_ad", "AFTER DELETE", ("old.prospect_id",)),
    ("prospectjourney_au", "AFTER UPDATE", ("old.prospect_id", "new.prospect_id")),
)

#: The trigger that follows a prospect's owner and creation time into its journey.
JOURNEY_PROSPECT_TRIGGER = "prospectjourney_pu"

DROP_JOURNEY_TRIGGERS_DDL: tuple[str, ...] = tuple(
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (*(t[0] for t in JOURNEY_TRIGGERS), JOURNEY_PROSPECT_TRIGGER)
)


def journey_triggers_ddl(refresh: Mapping[str, str]) -> tuple[str, ...]:
    """Row triggers on ``stagechange`` that recompute each changed prospect's journey.

    ``refresh`` maps the SQL of the changed prospect's id (``new.prospect_id``,
    ``old.prospect_id``) to the statements, separated by ``;``, that recompute its journey.
    """
    return tuple(
        f"CREATE TRIGGER IF NOT EXISTS {name} {when} ON stagechange BEGIN "
        + " ".join(f"{refresh[key]};" for key in keys)
        + " END"
        for name, when, keys in JOURNEY_TRIGGERS
    )


def journey_prospect_trigger_ddl(statement: str) -> str:
    """A trigger running ``statement`` (with ``new``) when a prospect's owner or creation
    time changes."""
    return (
        f"CREATE TRIGGER IF NOT EXISTS {JOURNEY_PROSPECT_TRIGGER} "
        f"AFTER UPDATE OF owner, created_at ON prospect BEGIN {statement}; END"
    )
