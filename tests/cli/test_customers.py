"""The customer commands on a real database: purchase, survey, customers, referral, add
--referral-code, show; errors go to stderr with a non-zero status and change nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from onboard_desk.cli import build_parser, main
from onboard_desk.storage.db import open_database
from onboard_desk.storage.models import Purchase, SurveyAnswer


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _customer(db: Path, name: str, capsys: pytest.CaptureFixture[str], value: str = "1200") -> int:
    code, out, _ = run(db, "add", "--name", name, "--value", value, capsys=capsys)
    assert code == 0
    pid = int(out)
    for stage in ("first_call", "follow_up", "trial", "final_check_in", "payment", "won"):
        assert run(db, "move", str(pid), stage, capsys=capsys)[0] == 0
    return pid


def _count(db: Path, model: type) -> int:
    engine = open_database(db)
    with Session(engine) as session:
        count = len(session.exec(select(model)).all())
    engine.dispose()
    return count


def test_changing_commands_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for argv in (["purchase", "1", "--amount", "5"], ["survey", "1", "9"]):
        assert parser.parse_args(argv).changes_data is True
    for argv in (["customers"], ["referral", "ABCD-EFGH"]):
        assert not getattr(parser.parse_args(argv), "changes_data", False)
    with pytest.raises(SystemExit):
        main(["add", "--help"])
    assert "--referral-code CODE" in capsys.readouterr().out
    help_text = parser.format_help()
    for command in ("purchase", "survey", "customers", "referral"):
        assert command in help_text


def test_purchase_survey_and_the_customer_list(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ann = _customer(db_path, "Ann", capsys)
    bob = _customer(db_path, "Bob", capsys, value="500")
    assert run(db_path, "next", str(ann), "--clear", capsys=capsys)[0] == 0
    code, out, err = run(
        db_path, "purchase", str(ann), "--amount", "1,250.50", "--date", "2020-01-01",
        "--note", "Refill", capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "1,250.50 USD" in out and "cadence needs two" not in out
    assert "next purchase expected around" in out and "Next action: Repeat purchase" in out
    code, out, _ = run(db_path, "purchase", str(bob), "--amount", "10", capsys=capsys)
    assert code == 0 and "2 purchase days so far" not in out  # Bob: win and now, same day
    assert "1 purchase day so far: the cadence needs two." in out
    code, out, _ = run(db_path, "survey", str(ann), "10", "--comment", "Love it", capsys=capsys)
    assert code == 0 and "(promoter)" in out
    assert run(db_path, "survey", str(bob), "4", capsys=capsys)[0] == 0

    code, out, _ = run(db_path, "customers", "--format", "json", capsys=capsys)
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["Ann"]["purchases"] == 2 and rows["Ann"]["score"] == 10
    assert rows["Ann"]["total"] == 1200 + 1250.5
    assert rows["Ann"]["last_purchase"].endswith("Z") and rows["Ann"]["next_purchase"]
    assert rows["Ann"]["nps_category"] == "promoter"
    assert rows["Bob"]["score"] == 4 and rows["Bob"]["nps_category"] == "detractor"
    assert rows["Bob"]["next_purchase"] is None
    assert len(rows["Ann"]["code"]) == 9 and rows["Ann"]["code"][4] == "-"
    assert 0 < rows["Bob"]["engagement"] <= 100

    code, out, _ = run(db_path, "customers", "--format", "csv", "--sort", "score", capsys=capsys)
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in table] == ["Bob", "Ann"]
    code, out, _ = run(db_path, "customers", "--sort", "score", "--desc", "--limit", "1",
                       capsys=capsys)  # fmt: skip
    lines = out.strip().splitlines()
    assert lines[0].startswith("ID") and "ENGAGEMENT" in lines[0]
    assert len(lines) == 2 and "Ann" in lines[1]


def test_referral_codes_on_the_command_line(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ann = _customer(db_path, "Ann", capsys)
    code = json.loads(run(db_path, "customers", "--format", "json", capsys=capsys)[1])[0]["code"]
    status, out, err = run(db_path, "add", "--name", "Ben", "--referral-code", code.lower(),
                           capsys=capsys)  # fmt: skip
    assert status == 0, err
    ben = int(out)
    show = json.loads(run(db_path, "show", str(ben), "--format", "json", capsys=capsys)[1])
    assert show["channel"] == "referral"
    assert show["customer"]["referred_by"] == ann
    assert show["customer"]["referral"]["discount_status"] == "pending"

    for stage in ("first_call", "follow_up", "trial", "final_check_in", "payment", "won"):
        assert run(db_path, "move", str(ben), stage, capsys=capsys)[0] == 0
    status, out, _ = run(db_path, "referral", code.replace("-", " "), capsys=capsys)
    assert status == 0
    assert f"#{ann} Ann" in out and "Referred 1 prospect, 1 won" in out
    assert "credit 50.00 USD earned" in out and "discount 10 % granted" in out
    data = json.loads(run(db_path, "referral", code, "--format", "json", capsys=capsys)[1])
    assert data["customer"]["id"] == ann and data["depth"] == 0
    assert data["referrals"][0]["credit_status"] == "earned"
    ben_code = json.loads(run(db_path, "show", str(ben), "--format", "json", capsys=capsys)[1])[
        "customer"
    ]["code"]
    data = json.loads(run(db_path, "referral", ben_code, "--format", "json", capsys=capsys)[1])
    assert data["depth"] == 1 and data["referred_by"][0]["id"] == ann

    text = run(db_path, "show", str(ann), capsys=capsys)[1]
    assert "Customer:" in text and "Referral code:" in text and "Referrals:     1 (1 won)" in text


def test_bad_input_is_refused_and_changes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ann = _customer(db_path, "Ann", capsys)
    status, out, _ = run(db_path, "add", "--name", "Open", capsys=capsys)
    open_id = int(out)
    purchases_before = _count(db_path, Purchase)
    cases = [
        (("purchase", str(open_id), "--amount", "5"), "not a customer"),
        (("purchase", str(ann), "--amount", "abc"), "not an amount"),
        (("purchase", str(ann), "--amount", "5", "--date", "someday"), "Cannot read"),
        (("purchase", str(ann), "--amount", "5", "--date", "2999-01-01"), "future"),
        (("purchase", "999", "--amount", "5"), "no prospect with id 999"),
        (("survey", str(ann), "11"), "from 0 to 10"),
        (("survey", str(ann), "good"), "not a score"),
        (("survey", str(open_id), "9"), "not a customer"),
        (("referral", "nope"), "not a referral code"),
        (("referral", "ABCD-EFGH"), "No customer has the referral code ABCD-EFGH"),
        (("add", "--name", "X", "--referral-code", "ABCD-EFGH"), "No customer has"),
    ]
    for args, message in cases:
        status, out, err = run(db_path, *args, capsys=capsys)
        assert status == 1, args
        assert message in err, (args, err)
        assert err.startswith("onboard-desk: error:")
    assert _count(db_path, Purchase) == purchases_before
    assert _count(db_path, SurveyAnswer) == 0
    names = [r["name"] for r in json.loads(run(db_path, "list", "--format", "json",
                                                capsys=capsys)[1])]  # fmt: skip
    assert "X" not in names


def test_an_empty_customer_list(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_path, "customers", "--format", "json", capsys=capsys)[1].strip() == "[]"
    out = run(db_path, "customers", capsys=capsys)[1]
    assert out.startswith("ID")


def test_show_prints_the_customer_details(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``show`` words the details the card shows (one assembly, in the services)."""
    ann = _customer(db_path, "Ann", capsys)
    code = json.loads(run(db_path, "customers", "--format", "json", capsys=capsys)[1])[0]["code"]
    ben = int(run(db_path, "add", "--name", "Ben", "--referral-code", code, capsys=capsys)[1])
    args = ("purchase", str(ann), "--amount", "80", "--date", "2020-01-01", "--note", "Refill")
    assert run(db_path, *args, capsys=capsys)[0] == 0
    assert run(db_path, "survey", str(ann), "10", capsys=capsys)[0] == 0

    text = run(db_path, "show", str(ann), capsys=capsys)[1]
    customer = text[text.index("Customer:") :].splitlines()
    assert customer[1] == f"  Referral code: {code}"
    assert customer[2].startswith("  Engagement:    ") and customer[2].endswith(
        " / 100 (last 90 days)"
    )
    assert customer[3].startswith("  Purchases:     2, last ")
    assert ", about every " in customer[3] and ", next expected around " in customer[3]
    assert customer[4].endswith("  1,200.00 USD  (win)")
    assert customer[5] == "    2020-01-01  80.00 USD  (manual)  Refill"
    assert customer[6].startswith("  Survey:        10 (promoter) on ")
    assert customer[6].endswith("; 1 answer(s)")
    assert customer[7] == "  Referrals:     1 (0 won)"
    data = json.loads(run(db_path, "show", str(ann), "--format", "json", capsys=capsys)[1])
    assert data["customer"]["code"] == code.replace("-", "")
    assert [p["amount"] for p in data["customer"]["purchases"]] == [1200, 80]
    assert data["customer"]["interval_days"] is not None
    assert (data["customer"]["referrals"], data["customer"]["referrals_won"]) == (1, 0)

    # Ben is not a customer, but was referred: his details say by whom.
    text = run(db_path, "show", str(ben), capsys=capsys)[1]
    assert f"  Referred by:   #{ann} (friend's discount 10 %, pending)" in text
    assert "Engagement:" not in text
    # Someone with no retention history at all has no customer part.
    other = int(run(db_path, "add", "--name", "Cy", capsys=capsys)[1])
    assert "Customer:" not in run(db_path, "show", str(other), capsys=capsys)[1]
    data = json.loads(run(db_path, "show", str(other), "--format", "json", capsys=capsys)[1])
    assert data["customer"] is None
