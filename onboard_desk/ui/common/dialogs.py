"""Message boxes in one place, so every screen reports problems the same way (and tests
can replace them instead of blocking on a modal box)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """Tell the user something could not be done and why; nothing has changed."""
    QMessageBox.warning(parent, title, message)


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)
