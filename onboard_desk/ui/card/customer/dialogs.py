"""The customer dialogs of the prospect card: record a purchase, record a survey answer.

They collect and check what was typed (an amount the app can read, a three-letter
currency, a score from 0 to 10) and say what is wrong in the dialog, which stays open;
the card turns the result into an undoable command, and the rules below the UI (a date
in the future, a customer who is no longer one) answer there.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from onboard_desk.domain.contacts import ContactError, parse_money
from onboard_desk.domain.timeutil import format_local, parse_user_datetime
from onboard_desk.retention.nps import (
    MAX_SCORE,
    MIN_SCORE,
    NpsCategory,
    category,
)
from onboard_desk.services.customers import COMMENT_LIMIT, NOTE_LIMIT, SurveyInfo
from onboard_desk.ui.card.dialogs import _FormDialog
from onboard_desk.ui.common.status_colors import Kind, text_style

#: How each NPS category is coloured where a score is shown.
CATEGORY_KIND: dict[NpsCategory, Kind] = {
    NpsCategory.PROMOTER: "success",
    NpsCategory.PASSIVE: "warning",
    NpsCategory.DETRACTOR: "error",
}


def moment_of(day: date) -> datetime | None:
    """When something that happened on ``day`` happened: None (now) for today, else that
    day at the usual morning hour, as the command line reads a typed date."""
    if day >= date.today():
        return None
    return parse_user_datetime(day.isoformat())


def _day_of(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def _date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate(), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMaximumDate(QDate.currentDate())
    return edit


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(text_style("error"))
    label.setVisible(False)
    return label


class PurchaseDialog(_FormDialog):
    """A purchase: when, how much, in which currency, and a note."""

    def __init__(self, name: str = "", currency: str = "USD", parent: QWidget | None = None):
        super().__init__(self.tr("Record purchase") + (f": {name}" if name else ""), parent)
        self.date_edit = _date_edit(self)
        self.amount_edit = QLineEdit(self)
        self.amount_edit.setPlaceholderText(self.tr("e.g. 1,200.00"))
        self.currency_edit = QLineEdit(currency, self)
        self.currency_edit.setMaxLength(3)
        self.currency_edit.setMaximumWidth(80)
        self.note_edit = QLineEdit(self)
        self.note_edit.setMaxLength(NOTE_LIMIT)
        self.note_edit.setPlaceholderText(self.tr("What they bought (optional)"))
        self.error_label = _error_label(self)
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount_edit, 1)
        amount_row.addWidget(self.currency_edit)
        self.form.addRow(self.tr("Date"), self.date_edit)
        self.form.addRow(self.tr("Amount"), amount_row)
        self.form.addRow(self.tr("Note"), self.note_edit)
        self.form.addRow(self.error_label)
        self.amount_edit.textChanged.connect(self._update_ok)
        self.amount_edit.textChanged.connect(lambda _t: self.error_label.setVisible(False))
        self.currency_edit.textChanged.connect(lambda _t: self.error_label.setVisible(False))
        self._finish()

    def is_complete(self) -> bool:
        return bool(self.amount_edit.text().strip())

    def problem(self) -> str:
        """What is wrong with the input, in words ("" when it can be recorded)."""
        try:
            amount = parse_money(self.amount_edit.text())
        except ContactError as exc:
            return str(exc)
        if amount is None:
            return self.tr("Give the amount, e.g. 120 or 1,200.50.")
        code = self.currency()
        if len(code) != 3 or not code.isalpha():
            return self.tr("The currency is a three-letter code, like USD or EUR.")
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error_label.setText(problem)
            self.error_label.setVisible(True)
            return
        super().accept()

    def amount_cents(self) -> int | None:
        return parse_money(self.amount_edit.text())

    def currency(self) -> str:
        return self.currency_edit.text().strip().upper()

    def purchased_at(self) -> datetime | None:
        return moment_of(_day_of(self.date_edit.date()))

    def note(self) -> str:
        return self.note_edit.text().strip()


class SurveyDialog(_FormDialog):
    """A survey answer: how likely the customer is to recommend you (0-10), and why."""

    def __init__(
        self, name: str = "", latest: SurveyInfo | None = None, parent: QWidget | None = None
    ):
        super().__init__(self.tr("Record survey answer") + (f": {name}" if name else ""), parent)
        question = QLabel(self.tr("How likely are they to recommend you to a friend?"), self)
        question.setWordWrap(True)
        self.form.addRow(question)
        self.score_group = QButtonGroup(self)
        self.score_group.setExclusive(True)
        scores = QHBoxLayout()
        scores.setSpacing(2)
        for score in range(MIN_SCORE, MAX_SCORE + 1):
            button = QToolButton(self)
            button.setText(str(score))
            button.setCheckable(True)
            button.setMinimumWidth(30)
            button.setAccessibleName(self.tr("Score %d") % score)
            self.score_group.addButton(button, score)
            scores.addWidget(button)
        scores.addStretch(1)
        self.form.addRow(self.tr("Score"), scores)
        self.category_label = QLabel(self.tr("9-10 promoter · 7-8 passive · 0-6 detractor"), self)
        self.form.addRow("", self.category_label)
        self.comment_edit = QPlainTextEdit(self)
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setPlaceholderText(self.tr("What they said (optional)"))
        self.comment_edit.setMaximumHeight(90)
        self.date_edit = _date_edit(self)
        self.form.addRow(self.tr("Comment"), self.comment_edit)
        self.form.addRow(self.tr("Answered on"), self.date_edit)
        self.latest_label = QLabel(self)
        self.latest_label.setWordWrap(True)
        if latest is not None:
            self.latest_label.setText(
                self.tr("Latest answer: %d (%s) on %s")
                % (
                    latest.score,
                    self.tr(latest.category.value),
                    format_local(latest.answered_at, with_time=False),
                )
            )
        self.latest_label.setVisible(latest is not None)
        self.form.addRow(self.latest_label)
        self.error_label = _error_label(self)
        self.form.addRow(self.error_label)
        self.score_group.buttonToggled.connect(self._score_toggled)
        self._finish()

    def _score_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if not checked:
            return
        value = self.score()
        if value is not None:
            found = category(value)
            self.category_label.setText(self.tr("%d: %s") % (value, self.tr(found.value)))
            self.category_label.setStyleSheet(text_style(CATEGORY_KIND[found], bold=True))
        self._update_ok()

    def set_score(self, score: int) -> None:
        button = self.score_group.button(score)
        if button is not None:
            button.setChecked(True)

    def is_complete(self) -> bool:
        return self.score() is not None

    def accept(self) -> None:
        if len(self.comment()) > COMMENT_LIMIT:
            self.error_label.setText(
                self.tr("A comment can be at most %d characters.") % COMMENT_LIMIT
            )
            self.error_label.setVisible(True)
            return
        super().accept()

    def score(self) -> int | None:
        checked = self.score_group.checkedId()
        return checked if checked >= 0 else None

    def comment(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def answered_at(self) -> datetime | None:
        return moment_of(_day_of(self.date_edit.date()))
