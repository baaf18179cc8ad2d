"""Saved views in the database, and the list indexes of schema revision 0002."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from onboard_desk.pipeline import Flag, Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import db, saved_views, settings_store
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver
from onboard_desk.storage.migrations import HEAD_REVISION
from onboard_desk.storage.saved_views import SavedView, SavedViewError


def test_views_round_trip_and_sort_by_name(session: Session) -> None:
    view = SavedView(
        name="Trial, mine",
        stages=(Stage.TRIAL,),
        owner="Jamie",
        flag=Flag.OVERDUE,
        search="acme",
        sort="value",
        descending=True,
        columns=("name", "value"),
    )
    saved_views.save_view(session, view)
    saved_views.save_view(session, SavedView(name="all"))
    assert [v.name for v in saved_views.list_views(session)] == ["all", "Trial, mine"]
    assert saved_views.get_view(session, "Trial, mine") == view
    assert view.to_filter().stages == (Stage.TRIAL,)
    assert saved_views.delete_view(session, "all")
    assert not saved_views.delete_view(session, "all")


def test_a_view_needs_a_name(session: Session) -> None:
    with pytest.raises(SavedViewError, match="needs a name"):
        saved_views.save_view(session, SavedView(name="  "))


def test_unknown_parts_of_a_stored_view_are_dropped(session: Session) -> None:
    settings_store.set_setting(
        session,
        saved_views.SAVED_VIEWS,
        {"old": {"stages": ["trial", "nonsense"], "flag": "weird", "sort": "shoe_size"}},
    )
    view = saved_views.get_view(session, "old")
    assert view == SavedView(name="old", stages=(Stage.TRIAL,))


def test_revision_0002_upgrades_a_0001_database(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    path = tmp_path / "old.sqlite3"
    engine = db.make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    assert db.check_schema(path) == "0001"
    db.open_database(path).dispose()
    assert db.check_schema(path) == HEAD_REVISION
    with sqlite3.connect(path) as connection:
        names = {row[1] for row in connection.execute("PRAGMA index_list(prospect)")}
    assert {
        "ix_prospect_name",
        "ix_prospect_updated_at",
        "ix_prospect_value",
        "ix_prospect_company_lower",
    } <= names


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        ("SELECT * FROM prospect ORDER BY name, id LIMIT 200", "ix_prospect_name"),
        ("SELECT * FROM prospect ORDER BY updated_at DESC LIMIT 200", "ix_prospect_updated_at"),
        ("SELECT * FROM prospect ORDER BY value_cents LIMIT 200", "ix_prospect_value"),
        (
            "SELECT * FROM prospect WHERE stage = 'trial' ORDER BY name, id LIMIT 200",
            "ix_prospect_stage_name",
        ),
        ("SELECT * FROM prospect WHERE lower(company) = 'acme'", "ix_prospect_company_lower"),
        # Sorting by company is case-insensitive, in the duplicate check's index.
        (
            "SELECT * FROM prospect ORDER BY lower(company), id LIMIT 200",
            "ix_prospect_company_lower",
        ),
        # Owner filters read the front of the report indexes (migration 0006).
        (
            "SELECT * FROM prospect WHERE owner = 'Ann' AND stage = 'trial'",
            "ix_prospect_report_open",
        ),
        ("SELECT id FROM prospect WHERE owner = 'Ann'", "ix_prospect_report_groups"),
    ],
)
def test_list_orders_use_an_index(db_path: Path, engine: object, sql: str, index: str) -> None:
    with sqlite3.connect(db_path) as connection:
        plan = " ".join(str(row[-1]) for row in connection.execute("EXPLAIN QUERY PLAN " + sql))
    assert index in plan
    assert "TEMP B-TREE" not in plan.replace("FOR RIGHT PART OF ORDER BY", "")


def test_sorting_by_company_ignores_case(session: Session) -> None:
    from onboard_desk.storage import queries

    for name, company in (("A", "beta"), ("B", "Acme"), ("C", "acme"), ("D", "Zed")):
        prospect_ops.create_prospect(session, fields={"name": name, "company": company}, by="Ann")
    listed = queries.list_prospects(session, flt=queries.ProspectFilter(sort="company"))
    assert [p.company for p in listed] == ["Acme", "acme", "beta", "Zed"]
