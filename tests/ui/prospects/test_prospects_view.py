"""The Prospects screen on a 5,000-prospect demo database: search, filters, sorting,
lazy loading, saved views and remembered columns.

Background work runs inline (a page has arrived when the call that asked for it returns),
except in the test that checks pages and counts are read off the GUI thread.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from onboard_desk.pipeline import Flag, Stage
from onboard_desk.services.desk import Desk
from onboard_desk.storage import queries
from onboard_desk.storage.models import Prospect
from onboard_desk.storage.queries import ProspectFilter
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.prospects.model import PAGE_SIZE, ProspectIdRole, ProspectTableModel
from onboard_desk.ui.prospects.view import ProspectsView

from .conftest import DEMO_SIZE, HeldPool


def make_view(qtbot: QtBot, context: AppContext) -> ProspectsView:
    """The screen, shown in an active window (its shortcuts work), its first page loaded."""
    view = ProspectsView(context)
    # A search or a column change still pending when the test ends would otherwise land
    # in the next test's settings: the widget outlives the test until its deferred delete.
    qtbot.addWidget(view, before_close_func=stop_timers)
    view.resize(1200, 700)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    wait_loaded(qtbot, view)
    return view


def stop_timers(widget: QWidget) -> None:
    for timer in widget.findChildren(QTimer):
        timer.stop()


def wait_loaded(qtbot: QtBot, view: ProspectsView) -> None:
    qtbot.waitUntil(
        lambda: not view.model.is_loading and view.model.total_count is not None, timeout=5000
    )


def column_values(view: ProspectsView, key: str) -> list[str]:
    """The text each loaded row shows in column ``key``, top to bottom."""
    column = view.model.column_index(key)
    values = [view.model.index(r, column).data() for r in range(view.model.rowCount())]
    assert all(isinstance(v, str) for v in values), values
    return values


def ids_shown(view: ProspectsView) -> list[int]:
    return [view.model.index(r, 0).data(ProspectIdRole) for r in range(view.model.rowCount())]


def test_first_page_only_is_loaded_and_count_shows_all(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    view = make_view(qtbot, demo_context)
    assert view.model.rowCount() == PAGE_SIZE
    assert view.model.total_count == DEMO_SIZE
    assert view.count_label.text() == f"{DEMO_SIZE:,} prospects"


def test_fetch_more_loads_the_next_page_lazily(
    qtbot: QtBot, demo_context: AppContext, demo_engine: Engine
) -> None:
    view = make_view(qtbot, demo_context)
    first_page = ids_shown(view)
    assert view.model.canFetchMore()
    view.table.scrollToBottom()  # the view asks for more when it reaches the end
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 * PAGE_SIZE, timeout=5000)
    shown = ids_shown(view)
    assert shown[:PAGE_SIZE] == first_page
    assert len(set(shown)) == len(shown)  # no row twice across pages
    with Session(demo_engine) as session:
        expected = [p.id for p in queries.list_prospects(session, limit=2 * PAGE_SIZE)]
    assert shown == expected


def test_typing_in_search_narrows_the_table(
    qtbot: QtBot, demo_context: AppContext, demo_engine: Engine
) -> None:
    view = make_view(qtbot, demo_context)
    with Session(demo_engine) as session:
        target = session.exec(select(Prospect).where(Prospect.company != "")).first()
        assert target is not None
        word = target.company.split()[0]
        expected = queries.count_prospects(session, flt=ProspectFilter(search=word))
    assert 0 < expected < DEMO_SIZE
    qtbot.keyClicks(view.search_edit, word)
    qtbot.waitUntil(
        lambda: (
            view.model.total_count == expected and view.model.rowCount() == min(expected, PAGE_SIZE)
        ),
        timeout=5000,
    )
    with Session(demo_engine) as session:
        for prospect_id in ids_shown(view)[:20]:
            p = session.get(Prospect, prospect_id)
            assert p is not None
            haystack = f"{p.name} {p.company} {p.email} {p.notes}".lower()
            assert word.lower() in haystack
    assert view.count_label.text().startswith(f"{expected:,} prospect")
    # Clearing the box brings every prospect back.
    view.search_edit.clear()
    qtbot.waitUntil(lambda: view.model.total_count == DEMO_SIZE, timeout=5000)


def test_search_is_debounced(
    qtbot: QtBot, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = make_view(qtbot, demo_context)
    seen: list[ProspectFilter] = []
    original = view.model.set_filter

    def set_filter(flt: ProspectFilter) -> None:
        seen.append(flt)
        original(flt)

    monkeypatch.setattr(view.model, "set_filter", set_filter)
    qtbot.keyClicks(view.search_edit, "oakridge")
    assert seen == []  # nothing while typing
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    assert not view.bar._search_timer.isActive()  # nothing more is coming
    assert [f.search for f in seen] == ["oakridge"]
    # Enter runs the search at once, without waiting for the pause.
    qtbot.keyClicks(view.search_edit, " labs")
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    assert [f.search for f in seen] == ["oakridge", "oakridge labs"]
    assert not view.bar._search_timer.isActive()


def test_stage_owner_channel_and_flag_filters(
    qtbot: QtBot, demo_context: AppContext, demo_engine: Engine
) -> None:
    view = make_view(qtbot, demo_context)
    view.stage_combo.setCurrentIndex(view.stage_combo.findData(Stage.TRIAL.value))
    wait_loaded(qtbot, view)
    assert set(column_values(view, "stage")) == {"Trial"}
    qtbot.waitUntil(lambda: view.owner_combo.count() > 1, timeout=5000)
    owner = view.owner_combo.itemData(1)
    view.owner_combo.setCurrentIndex(1)
    wait_loaded(qtbot, view)
    assert set(column_values(view, "owner")) == {owner}
    view.flag_combo.setCurrentIndex(view.flag_combo.findData(Flag.OVERDUE.value))
    wait_loaded(qtbot, view)
    assert all("Overdue" in str(v) for v in column_values(view, "flags"))
    with Session(demo_engine) as session:
        expected = queries.count_prospects(
            session, flt=ProspectFilter(stages=(Stage.TRIAL,), owner=owner, flag=Flag.OVERDUE)
        )
    assert view.model.total_count == expected
    view.clear_filters()
    view.channel_combo.setCurrentIndex(view.channel_combo.findData("referral"))
    wait_loaded(qtbot, view)
    assert set(column_values(view, "channel")) == {"Referral"}
    with Session(demo_engine) as session:
        referrals = session.exec(
            select(func.count()).select_from(Prospect).where(Prospect.channel == "referral")
        ).one()
    assert view.model.total_count == referrals


def test_clicking_a_header_sorts_in_sql(
    qtbot: QtBot, demo_context: AppContext, demo_engine: Engine
) -> None:
    view = make_view(qtbot, demo_context)
    value_column = view.model.column_index("value")
    view.table.sortByColumn(value_column, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, view)
    values = [
        view.model.index(r, value_column).data(Qt.ItemDataRole.UserRole + 2)
        for r in range(view.model.rowCount())
    ]
    with Session(demo_engine) as session:
        top = session.exec(select(func.max(Prospect.value_cents))).one()
    assert values[0] == top
    assert values == sorted(values, key=lambda v: -1 if v is None else v, reverse=True)
    name_column = view.model.column_index("name")
    view.table.sortByColumn(name_column, Qt.SortOrder.AscendingOrder)
    wait_loaded(qtbot, view)
    names = column_values(view, "name")
    with Session(demo_engine) as session:
        expected = [
            p.name for p in queries.list_prospects(session, flt=ProspectFilter(sort="name"))
        ]
    assert names == expected
    # A column with no SQL order keeps the current one.
    view.table.sortByColumn(view.model.column_index("flags"), Qt.SortOrder.AscendingOrder)
    assert view.model.prospect_filter.sort == "name"


def test_saved_views_round_trip(qtbot: QtBot, demo_context: AppContext) -> None:
    view = make_view(qtbot, demo_context)
    view.stage_combo.setCurrentIndex(view.stage_combo.findData("open"))
    view.flag_combo.setCurrentIndex(view.flag_combo.findData(Flag.STALE.value))
    view.table.sortByColumn(view.model.column_index("updated_at"), Qt.SortOrder.DescendingOrder)
    view.set_visible_columns(["name", "company", "stage", "email", "updated_at"])
    wait_loaded(qtbot, view)
    saved_filter = view.current_filter()
    view.save_current_view("My stale ones")

    view.clear_filters()
    view.set_visible_columns(["name", "owner"])
    wait_loaded(qtbot, view)
    assert view.model.total_count == DEMO_SIZE

    # A new screen (as after a restart) lists the view and restores all of it.
    other = make_view(qtbot, demo_context)
    assert other.view_combo.findText("My stale ones") > 0
    other.view_combo.setCurrentIndex(other.view_combo.findText("My stale ones"))
    other.view_combo.activated.emit(other.view_combo.currentIndex())
    wait_loaded(qtbot, other)
    assert other.model.prospect_filter == saved_filter
    assert other.visible_columns() == ["name", "company", "stage", "email", "updated_at"]
    assert other.table.horizontalHeader().sortIndicatorSection() == other.model.column_index(
        "updated_at"
    )
    assert other.delete_saved_view("My stale ones")
    assert other.view_combo.findText("My stale ones") < 0


def test_column_choice_and_widths_are_remembered(qtbot: QtBot, demo_context: AppContext) -> None:
    view = make_view(qtbot, demo_context)
    menu = view.build_column_menu()
    email_action = next(a for a in menu.actions() if a.text() == "Email")
    assert not email_action.isChecked()
    email_action.trigger()
    email = view.model.column_index("email")
    view.table.horizontalHeader().resizeSection(email, 333)
    view.save_header_state()
    view.close()
    again = make_view(qtbot, demo_context)
    assert "email" in again.visible_columns()
    assert again.table.horizontalHeader().sectionSize(email) == 333


def test_enter_and_double_click_open_the_prospect(qtbot: QtBot, demo_context: AppContext) -> None:
    view = make_view(qtbot, demo_context)
    view.table.setFocus()
    view.table.selectRow(3)
    expected = view.model.prospect_id(3)
    with qtbot.waitSignal(view.sig_open_prospect) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args == [expected]
    rect = view.table.visualRect(view.model.index(5, 0))
    # A real double-click: press and release, then the second press arrives as a double-click.
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.sig_open_prospect) as blocker:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [view.model.prospect_id(5)]


def test_focus_search_selects_the_text(qtbot: QtBot, demo_context: AppContext) -> None:
    view = make_view(qtbot, demo_context)
    view.search_edit.setText("abc")
    view.table.setFocus()
    view.focus_search()
    assert view.search_edit.hasFocus() or view.search_edit.selectedText() == "abc"
    assert view.search_edit.selectedText() == "abc"


def test_an_edit_elsewhere_refreshes_the_row_in_place(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    from onboard_desk.ui.common.commands import EditProspectCommand, push

    view = make_view(qtbot, demo_context)
    prospect_id = view.model.prospect_id(0)
    assert prospect_id is not None
    push(demo_context, EditProspectCommand(demo_context, prospect_id, {"company": "Renamed Co"}))
    company = view.model.column_index("company")
    qtbot.waitUntil(lambda: view.model.index(0, company).data() == "Renamed Co", timeout=5000)
    assert view.model.rowCount() == PAGE_SIZE


def test_last_filter_and_sort_come_back_next_time(qtbot: QtBot, demo_context: AppContext) -> None:
    view = make_view(qtbot, demo_context)
    view.stage_combo.setCurrentIndex(view.stage_combo.findData(Stage.PAYMENT.value))
    view.table.sortByColumn(view.model.column_index("value"), Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, view)
    expected = view.model.prospect_filter
    view.close()
    again = make_view(qtbot, demo_context)
    assert again.model.prospect_filter == expected
    assert again.stage_combo.currentData() == Stage.PAYMENT.value


def test_a_page_for_an_old_filter_is_dropped(
    qtbot: QtBot, demo_desk: Desk, demo_engine: Engine
) -> None:
    pool = HeldPool()
    model = ProspectTableModel(AppContext(demo_desk, thread_pool=pool))
    model.set_filter(ProspectFilter(stages=(Stage.OUTREACH,)))
    model.set_filter(ProspectFilter(stages=(Stage.WON,)))  # before the first arrives
    assert len(pool.tasks) == 4  # a count and a page for each
    pool.release()
    assert not model.is_loading
    stage = model.column_index("stage")
    assert {model.index(r, stage).data() for r in range(model.rowCount())} == {"Won"}
    with Session(demo_engine) as session:
        won = queries.count_prospects(session, flt=ProspectFilter(stages=(Stage.WON,)))
    assert model.total_count == won
    assert model.rowCount() == min(won, PAGE_SIZE)


def test_a_deleted_prospect_leaves_the_table(qtbot: QtBot, demo_context: AppContext) -> None:
    from onboard_desk.ui.common.commands import DeleteProspectCommand, push

    view = make_view(qtbot, demo_context)
    prospect_id = view.model.prospect_id(1)
    assert prospect_id is not None
    push(demo_context, DeleteProspectCommand(demo_context, prospect_id))
    qtbot.waitUntil(lambda: view.model.row_of(prospect_id) is None, timeout=5000)
    qtbot.waitUntil(lambda: view.model.total_count == DEMO_SIZE - 1, timeout=5000)
    demo_context.undo_stack.undo()
    qtbot.waitUntil(lambda: view.model.row_of(prospect_id) == 1, timeout=5000)


def test_down_from_search_goes_to_the_first_result(qtbot: QtBot, demo_context: AppContext) -> None:
    view = make_view(qtbot, demo_context)
    view.focus_search()
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Down)
    assert view.table.hasFocus() or view.selected_prospect_id() is not None
    assert view.selected_prospect_id() == view.model.prospect_id(0)


def test_clicking_the_header_itself_sorts(qtbot: QtBot, demo_context: AppContext) -> None:
    view = make_view(qtbot, demo_context)
    header = view.table.horizontalHeader()
    company = view.model.column_index("company")
    x = header.sectionViewportPosition(company) + header.sectionSize(company) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    wait_loaded(qtbot, view)
    assert view.model.prospect_filter.sort == "company"
    first = view.model.prospect_filter.descending
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    wait_loaded(qtbot, view)
    assert view.model.prospect_filter.descending != first
    companies = column_values(view, "company")
    assert companies == sorted(companies, reverse=view.model.prospect_filter.descending)


def test_pages_and_counts_are_read_off_the_gui_thread(
    qtbot: QtBot, threaded_demo_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from onboard_desk.services.lists import ListService

    threads: list[str] = []
    real_rows = ListService.rows
    real_count = ListService.count

    def rows(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_rows(*args, **kwargs)

    def count(*args: Any, **kwargs: Any) -> int:
        threads.append(threading.current_thread().name)
        return real_count(*args, **kwargs)

    monkeypatch.setattr(ListService, "rows", rows)
    monkeypatch.setattr(ListService, "count", count)
    view = make_view(qtbot, threaded_demo_context)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 * PAGE_SIZE, timeout=5000)
    assert len(threads) >= 3
    assert threading.main_thread().name not in threads
