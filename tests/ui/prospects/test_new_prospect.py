"""The New-prospect dialog: validation, duplicate warnings, undoable creation."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.services.desk import Desk
from onboard_desk.storage import settings_store
from onboard_desk.storage.models import Prospect
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.prospects.new_prospect import NewProspectDialog


@pytest.fixture
def existing_id(desk: Desk) -> int:
    desk.settings.set_user_name("Jamie Lee")
    desk.settings.put(settings_store.PHONE_REGION, "US")
    prospect = desk.prospects.add(
        {
            "name": "Ana Lopez",
            "company": "Acme Robotics",
            "email": "ana@acme.example",
            "phone": "+1 518 555 0100",
        }
    )
    assert prospect.id is not None
    return prospect.id


def make_dialog(qtbot: QtBot, context: AppContext) -> NewProspectDialog:
    dialog = NewProspectDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def count(context: AppContext) -> int:
    return context.desk.lists.count()


def fill(qtbot: QtBot, dialog: NewProspectDialog, **values: str) -> None:
    for key, value in values.items():
        dialog.edits[key].clear()
        if value.isascii():
            qtbot.keyClicks(dialog.edits[key], value)
        else:  # QTest cannot type characters outside ASCII
            dialog.edits[key].setText(value)


def test_owner_defaults_to_the_user(qtbot: QtBot, context: AppContext, existing_id: int) -> None:
    dialog = make_dialog(qtbot, context)
    assert dialog.edits["owner"].text() == "Jamie Lee"
    assert not dialog.save_button.isEnabled()  # no name yet


def test_a_new_person_is_added_and_undo_removes_it(
    qtbot: QtBot, context: AppContext, engine: Engine, existing_id: int
) -> None:
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, name="Ben Okafor", company="Blue Harbor", phone="(518) 555-0142")
    dialog.edits["value"].setText("2,500")
    with qtbot.waitSignal(dialog.sig_prospect_created) as blocker:
        dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    new_id = blocker.args[0]
    with Session(engine) as session:
        prospect = session.get(Prospect, new_id)
        assert prospect is not None
        assert (prospect.owner, prospect.phone, prospect.value_cents) == (
            "Jamie Lee",
            "+1 518-555-0142",
            250_000,
        )
        assert prospect.next_action  # Outreach proposes one
    context.undo_stack.undo()
    assert count(context) == 1
    context.undo_stack.redo()
    assert count(context) == 2
    with Session(engine) as session:
        assert session.get(Prospect, new_id) is not None  # same id back


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"name": "Someone", "email": "ANA@acme.example"}, "same email"),
        ({"name": "Someone", "phone": "518-555-0100"}, "same phone"),
        ({"name": "Ana López", "company": "acme robotics"}, "similar name at the same company"),
    ],
)
def test_duplicate_warning_before_saving(
    qtbot: QtBot,
    context: AppContext,
    existing_id: int,
    values: dict[str, str],
    reason: str,
) -> None:
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, **values)
    dialog.save_button.click()
    assert count(context) == 1  # nothing saved yet
    assert dialog.duplicates_frame.isVisible()
    assert [d.prospect_id for d in dialog.duplicates] == [existing_id]
    assert reason in dialog.duplicates_list.item(0).text()
    assert dialog.save_button.text() == "Add anyway"
    # Offered: open the existing one instead.
    with qtbot.waitSignal(dialog.sig_open_existing) as blocker:
        dialog.open_button.click()
    assert blocker.args == [existing_id]
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert count(context) == 1


def test_add_anyway_after_the_warning(qtbot: QtBot, context: AppContext, existing_id: int) -> None:
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, name="Ana Lopez", company="Acme Robotics")
    dialog.save_button.click()
    assert count(context) == 1
    dialog.save_button.click()
    assert count(context) == 2
    assert dialog.created_id is not None and dialog.created_id != existing_id


def test_duplicates_show_while_typing(qtbot: QtBot, context: AppContext, existing_id: int) -> None:
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, name="X", email="ana@acme.example")
    qtbot.waitUntil(dialog.duplicates_frame.isVisible, timeout=3000)
    # Changing the input means it is checked again before saving.
    fill(qtbot, dialog, email="someone.else@acme.example")
    dialog.save_button.click()
    assert count(context) == 2


def test_bad_email_is_refused_and_nothing_is_lost(
    qtbot: QtBot, context: AppContext, existing_id: int
) -> None:
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, name="Carla Diaz", email="carla at example")
    dialog.save_button.click()
    assert "not a valid email address" in dialog.error_label.text()
    assert dialog.isVisible()
    assert dialog.edits["email"].text() == "carla at example"
    assert count(context) == 1
