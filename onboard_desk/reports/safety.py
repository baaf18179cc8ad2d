"""Spreadsheet formula injection: text that a spreadsheet would run as a formula.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
that some programs skip) is executed by Excel and LibreOffice when the file is opened.
Prospect data comes from imports and other people, so such text is prefixed with an
apostrophe: it then reads as the same text and never runs. Numbers are written as
numbers and are never touched, so a real negative amount stays a number.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` made safe for a spreadsheet cell (unchanged unless it could run)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_cell(value: Any) -> Any:
    """A CSV value: strings neutralised, numbers and everything else unchanged."""
    return neutralise(value) if isinstance(value, str) else value
