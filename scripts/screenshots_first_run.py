#!/usr/bin/env python3
"""Save PNGs of the first-run questions on a new, empty database, over the whole window.

    Xvfb :99 -screen 0 1440x900x24 & DISPLAY=:99 openbox &
    DISPLAY=:99 .venv/bin/python scripts/screenshots_first_run.py [--dark] [--size 1280x720]

The screen is grabbed (the dialog is a window of its own, so a grab of the main window alone
would miss it), which needs a real X server; offscreen, only the dialog is saved. Window
settings go to a temporary folder. Files: ``docs/screenshots/app-first-run-questions.png``
(``-dark`` with ``--dark``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--dark", action="store_true", help="use a dark palette (Fusion style)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    width, height = (int(n) for n in args.size.split("x"))

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QGuiApplication

    settings_dir = tempfile.mkdtemp(prefix="onboard-desk-shots-")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)

    from onboard_desk.ui.app import launch
    from scripts.screenshots import apply_dark_palette

    db = Path(tempfile.mkdtemp(prefix="onboard-desk-first-run-")) / "new.sqlite3"
    started = launch(db, [sys.argv[0]], single_instance=False)
    window = started.window
    assert window is not None
    app = started.app
    if args.dark:
        apply_dark_palette(app)
    window.resize(width, height)
    window.move(0, 0)
    name = f"app-first-run-questions{'-dark' if args.dark else ''}.png"
    target = args.out / name

    def fill() -> None:
        dialog = started.first_run
        if dialog is None:
            print("The first-run questions were not shown.", file=sys.stderr)
            app.exit(1)
            return
        form = dialog.form
        form.name_edit.setText("Zoë Müller")
        form.email_edit.setText("zoe.mueller@acme-dental.example")
        form.signature_edit.setPlainText("Zoë Müller\nAccount manager, Acme Dental GmbH")
        form.currency_combo.setCurrentText("EUR")
        form.set_region("DE")
        QTimer.singleShot(800, shoot)

    def shoot() -> None:
        dialog = started.first_run
        assert dialog is not None
        screen = QGuiApplication.primaryScreen()
        if os.environ.get("QT_QPA_PLATFORM") == "offscreen" or screen is None:
            image = dialog.grab()
        else:
            frame = window.frameGeometry()
            image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        args.out.mkdir(parents=True, exist_ok=True)
        image.save(str(target))
        print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
        dialog.close()
        app.quit()

    window.sig_data_shown.connect(lambda: QTimer.singleShot(800, fill))
    QTimer.singleShot(30_000, app.quit)  # never hang
    return int(app.exec()) if target else 1


if __name__ == "__main__":
    sys.exit(main())
