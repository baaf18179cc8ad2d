"""``onboard-desk settings`` and what the settings change for the other commands: who
owns what is added, how phone numbers are read, when proposed actions fall."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onboard_desk.cli import main


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _prospect(db: Path, capsys: pytest.CaptureFixture[str], prospect_id: str) -> dict:  # type: ignore[type-arg]
    code, out, _ = run(db, "show", prospect_id, "--format", "json", capsys=capsys)
    assert code == 0
    return json.loads(out)


def test_a_new_database_says_it_has_no_name_and_keeps_numbers_as_written(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(db_path, "settings", "show", capsys=capsys)
    assert code == 0
    assert "name:             (not chosen: prospects you add get no owner)" in out
    assert "phone-region:     (none: numbers without a country code are kept as written)" in out
    assert "working-hours:    09:00-17:00" in out and "working-days:     mon-fri" in out
    code, out, err = run(
        db_path, "add", "--name", "Jonas Weber", "--phone", "030 1234567", capsys=capsys
    )
    assert (code, out) == (0, "1\n")
    assert "no name chosen" in err and 'settings set name "Your Name"' in err
    shown = _prospect(db_path, capsys, "1")
    # Today's bug: the login name became the owner and "+1 0301234567" the number.
    assert (shown["owner"], shown["phone"]) == ("", "030 1234567")


def test_settings_set_changes_what_the_other_commands_do(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value, echoed in (
        ("name", "Zoë Müller", "name: Zoë Müller"),
        ("email", "zoe@acme.example", "email: zoe@acme.example"),
        ("signature", "Zoë Müller\\nAcme GmbH", "signature: Zoë Müller\\nAcme GmbH"),
        ("currency", "eur", "currency: EUR"),
        ("phone-region", "de", "phone-region: DE (country code 49)"),
        ("working-hours", "8:00-12:30", "working-hours: 08:00-12:30"),
        ("working-days", "Monday-Thursday", "working-days: mon-thu"),
        ("proposal-spacing", "20", "proposal-spacing: 20"),
    ):
        code, out, err = run(db_path, "settings", "set", key, value, capsys=capsys)
        assert (code, out.strip(), err) == (0, echoed, "")
    code, out, err = run(
        db_path, "add", "--name", "Lena Schmidt", "--phone", "089 1234567", capsys=capsys
    )
    assert (code, err) == (0, "")
    shown = _prospect(db_path, capsys, "1")
    assert (shown["owner"], shown["phone"], shown["currency"]) == (
        "Zoë Müller",
        "+49 89 1234567",
        "EUR",
    )
    due = datetime.fromisoformat(shown["next_action_due"].replace("Z", "+00:00"))
    local = due.astimezone()
    assert local.weekday() < 4 and time(8) <= local.time() < time(12, 30)
    code, out, _ = run(db_path, "settings", "show", "--format", "json", capsys=capsys)
    data = json.loads(out)
    assert data["working_hours"] == {
        "start": "08:00",
        "end": "12:30",
        "days": ["mon", "tue", "wed", "thu"],
        "spacing_minutes": 20,
    }
    assert data["signature"] == "Zoë Müller\nAcme GmbH"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("colour", "blue", "There is no setting 'colour'; the settings are: name, email"),
        ("email", "zoe at acme", "is not a valid email address"),
        ("currency", "euro", "'euro' is not a currency code"),
        ("phone-region", "Germany", "'Germany' is not a phone region"),
        ("working-hours", "9-5", "The working day must end after it starts"),
        ("working-days", "weekdays", "'weekdays' is not a day of the week"),
        ("proposal-spacing", "2", "Proposals are spread 5 to 240 minutes apart"),
    ],
)
def test_a_value_that_cannot_be_stored_is_refused_in_one_line(
    db_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, message: str
) -> None:
    code, out, err = run(db_path, "settings", "set", key, value, capsys=capsys)
    assert code == 1 and out == ""
    assert err.startswith("onboard-desk: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    _, shown, _ = run(db_path, "settings", "show", "--format", "json", capsys=capsys)
    assert json.loads(shown)["name"] == ""  # nothing changed


def test_import_takes_a_region_per_file_or_keeps_numbers_as_written(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(db_path, "settings", "set", "phone-region", "DE", capsys=capsys)
    paris = tmp_path / "paris.csv"
    paris.write_text("Name,Phone\nÉlodie Martin,01 23 45 67 89\n", encoding="utf-8")
    lagos = tmp_path / "lagos.csv"
    lagos.write_text("Name,Phone\nAisha Bello,0803 123 4567\n", encoding="utf-8")
    berlin = tmp_path / "berlin.csv"
    berlin.write_text("Name,Phone\nJonas Weber,030 7654321\n", encoding="utf-8")
    assert run(db_path, "import", str(paris), "--region", "fr", capsys=capsys)[0] == 0
    assert run(db_path, "import", str(lagos), "--region", "none", capsys=capsys)[0] == 0
    assert run(db_path, "import", str(berlin), capsys=capsys)[0] == 0
    _, out, _ = run(db_path, "list", "--format", "json", capsys=capsys)
    phones = {row["name"]: row["phone"] for row in json.loads(out)}
    assert phones == {
        "Élodie Martin": "+33 1 23 45 67 89",
        "Aisha Bello": "0803 123 4567",
        "Jonas Weber": "+49 30 7654321",
    }
    code, _, err = run(db_path, "import", str(paris), "--region", "XX", capsys=capsys)
    assert code == 1 and "'XX' is not a phone region" in err


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=20))
def test_any_working_hours_argument_is_stored_or_refused_cleanly(
    db_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    if value.startswith("-") or "\x00" in value:
        return  # argparse reads a leading dash as an option; NUL cannot reach argv
    code, out, err = run(db_path, "settings", "set", "working-hours", value, capsys=capsys)
    if code == 0:
        assert out.startswith("working-hours: ")
    else:
        assert code == 1 and err.startswith("onboard-desk: error: ") and "Traceback" not in err


def test_the_help_lists_every_key(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["settings", "set", "--help"])
    out = capsys.readouterr().out
    for key in ("name", "email", "signature", "currency", "phone-region", "working-hours"):
        assert f"  {key}" in out
