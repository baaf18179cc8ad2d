"""The outreach commands: calendar, templates, send (dry run and over a real server)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from onboard_desk.cli import main
from onboard_desk.services.desk import Desk
from onboard_desk.services.outreach import MailRoute, MailSettings, Security
from tests.outreach.mail_fixtures import SmtpServer


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _add(db: Path, capsys: pytest.CaptureFixture[str], name: str, email: str, *extra: str) -> str:
    code, out, _ = _run(capsys, "--db", str(db), "add", "--name", name, "--email", email, *extra)
    assert code == 0
    return out.strip()


def test_calendar_command(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add(db_path, capsys, "Zoë", "zoe@example.org", "--owner", "Jamie")
    _add(db_path, capsys, "Ben", "ben@example.org", "--owner", "Kim")
    out_file = tmp_path / "next.ics"
    code, out, _ = _run(
        capsys,
        "--db",
        str(db_path),
        "calendar",
        "-o",
        str(out_file),
        "--owner",
        "Kim",
        "--days",
        "30",
    )
    assert code == 0 and "Wrote 1 event" in out
    events = icalendar.Calendar.from_ical(out_file.read_bytes()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Follow up on the first contact – Ben"]
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db_path), "calendar", "-o", str(out_file), "--days", "-1"])
    assert exit_info.value.code == 2
    assert "must not be negative" in capsys.readouterr().err


def test_templates_commands(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "--db", str(db_path), "templates", "list")
    assert code == 0 and "Cold outreach" in out and "Final check-in" in out
    pid = _add(db_path, capsys, "Zoë Müller", "zoe@example.org", "--company", "Acme")
    code, out, _ = _run(
        capsys, "--db", str(db_path), "templates", "show", "cold outreach", "--prospect", pid
    )
    assert code == 0 and "Subject: Acme: a shorter way" in out and "Hi Zoë," in out
    code, out, _ = _run(capsys, "--db", str(db_path), "templates", "check")
    assert code == 0 and out.count(": ok") == 9
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "Name: Bad\nSubject: Hi {{ frist_name }}\n\nLine one\n{% if x %}\n", encoding="utf-8"
    )
    code, out, _ = _run(capsys, "--db", str(db_path), "templates", "check", str(bad))
    assert code == 1 and "Subject, line 1: unknown field {{ frist_name }}" in out
    code, _, err = _run(capsys, "--db", str(db_path), "templates", "show", "No such")
    assert code == 1 and "no template named" in err


def test_send_dry_run_then_real(
    db_path: Path, capsys: pytest.CaptureFixture[str], start_server: Callable[..., SmtpServer]
) -> None:
    a = _add(db_path, capsys, "Zoë Müller", "zoe@example.org")
    _add(db_path, capsys, "Ben", "ben@example.org")
    c = _add(db_path, capsys, "Cem", "cem@example.org")
    desk = Desk.open(db_path)
    desk.prospects.edit(int(c), {"do_not_contact": True})
    code, out, _ = _run(
        capsys,
        "--db",
        str(db_path),
        "send",
        "--stage",
        "outreach",
        "--template",
        "Cold outreach",
        "--dry-run",
    )
    assert code == 0
    assert "2 would be sent, 1 skipped (dry run)." in out and "do not contact" in out
    code, _, err = _run(
        capsys, "--db", str(db_path), "send", "--prospect", a, "--template", "Cold outreach"
    )
    assert code == 1 and "needs the SMTP route" in err

    server = start_server()
    desk.outreach.save_mail_settings(
        MailSettings(
            route=MailRoute.SMTP,
            host="127.0.0.1",
            port=server.port,
            security=Security.NONE,
            from_address="me@example.org",
        )
    )
    desk.close()
    code, out, _ = _run(
        capsys,
        "--db",
        str(db_path),
        "send",
        "--stage",
        "outreach",
        "--template",
        "1",
        "--pause",
        "0",
    )
    assert code == 0, out
    assert "2 sent, 0 not sent, 1 skipped." in out
    assert sorted(r.recipients[0] for r in server.received) == [
        "ben@example.org",
        "zoe@example.org",
    ]
    code, out, _ = _run(capsys, "--db", str(db_path), "show", a)
    assert "email  sent · Zoë Müller: a shorter way to onboard new customers" in out


def test_send_due_selects_only_due_prospects(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _add(db_path, capsys, "Ana", "ana@example.org")
    _add(db_path, capsys, "Ben", "ben@example.org")  # due in three days
    code, _, err = _run(
        capsys,
        "--db",
        str(db_path),
        "send",
        "--stage",
        "outreach",
        "--due",
        "--template",
        "1",
        "--dry-run",
    )
    assert code == 1 and "No prospects match" in err
    assert (
        _run(capsys, "--db", str(db_path), "next", a, "--action", "Call", "--due", "today")[0] == 0
    )
    code, out, _ = _run(
        capsys,
        "--db",
        str(db_path),
        "send",
        "--stage",
        "outreach",
        "--due",
        "--template",
        "1",
        "--dry-run",
    )
    assert code == 0 and "Ana" in out and "Ben" not in out and "1 would be sent" in out
