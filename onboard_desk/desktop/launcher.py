"""Putting Onboard Desk in the desktop's application launcher (freedesktop.org menus).

The launcher entry and the application icon ship inside the package, so any install,
a wheel in a virtual environment included, can add itself to the launcher. The entry's
``Exec`` line names this installation's own command by its full path: a virtual
environment's ``bin`` folder is usually not on the desktop session's ``PATH``.
"""

from __future__ import annotations

import os
import re
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from onboard_desk.resource_files import resource

DESKTOP_FILE = "onboard-desk.desktop"
ICON_FILE = "onboard-desk.svg"

# Characters that make the Desktop Entry specification require a quoted argument.
_RESERVED = frozenset(" \t\"'\\><~|&;$*?#()`")


@dataclass(frozen=True)
class InstalledLauncher:
    """Where the launcher entry and its icon were written."""

    desktop_file: Path
    icon_file: Path


def data_home() -> Path:
    """``$XDG_DATA_HOME`` if set to an absolute path, else ``~/.local/share`` (XDG rules)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def launcher_command() -> list[str]:
    """How the launcher starts this installation: its ``onboard-desk`` script if it sits in
    this interpreter's scripts folder, else ``python -m onboard_desk`` with this interpreter
    (a ``--user`` install, or a checkout run with ``python main.py``)."""
    script = Path(sysconfig.get_path("scripts")) / "onboard-desk"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "onboard_desk"]


def exec_line(command: Sequence[str]) -> str:
    """``command`` as the value of an ``Exec`` key: arguments quoted where the
    specification asks, ``%`` doubled, and backslashes escaped for the string value."""
    if any("\n" in argument or "\r" in argument for argument in command):
        raise ValueError("a launcher command cannot contain a line break")
    quoted = []
    for argument in command:
        if argument and not _RESERVED.intersection(argument):
            text = argument
        else:
            text = '"' + re.sub(r'(["`$\\])', r"\\\1", argument) + '"'
        quoted.append(text.replace("%", "%%").replace("\\", "\\\\"))
    return " ".join(quoted)


def desktop_entry(command: Sequence[str]) -> str:
    """The packaged launcher entry with its ``Exec`` line set to ``command``."""
    text = resource(DESKTOP_FILE).read_text(encoding="utf-8")
    line = f"Exec={exec_line(command)}"
    replaced, count = re.subn(r"(?m)^Exec=.*$", lambda _match: line, text)
    if count != 1:
        raise ValueError(f"{DESKTOP_FILE} must have exactly one Exec line (found {count})")
    return replaced


def install_launcher() -> InstalledLauncher:
    """Write the launcher entry (starting :func:`launcher_command`) and the scalable icon
    under :func:`data_home`, replacing earlier copies; returns where they went."""
    base = data_home()
    entry = desktop_entry(launcher_command())
    desktop_file = base / "applications" / DESKTOP_FILE
    icon_file = base / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE
    desktop_file.parent.mkdir(parents=True, exist_ok=True)
    icon_file.parent.mkdir(parents=True, exist_ok=True)
    desktop_file.write_text(entry, encoding="utf-8")
    icon_file.write_bytes(resource(ICON_FILE).read_bytes())
    return InstalledLauncher(desktop_file, icon_file)
