"""List queries: filters, flags, full-text search and sorting, all in SQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import Flag, Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import queries, store
from onboard_desk.storage.queries import ProspectFilter


@pytest.fixture
def people(session: Session) -> dict[str, int]:
    rows = [
        (
            "Ana Lopez",
            "Acme Robotics",
            "ana@acme.example",
            "Alex",
            "referral",
            500_000,
            "Prefers calls",
        ),
        (
            "Ben Okafor",
            "Blue Harbor Labs",
            "ben@blueharbor.example",
            "Sam",
            "cold_email",
            120_000,
            "",
        ),
        (
            "Chloé Martin",
            "Acme Bakery",
            "chloe@bakery.example",
            "Alex",
            "website",
            None,
            "met at fair",
        ),
        ("Dmitri Ivanov", "Cedar Dental", "dmitri@cedar.example", "Sam", "cold_call", 80_000, ""),
        ("Li Wu", "Delta Foods", "li@delta.example", "Alex", "cold_email", 10_000, ""),
    ]
    ids: dict[str, int] = {}
    for name, company, email, owner, channel, value, notes in rows:
        p = prospect_ops.create_prospect(
            session,
            fields={
                "name": name,
                "company": company,
                "email": email,
                "owner": owner,
                "channel": channel,
                "value_cents": value,
                "notes": notes,
                "tags": "vip" if value and value > 200_000 else "",
            },
            by="t",
        )
        ids[name] = p.id or 0
    prospect_ops.move_prospect(
        session, prospect_id=ids["Ben Okafor"], target=Stage.FIRST_CALL, by="t"
    )
    prospect_ops.move_prospect(
        session, prospect_id=ids["Dmitri Ivanov"], target=Stage.LOST, by="t", reason="No budget"
    )
    session.commit()
    return ids


def names(session: Session, flt: ProspectFilter) -> list[str]:
    return [p.name for p in queries.list_prospects(session, flt=flt)]


def test_search_matches_substrings_and_prefixes_across_fields(
    session: Session, people: dict[str, int]
) -> None:
    assert set(names(session, ProspectFilter(search="acme"))) == {"Ana Lopez", "Chloé Martin"}
    assert names(session, ProspectFilter(search="harb")) == ["Ben Okafor"]  # prefix of a word
    assert names(session, ProspectFilter(search="kafo")) == ["Ben Okafor"]  # inside a word
    assert names(session, ProspectFilter(search="fair")) == ["Chloé Martin"]  # notes
    assert names(session, ProspectFilter(search="cedar.example")) == ["Dmitri Ivanov"]
    assert names(session, ProspectFilter(search="ACME bakery")) == ["Chloé Martin"]  # all words
    assert names(session, ProspectFilter(search="Li")) == ["Li Wu"]  # short word: prefix
    assert names(session, ProspectFilter(search="zzz")) == []


def test_search_input_is_never_fts_syntax(session: Session, people: dict[str, int]) -> None:
    for hostile in ['"', 'acme" OR "', "NEAR(a b)", "a*", "-acme", "name:acme", "%", "_"]:
        queries.list_prospects(session, flt=ProspectFilter(search=hostile))  # no exception


def test_search_ranks_better_matches_first(session: Session, people: dict[str, int]) -> None:
    prospect_ops.create_prospect(
        session, fields={"name": "Robotics Rob", "company": "Robotics Robotics"}, by="t"
    )
    assert names(session, ProspectFilter(search="robotics"))[0] == "Robotics Rob"


def test_filters_combine(session: Session, people: dict[str, int]) -> None:
    assert names(session, ProspectFilter(owner="Alex")) == ["Ana Lopez", "Chloé Martin", "Li Wu"]
    assert names(session, ProspectFilter(owner="Alex", channel="cold_email")) == ["Li Wu"]
    assert names(session, ProspectFilter(stages=(Stage.FIRST_CALL, Stage.LOST))) == [
        "Ben Okafor",
        "Dmitri Ivanov",
    ]
    assert names(session, ProspectFilter(tag="VIP")) == ["Ana Lopez"]
    assert queries.count_prospects(session, flt=ProspectFilter(owner="Alex", search="acme")) == 2


def test_sorting_in_sql(session: Session, people: dict[str, int]) -> None:
    by_value = names(session, ProspectFilter(sort="value", descending=True))
    assert by_value[:2] == ["Ana Lopez", "Ben Okafor"]
    by_stage = names(session, ProspectFilter(sort="stage"))
    assert by_stage[-1] == "Dmitri Ivanov" and by_stage[-2] == "Ben Okafor"


def test_flags_in_sql_match_the_domain(session: Session, people: dict[str, int]) -> None:
    now = utcnow()
    store.set_next_action(
        session, prospect_id=people["Ana Lopez"], action="Call", due=now - timedelta(hours=1)
    )
    store.set_next_action(session, prospect_id=people["Li Wu"], action=None, due=None)
    ana = store.get_prospect(session, people["Chloé Martin"])
    ana.stage_entered_at = now - timedelta(days=30)
    session.add(ana)
    session.commit()
    assert names(session, ProspectFilter(flag=Flag.OVERDUE)) == ["Ana Lopez"]
    assert names(session, ProspectFilter(flag=Flag.NO_NEXT_ACTION)) == [
        "Li Wu"
    ]  # lost is not flagged
    assert names(session, ProspectFilter(flag=Flag.STALE)) == ["Chloé Martin"]


def test_paging_and_counts(session: Session, people: dict[str, int]) -> None:
    first = queries.list_prospects(session, limit=2)
    second = queries.list_prospects(session, offset=2, limit=2)
    assert [p.name for p in first + second] == names(session, ProspectFilter())[:4]
    assert queries.count_prospects(session) == 5


def test_stage_totals_include_every_stage(session: Session, people: dict[str, int]) -> None:
    totals = {t.stage: t for t in queries.stage_totals(session)}
    assert totals[Stage.OUTREACH].count == 3 and totals[Stage.OUTREACH].value_cents == 510_000
    assert totals[Stage.WON].count == 0
    assert totals[Stage.LOST].count == 1
    assert queries.owners(session) == ["Alex", "Sam"]


def test_search_index_follows_edits_and_deletes(session: Session, people: dict[str, int]) -> None:
    pid = people["Li Wu"]
    store.update_prospect(session, prospect_id=pid, changes={"company": "Zephyr Systems"})
    assert names(session, ProspectFilter(search="zephyr")) == ["Li Wu"]
    assert names(session, ProspectFilter(search="delta foods")) == []
    prospect_ops.delete_prospect(session, prospect_id=pid)
    assert names(session, ProspectFilter(search="zephyr")) == []
