"""Save PNGs of the Prospects screen, the prospect card and the New-prospect dialog.

Run under a display (e.g. ``xvfb-run -a -s "-screen 0 1440x900x24"``) on a demo
database: ``python scripts/screenshots_prospects.py --db demo.sqlite3 --out docs/screenshots``.
The database is copied first, so the screenshots change nothing in it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from onboard_desk.storage.dialects.sqlite import driver as sqlite3  # the app's driver

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def settle(app: object, seconds: float = 0.3) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from onboard_desk.pipeline import Stage
    from onboard_desk.services.desk import Desk
    from onboard_desk.storage.db import open_database
    from onboard_desk.ui.card import ProspectCard
    from onboard_desk.ui.common.context import AppContext
    from onboard_desk.ui.common.move_flow import LostDialog
    from onboard_desk.ui.outreach.log_call import LogCallDialog
    from onboard_desk.ui.prospects.new_prospect import NewProspectDialog
    from onboard_desk.ui.prospects.view import ProspectsView

    app = QApplication([])
    workdir = Path(tempfile.mkdtemp(prefix="onboard-shots-"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(workdir))
    db = workdir / "shots.sqlite3"
    shutil.copyfile(args.db, db)
    args.out.mkdir(parents=True, exist_ok=True)
    engine = open_database(db)
    context = AppContext(Desk(engine, db))

    def wait_table(view: ProspectsView) -> None:
        while view.model.is_loading or view.model.total_count is None:
            app.processEvents()
        settle(app)

    view = ProspectsView(context)
    view.resize(1400, 820)
    view.show()
    wait_table(view)
    view.grab().save(str(args.out / "prospects-table.png"))

    view.stage_combo.setCurrentIndex(view.stage_combo.findData("open"))
    view.flag_combo.setCurrentIndex(view.flag_combo.findData("overdue"))
    view.search_edit.setText("labs")
    view._search_now()
    wait_table(view)
    view.save_current_view("Overdue at labs")
    settle(app)
    view.grab().save(str(args.out / "prospects-search.png"))

    raw = sqlite3.connect(db)
    (busy_id,) = raw.execute(
        "SELECT p.id FROM prospect p JOIN activity a ON a.prospect_id = p.id "
        "WHERE p.stage = 'final_check_in' AND p.title != '' "
        "GROUP BY p.id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    (lost_id,) = raw.execute(
        "SELECT id FROM prospect WHERE stage = 'lost' AND lost_from = 'trial' LIMIT 1"
    ).fetchone()
    name, company, email = raw.execute(
        "SELECT name, company, email FROM prospect WHERE company != '' LIMIT 1 OFFSET 777"
    ).fetchone()
    raw.close()

    card = ProspectCard(context)
    card.resize(1400, 860)
    card.show()
    card.show_prospect(busy_id)
    # Two of the stage's items done: ticked through the card, as a salesperson would.
    for item in context.config.checklist(Stage.FINAL_CHECK_IN)[:2]:
        card.checklist.checkbox(item).click()
    settle(app)
    card.grab().save(str(args.out / "prospects-card.png"))
    card.show_prospect(lost_id)
    settle(app)
    card.grab().save(str(args.out / "prospects-card-lost.png"))
    card.show_prospect(busy_id)
    card.fields.edits["email"].setText("not an email")
    card.fields.edits["email"].setModified(True)
    card.fields.edits["email"].editingFinished.emit()
    assert not card.move_to(Stage.WON)
    settle(app)
    card.grab().save(str(args.out / "prospects-card-refused.png"))

    # The list and the card side by side, as a window may arrange them.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSplitter

    split = QSplitter(Qt.Orientation.Horizontal)
    side_view = ProspectsView(context)
    side_card = ProspectCard(context)
    split.addWidget(side_view)
    split.addWidget(side_card)
    side_view.sig_open_prospect.connect(side_card.show_prospect)
    split.resize(1440, 860)
    split.show()
    split.setSizes([620, 820])
    side_view.clear_filters()
    wait_table(side_view)
    side_view.table.selectRow(3)
    side_view.sig_open_prospect.emit(side_view.selected_prospect_id() or busy_id)
    settle(app)
    split.grab().save(str(args.out / "prospects-side-by-side.png"))
    split.close()

    dialog = NewProspectDialog(context)
    dialog.show()
    dialog.edits["name"].setText(name.split()[0] + " " + name.split()[-1].lower())
    dialog.edits["company"].setText(company.upper())
    dialog.edits["email"].setText(email.upper())
    dialog.save()
    settle(app)
    dialog.grab().save(str(args.out / "prospects-new-duplicate.png"))
    dialog.close()

    call = LogCallDialog(context, busy_id)
    call.outcome_buttons["reached"].setChecked(True)
    call.minutes.setValue(12)
    call.notes.setPlainText("Trial going well; wants the reporting add-on. Call Friday.")
    call.show()
    settle(app)
    call.grab().save(str(args.out / "prospects-log-call.png"))
    lost = LostDialog(context.config.lost_reasons, "Ana Lopez")
    lost.reason_combo.setEditText("Went with an in-house tool")
    lost.show()
    settle(app)
    lost.grab().save(str(args.out / "prospects-mark-lost.png"))

    context.thread_pool.waitForDone(5000)
    engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"Screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
