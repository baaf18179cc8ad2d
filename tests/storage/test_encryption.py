"""Encryption at rest: new databases, on and off, a missing keyring, a wrong key, a lost
keyring and the recovery key, backups, team reports, and what `strings` can read.

Every test uses a real keyring (``database_keyring``: the Secret Service under
scripts/run-tests.sh, else a file backend) or none at all (``no_keyring``), and real files.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from onboard_desk.cli import main
from onboard_desk.domain.recovery_key import format_recovery_key
from onboard_desk.errors import UserError
from onboard_desk.services import encryption
from onboard_desk.services.desk import Desk
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.storage import keys
from onboard_desk.storage.db import DatabaseKeyError, open_database
from onboard_desk.storage.dialects import sqlite as sqlite_dialect
from onboard_desk.storage.dialects.sqlite_cipher import DatabaseInUseError, file_is_encrypted
from onboard_desk.storage.models import Prospect

PEOPLE = [
    ("Zoë Müller", "Acme GmbH", "zoe.mueller@acme-example.de"),
    ("Françoise Lopéz", "Numérique SA", "francoise.lopez@numerique-example.fr"),
    ("Иван Петров", "Ёлка", "ivan.petrov@yolka-example.ru"),
]
#: What must never be readable in an encrypted file: names, companies and e-mails.
SECRETS = ["Müller", "Lopéz", "Петров", "mueller@acme", "lopez@numerique", "Numérique"]


def fill(path: Path, count: int = 300) -> None:
    """Add the named people and ``count`` others (so the file has many pages)."""
    desk = Desk.open(path)
    try:
        with desk.writing() as session:
            for name, company, email in PEOPLE:
                session.add(Prospect(name=name, company=company, email=email, owner="me"))
            for number in range(count):
                session.add(
                    Prospect(
                        name=f"Person Number{number}",
                        company="Filler Ltd",
                        email=f"person{number}@filler-example.com",
                        notes="Called about the renewal; " * 5,
                        owner="me",
                    )
                )
    finally:
        desk.close()


def names(path: Path, search: str = "") -> list[str]:
    desk = Desk.open(path)
    try:
        return [p.name for p in desk.lists.prospects(ProspectFilter(search=search), limit=None)]
    finally:
        desk.close()


def readable(path: Path) -> str:
    """What `strings` finds in a file (the tool where it exists, else the same rule:
    runs of 4+ printable characters, in UTF-8 and as bytes)."""
    data = path.read_bytes()
    found = data.decode("utf-8", errors="replace")
    if shutil.which("strings"):
        found += subprocess.run(
            ["strings", "-n", "4", str(path)], capture_output=True, text=True, check=True
        ).stdout
    return found


def assert_unreadable(path: Path) -> None:
    text = readable(path)
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} is readable in {path.name}"


def test_a_new_database_is_encrypted_when_a_keyring_is_there(
    database_keyring: object, tmp_path: Path
) -> None:
    path = tmp_path / "new.sqlite3"
    desk = Desk.open(path)
    assert desk.created and desk.created_encrypted
    with desk.writing() as session:
        for name, company, email in PEOPLE:
            session.add(Prospect(name=name, company=company, email=email))
    # The window keeps its WAL while open: it must be unreadable too.
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    assert_unreadable(wal)
    desk.close()
    assert not path.read_bytes().startswith(sqlite_dialect.PLAIN_HEADER)
    assert_unreadable(path)
    assert keys.read_key(path) is not None
    assert names(path, "muller") == ["Zoë Müller"]
    status = encryption.status(path)
    assert status.encrypted and status.key_in_keyring


def test_no_keyring_means_a_plain_database_and_a_plain_sentence(
    no_keyring: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plain.sqlite3"
    assert main(["--db", str(path), "add", "--name", "Zoë Müller"]) == 0
    err = capsys.readouterr().err
    assert "No system keyring is available" in err and "not encrypted" in err
    assert path.read_bytes().startswith(sqlite_dialect.PLAIN_HEADER)
    before = path.read_bytes()
    assert main(["--db", str(path), "encryption", "on"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("onboard-desk: error: No system keyring is available")
    assert "Traceback" not in err
    assert path.read_bytes() == before  # nothing changed
    assert main(["--db", str(path), "encryption", "status"]) == 0
    out = capsys.readouterr().out
    assert "is not encrypted" in out and "No system keyring" in out


def test_on_and_off_round_trip_keeps_every_row(database_keyring: object, tmp_path: Path) -> None:
    path = tmp_path / "round.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ONBOARD_DESK_ENCRYPT_NEW", "0")
        fill(path)
    before = names(path)
    assert not file_is_encrypted(path)

    recovery = encryption.turn_on(path)
    assert file_is_encrypted(path)
    assert_unreadable(path)
    assert names(path) == before
    assert names(path, "numerique") == ["Françoise Lopéz"]
    assert recovery == format_recovery_key(keys.read_key(path) or b"")
    with pytest.raises(UserError, match="already encrypted"):
        encryption.turn_on(path)

    encryption.turn_off(path)
    assert not file_is_encrypted(path)
    assert keys.read_key(path) is None
    assert names(path) == before
    assert "Müller" in readable(path)  # plain again, as asked
    with pytest.raises(UserError, match="not encrypted"):
        encryption.turn_off(path)

    encryption.turn_on(path)  # and on again, with a new key
    assert names(path, "zoe mu") == ["Zoë Müller"]
    assert encryption.recovery_key(path) != recovery


def test_a_database_in_use_is_not_rewritten(database_keyring: object, tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    fill(path, count=10)
    desk = Desk.open(path)  # the window has it open
    try:
        desk.lists.count()
        before = path.read_bytes()
        with pytest.raises(DatabaseInUseError, match="close it"):
            encryption.turn_off(path)
        assert path.read_bytes() == before
        assert file_is_encrypted(path)
        assert desk.lists.count() == 13  # still works
    finally:
        desk.close()


def test_a_wrong_key_is_a_clear_message(
    database_keyring: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "wrong.sqlite3"
    fill(path, count=5)
    before = path.read_bytes()
    keys.store_key(path, keys.new_key())  # another database's key
    with pytest.raises(DatabaseKeyError, match="cannot be opened with the key"):
        open_database(path)
    assert main(["--db", str(path), "list"]) == 1
    err = capsys.readouterr().err
    assert "cannot be opened with the key" in err and "recovery key" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before


def test_a_lost_keyring_and_the_recovery_key(
    database_keyring: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "lost.sqlite3"
    fill(path, count=5)
    assert main(["--db", str(path), "encryption", "recovery-key"]) == 0
    recovery = capsys.readouterr().out.strip()
    keys.delete_key(path)  # the keyring is lost (a new computer, a reset keyring)

    assert main(["--db", str(path), "list"]) == 1
    err = capsys.readouterr().err
    assert "holds no key for it" in err and "encryption recover" in err

    typo = ("A" if recovery[0] != "A" else "B") + recovery[1:]
    monkeypatch.setattr("sys.stdin", _Lines(typo))
    assert main(["--db", str(path), "encryption", "recover"]) == 1
    assert "typo" in capsys.readouterr().err

    other = format_recovery_key(keys.new_key())  # a valid key, of another database
    monkeypatch.setattr("sys.stdin", _Lines(other))
    assert main(["--db", str(path), "encryption", "recover"]) == 1
    assert "does not open" in capsys.readouterr().err

    saved = tmp_path / "recovery.txt"
    saved.write_text(f"Onboard Desk recovery key\n\n    {recovery.lower()}\n")
    assert main(["--db", str(path), "encryption", "recover", "--key-file", str(saved)]) == 0
    assert "opens again" in capsys.readouterr().err
    assert names(path, "muller") == ["Zoë Müller"]


class _Lines:
    """A non-terminal standard input holding one line."""

    def __init__(self, text: str) -> None:
        self._text = text

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        return self._text + "\n"


def test_backups_are_encrypted_and_reports_read_them(
    database_keyring: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alice, bob = tmp_path / "alice.sqlite3", tmp_path / "bob.sqlite3"
    fill(alice, count=20)
    fill(bob, count=30)
    team = tmp_path / "team"
    team.mkdir()
    for source in (alice, bob):
        target = team / source.name
        assert main(["--db", str(source), "backup", "-o", str(target)]) == 0
        assert file_is_encrypted(target)
        assert_unreadable(target)
        assert not target.with_name(target.name + "-wal").exists()
    capsys.readouterr()
    out = tmp_path / "report.json"
    args = ["report", "--team-folder", str(team), "--format", "json", "-o", str(out)]
    assert main(args) == 0
    assert "Report on 56 prospects from 2 databases" in capsys.readouterr().err

    # The team lead's computer: the keyring has no key for the snapshots until the reps'
    # recovery keys are given.
    bob_recovery = encryption.recovery_key(bob)
    keys.delete_key(team / "bob.sqlite3")
    assert main(args) == 1
    assert "bob.sqlite3" in capsys.readouterr().err
    encryption.recover(team / "bob.sqlite3", bob_recovery)
    assert main(args) == 0


def test_new_database_key_is_kept_before_the_file_exists(
    database_keyring: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sub" / "new.sqlite3"
    key = encryption.key_for_new_database(path)
    assert key is not None and keys.read_key(path) == key
    assert not path.exists()  # the key first: a crash never leaves a file without one
    fill(tmp_path / "existing.sqlite3", count=1)
    assert encryption.key_for_new_database(tmp_path / "existing.sqlite3") is None
    monkeypatch.setenv(encryption.ENCRYPT_NEW_ENV_VAR, "0")
    assert encryption.key_for_new_database(tmp_path / "other.sqlite3") is None


def test_encryption_required_without_a_keyring_is_an_error(
    no_keyring: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(encryption.ENCRYPT_NEW_ENV_VAR, "1")
    with pytest.raises(UserError, match="No system keyring"):
        Desk.open(tmp_path / "required.sqlite3")
    assert not (tmp_path / "required.sqlite3").exists()


def test_help_says_what_is_and_is_not_protected(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["encryption", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Protected:" in text and "Not protected:" in text
    for action in ("status", "on", "off", "recovery-key", "recover"):
        assert action in text


@pytest.mark.slow
def test_killed_while_turning_encryption_on_the_database_still_opens(
    tmp_path: Path, file_keyring_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kill `encryption on` at many points: every time the database opens, whole, either
    still plain or encrypted with its key in the keyring."""
    import os
    import signal
    import sys
    import time

    import keyring

    from tests.storage.keyring_fixtures import FileKeyring

    monkeypatch.setenv("ONBOARD_DESK_TEST_KEYRING", file_keyring_env["ONBOARD_DESK_TEST_KEYRING"])
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        original = tmp_path / "original.sqlite3"
        monkeypatch.setenv("ONBOARD_DESK_ENCRYPT_NEW", "0")
        fill(original, count=4000)
        expected = names(original)
        outcomes: list[str] = []

        def run(name: str, kill_after: float | None) -> float:
            path = tmp_path / f"{name}.sqlite3"
            shutil.copyfile(original, path)
            started = time.perf_counter()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "onboard_desk",
                    "--db",
                    str(path),
                    "encryption",
                    "on",
                    "--recovery-file",
                    str(path) + ".key",
                ],
                env=file_keyring_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if kill_after is not None:
                time.sleep(kill_after)
                if process.poll() is None:
                    os.kill(process.pid, signal.SIGKILL)
            process.wait()
            took = time.perf_counter() - started
            state = "encrypted" if file_is_encrypted(path) else "plain"
            outcomes.append(f"{state}{' (killed)' if process.returncode < 0 else ''}")
            if state == "encrypted":
                assert keys.read_key(path) is not None  # the key went in first
            assert names(path) == expected, f"{name}: {outcomes[-1]}"
            assert not path.with_name(path.name + ".rewrite").exists() or process.returncode < 0
            return took

        # Once to the end, to time it on this machine; then killed at points through it.
        whole = run("whole", None)
        assert outcomes == ["encrypted"]
        for fraction in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 1.0, 1.1):
            run(f"kill-{fraction}", whole * fraction)
        assert any("killed" in outcome for outcome in outcomes), outcomes
    finally:
        keyring.set_keyring(previous)
