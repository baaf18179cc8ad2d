"""The outreach services import no Qt, so the command line and tests run without a display."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "onboard_desk.templates",
        "onboard_desk.mail",
        "onboard_desk.outreach.calls",
        "onboard_desk.outreach.calendar_export",
        "onboard_desk.outreach.calendar_feed",
        "onboard_desk.services.outreach",
        "onboard_desk.cli.outreach",
    ],
)
def test_outreach_services_import_no_qt(module: str) -> None:
    code = f"import sys, {module}; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_cli_help_lists_outreach_commands() -> None:
    from onboard_desk.cli import build_parser

    text = build_parser().format_help()
    for command in ("calendar", "templates", "send"):
        assert command in text
