"""Status colours (error, warning, success, muted, link) that read well in light and dark themes.

Qt's palette has no roles for "this failed" or "this is overdue", so the tones are chosen
here, once: a darker shade on a light window, a lighter one on a dark window, decided
from the palette in use when the widget asks. Widgets ask at the moment they colour
something, never at import time, so a theme chosen before the window opens is followed.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtGui import QColor, QGuiApplication, QPalette

Kind = Literal["error", "warning", "success", "info"]

#: (on a light window, on a dark window)
_TEXT: dict[Kind, tuple[str, str]] = {
    "error": ("#b3261e", "#f2b8b5"),
    "warning": ("#8a5a00", "#ffcc80"),
    "success": ("#1b5e20", "#a5d6a7"),
    "info": ("#0b3d62", "#9fcbf0"),
}
#: Banner backgrounds and borders: (light background, light border, dark bg, dark border).
_BANNER: dict[Kind, tuple[str, str, str, str]] = {
    "error": ("#fdecea", "#f5c2c0", "#4a1e1c", "#8c3b37"),
    "warning": ("#fff4e5", "#f0c36d", "#45330f", "#8a6a25"),
    "success": ("#e8f5e9", "#a5d6a7", "#1d3a20", "#3f7a45"),
    "info": ("#e8f4fd", "#b6dcf7", "#15324a", "#2f6a99"),
}


def _palette() -> QPalette:
    return QGuiApplication.palette() if QGuiApplication.instance() else QPalette()


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the window background is dark (the text is then light)."""
    return (palette or _palette()).color(QPalette.ColorRole.Window).lightness() < 128


def status_color(kind: Kind) -> QColor:
    """The text colour for ``kind`` in the current theme."""
    light, dark = _TEXT[kind]
    return QColor(dark if is_dark() else light)


def muted_color() -> QColor:
    """Text that matters less (ignored columns, rejected rows): the palette's placeholder."""
    return _palette().color(QPalette.ColorRole.PlaceholderText)


def link_color() -> QColor:
    """The palette's link colour, unless a dark theme left it too dark to read."""
    link = _palette().color(QPalette.ColorRole.Link)
    brightness = 0.299 * link.red() + 0.587 * link.green() + 0.114 * link.blue()
    return QColor("#8ab4f8") if is_dark() and brightness < 140 else link


def text_style(kind: Kind, *, bold: bool = False) -> str:
    """A style sheet colouring a label's text for ``kind``."""
    weight = " font-weight: bold;" if bold else ""
    return f"color: {status_color(kind).name()};{weight}"


def banner_style(kind: Kind, selector: str = "") -> str:
    """A style sheet for a message banner (background, border, text) for ``kind``.

    With ``selector`` (e.g. ``"QFrame#duplicates"``) the rule applies to that widget only,
    not to the children it contains.
    """
    light_bg, light_border, dark_bg, dark_border = _BANNER[kind]
    dark = is_dark()
    rule = (
        f"background: {dark_bg if dark else light_bg}; "
        f"border: 1px solid {dark_border if dark else light_border}; border-radius: 4px; "
        f"color: {status_color(kind).name()}; padding: 6px;"
    )
    return f"{selector} {{ {rule} }}" if selector else rule


def invalid_edit_style() -> str:
    """A line edit whose text was refused: an error-coloured border."""
    return f"QLineEdit {{ border: 1px solid {status_color('error').name()}; }}"
