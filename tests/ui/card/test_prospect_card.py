"""The prospect card driven as a salesperson would: edits, moves, quick actions, undo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlmodel import Session, col, select

from onboard_desk.pipeline import DEFAULT_CHECKLISTS, Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import settings_store, store
from onboard_desk.storage.models import (
    Activity,
    ChecklistTick,
    Prospect,
    StageChange,
)
from onboard_desk.ui.card import ProspectCard
from onboard_desk.ui.common import move_flow
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.move_flow import LostDialog, SkipReasonDialog
from onboard_desk.ui.outreach.log_call import LogCallDialog


@pytest.fixture
def prospect_id(context: AppContext) -> int:
    with context.desk.writing() as session:
        settings_store.set_setting(session, settings_store.PHONE_REGION, "US")
        prospect = prospect_ops.create_prospect(
            session,
            fields={
                "name": "Ana Lopez",
                "company": "Acme Robotics",
                "email": "ana@acme.example",
                "value_cents": 120_000,
            },
            by="Jamie",
        )
        assert prospect.id is not None
        return prospect.id


@pytest.fixture
def card(qtbot: QtBot, context: AppContext, prospect_id: int) -> ProspectCard:
    widget = ProspectCard(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 750)
    widget.show()
    widget.show_prospect(prospect_id)
    return widget


def stored(context: AppContext, prospect_id: int) -> Prospect:
    with Session(context.desk.engine) as session:
        prospect = session.get(Prospect, prospect_id)
        assert prospect is not None
        return prospect


def type_into(qtbot: QtBot, card: ProspectCard, key: str, text: str) -> None:
    edit = card.fields.edits[key]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def answer_next_dialog(
    qtbot: QtBot,
    fill: Callable[[QDialog], None],
    button: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Ok,
) -> None:
    """Fill and accept the next modal dialog once it is open."""

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, handle)
            return
        fill(dialog)
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None, "the dialog has no buttons"
        buttons.button(button).click()

    QTimer.singleShot(0, handle)


def test_card_shows_the_prospect(card: ProspectCard) -> None:
    assert card.name_label.text() == "Ana Lopez"
    assert "Acme Robotics" in card.subtitle_label.text()
    assert card.stage_bar.describe() == "Outreach (stage 1 of 7)"
    assert card.fields.edits["email"].text() == "ana@acme.example"
    assert card.fields.edits["value"].text() == "1,200.00"
    assert card.next_stage_button.text() == "Move to First call"
    assert card.checklist.items()[0] == ("Research the company and the contact", False)
    assert card.checklist_box.title() == "Checklist: Outreach · 0/3"
    assert "Outreach (checklist 0/3)" in card.subtitle_label.text()
    assert card.timeline_model.rowCount() == 1
    assert card.timeline_model.entry(0).what == "Added in Outreach"
    assert not card.reopen_button.isVisible()


def test_bad_email_is_refused_with_a_message(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    type_into(qtbot, card, "email", "ana at acme")
    assert "not a valid email address" in card.fields.error_text()
    assert card.fields.edits["email"].text() == "ana at acme"  # what was typed is kept
    assert stored(context, prospect_id).email == "ana@acme.example"
    assert context.undo_stack.count() == 0
    # Fixing it clears the message and saves.
    type_into(qtbot, card, "email", "Ana.Lopez@ACME.example")
    assert card.fields.error_text() == ""
    assert stored(context, prospect_id).email == "Ana.Lopez@acme.example"
    assert stored(context, prospect_id).email_key == "ana.lopez@acme.example"


def test_phone_is_normalised(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    type_into(qtbot, card, "phone", "(518) 555-0199")
    assert stored(context, prospect_id).phone == "+1 518-555-0199"
    assert stored(context, prospect_id).phone_key == "+15185550199"
    assert card.fields.edits["phone"].text() == "+1 518-555-0199"
    type_into(qtbot, card, "phone", "12")
    assert "phone number" in card.fields.error_text()
    assert stored(context, prospect_id).phone == "+1 518-555-0199"


def test_bad_money_is_refused(qtbot: QtBot, card: ProspectCard, context: AppContext) -> None:
    type_into(qtbot, card, "value", "lots")
    assert "not an amount of money" in card.fields.error_text()
    assert stored(context, card.prospect_id or 0).value_cents == 120_000


def test_undo_restores_an_edit_and_a_move(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    type_into(qtbot, card, "company", "Acme Robotics GmbH")
    assert stored(context, prospect_id).company == "Acme Robotics GmbH"
    qtbot.mouseClick(card.next_stage_button, Qt.MouseButton.LeftButton)
    assert stored(context, prospect_id).stage == Stage.FIRST_CALL.value
    assert card.stage_bar.describe().startswith("First call")
    assert "Moved to First call" in card.message()

    context.undo_stack.undo()
    assert stored(context, prospect_id).stage == Stage.OUTREACH.value
    assert card.stage_bar.describe().startswith("Outreach")  # the card refreshed itself
    context.undo_stack.undo()
    assert stored(context, prospect_id).company == "Acme Robotics"
    assert card.fields.edits["company"].text() == "Acme Robotics"
    context.undo_stack.redo()
    assert stored(context, prospect_id).company == "Acme Robotics GmbH"


def test_an_illegal_move_shows_the_rule_and_changes_nothing(
    card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    assert not card.move_to(Stage.WON)
    assert "Only a prospect in Payment can be marked won" in card.message()
    assert stored(context, prospect_id).stage == Stage.OUTREACH.value
    assert context.undo_stack.count() == 0


def test_skipping_ahead_asks_for_a_reason(
    qtbot: QtBot,
    card: ProspectCard,
    context: AppContext,
    prospect_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def give_reason(dialog: QDialog) -> None:
        assert isinstance(dialog, SkipReasonDialog)
        dialog.reason_edit.setText("They already saw the demo")

    answer_next_dialog(qtbot, give_reason)
    assert card.move_to(Stage.TRIAL)
    assert stored(context, prospect_id).stage == Stage.TRIAL.value
    with Session(context.desk.engine) as session:
        last = session.exec(select(StageChange).order_by(col(StageChange.id).desc())).first()
    assert last is not None and last.reason == "They already saw the demo"
    # Cancelling the reason changes nothing.
    monkeypatch.setattr(move_flow, "ask_skip_reason", lambda *_args: None)
    card.move_to(Stage.OUTREACH)  # back needs no reason
    assert not card.move_to(Stage.FOLLOW_UP)
    assert stored(context, prospect_id).stage == Stage.OUTREACH.value


def test_log_call_through_the_dialog_creates_the_activity(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, LogCallDialog)
        dialog.outcome_buttons["voicemail"].setChecked(True)
        dialog.minutes.setValue(2)
        dialog.notes.setPlainText("Left a message about the demo")

    answer_next_dialog(qtbot, fill, QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(card.call_button, Qt.MouseButton.LeftButton)
    with Session(context.desk.engine) as session:
        calls = list(session.exec(select(Activity).where(Activity.prospect_id == prospect_id)))
    assert len(calls) == 1
    call = calls[0]
    assert (call.kind, call.outcome, call.duration_seconds) == ("call", "voicemail", 120)
    assert call.text == "Left a message about the demo"
    assert card.timeline_model.entry(0).what == "Call: voicemail, 2 min"
    context.undo_stack.undo()
    with Session(context.desk.engine) as session:
        assert session.exec(select(Activity)).first() is None
    assert card.timeline_model.rowCount() == 1


def test_email_and_note_go_on_the_timeline_newest_first(
    card: ProspectCard, context: AppContext
) -> None:
    assert card.record_email("Pricing", "Sent the price list")
    assert card.record_note("Decides with the CFO")
    whats = [card.timeline_model.entry(r).what for r in range(card.timeline_model.rowCount())]
    assert whats == ["Note", "Email: Pricing", "Added in Outreach"]


def test_mark_lost_with_reason_then_reopen_returns_to_that_stage(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    card.move_to_next_stage()
    card.move_to_next_stage()
    assert stored(context, prospect_id).stage == Stage.FOLLOW_UP.value

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, LostDialog)
        dialog.reason_combo.setEditText("Went with an in-house tool")
        assert dialog.is_new_reason()
        dialog.remember_check.setChecked(True)

    answer_next_dialog(qtbot, fill)
    qtbot.mouseClick(card.lost_button, Qt.MouseButton.LeftButton)
    prospect = stored(context, prospect_id)
    assert (prospect.stage, prospect.lost_from) == ("lost", "follow_up")
    assert prospect.lost_reason == "Went with an in-house tool"
    assert "Went with an in-house tool" in context.config.lost_reasons  # list extended
    assert card.reopen_button.isVisible()
    assert card.reopen_button.text() == "Reopen into Follow-up"
    assert card.stage_bar.describe() == "Lost (from Follow-up)"

    qtbot.mouseClick(card.reopen_button, Qt.MouseButton.LeftButton)
    assert stored(context, prospect_id).stage == Stage.FOLLOW_UP.value
    assert stored(context, prospect_id).lost_reason is None
    assert not card.reopen_button.isVisible()


def test_lost_dialog_needs_a_reason(qtbot: QtBot) -> None:
    dialog = LostDialog(("No budget", "Bad timing"))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason_combo.setCurrentIndex(1)
    assert ok.isEnabled()
    assert dialog.reason() == "Bad timing"
    assert not dialog.is_new_reason()


def test_next_action_editor_sets_and_clears(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    card.next_action.text_edit.setText("Send the case study")
    qtbot.mouseClick(card.next_action.tomorrow_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.next_action.save_button, Qt.MouseButton.LeftButton)
    prospect = stored(context, prospect_id)
    assert prospect.next_action == "Send the case study"
    assert prospect.next_action_due is not None
    qtbot.mouseClick(card.next_action.clear_button, Qt.MouseButton.LeftButton)
    assert stored(context, prospect_id).next_action is None
    assert "No next action" in card.next_action.status_label.text()
    context.undo_stack.undo()
    assert stored(context, prospect_id).next_action == "Send the case study"


def test_card_follows_changes_made_elsewhere(
    card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    with context.desk.writing() as session:
        store.update_prospect(session, prospect_id=prospect_id, changes={"title": "CTO"})
    context.prospects_changed([prospect_id])
    assert card.fields.edits["title"].text() == "CTO"
    with context.desk.writing() as session:
        prospect_ops.delete_prospect(session, prospect_id=prospect_id)
    context.prospects_changed([prospect_id])
    assert card.name_label.text() == "This prospect no longer exists."


def test_quick_actions_have_shortcuts(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    assert card.quick_actions["log_call"].shortcut().toString() == "Ctrl+Alt+C"
    assert not card.quick_actions["reopen"].isEnabled()
    card.fields.edits["name"].setFocus()
    qtbot.keyClick(
        card.fields.edits["name"],
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    assert stored(context, prospect_id).stage == Stage.FIRST_CALL.value


def test_stale_prospect_says_why(card: ProspectCard, context: AppContext, prospect_id: int) -> None:
    from datetime import timedelta

    from onboard_desk.domain.timeutil import utcnow

    with context.desk.writing() as session:
        prospect = session.get(Prospect, prospect_id)
        assert prospect is not None
        prospect.stage_entered_at = utcnow() - timedelta(days=30)
        session.add(prospect)
    card.refresh()
    assert "Stale: 30 days in Outreach (limit 14)" in card.flags_label.text()


RESEARCH, MESSAGE, PROPOSE = DEFAULT_CHECKLISTS[Stage.OUTREACH]


def stored_ticks(context: AppContext, prospect_id: int) -> list[tuple[str, str, str]]:
    """(stage, item, by) of every tick in the database, oldest first."""
    with Session(context.desk.engine) as session:
        rows = session.exec(
            select(ChecklistTick)
            .where(ChecklistTick.prospect_id == prospect_id)
            .order_by(col(ChecklistTick.id))
        )
        return [(row.stage, row.item, row.by) for row in rows]


def test_ticking_an_item_stores_it_and_undo_takes_it_back(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    context.desk.settings.set_user_name("Jamie Lee")  # who ticked it, on hover
    context.settings_changed()
    box = card.checklist.checkbox(MESSAGE)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert stored_ticks(context, prospect_id) == [("outreach", MESSAGE, "Jamie Lee")]
    # The card redrew from the database: ticked, counted, who and when on hover.
    assert card.checklist.items() == [(RESEARCH, False), (MESSAGE, True), (PROPOSE, False)]
    assert card.checklist_box.title() == "Checklist: Outreach · 1/3"
    assert "Outreach (checklist 1/3)" in card.subtitle_label.text()
    assert card.checklist.checkbox(MESSAGE).toolTip().startswith("Done: ticked by Jamie Lee on ")
    assert card.checklist.checkbox(RESEARCH).toolTip() == "Not done yet"
    assert context.undo_stack.undoText() == f"Tick “{MESSAGE}” for Ana Lopez"

    context.undo_stack.undo()
    assert stored_ticks(context, prospect_id) == []
    assert card.checklist.items()[1] == (MESSAGE, False)
    assert card.checklist_box.title() == "Checklist: Outreach · 0/3"
    context.undo_stack.redo()
    assert stored_ticks(context, prospect_id) == [("outreach", MESSAGE, context.user)]
    assert card.checklist.items()[1] == (MESSAGE, True)


def test_clicking_the_text_ticks_and_unticking_undoes_to_the_first_tick(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    qtbot.mouseClick(card.checklist.row(PROPOSE).label, Qt.MouseButton.LeftButton)
    assert stored_ticks(context, prospect_id) == [("outreach", PROPOSE, context.user)]
    with Session(context.desk.engine) as session:
        first_time = session.exec(select(ChecklistTick.ticked_at)).one()

    qtbot.mouseClick(card.checklist.checkbox(PROPOSE), Qt.MouseButton.LeftButton)
    assert stored_ticks(context, prospect_id) == []
    assert card.checklist.items()[2] == (PROPOSE, False)
    context.undo_stack.undo()  # the untick: the tick comes back as it was
    with Session(context.desk.engine) as session:
        assert session.exec(select(ChecklistTick.ticked_at)).one() == first_time
    assert card.checklist.items()[2] == (PROPOSE, True)


def test_ticks_survive_moving_on_and_back(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    qtbot.mouseClick(card.checklist.checkbox(RESEARCH), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.next_stage_button, Qt.MouseButton.LeftButton)
    assert stored(context, prospect_id).stage == Stage.FIRST_CALL.value
    first_call = DEFAULT_CHECKLISTS[Stage.FIRST_CALL]
    assert card.checklist.items() == [(item, False) for item in first_call]
    assert card.checklist_box.title() == "Checklist: First call · 0/3"
    qtbot.mouseClick(card.checklist.checkbox(first_call[0]), Qt.MouseButton.LeftButton)

    assert card.move_to(Stage.OUTREACH)  # back one stage
    assert card.checklist.items() == [(RESEARCH, True), (MESSAGE, False), (PROPOSE, False)]
    assert card.move_to(Stage.FIRST_CALL)
    assert card.checklist.items()[0] == (first_call[0], True)
    assert stored_ticks(context, prospect_id) == [
        ("outreach", RESEARCH, context.user),
        ("first_call", first_call[0], context.user),
    ]


def test_a_lost_prospect_shows_its_ticks_without_letting_them_change(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    qtbot.mouseClick(card.checklist.checkbox(RESEARCH), Qt.MouseButton.LeftButton)
    assert card.record_lost("No budget")
    assert card.checklist_box.title() == "Checklist: Outreach · 1/3"
    assert card.checklist.items()[0] == (RESEARCH, True)
    assert not card.checklist.checkbox(MESSAGE).isEnabled()
    qtbot.mouseClick(card.checklist.row(MESSAGE).label, Qt.MouseButton.LeftButton)
    assert stored_ticks(context, prospect_id) == [("outreach", RESEARCH, context.user)]
    assert card.reopen()
    assert card.checklist.checkbox(MESSAGE).isEnabled()


def test_items_renamed_in_the_settings_hide_old_ticks(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    qtbot.mouseClick(card.checklist.checkbox(RESEARCH), Qt.MouseButton.LeftButton)
    renamed = replace(
        context.config,
        checklists={**context.config.checklists, Stage.OUTREACH: ("Research them", PROPOSE)},
    )
    with context.desk.writing() as session:
        settings_store.save_config(session, renamed)
    context.settings_changed()  # what the Settings dialog does after saving
    assert card.checklist.items() == [("Research them", False), (PROPOSE, False)]
    assert card.checklist_box.title() == "Checklist: Outreach · 0/2"
    qtbot.mouseClick(card.checklist.checkbox(PROPOSE), Qt.MouseButton.LeftButton)
    assert card.checklist_box.title() == "Checklist: Outreach · 1/2"
    assert stored_ticks(context, prospect_id) == [
        ("outreach", RESEARCH, context.user),  # kept, shown nowhere
        ("outreach", PROPOSE, context.user),
    ]


def test_a_tick_on_a_prospect_deleted_elsewhere_says_so(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    with Session(context.desk.engine) as session:  # the command line deletes it meanwhile
        prospect_ops.delete_prospect(session, prospect_id=prospect_id)
        session.commit()
    qtbot.mouseClick(card.checklist.checkbox(MESSAGE), Qt.MouseButton.LeftButton)
    assert "no prospect with id" in card.message()
    assert card.name_label.text() == "This prospect no longer exists."
    assert context.undo_stack.count() == 0


def test_deleting_and_restoring_the_prospect_brings_its_ticks_back(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    from onboard_desk.ui.common.commands import DeleteProspectCommand, push

    qtbot.mouseClick(card.checklist.checkbox(RESEARCH), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.checklist.checkbox(PROPOSE), Qt.MouseButton.LeftButton)
    push(context, DeleteProspectCommand(context, prospect_id, name="Ana Lopez"))
    assert stored_ticks(context, prospect_id) == []
    assert card.name_label.text() == "This prospect no longer exists."
    context.undo_stack.undo()
    assert [item for _stage, item, _by in stored_ticks(context, prospect_id)] == [
        RESEARCH,
        PROPOSE,
    ]
    card.show_prospect(prospect_id)
    assert card.checklist.items() == [(RESEARCH, True), (MESSAGE, False), (PROPOSE, True)]


def test_space_on_a_focused_item_ticks_it(
    qtbot: QtBot, card: ProspectCard, context: AppContext, prospect_id: int
) -> None:
    box = card.checklist.checkbox(RESEARCH)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert stored_ticks(context, prospect_id) == [("outreach", RESEARCH, context.user)]
    assert card.checklist.checkbox(RESEARCH).isChecked()
