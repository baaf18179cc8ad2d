"""Icons follow the palette: one made before a switch to a dark theme is drawn in the
dark theme's text colour afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from onboard_desk.ui.common.icons import icon


def _drawn_colours(made: QIcon) -> set[str]:
    image = made.pixmap(QSize(32, 32)).toImage()
    colours = set()
    for x in range(image.width()):
        for y in range(image.height()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() == 255:
                colours.add(pixel.name())
    return colours


@pytest.fixture
def restore_palette(qapp: QApplication) -> Iterator[None]:
    original = QGuiApplication.palette()
    yield
    QApplication.setPalette(original)


@pytest.mark.usefixtures("restore_palette")
def test_an_icon_made_before_a_theme_change_is_drawn_in_the_new_colour() -> None:
    light = QPalette()
    light.setColor(QPalette.ColorRole.WindowText, QColor("#101010"))
    QApplication.setPalette(light)
    made = icon("today")  # as the sidebar and the menus make theirs, once
    assert _drawn_colours(made) == {"#101010"}
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    QApplication.setPalette(dark)
    assert _drawn_colours(made) == {"#e6e6e6"}
