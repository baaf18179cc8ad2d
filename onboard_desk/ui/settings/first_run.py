"""The first-run questions, and the notice a database without a chosen name shows.

On a new database (no name chosen, the questions never answered nor skipped) the window
asks who you are before the first screen is used: name, e-mail and signature, home
currency, phone region and working hours, in the form Settings shows too. *Start* stores
them; *Skip for now* (or Esc) keeps the defaults (no name, USD, numbers kept as written,
Monday to Friday 9:00 to 17:00) and the questions are not asked again; everything stays
editable in Settings and with ``onboard-desk settings set``.

Nothing is taken from the computer without showing it: the form suggests the region and
currency of the system's locale and the account's full name, for the user to confirm.
While no name is chosen the status bar says so, with a link to Settings, because the
prospects the user adds then have no owner.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import replace

from PySide6.QtCore import QLocale, Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.errors import UserError
from onboard_desk.services.settings import Identity
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import link_color, text_style
from onboard_desk.ui.settings.identity_form import IdentityForm, suggested_region


def account_full_name() -> str:
    """The full name the operating system keeps for this account, when it is a person's
    name rather than the login name again ("" otherwise): a suggestion, shown, never
    stored unasked."""
    try:
        import pwd

        gecos = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
        login = getpass.getuser()
    except (ImportError, KeyError, OSError):
        return ""
    return gecos if gecos and gecos.lower() != login.lower() else ""


def suggested_identity(stored: Identity) -> Identity:
    """The first-run form's starting values: what is stored, with the locale's region and
    currency and the account's full name suggested where nothing is chosen yet."""
    region = stored.region or suggested_region()
    currency = stored.currency
    if stored.currency == Identity().currency:
        code = QLocale.system().currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
        currency = code if len(code) == 3 else currency
    return replace(
        stored, name=stored.name or account_full_name(), region=region, currency=currency
    )


class FirstRunDialog(QDialog):
    """Who you are, asked once on a new database (see the module docstring)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Welcome to Onboard Desk"))
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("<h3>Before you start: who are you?</h3>"))
        layout.addWidget(heading)
        intro = QLabel(
            self.tr(
                "Your name becomes the owner of the prospects you add, your e-mail and "
                "signature end your messages, and proposed next actions fall in your working "
                "hours. Phone numbers without a country code are read in your phone region, "
                "or kept exactly as written if you choose none. You can change all of it "
                "later in Settings (Ctrl+,)."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = IdentityForm()
        self.form.set_identity(suggested_identity(context.desk.settings.identity()))
        layout.addWidget(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(text_style("error"))
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setDefault(True)
        self.skip_button = QPushButton(self.tr("Skip for now"))
        self.skip_button.setToolTip(
            self.tr("Keep the defaults; nothing is asked again (Settings changes them)")
        )
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.skip_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.start_button.clicked.connect(self.save)
        self.skip_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.form.name_edit.setFocus()
        self.resize(620, self.sizeHint().height())

    @Slot()
    def save(self) -> None:
        """Store the answers (or say in one sentence what to correct, keeping them)."""
        try:
            identity = self.form.identity().checked()
            self.context.desk.settings.save_identity(identity)
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.context.settings_changed()
        self.accept()

    def reject(self) -> None:
        """Skip: the defaults stay, and the questions are not asked again."""
        try:
            self.context.desk.settings.skip_first_run()
        except UserError as exc:
            self.context.sig_error.emit(str(exc))
        self.context.settings_changed()
        super().reject()


def ask_first_run(window: QMainWindow, context: AppContext) -> FirstRunDialog | None:
    """Open the first-run questions over ``window`` if this database needs them (window
    modal: the screens wait until they are answered or skipped); returns the dialog."""
    if not context.desk.settings.first_run_needed():
        return None
    dialog = FirstRunDialog(context, window)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog


class NoNameNotice(QLabel):
    """ "No name chosen" in the status bar, with a link to Settings, while the database has
    no salesperson's name (the prospects added then have no owner)."""

    def __init__(self, window: QMainWindow, context: AppContext) -> None:
        super().__init__(window)
        self.context = context
        link = self.tr("Choose your name…")
        self.setText(
            self.tr("No name chosen: prospects you add get no owner.")
            + f' <a href="settings" style="color: {link_color().name()}">{link}</a>'
        )
        self.setStyleSheet(text_style("warning"))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.linkActivated.connect(lambda _link: self._open_settings(window))
        context.sig_settings_changed.connect(self.refresh)
        window.statusBar().addPermanentWidget(self)
        self.refresh()

    @staticmethod
    def _open_settings(window: QMainWindow) -> None:
        opener = getattr(window, "open_settings", None)
        if callable(opener):
            opener()

    @Slot()
    def refresh(self) -> None:
        self.setVisible(not self.context.desk.user)


__all__ = ["FirstRunDialog", "NoNameNotice", "ask_first_run", "suggested_identity"]
