"""``onboard-desk install-launcher``: the packaged launcher entry and icon, written where
freedesktop.org menus look, starting this installation by its full path."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

from onboard_desk.cli import main
from onboard_desk.desktop import launcher
from onboard_desk.resource_files import resource


def test_exec_line_quotes_only_what_the_specification_asks():
    assert launcher.exec_line(["/opt/venv/bin/onboard-desk"]) == "/opt/venv/bin/onboard-desk"
    assert (
        launcher.exec_line(["/home/zoë/my apps/bin/python", "-m", "onboard_desk"])
        == '"/home/zoë/my apps/bin/python" -m onboard_desk'
    )
    # Inside quotes " ` $ \\ get a backslash; then every backslash is doubled for the
    # string value, and % becomes %% (not a field code).
    assert launcher.exec_line(['/x/$a"b`c\\d/100%']) == '"/x/\\\\$a\\\\"b\\\\`c\\\\\\\\d/100%%"'
    with pytest.raises(ValueError, match="line break"):
        launcher.exec_line(["/x\n/y"])


def test_desktop_entry_replaces_only_the_exec_line():
    packaged = resource("onboard-desk.desktop").read_text(encoding="utf-8").splitlines()
    entry = launcher.desktop_entry(["/opt/my venv/bin/onboard-desk"]).splitlines()
    assert entry[0] == "[Desktop Entry]"
    assert [line for line in entry if line.startswith("Exec=")] == [
        'Exec="/opt/my venv/bin/onboard-desk"'
    ]
    assert [line for line in entry if not line.startswith("Exec=")] == [
        line for line in packaged if not line.startswith("Exec=")
    ]
    assert "Icon=onboard-desk" in entry and "StartupWMClass=onboard-desk" in entry


def test_launcher_command_is_the_script_next_to_the_interpreter_or_python_m(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sysconfig, "get_path", lambda _name: str(tmp_path))
    assert launcher.launcher_command() == [sys.executable, "-m", "onboard_desk"]
    script = tmp_path / "onboard-desk"
    script.write_text("#!/bin/sh\n")
    assert launcher.launcher_command() == [sys.executable, "-m", "onboard_desk"]  # not runnable
    script.chmod(0o755)
    assert launcher.launcher_command() == [str(script)]


def test_data_home_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert launcher.data_home() == tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert launcher.data_home() == tmp_path / "home" / ".local" / "share"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert launcher.data_home() == tmp_path / "home" / ".local" / "share"


def test_install_launcher_command_writes_entry_and_icon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setattr(launcher, "launcher_command", lambda: ["/opt/od/bin/onboard-desk"])
    desktop = data / "applications" / "onboard-desk.desktop"
    desktop.parent.mkdir(parents=True)
    desktop.write_text("[Desktop Entry]\nExec=an-old-copy\n")
    assert main(["install-launcher"]) == 0
    out = capsys.readouterr().out
    assert str(desktop) in out
    assert "Exec=/opt/od/bin/onboard-desk\n" in desktop.read_text(encoding="utf-8")
    assert "an-old-copy" not in desktop.read_text(encoding="utf-8")
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / "onboard-desk.svg"
    assert icon.read_bytes() == resource("onboard-desk.svg").read_bytes()


def test_install_launcher_reports_a_folder_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(not_a_folder))
    assert main(["install-launcher"]) == 1
    assert "could not write the launcher entry" in capsys.readouterr().err
