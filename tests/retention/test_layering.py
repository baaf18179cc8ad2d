"""What the retention package loads: never Qt; its rules not even SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys


def _loaded(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_services_and_the_command_import_no_qt() -> None:
    modules = ", ".join(
        f"onboard_desk.retention.{name}"
        for name in (
            "purchases",
            "surveys",
            "engagement",
            "referrals",
            "customers",
            "lifecycle",
            "terms",
        )
    )
    code = (
        f"import sys, {modules}, onboard_desk.cli.retention, onboard_desk.reports.customers; "
        "print('PySide6' in sys.modules)"
    )
    assert _loaded(code) == "False"


def test_the_rules_load_no_database_code() -> None:
    code = (
        "import sys, onboard_desk.retention.cadence, onboard_desk.retention.nps, "
        "onboard_desk.domain.referral_codes, onboard_desk.retention.config; "
        "print(sorted({'sqlalchemy', 'sqlmodel', 'PySide6'} & set(sys.modules)))"
    )
    assert _loaded(code) == "[]"
