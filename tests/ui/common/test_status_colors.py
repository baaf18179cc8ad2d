"""Status colours follow the theme: readable on a light and on a dark window."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from onboard_desk.ui.common import status_colors


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_status_colour_reads_on_light_and_dark_windows(qapp) -> None:
    original = QGuiApplication.palette()
    try:
        for window in (QColor("#f5f5f5"), QColor("#202124")):
            palette = QPalette(original)
            palette.setColor(QPalette.ColorRole.Window, window)
            palette.setColor(QPalette.ColorRole.Base, window)
            palette.setColor(QPalette.ColorRole.Link, QColor("#0000ee"))
            QGuiApplication.setPalette(palette)
            assert status_colors.is_dark() is (window.lightness() < 128)
            kinds: tuple[status_colors.Kind, ...] = ("error", "warning", "success", "info")
            for kind in kinds:
                colour = status_colors.status_color(kind)
                assert _contrast(colour, window) >= 4.5, (kind, window.name())
                assert colour.name() in status_colors.text_style(kind)
            assert _contrast(status_colors.link_color(), window) >= 4.5, window.name()
    finally:
        QGuiApplication.setPalette(original)
