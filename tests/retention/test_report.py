"""The report's Customers section against a small hand-computed example, in every format."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.pipeline import Stage
from onboard_desk.reports import (
    ReportFilter,
    ReportSettings,
    ReportSources,
    build_report,
)
from onboard_desk.reports.exporters import export_report
from onboard_desk.reports.model import Report
from onboard_desk.reports.tables import report_tables
from onboard_desk.retention import purchases, referrals, surveys
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store
from onboard_desk.storage.db import open_database
from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver
from tests.retention.conftest import day, prospect, win

NOW = day(90)
#: Days 40 to 80 (calendar days, UTC, both included).
PERIOD = ReportFilter(date_from=day(40).date(), date_to=day(80).date())


def build(engine: Engine) -> None:
    """A: won day 1 (1,000.00), buys on days 31 and 61 (200.00, 300.00), answers 3 on day 5
    and 10 on day 40, a meeting on day 85 and a call on day 88.
    B: came through A's code, won day 45 (500.00), answers 6 on day 50 (owner Bob).
    C: came through B's code on day 46, won day 60 (no value), answers 8 on day 70.
    D: came through A's code on day 50, still in Outreach.
    E: won day 10, lost day 20 (owner Bob). F: won day 30, nothing since."""
    config = RetentionConfig()
    with Session(engine) as session:
        a = prospect(session, "A", at=0, value=100_000)
        win(session, a, at=1)
        for d, cents in ((31, 20_000), (61, 30_000)):
            purchases.record_purchase(
                session, prospect_id=a, amount_cents=cents, by="Ann", config=config,
                purchased_at=day(d), now=day(d),
            )  # fmt: skip
        for d, score in ((5, 3), (40, 10)):
            surveys.record_survey(
                session, prospect_id=a, score=score, by="Ann", answered_at=day(d), now=day(d)
            )
        store.log_activity(session, prospect_id=a, kind="meeting", by="Ann", occurred_at=day(85))
        store.log_activity(session, prospect_id=a, kind="call", by="Ann", occurred_at=day(88))

        def referred(
            name: str, code_of: int, at: float, stage: Stage = Stage.PAYMENT, **kw: object
        ) -> int:
            code = referrals.code_of(session, code_of)
            created = prospect_ops.create_prospect(
                session, fields={"name": name, **kw}, by="Ann", now=day(at), stage=stage,
                referral_code=code,
            )  # fmt: skip
            assert created.id is not None
            return created.id

        b = referred("B", a, 0, owner="Bob", value_cents=50_000)
        win(session, b, at=45)
        surveys.record_survey(
            session, prospect_id=b, score=6, by="Bob", answered_at=day(50), now=day(50)
        )
        c = referred("C", b, 46, owner="Ann")
        win(session, c, at=60)
        surveys.record_survey(
            session, prospect_id=c, score=8, by="Ann", answered_at=day(70), now=day(70)
        )
        referred("D", a, 50, owner="Ann", stage=Stage.OUTREACH)
        e = prospect(session, "E", at=9, owner="Bob")
        win(session, e, at=10)
        prospect_ops.move_prospect(
            session, prospect_id=e, target=Stage.LOST, by="Bob", reason="Churned", now=day(20)
        )
        f = prospect(session, "F", at=29)
        win(session, f, at=30)
        session.commit()


@pytest.fixture
def customers_db(tmp_path: Path) -> Path:
    path = tmp_path / "customers.sqlite3"
    engine = open_database(path)
    build(engine)
    engine.dispose()
    return path


def _report(paths: list[Path], flt: ReportFilter = PERIOD) -> Report:
    return build_report(ReportSources.of(paths), flt, settings=ReportSettings(), now=NOW)


def test_the_customers_section_by_hand(customers_db: Path) -> None:
    c = _report([customers_db]).customers
    assert c.customers == 4  # A, B, C, F (E was lost, D is open)
    # In days 40-80: B's win (500.00), C's win (no value), A's purchase on day 61 (300.00).
    assert (c.purchases, c.purchase_value, c.buying_customers) == (3, 800.0, 3)
    # A bought on days 1, 31 and 61: every 30 days, next on day 91 (within 30 days of 90).
    assert (c.with_cadence, c.due_soon, c.lapsed, c.due_soon_days) == (1, 1, 0, 30)
    # Latest answers in the period: A 10, B 6, C 8 (A's 3 of day 5 is before it).
    assert (c.respondents, c.promoters, c.passives, c.detractors) == (3, 1, 1, 1)
    assert c.nps == 0
    # Referred in the period: C and D; won through a referral in it: B and C.
    assert (c.referrals_made, c.won_via_referral) == (2, 2)
    # Customers at the start of day 40: A and F (E churned on day 20).
    assert c.customers_at_start == 2 and c.viral_coefficient == 1.0
    assert c.credits_earned == 100.0  # two default credits of 50.00
    # One chain: A -> B -> C and A -> D; three referred, B and C won, two levels.
    assert (c.chains, c.chain_referred, c.longest_chain) == (1, 3, 2)
    assert [(r.referrer, r.owner, r.referred, r.won, r.levels) for r in c.referral_chains] == [
        ("A", "Ann", 3, 2, 2)
    ]
    # Engagement on day 90 (see the module's formula: 100 x P / (P + 5)):
    # A: purchases 4 x (1 + 31 + 61)/90, answers 2 x (5 + 40)/90, meeting 3 x 85/90,
    #    call 2 x 88/90 = 9.92 points -> 66;
    # B: 4 x 45/90 + 2 x 50/90 = 3.11 -> 38; C: 4 x 60/90 + 2 x 70/90 = 4.22 -> 46;
    # F: 4 x 30/90 = 1.33 -> 21.
    assert [(b.low, b.customers) for b in c.engagement] == [
        (0, 0),
        (20, 2),
        (40, 1),
        (60, 1),
        (80, 0),
    ]
    assert [b.share for b in c.engagement] == [0, 0.5, 0.25, 0.25, 0]
    (due,) = c.due
    assert (due.name, due.purchases, due.interval_days) == ("A", 3, 30)
    assert (due.last_purchase, due.expected_next) == (day(61).date(), day(91).date())
    assert due.database == customers_db.name


def test_one_owner(customers_db: Path) -> None:
    flt = ReportFilter(date_from=PERIOD.date_from, date_to=PERIOD.date_to, owner="Ann")
    c = _report([customers_db], flt).customers
    assert c.customers == 3  # A, C, F
    assert (c.purchases, c.purchase_value) == (2, 300.0)  # C's win, A's day-61 purchase
    assert (c.promoters, c.passives, c.detractors, c.nps) == (1, 1, 0, 50.0)
    assert (c.referrals_made, c.won_via_referral, c.customers_at_start) == (2, 1, 2)
    assert c.viral_coefficient == 0.5 and c.credits_earned == 50.0
    assert [r.referrer for r in c.referral_chains] == ["A"]
    assert sum(b.customers for b in c.engagement) == 3


def test_all_time_has_no_viral_coefficient(customers_db: Path) -> None:
    c = _report([customers_db], ReportFilter()).customers
    assert c.customers_at_start == 0 and c.viral_coefficient is None
    # Five wins (A, B, C, E and F: 1,000.00 each but B's 500.00 and C's none) and A's two.
    assert (c.purchases, c.purchase_value, c.buying_customers) == (7, 4000.0, 5)
    assert c.respondents == 3 and c.promoters == 1 and c.detractors == 1


def test_a_team_report_adds_databases_up_and_old_ones_add_nothing(
    customers_db: Path, tmp_path: Path
) -> None:
    from alembic import command
    from alembic.config import Config

    from onboard_desk.storage import db

    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(customers_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    old = tmp_path / "old.sqlite3"
    engine = open_database(old)
    with Session(engine) as session:
        prospect(session, "Old customer", stage=Stage.WON)
        session.commit()
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    engine.dispose()

    one = _report([customers_db]).customers
    team = _report([customers_db, copy, old]).customers
    assert team.customers == 2 * one.customers
    assert (team.purchases, team.purchase_value) == (6, 1600.0)
    assert (team.respondents, team.nps) == (6, 0)
    assert team.customers_at_start == 4 and team.viral_coefficient == 1.0
    assert [r.database for r in team.referral_chains] == ["copy.sqlite3", "customers.sqlite3"]
    assert [d.database for d in team.due] == ["copy.sqlite3", "customers.sqlite3"]
    assert [b.customers for b in team.engagement] == [2 * b.customers for b in one.engagement]


def test_every_format_carries_the_section(customers_db: Path, tmp_path: Path) -> None:
    report = _report([customers_db])
    for fmt in ("json", "csv", "xlsx", "html", "pdf"):
        export_report(report, fmt, tmp_path / f"r.{fmt}", lambda: ())
    data = json.loads((tmp_path / "r.json").read_text())
    section = data["customers"]
    assert section["nps"] == 0 and section["viral_coefficient"] == 1.0
    assert section["engagement"][1]["customers"] == 2
    assert section["due"][0]["expected_next"] == day(91).date().isoformat()
    assert section["referral_chains"][0]["levels"] == 2

    with (tmp_path / "r-customers.csv").open(encoding="utf-8") as handle:
        figures = {row["Figure"]: row["Value"] for row in csv.DictReader(handle)}
    assert figures["Customers now"] == "4"
    assert figures["Team NPS (-100 to 100)"] == "0.0"
    assert figures["Viral coefficient"] == "1.0"
    assert figures["Value of those purchases (USD)"] == "800.00"
    for key in ("engagement", "purchases_due", "referral_chains"):
        assert (tmp_path / f"r-{key}.csv").exists()
    with (tmp_path / "r-purchases_due.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["Customer"] == "A" and row["Expected next purchase"] == "2026-06-01"

    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert {"Customers", "Engagement", "Purchases due", "Referral chains"} <= set(book.sheetnames)
    sheet = book["Customers"]
    values = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2) for r in range(5, 24)}
    assert values["Customers now"].value == 4
    assert values["Viral coefficient"].value == 1.0
    assert values["Viral coefficient"].number_format == "#,##0.00"
    assert book["Purchases due"].cell(row=5, column=7).value.date() == date(2026, 6, 1)

    html = (tmp_path / "r.html").read_text()
    for key in ("customers", "engagement", "purchases_due", "referral_chains"):
        assert f'<section id="{key}">' in html
    assert "<td>Viral coefficient</td>" in html and "1.00" in html
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_the_pdf_prints_the_section(
    customers_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)
    export_report(_report([customers_db]), "pdf", tmp_path / "r.pdf", lambda: ())
    data = (tmp_path / "r.pdf").read_bytes()
    for text in (b"Customers now", b"Purchases due soon", b"Referral chains", b"Viral"):
        assert text in data, text


def test_the_section_tables_in_order(customers_db: Path) -> None:
    keys = [t.key for t in report_tables(_report([customers_db]))]
    assert keys[-4:] == ["customers", "engagement", "purchases_due", "referral_chains"]


def test_lapsed_customers_are_counted_not_listed(tmp_path: Path) -> None:
    """G bought on days 0 and 10: expected on day 20, so on day 90 a whole interval (and
    more) overdue: lapsed, not due."""
    path = tmp_path / "lapsed.sqlite3"
    engine = open_database(path)
    with Session(engine) as session:
        g = prospect(session, "G", at=0)
        win(session, g, at=0)
        purchases.record_purchase(
            session, prospect_id=g, amount_cents=100, by="Ann", config=RetentionConfig(),
            purchased_at=day(10), now=day(10),
        )  # fmt: skip
        session.commit()
    engine.dispose()
    c = _report([path], ReportFilter()).customers
    assert (c.with_cadence, c.due_soon, c.lapsed, c.due) == (1, 0, 1, ())
