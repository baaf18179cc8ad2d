"""Streaming output of rows as a terminal table, CSV or a JSON array.

Rows are written as they come so that listing 100,000 prospects never holds them all
in memory; the table uses fixed column widths for the same reason.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

#: Widths of table columns that would otherwise make lines unreadable.
TABLE_WIDTHS: dict[str, int] = {
    "id": 6,
    "name": 22,
    "company": 22,
    "email": 30,
    "phone": 16,
    "channel": 16,
    "owner": 14,
    "stage": 14,
    "value": 12,
    "next_action": 30,
    "next_action_due": 16,
    "created_at": 10,
    "updated_at": 10,
    "code": 9,
    "engagement": 10,
    "score": 5,
    "purchases": 9,
    "last_purchase": 13,
    "next_purchase": 13,
    "referrals": 12,
}
DEFAULT_WIDTH = 20


class RowWriter:
    """Writes dictionaries one at a time in ``table``, ``csv`` or ``json`` format."""

    def __init__(self, out: TextIO, fmt: str, columns: Sequence[str]) -> None:
        if fmt not in ("table", "csv", "json"):
            raise ValueError(f"unknown format {fmt!r}")
        self.out = out
        self.fmt = fmt
        self.columns = list(columns)
        self.count = 0
        self.widths = [TABLE_WIDTHS.get(c, DEFAULT_WIDTH) for c in self.columns]
        self._csv = csv.DictWriter(out, fieldnames=self.columns, extrasaction="ignore")
        if fmt == "csv":
            self._csv.writeheader()
        elif fmt == "table":
            header = "  ".join(
                c.upper().ljust(w) for c, w in zip(self.columns, self.widths, strict=True)
            )
            out.write(header.rstrip() + "\n")
        else:
            out.write("[")

    def write(self, row: dict[str, Any]) -> None:
        if self.fmt == "csv":
            self._csv.writerow({c: "" if row.get(c) is None else row.get(c) for c in self.columns})
        elif self.fmt == "json":
            self.out.write(",\n  " if self.count else "\n  ")
            data = {c: row.get(c) for c in self.columns}
            self.out.write(json.dumps(data, ensure_ascii=False, default=str))
        else:
            cells = []
            for column, width in zip(self.columns, self.widths, strict=True):
                value = row.get(column)
                text = "" if value is None else str(value).replace("\n", " ")
                if len(text) > width:
                    text = text[: width - 1] + "…"
                cells.append(text.ljust(width))
            self.out.write("  ".join(cells).rstrip() + "\n")
        self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()
