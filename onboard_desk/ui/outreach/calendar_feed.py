"""Keep one .ics file up to date as next actions change, for a calendar to subscribe to.

:class:`CalendarFeedUpdater` listens to ``context.sig_prospects_changed``; when the
option is on, it waits for changes to settle (debounce), then rewrites the file on the
thread pool (atomically, so a calendar never reads half a file). Changes that arrive
while a write runs trigger one more write afterwards. :class:`CalendarExportDialog` is
the user's side: choose the file, export once, or tick "keep this file up to date".

The options and the writer itself are the outreach service's
(:class:`~onboard_desk.services.outreach.OutreachService`), shared with the command line,
which rewrites the file after its own changes. The window does not notice the command
line's changes; its next change (or next start) writes them too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.services.outreach import EventCache, FeedOptions
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import text_style

DEBOUNCE_MS = 2000


class CalendarFeedUpdater(QObject):
    """Rewrites the feed file after prospect changes, debounced and off the GUI thread."""

    #: Path written and number of events.
    sig_written = Signal(str, int)
    sig_failed = Signal(str)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.options = context.desk.outreach.feed_options()
        self._running = False
        self._pending = False
        #: Events serialised by earlier writes; only changed ones are built again.
        self.cache = EventCache()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.update_now)
        context.sig_prospects_changed.connect(self._changed)
        context.sig_settings_changed.connect(self.reload_options)
        if self.options.active:
            # Catch up with changes the file missed while the window was closed (the
            # command line rewrites it too, but its write may have failed).
            self.timer.start()

    @Slot()
    def reload_options(self) -> None:
        self.options = self.context.desk.outreach.feed_options()

    def set_options(self, options: FeedOptions) -> None:
        """Store new options; turning the option on writes the file right away."""
        self.context.desk.outreach.save_feed_options(options)
        self.options = options
        if options.active:
            self.update_now()

    @Slot(list)
    def _changed(self, _ids: list[int]) -> None:
        if self.options.active:
            self.timer.start()  # restarts: a burst of changes makes one write

    @property
    def busy(self) -> bool:
        return self._running or self.timer.isActive()

    @Slot()
    def update_now(self) -> None:
        """Write the file now (or right after the write that is running)."""
        self.timer.stop()
        options = self.options
        if not options.path:
            return
        if self._running:
            self._pending = True
            return
        self._running = True
        outreach = self.context.desk.outreach
        cache = self.cache

        def work() -> tuple[str, int]:
            return str(options.file), outreach.write_feed(options, cache=cache)

        self.context.run(work, self._written, self._failed)

    def _written(self, result: tuple[str, int]) -> None:
        self._running = False
        self.sig_written.emit(*result)
        self._again()

    def _failed(self, message: str) -> None:
        self._running = False
        self.sig_failed.emit(message)
        self._again()

    def _again(self) -> None:
        if self._pending:
            self._pending = False
            self.update_now()


class CalendarExportDialog(QDialog):
    """Export next actions to an .ics file once, or keep the file up to date."""

    def __init__(
        self,
        context: AppContext,
        updater: CalendarFeedUpdater,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.updater = updater
        self.setWindowTitle(self.tr("Calendar"))
        self.resize(620, 260)
        options = updater.options
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Next actions and scheduled calls as an iCalendar file. Import it, or "
                    "subscribe to it in your calendar program and keep it up to date here."
                )
            )
        )
        form = QFormLayout()
        row = QHBoxLayout()
        self.path_edit = QLineEdit(options.path or str(Path.home() / "onboard-desk.ics"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow(self.tr("File:"), row)
        self.owner_combo = QComboBox()
        self.owner_combo.addItem(self.tr("Everyone"), "")
        for name in context.desk.lists.owners():
            self.owner_combo.addItem(name, name)
        self.owner_combo.setCurrentIndex(max(0, self.owner_combo.findData(options.owner)))
        form.addRow(self.tr("Prospects of:"), self.owner_combo)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 3650)
        self.days_spin.setSpecialValueText(self.tr("everything"))
        self.days_spin.setSuffix(self.tr(" days ahead"))
        self.days_spin.setValue(options.days)
        form.addRow(self.tr("Due within:"), self.days_spin)
        self.keep_check = QCheckBox(self.tr("Keep this .ics file up to date"))
        self.keep_check.setChecked(options.enabled)
        form.addRow("", self.keep_check)
        layout.addLayout(form)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton(
            self.tr("Export now"), QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.export_button.clicked.connect(self.export_now)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        updater.sig_written.connect(self._written)
        updater.sig_failed.connect(self._failed)

    def options(self) -> FeedOptions:
        return FeedOptions(
            enabled=self.keep_check.isChecked(),
            path=self.path_edit.text().strip(),
            owner=str(self.owner_combo.currentData() or ""),
            days=self.days_spin.value(),
        )

    @Slot()
    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Calendar file"), self.path_edit.text(), "iCalendar (*.ics)"
        )
        if path:
            self.path_edit.setText(path if path.endswith(".ics") else path + ".ics")

    @Slot()
    def export_now(self) -> None:
        options = self.options()
        if not options.path:
            self._failed(self.tr("Choose a file first."))
            return
        self.status_label.setText(self.tr("Writing…"))
        self.updater.set_options(options)
        if not options.enabled:
            self.updater.update_now()

    def _written(self, path: str, count: int) -> None:
        self.status_label.setStyleSheet("")
        noun = self.tr("event") if count == 1 else self.tr("events")
        self.status_label.setText(self.tr("Wrote {} {} to {}.").format(count, noun, path))

    def _failed(self, message: str) -> None:
        self.status_label.setStyleSheet(text_style("error"))
        self.status_label.setText(message)

    def done(self, result: Any) -> None:
        # Closing keeps the "up to date" choice the user made.
        if self.options().enabled != self.updater.options.enabled:
            self.updater.set_options(self.options())
        super().done(result)
