"""Save PNGs of the outreach dialogs on a small demo database (run under Xvfb).

xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python scripts/screenshots_outreach.py
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from onboard_desk.ui.common.context import AppContext

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication
    from sqlmodel import col, select

    from onboard_desk import mail
    from onboard_desk.demo.fill import fill_demo
    from onboard_desk.domain.matching import company_key
    from onboard_desk.domain.timeutil import utcnow
    from onboard_desk.outreach import calls
    from onboard_desk.pipeline import Stage
    from onboard_desk.services.desk import Desk
    from onboard_desk.storage import store
    from onboard_desk.storage.db import open_database, session_scope
    from onboard_desk.storage.models import Prospect
    from onboard_desk.storage.settings_store import USER_NAME, set_setting
    from onboard_desk.templates.fields import SIGNATURES_SETTING
    from onboard_desk.ui.common.context import AppContext
    from onboard_desk.ui.outreach.bulk_send import BulkSendDialog
    from onboard_desk.ui.outreach.calendar_feed import CalendarExportDialog, CalendarFeedUpdater
    from onboard_desk.ui.outreach.compose import ComposeDialog
    from onboard_desk.ui.outreach.log_call import LogCallDialog
    from onboard_desk.ui.outreach.mail_settings import MailSettingsPage
    from onboard_desk.ui.outreach.template_editor import TemplateEditor

    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp(prefix="outreach-shots-"))
    engine = open_database(folder / "demo.sqlite3")
    fill_demo(engine, prospects=400, seed=3)
    with session_scope(engine) as session:
        set_setting(session, USER_NAME, "Jamie Lee")
        set_setting(session, SIGNATURES_SETTING, {"Jamie Lee": "Jamie Lee\nOnboarding, Acme Cloud"})
        mail.save_mail_settings(
            session,
            mail.MailSettings(
                route=mail.MailRoute.SMTP,
                host="smtp.acme-cloud.example",
                port=587,
                user="jamie@acme-cloud.example",
                from_address="jamie@acme-cloud.example",
                from_name="Jamie Lee",
            ),
        )
        trial = session.exec(
            select(Prospect).where(Prospect.stage == Stage.TRIAL.value).order_by(col(Prospect.id))
        ).first()
        assert trial is not None and trial.id is not None
        trial.name = "Zoë Müller"
        trial.company = "Brightside Dental"
        trial.company_key = company_key(trial.company)
        trial.email = "zoe.mueller@brightside-dental.example"
        trial.email_key = trial.email
        trial.owner = "Jamie Lee"
        session.add(trial)
        trial_id = trial.id
        calls.log_call(
            session,
            prospect_id=trial_id,
            outcome="no answer",
            by="Jamie Lee",
            next_call_at=utcnow().replace(hour=14, minute=0) + timedelta(days=1),
            next_call_note="Trial questions",
        )
        bulk_ids = [
            p
            for p in session.exec(
                select(Prospect.id)
                .where(Prospect.stage == Stage.TRIAL.value)
                .order_by(col(Prospect.next_action_due))
                .limit(14)
            )
            if p is not None
        ]
        first = session.exec(select(Prospect).where(Prospect.id == bulk_ids[2])).one()
        first.do_not_contact = True
        session.add(first)
        store.get_prospect(session, trial_id)

    context = AppContext(Desk(engine, folder / "demo.sqlite3"), thread_pool=QThreadPool())

    def shot(widget: QWidget, name: str, settle_ms: int = 400) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        widget.show()
        loop = QEventLoop()
        QTimer.singleShot(settle_ms, loop.quit)
        loop.exec()
        path = out / f"outreach-{name}.png"
        widget.grab().save(str(path))
        print(path)
        widget.close()

    compose = ComposeDialog(context, trial_id)
    compose.custom_edit.setText("Great to see your team already set up two clinics.")
    shot(compose, "compose")

    broken = ComposeDialog(context, trial_id)
    broken.subject_edit.setText("Welcome {{ frist_name }}")
    broken.update_preview()
    shot(broken, "compose-errors")

    bulk = BulkSendDialog(context, bulk_ids)
    bulk.select_template("Final check-in")
    shot(bulk, "bulk-send", settle_ms=1200)

    shot(LogCallDialog(context, trial_id), "log-call")

    editor = TemplateEditor(context)
    editor.select_template("Referral invitation")
    shot(editor, "template-editor", settle_ms=1000)

    page = MailSettingsPage(context)
    page.resize(620, 720)
    shot(page, "mail-settings")

    updater = CalendarFeedUpdater(context)
    calendar = CalendarExportDialog(context, updater)
    calendar.path_edit.setText(str(Path.home() / "Calendars" / "onboard-desk.ics"))
    calendar.keep_check.setChecked(True)
    shot(calendar, "calendar")
    shot_bulk_results(context, bulk_ids, out)
    context.thread_pool.waitForDone(5000)
    del app
    return 0


def shot_bulk_results(context: AppContext, ids: list[int], out: Path) -> None:
    """The bulk dialog after a run against a local test server (one recipient refused)."""
    import socket

    from aiosmtpd.controller import Controller
    from PySide6.QtCore import QEventLoop, QTimer

    from onboard_desk.services.outreach import MailRoute, MailSettings, Security
    from onboard_desk.ui.outreach.bulk_send import BulkSendDialog

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, options):
            if address.startswith("grace.novak"):
                return "550 5.1.1 Mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            return "250 Message accepted"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        context.desk.outreach.save_mail_settings(
            MailSettings(
                route=MailRoute.SMTP,
                host="127.0.0.1",
                port=port,
                security=Security.NONE,
                from_address="jamie@acme-cloud.example",
                from_name="Jamie Lee",
                bulk_pause_seconds=0.2,
            )
        )
        dialog = BulkSendDialog(context, ids)
        dialog.select_template("Final check-in")
        dialog.show()
        loop = QEventLoop()
        QTimer.singleShot(1500, loop.quit)
        loop.exec()
        dialog.sig_finished.connect(lambda _results: loop.quit())
        dialog.send_button.click()
        QTimer.singleShot(20_000, loop.quit)
        loop.exec()
        path = out / "outreach-bulk-send-results.png"
        dialog.grab().save(str(path))
        print(path)
        dialog.close()
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
