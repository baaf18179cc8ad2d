"""The one place icons come from: SVG files shipped in the package
(``onboard_desk/resources/icons/``, also reachable as ``resources/icons/`` in the
repository), drawn in the palette's text colour so they stay readable in light and dark
themes, sharp at any scale factor.

The SVGs use ``currentColor``; :func:`icon` substitutes the current palette's
``WindowText`` colour and builds a QIcon from an icon engine that renders the SVG at
whatever size and device pixel ratio Qt asks for. Files are read with
:mod:`importlib.resources`, so an installed wheel has its icons like a source checkout.
"""

from __future__ import annotations

from typing import Literal, get_args

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from onboard_desk.resource_files import resource

#: Every icon the code may ask for; mypy rejects any other name at the call sites, and a
#: test checks that each one ships in the package as a valid SVG.
IconName = Literal[
    "about",
    "backup",
    "board",
    "calendar",
    "call",
    "customers",
    "done",
    "email",
    "export",
    "find",
    "import",
    "lost",
    "new-prospect",
    "open",
    "prospects",
    "quick-switcher",
    "quit",
    "redo",
    "refresh",
    "reports",
    "search",
    "send",
    "settings",
    "snooze",
    "templates",
    "today",
    "undo",
    "won",
]
ICON_NAMES: tuple[IconName, ...] = get_args(IconName)

#: The application icon, next to the ``icons`` folder.
APP_ICON_FILE = "onboard-desk.svg"

_cache: dict[str, QIcon] = {}


class _SvgEngine(QIconEngine):
    """Renders one SVG at any size; disabled icons are drawn faded.

    A themed icon's ``currentColor`` becomes the palette's text colour when it is drawn,
    not when it is made: icons built before a theme change (the desktop switching to dark,
    say) are drawn in the new colour at their next paint.
    """

    def __init__(self, data: bytes, *, themed: bool) -> None:
        super().__init__()
        self._data = data
        self._themed = themed
        self._renderers: dict[str, QSvgRenderer] = {}  # per colour, parsed on first paint

    def _renderer(self) -> QSvgRenderer:
        colour = _text_colour() if self._themed else ""
        renderer = self._renderers.get(colour)
        if renderer is None:
            data = self._data.replace(b"currentColor", colour.encode()) if colour else self._data
            renderer = self._renderers[colour] = QSvgRenderer(QByteArray(data))
        return renderer

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        renderer = self._renderer()
        painter.save()
        if mode == QIcon.Mode.Disabled:
            painter.setOpacity(0.4)
        renderer.render(painter, rect)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgEngine(self._data, themed=self._themed)


def _text_colour() -> str:
    palette = QGuiApplication.palette() if QGuiApplication.instance() else QPalette()
    return palette.color(QPalette.ColorRole.WindowText).name()


def icon(name: IconName) -> QIcon:
    """The icon ``icons/<name>.svg`` in the palette's text colour (empty if missing)."""
    cached = _cache.get(name)
    if cached is not None:
        return cached
    data = _read("icons", f"{name}.svg")
    result = QIcon() if data is None else QIcon(_SvgEngine(data, themed=True))
    _cache[name] = result
    return result


def app_icon() -> QIcon:
    """The application icon (window, task bar, tray), in its own colours."""
    data = _read(APP_ICON_FILE)
    return QIcon() if data is None else QIcon(_SvgEngine(data, themed=False))


def icon_names() -> list[str]:
    """Every icon file the package ships, for checks that nothing refers to a missing one."""
    folder = resource("icons")
    if not folder.is_dir():
        return []
    return sorted(
        entry.name.removesuffix(".svg") for entry in folder.iterdir() if entry.name.endswith(".svg")
    )


def _read(*parts: str) -> bytes | None:
    """The bytes of a packaged resource file, or None if this install lacks it: a blank
    icon is better than a window that cannot open (and the packaging tests catch the cause)."""
    try:
        return resource(*parts).read_bytes()
    except OSError:
        return None
