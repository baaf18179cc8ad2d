"""The prospect card's Customer section, driven as a salesperson would: record a purchase
and a survey answer through their dialogs, delete a purchase, undo and redo, copy the
code, follow a referral. What is stored is read back through the customer services."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QTreeWidget,
    QTreeWidgetItem,
)
from pytestqt.qtbot import QtBot

from onboard_desk.domain.referral_codes import display_code
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import Stage
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.services.customers import CustomerService, PurchaseInfo, SurveyInfo
from onboard_desk.ui.card import ProspectCard
from onboard_desk.ui.card.customer.dialogs import PurchaseDialog, SurveyDialog
from onboard_desk.ui.common.context import AppContext
from tests.ui.conftest import add_prospect
from tests.ui.customers.helpers import code, make_customer


@pytest.fixture
def customer(engine: Any) -> int:
    """Won with a 1,000.00 USD deal (the win's purchase) and a purchase 60 days before."""
    return make_customer(engine, "Cleo Byrne", purchases=[(60, 20_000)])


@pytest.fixture
def card(qtbot: QtBot, context: AppContext, customer: int) -> ProspectCard:
    widget = ProspectCard(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 900)
    widget.show()
    widget.show_prospect(customer)
    return widget


def purchases(context: AppContext, prospect_id: int) -> list[PurchaseInfo]:
    """The customer's stored purchases, newest first."""
    return context.desk.customers.details(prospect_id).purchases


def answers(context: AppContext, prospect_id: int) -> list[SurveyInfo]:
    return context.desk.customers.details(prospect_id).surveys


def next_action(context: AppContext, prospect_id: int) -> str | None:
    return context.desk.prospects.get(prospect_id).next_action


def with_next_dialog(qtbot: QtBot, kind: type[QDialog], act: Callable[[Any], None]) -> None:
    """Run ``act`` on the next modal dialog of type ``kind`` once it is open."""

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, handle)
            return
        act(dialog)

    QTimer.singleShot(0, handle)


def item(tree: QTreeWidget, row: int) -> QTreeWidgetItem:
    found = tree.topLevelItem(row)
    assert found is not None
    return found


def ok(dialog: QDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_customer_card_shows_the_customer_section(
    qtbot: QtBot, card: ProspectCard, customer: int, engine: Any
) -> None:
    section = card.customer
    assert card.customer_box.isVisible()
    assert section.code_label.text() == display_code(code(engine, customer))
    assert section.purchase_list.topLevelItemCount() == 2
    assert "2 purchases" in section.purchases_title.text()
    assert item(section.purchase_list, 0).text(2) == "First purchase (the win)"
    # Two purchase days 60 days apart: a cadence, with the nudge at 75 % of it.
    assert "every 60 days" in section.cadence_label.text()
    assert "nudge on" in section.cadence_label.text()
    assert section.survey_label.text() == "No answer yet."
    assert section.referrals_label.text() == "None yet."
    # The engagement score is summed on the thread pool: the win's purchase just now.
    expected = card.context.desk.customers.engagement(customer)
    assert expected is not None and expected > 0
    assert section.engagement_of == customer  # the inline pool has delivered it
    assert section.engagement_bar.value() == expected


def test_the_section_is_only_for_customers(qtbot: QtBot, card: ProspectCard, engine: Any) -> None:
    trial = add_prospect(engine, "Tom Trial", stage=Stage.TRIAL)
    card.show_prospect(trial)
    assert not card.customer_box.isVisible()


def test_record_a_purchase_then_undo_and_redo(
    qtbot: QtBot, card: ProspectCard, context: AppContext, customer: int
) -> None:
    before = len(purchases(context, customer))

    def fill(dialog: PurchaseDialog) -> None:
        dialog.date_edit.setDate(QDate.currentDate().addDays(-3))
        dialog.amount_edit.setText("lots")
        ok(dialog)  # refused: the dialog stays open and says why
        assert dialog.isVisible()
        assert "not an amount" in dialog.error_label.text()
        dialog.amount_edit.setText("1,250.50")
        dialog.currency_edit.setText("EU")
        ok(dialog)
        assert dialog.isVisible()
        assert "three-letter" in dialog.error_label.text()
        dialog.currency_edit.setText("eur")
        dialog.note_edit.setText("Renewal")
        ok(dialog)

    with_next_dialog(qtbot, PurchaseDialog, fill)
    assert card.customer_actions.record_purchase()
    rows = purchases(context, customer)
    assert len(rows) == before + 1
    added = next(p for p in rows if p.note == "Renewal")
    assert (added.amount_cents, added.currency) == (125_050, "EUR")
    assert (utcnow().date() - added.purchased_at.date()).days in (2, 3, 4)
    section = card.customer
    assert section.purchase_list.topLevelItemCount() == before + 1
    assert "Recorded 1,250.50 EUR" in card.message()
    assert "Ctrl+Z" in card.message()

    context.undo_stack.undo()
    assert len(purchases(context, customer)) == before
    assert section.purchase_list.topLevelItemCount() == before
    context.undo_stack.redo()
    assert len(purchases(context, customer)) == before + 1
    assert section.purchase_list.topLevelItemCount() == before + 1


def test_a_purchase_sets_the_nudge_and_undo_restores_the_next_action(
    qtbot: QtBot, card: ProspectCard, context: AppContext, customer: int
) -> None:
    card.set_next_action(None, None)  # nothing planned: the nudge may take the place
    assert card.customer_actions.add_purchase(5_000, purchased_at=utcnow() - timedelta(days=1))
    assert (next_action(context, customer) or "").startswith("Repeat purchase")
    assert "Next action: Repeat purchase" in card.message()
    assert card.next_action.text_edit.text().startswith("Repeat purchase")
    context.undo_stack.undo()
    assert next_action(context, customer) is None


def test_a_refused_purchase_shows_the_rule_and_changes_nothing(
    qtbot: QtBot, card: ProspectCard, context: AppContext, customer: int
) -> None:
    before = len(purchases(context, customer))
    assert not card.customer_actions.add_purchase(1_000, purchased_at=utcnow() + timedelta(days=9))
    assert "future" in card.message()
    assert len(purchases(context, customer)) == before
    assert context.undo_stack.count() == 0


def test_delete_a_purchase_and_undo(
    qtbot: QtBot, card: ProspectCard, context: AppContext, customer: int
) -> None:
    section = card.customer
    section.purchase_list.setCurrentItem(item(section.purchase_list, 1))
    older = section.selected_purchase_id()
    assert older is not None
    section.delete_selected_purchase()
    assert [p.id for p in purchases(context, customer)] != [] and older not in [
        p.id for p in purchases(context, customer)
    ]
    assert "One purchase day so far" in section.cadence_label.text()
    context.undo_stack.undo()
    assert older in [p.id for p in purchases(context, customer)]
    assert "every 60 days" in section.cadence_label.text()


def test_record_a_survey_answer_then_undo_and_redo(
    qtbot: QtBot, card: ProspectCard, context: AppContext, customer: int
) -> None:
    def fill(dialog: SurveyDialog) -> None:
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None
        assert not buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # no score
        dialog.set_score(6)
        assert "detractor" in dialog.category_label.text()
        dialog.set_score(9)
        assert "promoter" in dialog.category_label.text()
        dialog.comment_edit.setPlainText("Support answered within the hour")
        ok(dialog)

    with_next_dialog(qtbot, SurveyDialog, fill)
    assert card.customer_actions.record_survey()
    stored = answers(context, customer)
    assert [(a.score, a.comment) for a in stored] == [(9, "Support answered within the hour")]
    first_id = stored[0].id
    assert "9 · promoter" in card.customer.survey_label.text()
    assert "Survey answer recorded: 9 (promoter)" in card.message()

    context.undo_stack.undo()
    assert answers(context, customer) == []
    assert card.customer.survey_label.text() == "No answer yet."
    context.undo_stack.redo()
    assert [a.id for a in answers(context, customer)] == [first_id]

    # The next dialog shows the latest answer's category.
    def check(dialog: SurveyDialog) -> None:
        assert "Latest answer: 9 (promoter)" in dialog.latest_label.text()
        dialog.reject()

    with_next_dialog(qtbot, SurveyDialog, check)
    assert not card.customer_actions.record_survey()


def test_copy_puts_the_printed_code_on_the_clipboard(
    qtbot: QtBot, card: ProspectCard, customer: int, engine: Any
) -> None:
    qtbot.mouseClick(card.customer.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == display_code(code(engine, customer))
    assert card.customer.copy_button.text() == "Copied"


def test_referrals_made_are_listed_and_open_on_the_card(
    qtbot: QtBot, card: ProspectCard, context: AppContext, customer: int, engine: Any
) -> None:
    desk = context.desk
    desk.settings.save_retention(RetentionConfig(referral_credit_cents=2_500))
    friend = desk.prospects.add(
        {"name": "Fay Friend", "company": "Nimbus"}, referral_code=code(engine, customer)
    ).id
    assert friend is not None
    context.prospects_changed([customer])
    section = card.customer
    assert section.referrals_label.text() == "1 prospect, 0 won"
    row = item(section.referral_list, 0)
    assert row.text(0) == "Fay Friend"
    assert row.text(1) == "Outreach"
    assert row.text(2) == "25.00 USD pending"
    section.referral_list.itemActivated.emit(row, 0)
    assert card.prospect_id == friend
    assert not card.customer_box.isVisible()  # not a customer (yet)

    # Won: the friend's card names who referred them; the referrer's credit is earned.
    for stage in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL, Stage.FINAL_CHECK_IN):
        desk.prospects.move(friend, stage)
    desk.prospects.move(friend, Stage.PAYMENT)
    context.prospects_changed([friend])
    assert card.move_to(Stage.WON)
    assert card.customer_box.isVisible()
    assert section.referred_by_label.isVisible()
    assert "Cleo Byrne" in section.referred_by_label.text()
    assert "granted" in section.referred_by_label.text()
    section.referred_by_label.linkActivated.emit(f"prospect:{customer}")
    assert card.prospect_id == customer
    assert section.referrals_label.text() == "1 prospect, 1 won · credits earned 25.00 USD"
    assert item(section.referral_list, 0).text(2) == "25.00 USD earned"


def test_the_engagement_score_is_summed_off_the_gui_thread(
    qtbot: QtBot, threaded_context: AppContext, customer: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the real pool the card shows the section at once and the bar fills in when the
    score, summed on a pool thread, arrives."""
    threads: list[str] = []
    real = CustomerService.engagement

    def engagement(self: CustomerService, prospect_id: int, **kwargs: Any) -> int | None:
        threads.append(threading.current_thread().name)
        return real(self, prospect_id, **kwargs)

    monkeypatch.setattr(CustomerService, "engagement", engagement)
    widget = ProspectCard(threaded_context)
    qtbot.addWidget(widget)
    widget.show_prospect(customer)
    assert widget.customer.details is not None
    qtbot.waitUntil(lambda: widget.customer.engagement_of == customer, timeout=5000)
    assert widget.customer.engagement_bar.value() > 0
    assert threads and threading.main_thread().name not in threads
