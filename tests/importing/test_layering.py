"""What the importer loads: no Qt (the window is the only Qt user), and in its planning
process no SQLAlchemy either."""

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


def test_the_planning_process_loads_no_sqlalchemy() -> None:
    """The worker plans rows while the import waits for its first chunk; SQLAlchemy (and
    Qt) would only add to its start."""
    code = (
        "import sys, onboard_desk.importing.worker_process; "
        "print(sorted({'sqlalchemy', 'sqlmodel', 'PySide6'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
