"""Settings: the user's name, check-in delay, stage idle limits, lost reasons, checklists.

These are pipeline settings kept in the database (:mod:`onboard_desk.settings_store`),
so the command line and reports follow the same rules. Invalid input is reported in the
dialog and nothing is saved until everything is valid.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from onboard_desk import settings_store
from onboard_desk.errors import UserError
from onboard_desk.pipeline import DEFAULT_IDLE_LIMITS, ORDERED_STAGES, PipelineConfig, Stage
from onboard_desk.ui.context import AppContext


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class SettingsDialog(QDialog):
    """Edit and save the pipeline settings and the user's name."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Settings"))
        config = context.config
        self._checklists: dict[Stage, tuple[str, ...]] = {
            stage: config.checklist(stage) for stage in ORDERED_STAGES
        }
        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        layout.addLayout(columns)

        left = QVBoxLayout()
        you = QGroupBox(self.tr("You"))
        you_form = QFormLayout(you)
        self.user_name = QLineEdit(context.user)
        self.user_name.setToolTip(self.tr("Owner of the prospects you add; author of your moves"))
        you_form.addRow(self.tr("Your name"), self.user_name)
        left.addWidget(you)

        timing = QGroupBox(self.tr("Timing"))
        timing_form = QFormLayout(timing)
        self.check_in_delay = QSpinBox()
        self.check_in_delay.setRange(0, 60)
        self.check_in_delay.setSuffix(self.tr(" days after the trial starts"))
        self.check_in_delay.setValue(config.check_in_delay_days)
        timing_form.addRow(self.tr("Final check-in"), self.check_in_delay)
        self.idle_limits: dict[Stage, QSpinBox] = {}
        for stage in DEFAULT_IDLE_LIMITS:
            box = QSpinBox()
            box.setRange(1, 365)
            box.setSuffix(self.tr(" days"))
            box.setValue(config.idle_limit(stage) or DEFAULT_IDLE_LIMITS[stage])
            self.idle_limits[stage] = box
            timing_form.addRow(self.tr("Stale after, in {0}").format(stage.label), box)
        left.addWidget(timing)
        left.addStretch(1)
        columns.addLayout(left)

        right = QVBoxLayout()
        lost = QGroupBox(self.tr("Lost reasons (one per line)"))
        lost_layout = QVBoxLayout(lost)
        self.lost_reasons = QPlainTextEdit("\n".join(config.lost_reasons))
        lost_layout.addWidget(self.lost_reasons)
        right.addWidget(lost)
        checklists = QGroupBox(self.tr("Checklists (one item per line)"))
        checklist_layout = QVBoxLayout(checklists)
        self.checklist_stage = QComboBox()
        for stage in ORDERED_STAGES:
            self.checklist_stage.addItem(stage.label, stage.value)
        self.checklist_text = QPlainTextEdit()
        checklist_layout.addWidget(self.checklist_stage)
        checklist_layout.addWidget(self.checklist_text)
        right.addWidget(checklists)
        columns.addLayout(right, 1)
        self._shown_stage = Stage(self.checklist_stage.currentData())
        self.checklist_text.setPlainText("\n".join(self._checklists[self._shown_stage]))
        self.checklist_stage.currentIndexChanged.connect(self._switch_checklist)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 520)

    def _switch_checklist(self) -> None:
        self._checklists[self._shown_stage] = _lines(self.checklist_text.toPlainText())
        self._shown_stage = Stage(self.checklist_stage.currentData())
        self.checklist_text.setPlainText("\n".join(self._checklists[self._shown_stage]))

    def edited_config(self) -> PipelineConfig:
        self._checklists[self._shown_stage] = _lines(self.checklist_text.toPlainText())
        return replace(
            self.context.config,
            check_in_delay_days=self.check_in_delay.value(),
            idle_limits={stage: box.value() for stage, box in self.idle_limits.items()},
            lost_reasons=_lines(self.lost_reasons.toPlainText()),
            checklists=dict(self._checklists),
        )

    def save(self) -> None:
        """Validate and store everything in one transaction; on error, say what and keep
        the dialog open."""
        name = self.user_name.text().strip()
        if not name:
            self._show_error(self.tr("Give your name: it becomes the owner of new prospects."))
            return
        config = self.edited_config()
        try:
            with self.context.session() as session:
                settings_store.save_config(session, config)
                settings_store.set_setting(session, settings_store.USER_NAME, name)
        except UserError as exc:
            self._show_error(str(exc))
            return
        self.context.settings_changed()
        self.accept()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
