"""Bulk inserts straight through the database driver (demo data, imports).

SQLAlchemy's per-row parameter processing costs more than SQLite's own insert when
hundreds of thousands of rows go in at once; bulk loaders therefore hand pre-rendered
tuples to the driver's ``executemany``, with placeholders in the driver's paramstyle so
the same statements run on another database later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine


def placeholders(connection: Connection | Engine, count: int) -> str:
    """``count`` positional placeholders in the driver's paramstyle (qmark, numeric, format)."""
    style = connection.dialect.paramstyle
    if style == "qmark":
        return ", ".join("?" * count)
    if style == "numeric":
        return ", ".join(f":{i + 1}" for i in range(count))
    return ", ".join(["%s"] * count)
