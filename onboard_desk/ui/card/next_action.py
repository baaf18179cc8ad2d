"""The next-action editor: what to do next and when, with one-click "tomorrow"/"next week".

Every open prospect should have one (the Today screen is built from them); the editor
shows an empty one plainly so the gap is noticed. A proposal the app did not apply, because
the salesperson had just chosen the next action, is offered below it with *Use it*.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.domain.timeutil import (
    DEFAULT_DUE_TIME,
    as_utc,
    format_local,
    to_local,
    utcnow,
)
from onboard_desk.ui.common.status_colors import text_style


class NextActionEditor(QWidget):
    """Text and due time, with Save and Clear."""

    #: Save (text, aware UTC due) or clear (None, None).
    sig_next_action = Signal(object, object)
    #: The offered proposal was taken (text, aware UTC due).
    sig_offer_taken = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText(
            self.tr("What is the next step? e.g. Call to book the demo")
        )
        self.text_edit.setMaxLength(500)
        self.due_edit = QDateTimeEdit(self)
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.tomorrow_button = QPushButton(self.tr("Tomorrow"), self)
        self.next_week_button = QPushButton(self.tr("Next week"), self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text_edit)
        row = QHBoxLayout()
        row.addWidget(self.due_edit)
        row.addWidget(self.tomorrow_button)
        row.addWidget(self.next_week_button)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addWidget(self.status_label)
        offer = QHBoxLayout()
        self.offer_label = QLabel(self)
        self.offer_label.setWordWrap(True)
        self.offer_button = QPushButton(self.tr("Use it"), self)
        self.offer_button.setToolTip(self.tr("Replace the next action with the proposal"))
        offer.addWidget(self.offer_label, 1)
        offer.addWidget(self.offer_button)
        layout.addLayout(offer)
        self._offer: tuple[str, datetime] | None = None
        self.offer_button.clicked.connect(self._take_offer)
        self.clear_offer()
        self.save_button.clicked.connect(self._save)
        self.text_edit.returnPressed.connect(self._save)
        self.clear_button.clicked.connect(lambda: self.sig_next_action.emit(None, None))
        self.tomorrow_button.clicked.connect(lambda: self._set_days_ahead(1))
        self.next_week_button.clicked.connect(lambda: self._set_days_ahead(7))

    def offer(self, text: str, due: datetime) -> None:
        """Show a proposal the app did not apply, with a button to take it."""
        self._offer = (text, due)
        self.offer_label.setText(
            self.tr("Kept, as you set it minutes ago. The stage proposes: {0} ({1}).").format(
                text, format_local(due)
            )
        )
        self.offer_label.show()
        self.offer_button.show()

    def clear_offer(self) -> None:
        self._offer = None
        self.offer_label.clear()
        self.offer_label.hide()
        self.offer_button.hide()

    def offered(self) -> tuple[str, datetime] | None:
        return self._offer

    def _take_offer(self) -> None:
        if self._offer is not None:
            text, due = self._offer
            self.clear_offer()
            self.sig_offer_taken.emit(text, due)

    def _set_days_ahead(self, days: int) -> None:
        day = QDateTime.currentDateTime().date().addDays(days)
        hour, minute = DEFAULT_DUE_TIME.hour, DEFAULT_DUE_TIME.minute
        self.due_edit.setDateTime(QDateTime(day, QTime(hour, minute)))

    def due(self) -> datetime:
        """The due time as an aware UTC datetime (the widget shows local time)."""
        local = self.due_edit.dateTime().toPython()
        assert isinstance(local, datetime)
        return as_utc(local.replace(tzinfo=None))

    def set_due(self, due: datetime) -> None:
        local = to_local(due)
        self.due_edit.setDateTime(
            QDateTime(local.year, local.month, local.day, local.hour, local.minute, 0)
        )

    def _save(self) -> None:
        self.sig_next_action.emit(self.text_edit.text().strip() or None, self.due())

    def set_next_action(self, text: str | None, due: datetime | None, *, is_open: bool) -> None:
        self.text_edit.setText(text or "")
        self.set_due(due or (utcnow() + timedelta(days=1)))
        if not is_open:
            self.status_label.setText(self.tr("A lost prospect needs no next action."))
            self.status_label.setStyleSheet("")
        elif not text:
            self.status_label.setText(self.tr("No next action: set one so it is not forgotten."))
            self.status_label.setStyleSheet(text_style("warning", bold=True))
        elif due is not None and as_utc(due) < utcnow():
            self.status_label.setText(self.tr("Overdue"))
            self.status_label.setStyleSheet(text_style("error", bold=True))
        else:
            self.status_label.setText("")
            self.status_label.setStyleSheet("")
        self.status_label.setVisible(bool(self.status_label.text()))
