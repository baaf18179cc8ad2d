"""The one place icons come from: SVG files in ``resources/icons/``, drawn in the palette's
text colour so they stay readable in light and dark themes, sharp at any scale factor.

The SVGs use ``currentColor``; :func:`icon` substitutes the current palette's
``WindowText`` colour and builds a QIcon from an icon engine that renders the SVG at
whatever size and device pixel ratio Qt asks for.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
ICON_DIR = RESOURCES / "icons"
APP_ICON = RESOURCES / "onboard-desk.svg"

_cache: dict[tuple[str, str], QIcon] = {}


class _SvgEngine(QIconEngine):
    """Renders one SVG (already coloured) at any size; disabled icons are drawn faded."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data
        self._renderer: QSvgRenderer | None = None  # parsed on first paint

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        if self._renderer is None:
            self._renderer = QSvgRenderer(QByteArray(self._data))
        painter.save()
        if mode == QIcon.Mode.Disabled:
            painter.setOpacity(0.4)
        self._renderer.render(painter, rect)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgEngine(self._data)


def _text_colour() -> str:
    palette = QGuiApplication.palette() if QGuiApplication.instance() else QPalette()
    return palette.color(QPalette.ColorRole.WindowText).name()


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` in the palette's text colour (empty if missing)."""
    colour = _text_colour()
    key = (name, colour)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    path = ICON_DIR / f"{name}.svg"
    try:
        data = path.read_bytes().replace(b"currentColor", colour.encode())
    except OSError:
        result = QIcon()
    else:
        result = QIcon(_SvgEngine(data))
    _cache[key] = result
    return result


def app_icon() -> QIcon:
    """The application icon (window, task bar, tray)."""
    return QIcon(str(APP_ICON))


def icon_names() -> list[str]:
    """Every icon available, for checks that nothing refers to a missing file."""
    return sorted(p.stem for p in ICON_DIR.glob("*.svg"))
