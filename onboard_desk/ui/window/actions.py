"""The window's File and Outreach actions: import, export, backup, email, calls, calendar.

Each part (import, reports, outreach) provides its dialogs; this module gives them menu
entries and shortcuts, decides which prospect an action is about (the one on the card,
else the one selected in the list), and runs file work off the GUI thread with a clear
message when it fails. The window builds them once the database is open
(:meth:`~onboard_desk.ui.window.main_window.MainWindow.set_context`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.ui.common import dialogs

if TYPE_CHECKING:
    from sqlmodel import Session

    from onboard_desk.ui.common.context import AppContext
    from onboard_desk.ui.window.main_window import MainWindow

#: The most prospects one bulk send takes; a longer list is refused (narrow it first).
BULK_LIMIT = 2_000


class WindowActions:
    """Owns the actions and the long-lived helpers (the calendar feed) of one window."""

    def __init__(self, window: MainWindow, context: AppContext) -> None:
        from onboard_desk.ui.outreach.calendar_feed import CalendarFeedUpdater

        self.window = window
        self.context = context
        self.calendar_feed = CalendarFeedUpdater(context, parent=window)
        tr = window.tr
        add = window.add_menu_action
        window.menus.menu("File").insertSeparator(window.menus.last_block["File"])
        self.import_action = add("File", tr("&Import…"), self.open_import, "Ctrl+I", "import")
        self.export_action = add(
            "File", tr("&Export prospects…"), self.export_prospects, "Ctrl+Shift+E", "export"
        )
        self.backup_action = add(
            "File", tr("&Back up database…"), self.back_up, "Ctrl+Shift+B", "backup"
        )
        self.compose_action = add(
            "Outreach", tr("&Write email…"), self.compose_email, "Ctrl+E", "email"
        )
        self.call_action = add("Outreach", tr("&Log call…"), self.log_call, "Ctrl+L", "call")
        self.bulk_action = add(
            "Outreach", tr("&Send to the listed prospects…"), self.bulk_send, None, "send"
        )
        self.templates_action = add(
            "Outreach", tr("Email &templates…"), self.edit_templates, None, "templates"
        )
        self.mail_settings_action = add(
            "Outreach", tr("&Mail settings…"), self.mail_settings, None, "settings"
        )
        self.calendar_action = add(
            "Outreach", tr("&Calendar file…"), self.calendar, None, "calendar"
        )
        window.sig_file_dropped.connect(self.open_import)

    # -- which prospects -----------------------------------------------------------------

    def current_prospect_id(self) -> int | None:
        """The prospect on the card if the card is showing, else the one selected in the
        Prospects list."""
        panel = getattr(self.window, "card_panel", None)
        card = getattr(panel, "card", None)
        if (
            card is not None
            and self.window.side_panel.isVisibleTo(self.window)
            and card.prospect_id
        ):
            return int(card.prospect_id)
        view = self.window.screen_widget("prospects")
        if view is not None:
            selected = view.selected_prospect_id()  # type: ignore[attr-defined]
            return int(selected) if selected is not None else None
        return None

    def _prospect_or_explain(self) -> int | None:
        prospect_id = self.current_prospect_id()
        if prospect_id is None:
            dialogs.show_info(
                self.window,
                self.window.tr("No prospect chosen"),
                self.window.tr("Open a prospect's card, or select one in Prospects, first."),
            )
        return prospect_id

    def _list_filter(self) -> Any:
        """The Prospects screen's current filter (everyone if the screen was never shown)."""
        from onboard_desk.storage.queries import ProspectFilter

        view = self.window.screen_widget("prospects")
        return view.current_filter() if view is not None else ProspectFilter()  # type: ignore[attr-defined]

    # -- import --------------------------------------------------------------------------

    def open_import(self, path: Path | None = None) -> QDialog:
        """File > Import, or a file dropped on the window: the import wizard."""
        from onboard_desk.ui.importing.wizard import ImportWizard

        wizard = ImportWizard(self.context, self.window, path=path if path else None)
        wizard.sig_show_batch.connect(self.show_import_batch)
        wizard.finished.connect(wizard.deleteLater)
        wizard.open()
        return wizard

    def show_import_batch(self, batch_id: int, _prospect_ids: list[int] | None = None) -> None:
        """The import summary's "Show the imported prospects": the list, filtered to them."""
        self.window.show_screen("prospects")
        view = self.window.screen_widget("prospects")
        if view is not None:
            view.show_import_batch(batch_id)  # type: ignore[attr-defined]

    # -- export and backup ---------------------------------------------------------------

    def export_prospects(self) -> None:
        """The prospects the list shows (its search, filters and sort) as CSV or XLSX."""
        csv_filter = self.window.tr("CSV, UTF-8 (*.csv)")
        xlsx_filter = self.window.tr("Excel workbook (*.xlsx)")
        chosen, selected = QFileDialog.getSaveFileName(
            self.window,
            self.window.tr("Export prospects"),
            str(Path.home() / f"prospects-{date.today().isoformat()}.xlsx"),
            f"{xlsx_filter};;{csv_filter}",
        )
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() not in (".csv", ".xlsx"):
            target = target.with_suffix(".csv" if selected == csv_filter else ".xlsx")
        flt = self._list_filter()
        database = self.context.db_path.name
        config = self.context.config

        def work(session: Session) -> int:
            from onboard_desk.reports.prospect_rows import filtered_prospects

            rows = filtered_prospects(session, flt, database=database, config=config)
            if target.suffix.lower() == ".csv":
                from onboard_desk.reports.export_csv import write_prospects_csv

                return int(write_prospects_csv(rows, target, bom=True))
            from onboard_desk.reports.export_xlsx import write_prospect_list_xlsx

            return int(write_prospect_list_xlsx(target, rows))

        def done(count: int) -> None:
            self.window.statusBar().showMessage(
                self.window.tr("Exported %n prospect(s) to ", "", count) + str(target), 8000
            )

        self.context.run_task(work, done, self._failed(self.window.tr("Export failed")))

    def back_up(self) -> None:
        """A consistent snapshot of the open database (safe while it is in use; encrypted with
        the same key when the database is), e.g. to send to the team lead."""
        from onboard_desk.services.encryption import back_up

        source = self.context.db_path
        suggested = source.with_name(f"{source.stem}-{date.today().isoformat()}.sqlite3")
        chosen, _ = QFileDialog.getSaveFileName(
            self.window,
            self.window.tr("Back up database"),
            str(Path.home() / suggested.name),
            self.window.tr("Onboard Desk database (*.sqlite3)"),
        )
        if not chosen:
            return
        target = Path(chosen)
        if target.resolve() == source.resolve():
            self._failed(self.window.tr("Backup failed"))(
                self.window.tr("Choose another file: a backup cannot replace the database.")
            )
            return

        def work(_session: Session) -> None:
            try:
                back_up(source, target)
            except OSError as exc:
                from onboard_desk.errors import UserError

                raise UserError(f"Cannot write {target}: {exc.strerror or exc}.") from exc

        def done(_result: object) -> None:
            self.window.statusBar().showMessage(
                self.window.tr("Backup written to ") + str(target), 8000
            )

        self.context.run_task(work, done, self._failed(self.window.tr("Backup failed")))

    def _failed(self, title: str) -> Any:
        def show(message: str) -> None:
            dialogs.show_error(self.window, title, message)

        return show

    # -- outreach ------------------------------------------------------------------------

    def compose_email(self) -> QDialog | None:
        prospect_id = self._prospect_or_explain()
        if prospect_id is None:
            return None
        from onboard_desk.ui.outreach.compose import ComposeDialog

        return self._open(ComposeDialog(self.context, prospect_id, self.window))

    def log_call(self) -> QDialog | None:
        prospect_id = self._prospect_or_explain()
        if prospect_id is None:
            return None
        from onboard_desk.ui.outreach.log_call import LogCallDialog

        return self._open(LogCallDialog(self.context, prospect_id, self.window))

    def bulk_send(self) -> None:
        """One template to every prospect the Prospects list shows (reviewed first)."""
        from onboard_desk.storage.queries import prospect_ids

        flt = self._list_filter()
        config = self.context.config

        def work(session: Session) -> list[int]:
            return prospect_ids(session, flt=flt, limit=BULK_LIMIT + 1, config=config)

        def got(ids: list[int]) -> None:
            tr = self.window.tr
            if not ids:
                dialogs.show_info(
                    self.window, tr("Nobody to send to"), tr("The Prospects list is empty.")
                )
                return
            if len(ids) > BULK_LIMIT:
                dialogs.show_info(
                    self.window,
                    tr("Too many prospects"),
                    tr(
                        "Narrow the Prospects list to at most %n prospect(s) first.", "", BULK_LIMIT
                    ),
                )
                return
            from onboard_desk.ui.outreach.bulk_send import BulkSendDialog

            self._open(BulkSendDialog(self.context, ids, self.window))

        self.context.run_task(work, got, self._failed(self.window.tr("Cannot list prospects")))

    def edit_templates(self) -> QDialog:
        from onboard_desk.ui.outreach.template_editor import TemplateEditor

        return self._open(TemplateEditor(self.context, self.window))

    def mail_settings(self) -> QDialog:
        return self._open(MailSettingsDialog(self.context, self.window))

    def calendar(self) -> QDialog:
        from onboard_desk.ui.outreach.calendar_feed import CalendarExportDialog

        return self._open(CalendarExportDialog(self.context, self.calendar_feed, self.window))

    @staticmethod
    def _open(dialog: QDialog) -> QDialog:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog


class MailSettingsDialog(QDialog):
    """The mail settings page (with its own Save and "Send test message") in a dialog."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        from onboard_desk.ui.outreach.mail_settings import MailSettingsPage

        super().__init__(parent)
        self.setWindowTitle(self.tr("Mail settings"))
        self.page = MailSettingsPage(context, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        layout.addWidget(buttons)
