"""Window state kept in QSettings (UI state only; data lives in the database).

Every key is declared once here with its type and default. The organisation and
application names are set by :func:`configure_application`, so QSettings() anywhere
reads the same file (``~/.config/onboard-desk/onboard-desk.conf``); tests point it at a
temporary folder with ``QSettings.setPath``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

ORGANISATION = "onboard-desk"
APPLICATION = "onboard-desk"

T = TypeVar("T")


def configure_application() -> None:
    """Names QSettings uses to find the settings file; call before the first QSettings()."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(_version())


def _version() -> str:
    from onboard_desk import __version__

    return str(__version__)


class Key(Generic[T]):
    """One QSettings entry with its type and default."""

    def __init__(self, name: str, kind: type, default: T) -> None:
        self.name = name
        self.kind = kind
        self.default = default

    def get(self) -> T:
        return cast(T, self._convert(QSettings().value(self.name, self.default)))

    def _convert(self, value: Any) -> Any:
        if value is None:
            return self.default
        if self.kind is list:
            # QSettings collapses a one-item list to a plain string.
            return [value] if isinstance(value, str) else list(value)
        if self.kind is bool:
            return to_bool(value)
        if self.kind is QByteArray:
            return value if isinstance(value, QByteArray) else self.default
        try:
            return self.kind(value)
        except (TypeError, ValueError):
            return self.default

    def set(self, value: T) -> None:
        QSettings().setValue(self.name, value)


WINDOW_GEOMETRY: Key[QByteArray] = Key("window/geometry", QByteArray, QByteArray())
WINDOW_STATE: Key[QByteArray] = Key("window/state", QByteArray, QByteArray())
MAIN_SPLITTER: Key[QByteArray] = Key("window/main_splitter", QByteArray, QByteArray())
LAST_SCREEN: Key[str] = Key("window/last_screen", str, "today")
BOARD_SHOW_WON: Key[bool] = Key("board/show_won", bool, False)
BOARD_SHOW_LOST: Key[bool] = Key("board/show_lost", bool, False)
CUSTOMERS_SORT: Key[str] = Key("customers/sort", str, "name")
CUSTOMERS_DESCENDING: Key[bool] = Key("customers/descending", bool, False)
CUSTOMERS_OWNER: Key[str] = Key("customers/owner", str, "")
CUSTOMERS_HEADER: Key[QByteArray] = Key("customers/header", QByteArray, QByteArray())


def to_bool(value: Any) -> bool:
    """QSettings' ini backend returns "true"/"false" strings for booleans."""
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
