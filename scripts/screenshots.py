#!/usr/bin/env python3
"""Save a PNG of each screen of the app, running on a demo database.

    .venv/bin/python scripts/screenshots.py                 # offscreen, 1440x900
    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python scripts/screenshots.py --platform xcb

The demo database is built on first use (``--prospects``, default 5,000). Window
settings go to a temporary folder so your own are neither used nor changed. Files:
``docs/screenshots/app-<screen>.png`` plus dialogs (settings, quick switcher, done).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build_demo(path: Path, prospects: int) -> None:
    from onboard_desk.demo.fill import fill_demo
    from onboard_desk.services.desk import Desk
    from onboard_desk.services.settings import Identity
    from onboard_desk.storage.db import open_database

    engine = open_database(path)
    fill_demo(engine, prospects=prospects, seed=1)
    # The screens as one of the demo's salespeople sees them (no first-run questions).
    Desk(engine, path).settings.save_identity(Identity(name="Jamie Lee"))
    engine.dispose()


def apply_dark_palette(app: Any) -> None:
    """A dark palette like a desktop's dark theme, to check nothing hard-codes colours."""
    from PySide6.QtGui import QColor, QPalette

    app.setStyle("Fusion")
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#2b2b2b"),
        (roles.WindowText, "#e6e6e6"),
        (roles.Base, "#1f1f1f"),
        (roles.AlternateBase, "#262626"),
        (roles.Text, "#e6e6e6"),
        (roles.PlaceholderText, "#9a9a9a"),
        (roles.Button, "#353535"),
        (roles.ButtonText, "#e6e6e6"),
        (roles.Highlight, "#3d7bd9"),
        (roles.HighlightedText, "#ffffff"),
        (roles.Mid, "#555555"),
        (roles.ToolTipBase, "#353535"),
        (roles.ToolTipText, "#e6e6e6"),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "onboard-desk-screens.sqlite3"
    )
    parser.add_argument("--prospects", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--dark", action="store_true", help="use a dark palette (Fusion style)")
    parser.add_argument(
        "--platform", default=None, help="Qt platform (default: offscreen without $DISPLAY)"
    )
    args = parser.parse_args(argv)

    if args.platform:
        os.environ["QT_QPA_PLATFORM"] = args.platform
    elif not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not args.db.exists():
        print(f"Building a demo database of {args.prospects:,} prospects at {args.db} …")
        build_demo(args.db, args.prospects)
    args.out.mkdir(parents=True, exist_ok=True)
    width, height = (int(n) for n in args.size.split("x"))

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QWidget

    settings_dir = tempfile.mkdtemp(prefix="onboard-desk-shots-")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)

    from onboard_desk.pipeline import Stage
    from onboard_desk.ui.app import launch
    from onboard_desk.ui.board.view import BoardScreen
    from onboard_desk.ui.today.view import TodayScreen

    started = launch(args.db, [sys.argv[0]], single_instance=False)
    window = started.window
    assert window is not None
    app = started.app
    suffix = ""
    if args.dark:
        apply_dark_palette(app)
        suffix = "-dark"
    window.resize(width, height)
    saved: list[Path] = []

    def save(widget: QWidget, name: str) -> None:
        path = args.out / f"app-{name}{suffix}.png"
        widget.grab().save(str(path))
        saved.append(path)

    def save_later(delay: int, widget: QWidget, name: str, then: Callable[[], object]) -> None:
        """Save ``widget`` once it has painted, then close it with ``then``."""

        def step() -> None:
            save(widget, name)
            then()

        QTimer.singleShot(delay, step)

    steps: list[tuple[int, Callable[[], None]]] = []

    def show(key: str) -> Callable[[], None]:
        return lambda: window.show_screen(key)

    def shoot(key: str) -> Callable[[], None]:
        return lambda: save(window, key)

    def settings() -> None:
        from onboard_desk.ui.settings.dialog import SettingsDialog

        assert window.context is not None
        dialog = SettingsDialog(window.context, window)
        dialog.show()
        save_later(300, dialog, "settings", dialog.close)

    def switcher() -> None:
        window.open_quick_switcher()
        box = window._quick_switcher
        assert box is not None
        box.field.setText("gar")
        save_later(800, box, "quick-switcher", box.close)

    def done_dialog() -> None:
        window.show_screen("today")
        today = window.screen_widget("today")
        assert isinstance(today, TodayScreen)
        items = [i for g in today.agenda.groups[:2] for i in g.items] if today.agenda else []
        if items:
            today.select_prospect(items[0].prospect_id)
            today.mark_done(items[0])
            dialog = today.done_dialog
            assert dialog is not None
            save_later(300, dialog, "done", dialog.reject)

    for key in window.screen_keys():
        steps.append((1500, show(key)))
        steps.append((1500, shoot(key)))

    def open_card() -> None:
        window.show_screen("board")
        board = window.screen_widget("board")
        column = board.columns[Stage.TRIAL] if isinstance(board, BoardScreen) else None
        if column is not None and column.model.rowCount():
            window.open_prospect(column.model.card_at(0).prospect_id)

    def open_customer() -> None:
        """The Customers screen with the card of a customer who has bought more than once
        and referred someone (the busiest card the demo has)."""
        assert window.context is not None
        window.show_screen("customers")
        rows = window.context.desk.customers.rows(sort="referrals", descending=True)
        rows = [r for r in rows if r.interval_days is not None] or rows
        if rows:
            best = max(
                rows, key=lambda r: (r.referred > 0, r.latest_score is not None, r.purchases)
            )
            window.open_prospect(best.prospect_id)

    steps += [(1500, open_card), (300, shoot("board-with-card"))]
    steps += [(1500, open_customer), (300, shoot("customer-card"))]
    steps += [(500, settings), (900, switcher), (1200, done_dialog), (800, app.quit)]

    def run(index: int = 0) -> None:
        if index >= len(steps):
            return
        delay, step = steps[index]
        step()
        QTimer.singleShot(delay, lambda: run(index + 1))

    def start() -> None:
        if started.first_run is not None:  # a demo database made before names were asked
            started.first_run.reject()
        run()

    window.sig_context_ready.connect(lambda _c: QTimer.singleShot(500, start))
    app.exec()
    for path in saved:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0 if saved else 1


if __name__ == "__main__":
    sys.exit(main())
