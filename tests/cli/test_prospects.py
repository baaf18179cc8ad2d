"""The prospect commands (add, list, show, move, log, next, delete), run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onboard_desk.cli import main


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_move_show_roundtrip(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        db_path,
        "add",
        "--name",
        "Zoë Müller",
        "--company",
        "Acme",
        "--email",
        "zoe@acme.example",
        "--value",
        "1,200.50",
        "--channel",
        "linkedin",
        capsys=capsys,
    )
    assert code == 0 and out.strip() == "1"
    code, out, _ = run(db_path, "list", "--format", "json", capsys=capsys)
    rows = json.loads(out)
    assert rows[0]["name"] == "Zoë Müller" and rows[0]["value"] == 1200.5
    assert rows[0]["channel"] == "inbound_linkedin" and rows[0]["stage"] == "outreach"
    required = {
        "id",
        "name",
        "company",
        "email",
        "phone",
        "channel",
        "owner",
        "stage",
        "value",
        "next_action",
        "next_action_due",
        "created_at",
        "updated_at",
    }
    assert required <= set(rows[0])
    assert run(db_path, "move", "1", "first_call", capsys=capsys)[0] == 0
    assert (
        run(db_path, "log", "1", "call", "--outcome", "reached", "--minutes", "5", capsys=capsys)[0]
        == 0
    )
    assert (
        run(
            db_path, "next", "1", "--action", "Send the demo", "--due", "2030-01-02", capsys=capsys
        )[0]
        == 0
    )
    code, out, _ = run(db_path, "show", "1", capsys=capsys)
    assert "First call" in out and "Send the demo" in out and "reached" in out
    assert "Outreach -> First call" in out


def test_show_lists_the_checklist_with_its_ticks(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from onboard_desk.pipeline import DEFAULT_CHECKLISTS, PipelineConfig, Stage
    from onboard_desk.storage import checklist
    from onboard_desk.storage.db import open_database, session_scope

    run(db_path, "add", "--name", "Ana", capsys=capsys)
    research, message, propose = DEFAULT_CHECKLISTS[Stage.OUTREACH]
    engine = open_database(db_path)
    with session_scope(engine) as session:
        checklist.tick_item(
            session,
            prospect_id=1,
            stage=Stage.OUTREACH,
            item=message,
            by="Jamie",
            config=PipelineConfig(),
        )
    engine.dispose()
    code, out, _ = run(db_path, "show", "1", capsys=capsys)
    assert code == 0
    assert "Checklist (Outreach, 1/3 done):" in out
    assert f"  [ ] {research}\n" in out
    assert f"  [x] {message}  (ticked by Jamie " in out
    code, out, _ = run(db_path, "show", "1", "--format", "json", capsys=capsys)
    data = json.loads(out)["checklist"]
    assert (data["stage"], data["done"], data["total"]) == ("outreach", 1, 3)
    assert [(i["item"], i["ticked"], i["by"]) for i in data["items"]] == [
        (research, False, None),
        (message, True, "Jamie"),
        (propose, False, None),
    ]


def test_illegal_move_exits_non_zero_with_the_rule(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(db_path, "add", "--name", "A", capsys=capsys)
    code, _, err = run(db_path, "move", "1", "payment", capsys=capsys)
    assert code == 1 and "give a reason for skipping" in err
    code, _, err = run(db_path, "move", "1", "lost", capsys=capsys)
    assert code == 1 and "lost reason" in err
    assert run(db_path, "move", "1", "lost", "--reason", "No budget", capsys=capsys)[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "99"), "no prospect with id 99"),
        (("add", "--name", "X", "--email", "nope"), "not a valid email"),
        (("next", "1", "--action", "Call", "--due", "someday"), "Cannot read 'someday'"),
        (("next", "1", "--action", "Call"), "needs --due"),
        (("list", "--sort", "shoe_size"), "Cannot sort by"),
    ],
)
def test_errors_go_to_stderr(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    run(db_path, "add", "--name", "Someone", capsys=capsys)
    code, out, err = run(db_path, *args, capsys=capsys)
    assert code == 1 and message in err and out == ""


def test_list_filters_limit_and_formats(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_path, "demo", "--prospects", "200", "--seed", "3", capsys=capsys)[0] == 0
    _, out, _ = run(db_path, "list", "--format", "csv", capsys=capsys)
    assert len(out.strip().splitlines()) == 201  # header + every prospect: no silent limit
    _, out, _ = run(
        db_path, "list", "--stage", "lost", "--format", "json", "--limit", "5", capsys=capsys
    )
    rows = json.loads(out)
    assert len(rows) == 5 and all(r["stage"] == "lost" for r in rows)
    _, out, _ = run(db_path, "list", "--flag", "overdue", "--format", "json", capsys=capsys)
    assert all("overdue" in r["flags"] for r in json.loads(out))
    _, out, _ = run(db_path, "list", "--limit", "3", capsys=capsys)
    assert out.splitlines()[0].startswith("ID") and len(out.splitlines()) == 4


def test_delete_needs_confirmation_when_not_interactive(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(db_path, "add", "--name", "A", capsys=capsys)
    code, _, err = run(db_path, "delete", "1", capsys=capsys)
    assert code == 1 and "--yes" in err
    assert run(db_path, "delete", "1", "--yes", capsys=capsys)[0] == 0
    assert run(db_path, "show", "1", capsys=capsys)[0] == 1
