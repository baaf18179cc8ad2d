"""The Prospects screen's parts on a small database: what the filter bar's choices mean,
what is remembered for the next start, the bar's signals, and the rows a page is made of."""

from __future__ import annotations

import json

import pytest
from pytestqt.qtbot import QtBot

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import WORKING_STAGES, Flag, Stage
from onboard_desk.services.desk import Desk
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.ui.prospects import state
from onboard_desk.ui.prospects.filter_bar import FilterBar
from onboard_desk.ui.prospects.model import ProspectRow, fetch_page, fetch_rows_by_id
from onboard_desk.ui.prospects.state import OPEN_STAGES, FilterChoices


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        (FilterChoices(), ProspectFilter()),
        (FilterChoices(stage=OPEN_STAGES), ProspectFilter(stages=WORKING_STAGES)),
        (FilterChoices(stage="trial"), ProspectFilter(stages=(Stage.TRIAL,))),
        (
            FilterChoices(owner="Jamie", channel="referral", flag="overdue", search="acme"),
            ProspectFilter(owner="Jamie", channel="referral", flag=Flag.OVERDUE, search="acme"),
        ),
        (FilterChoices(import_batch_id=7), ProspectFilter(import_batch_id=7)),
    ],
)
def test_choices_are_a_filter_and_back(choices: FilterChoices, expected: ProspectFilter) -> None:
    assert choices.to_filter() == expected
    assert FilterChoices.of(expected) == choices


def test_choices_keep_the_order_asked_for_and_trim_the_search() -> None:
    flt = FilterChoices(search="  acme ").to_filter(sort="value", descending=True)
    assert (flt.search, flt.sort, flt.descending) == ("acme", "value", True)
    assert state.is_everyone(ProspectFilter(sort="value", descending=True))
    assert not state.is_everyone(flt)


def test_the_last_filter_and_its_view_come_back() -> None:
    assert state.last_filter() == (ProspectFilter(), "")
    flt = ProspectFilter(stages=WORKING_STAGES, owner="Jamie", sort="value", descending=True)
    state.remember_filter(flt, "Mine")
    assert state.last_filter() == (flt, "Mine")


@pytest.mark.parametrize("stored", ["{not json", json.dumps([1, 2]), json.dumps({"view": 3})])
def test_an_unreadable_last_filter_reads_as_everyone(stored: str) -> None:
    state.ui_settings().setValue(f"{state.SETTINGS_GROUP}/last_filter", stored)
    assert state.last_filter() == (ProspectFilter(), "")


def test_showing_a_filter_says_nothing_but_a_choice_does(qtbot: QtBot) -> None:
    bar = FilterBar()
    qtbot.addWidget(bar)
    flt = ProspectFilter(stages=(Stage.TRIAL,), flag=Flag.STALE, search="acme", import_batch_id=4)
    with qtbot.assertNotEmitted(bar.sig_changed):
        bar.show_filter(flt)
    assert bar.choices().to_filter() == flt
    assert bar.batch_label.text() == "Only import 4"
    with qtbot.waitSignal(bar.sig_changed):
        bar.stage_combo.setCurrentIndex(bar.stage_combo.findData(OPEN_STAGES))
    assert bar.choices().stage == OPEN_STAGES


def test_owners_and_views_keep_what_is_chosen(qtbot: QtBot) -> None:
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.fill_owners(["Ann", "Bo"])
    bar.owner_combo.setCurrentIndex(bar.owner_combo.findData("Bo"))
    with qtbot.assertNotEmitted(bar.sig_changed):
        bar.fill_owners(["Ann"])  # Bo owns nothing now, but is still the filter
    assert bar.choices().owner == "Bo"
    bar.offer_owner("Cy")
    assert bar.owner_combo.findData("Cy") > 0
    bar.fill_views(["Mine", "Theirs"], select="Theirs")
    assert bar.current_view() == "Theirs"
    assert bar.delete_view_button.isEnabled()
    bar.fill_views(["Mine", "Theirs", "Zed"])
    assert bar.current_view() == "Theirs"
    bar.select_view("")
    assert bar.current_view() == ""
    assert not bar.delete_view_button.isEnabled()
    with qtbot.waitSignal(bar.sig_view_chosen) as blocker:
        bar.view_combo.activated.emit(bar.view_combo.findData("Mine"))
    assert blocker.args == ["Mine"]


def test_the_count_reads_as_words(qtbot: QtBot) -> None:
    bar = FilterBar()
    qtbot.addWidget(bar)
    for count, text in ((0, "No prospects match"), (1, "1 prospect"), (12_345, "12,345 prospects")):
        bar.show_count(count)
        assert bar.count_label.text() == text


def test_a_page_and_a_refreshed_row_are_the_same_rows(desk: Desk) -> None:
    ids = [int(desk.prospects.add({"name": n, "value_cents": 500}).id or 0) for n in "CAB"]
    page = fetch_page(desk, ProspectFilter(sort="name"), 0, 10, desk.config)
    assert [row.name for row in page] == ["A", "B", "C"]
    refreshed = fetch_rows_by_id(desk, [ids[2], ids[0], 999], desk.config)
    assert sorted(refreshed) == sorted([ids[2], ids[0]])
    by_name = {row.name: row for row in page}
    assert refreshed[ids[0]] == by_name["C"]
    prospect = desk.prospects.get(ids[1])
    assert ProspectRow.of(prospect, now=utcnow(), config=desk.config) == by_name["A"]
    assert by_name["A"].flags == ()  # a next action is proposed on the way in
