"""Pieces the outreach dialogs share: problem display, template combo, URL opening."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from onboard_desk.services.outreach import SavedTemplate
from onboard_desk.templates.render import TemplateProblem
from onboard_desk.ui.common.status_colors import text_style


def open_url(url: str) -> bool:
    """Hand a mailto: or tel: URL to the desktop (mail program, dialler)."""
    return bool(QDesktopServices.openUrl(QUrl(url)))


class ProblemLabel(QLabel):
    """Shows template problems (or other errors) in red, and hides when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(text_style("error"))
        self.setVisible(False)

    def show_problems(self, problems: Sequence[TemplateProblem | str]) -> None:
        lines = [str(p) for p in problems]
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))


def template_label(template: SavedTemplate) -> str:
    stage = f"  ({template.stage.label})" if template.stage else ""
    return f"{template.name}{stage}"


def fill_template_combo(combo: QComboBox, templates: Sequence[SavedTemplate]) -> None:
    """Templates in the offered order; the item data is the template id."""
    combo.blockSignals(True)
    combo.clear()
    for template in templates:
        combo.addItem(template_label(template), template.id)
    combo.blockSignals(False)
