"""Background results for widgets that may be gone by the time the result arrives.

A query started by a screen can finish after the screen was closed; its callback must
then do nothing instead of touching a deleted C++ object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject


def guarded(owner: QObject, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """``callback``, skipped once ``owner`` has been deleted."""

    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call
