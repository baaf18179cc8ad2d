"""The importer and its command line load no Qt (the window is the only Qt user)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_imports_no_qt() -> None:
    code = (
        "import sys, onboard_desk.importing, onboard_desk.cli.importing; "
        "print('PySide6' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
