"""The Today screen: grouping, one-click done (logged, next action planned), snooze."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from onboard_desk.domain.agenda import (
    Agenda,
    AgendaGroup,
    GroupKind,
    Snooze,
)
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.storage import store
from onboard_desk.storage.db import session_scope
from onboard_desk.ui.today.view import TodayScreen
from tests.ui.conftest import add_prospect


def _today(context: Any, qtbot: Any) -> TodayScreen:
    screen = TodayScreen(context)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.agenda is not None, timeout=5000)
    return screen


def _agenda(screen: TodayScreen) -> Agenda:
    assert screen.agenda is not None, "the agenda has not loaded"
    return screen.agenda


def _start_of_today() -> datetime:
    local = datetime.now().astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def test_groups_overdue_and_today_oldest_first(context, engine, qtbot):
    older = add_prospect(engine, "Old", due=_start_of_today() - timedelta(days=3))
    newer = add_prospect(engine, "Newer", due=_start_of_today() - timedelta(days=1))
    today = add_prospect(engine, "Today", due=_start_of_today() + timedelta(minutes=1))
    add_prospect(engine, "Later", due=utcnow() + timedelta(days=5))
    nothing = add_prospect(engine, "Nothing planned", next_action=None)
    screen = _today(context, qtbot)
    agenda = _agenda(screen)
    assert [i.prospect_id for i in agenda.group(GroupKind.OVERDUE).items] == [older, newer]
    assert [i.prospect_id for i in agenda.group(GroupKind.TODAY).items] == [today]
    assert [i.prospect_id for i in agenda.group(GroupKind.NO_NEXT_ACTION).items] == [nothing]
    titles = [screen.model.item(r).text() for r in range(screen.model.rowCount())]
    assert titles[0].startswith("Overdue (2)") and titles[1].startswith("Due today (1)")


def test_a_capped_group_says_how_many_more_across_the_row(context, engine, qtbot):
    add_prospect(engine, "Old", due=_start_of_today() - timedelta(days=3))
    screen = _today(context, qtbot)
    shown = _agenda(screen).group(GroupKind.OVERDUE)
    capped = AgendaGroup(GroupKind.OVERDUE, shown.items, 1_234)
    screen.show_agenda(Agenda(groups=(capped,), now=_agenda(screen).now))
    title = screen.model.item(0)
    assert title.text() == "Overdue (1,234)"
    more = title.child(title.rowCount() - 1)
    assert more.text().startswith("… and 1,233 more")
    assert screen.view.isFirstColumnSpanned(more.row(), title.index())
    assert not screen.view.isFirstColumnSpanned(0, title.index())  # prospect rows keep columns


def test_done_logs_the_activity_and_sets_the_next_action(context, engine, qtbot):
    ada = add_prospect(
        engine, "Ada", next_action="Call about the offer", due=utcnow() - timedelta(hours=30)
    )
    screen = _today(context, qtbot)
    assert screen.select_prospect(ada)
    checkbox = screen.model.itemFromIndex(screen.view.currentIndex().siblingAtColumn(0))
    checkbox.setCheckState(Qt.CheckState.Checked)  # the one click
    dialog = screen.done_dialog
    assert dialog is not None and dialog.kind.currentText() == "call"
    assert dialog.next_text.text() == "Follow up on the first contact"  # outreach's proposal
    dialog.note.setText("Interested, wants numbers")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    with session_scope(engine) as session:
        activities = store.activities_of(session, ada)
        prospect = store.get_prospect(session, ada)
    assert activities[0].kind == "call"
    assert activities[0].subject == "Call about the offer"
    assert activities[0].text == "Interested, wants numbers"
    assert prospect.next_action == "Follow up on the first contact"
    assert prospect.next_action_due is not None and prospect.next_action_due > utcnow()
    # One undo step takes back both.
    assert context.undo_stack.count() == 1
    assert context.undo_stack.undoText() == "Done: Ada"
    context.undo_stack.undo()
    with session_scope(engine) as session:
        assert store.activities_of(session, ada) == []
        assert store.get_prospect(session, ada).next_action == "Call about the offer"
    qtbot.waitUntil(lambda: screen.select_prospect(ada), timeout=5000)


def test_cancelled_done_changes_nothing(context, engine, qtbot):
    ada = add_prospect(engine, "Ada", due=utcnow() - timedelta(days=2))
    screen = _today(context, qtbot)
    screen.select_prospect(ada)
    screen.mark_selected_done()
    assert screen.done_dialog is not None
    screen.done_dialog.reject()
    with session_scope(engine) as session:
        assert store.activities_of(session, ada) == []
    assert context.undo_stack.count() == 0


def test_a_cancelled_tick_is_cleared_again(context, engine, qtbot):
    ada = add_prospect(engine, "Ada", due=utcnow() - timedelta(days=2))
    screen = _today(context, qtbot)
    assert screen.select_prospect(ada)
    checkbox = screen.model.itemFromIndex(screen.view.currentIndex().siblingAtColumn(0))
    checkbox.setCheckState(Qt.CheckState.Checked)
    assert screen.done_dialog is not None
    screen.done_dialog.reject()
    assert checkbox.checkState() == Qt.CheckState.Unchecked
    assert screen.done_dialog is None  # unticking did not ask again
    assert context.undo_stack.count() == 0


def test_done_on_a_prospect_deleted_meanwhile_says_so(context, engine, qtbot, shown_errors):
    ada = add_prospect(engine, "Ada", due=utcnow() - timedelta(days=2))
    screen = _today(context, qtbot)
    assert screen.select_prospect(ada)
    context.desk.prospects.delete(ada)  # elsewhere: the list has not been read again
    checkbox = screen.model.itemFromIndex(screen.view.currentIndex().siblingAtColumn(0))
    checkbox.setCheckState(Qt.CheckState.Checked)
    assert screen.done_dialog is None
    assert shown_errors[-1][0] == "Could not log it"
    assert checkbox.checkState() == Qt.CheckState.Unchecked


def test_snooze_tomorrow_moves_the_due_date(context, engine, qtbot):
    ada = add_prospect(engine, "Ada", due=utcnow() - timedelta(days=2))
    screen = _today(context, qtbot)
    screen.select_prospect(ada)
    screen.snooze_selected(Snooze.TOMORROW)
    with session_scope(engine) as session:
        due = store.get_prospect(session, ada).next_action_due
    assert due is not None
    local = due.astimezone()
    assert local.date() == (datetime.now().astimezone() + timedelta(days=1)).date()
    assert (local.hour, local.minute) == (9, 0)
    qtbot.waitUntil(lambda: not _agenda(screen).group(GroupKind.OVERDUE).items, timeout=5000)


def test_open_emits_the_prospect(context, engine, qtbot):
    ada = add_prospect(engine, "Ada", due=utcnow() - timedelta(days=2))
    screen = _today(context, qtbot)
    screen.select_prospect(ada)
    with qtbot.waitSignal(screen.sig_open_prospect) as blocker:
        screen.open_button.click()
    assert blocker.args == [ada]
