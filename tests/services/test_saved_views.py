"""Saved views of the prospect list, kept in the database through the settings service
(the Prospects screen's only way to them)."""

from __future__ import annotations

import pytest

from onboard_desk.pipeline import Flag, Stage
from onboard_desk.services.desk import Desk
from onboard_desk.services.settings import SavedView, SavedViewError


def test_views_are_kept_listed_by_name_and_deleted(desk: Desk) -> None:
    mine = SavedView(
        name="Trial, mine",
        stages=(Stage.TRIAL,),
        owner="Jamie",
        flag=Flag.OVERDUE,
        search="acme",
        sort="value",
        descending=True,
        columns=("name", "value"),
    )
    desk.settings.save_view(mine)
    desk.settings.save_view(SavedView(name="all"))
    assert [v.name for v in desk.settings.views()] == ["all", "Trial, mine"]
    assert desk.settings.view("Trial, mine") == mine
    assert desk.settings.view("nobody's") is None
    assert desk.settings.delete_view("all")
    assert not desk.settings.delete_view("all")
    assert [v.name for v in desk.settings.views()] == ["Trial, mine"]


def test_saving_under_a_name_replaces_that_view(desk: Desk) -> None:
    desk.settings.save_view(SavedView(name="Mine", search="first"))
    desk.settings.save_view(SavedView(name="Mine", search="second"))
    assert [(v.name, v.search) for v in desk.settings.views()] == [("Mine", "second")]


def test_a_view_needs_a_name_and_nothing_is_stored_without_one(desk: Desk) -> None:
    with pytest.raises(SavedViewError, match="needs a name"):
        desk.settings.save_view(SavedView(name="  "))
    assert desk.settings.views() == []
