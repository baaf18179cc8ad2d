"""Settings: who you are and how you work (name, e-mail, signature, home currency, phone
region, working hours: the first-run questions, :mod:`.identity_form`), the check-in
delay, stage idle limits, lost reasons, checklists, the customer rules (when to nudge
before a repeat purchase, how often a customer may be contacted, what a referral is
worth) and the database's encryption. One tab each: You, Pipeline, Customers, Database.

These are kept in the database and changed through the settings service
(:class:`~onboard_desk.services.settings.SettingsService`), so the command line and reports
follow the same rules. Invalid input is reported in the dialog and nothing is saved until
everything is valid. New nudge rules are applied to every customer's reminder afterwards,
off the GUI thread.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.errors import UserError
from onboard_desk.pipeline import (
    DEFAULT_IDLE_LIMITS,
    ORDERED_STAGES,
    PipelineConfig,
    Stage,
)
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.settings.encryption import EncryptionBox
from onboard_desk.ui.settings.identity_form import IdentityForm


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class SettingsDialog(QDialog):
    """Edit and save who you are, the pipeline settings and the customer rules."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Settings"))
        config = context.config
        self._checklists: dict[Stage, tuple[str, ...]] = {
            stage: config.checklist(stage) for stage in ORDERED_STAGES
        }
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        you = QWidget()
        you_layout = QVBoxLayout(you)
        self.identity_form = IdentityForm()
        self.identity = context.desk.settings.identity()
        self.identity_form.set_identity(self.identity)
        #: The name field (its own attribute: the window's tests and scripts fill it).
        self.user_name = self.identity_form.name_edit
        you_layout.addWidget(self.identity_form)
        self.no_name_label = QLabel(
            self.tr(
                "No name chosen: the prospects you add get no owner and your emails are "
                "signed without a name."
            )
        )
        self.no_name_label.setWordWrap(True)
        you_layout.addWidget(self.no_name_label)
        self.user_name.textChanged.connect(self._show_name_note)
        self._show_name_note()
        you_layout.addStretch(1)
        self.tabs.addTab(you, self.tr("You"))

        pipeline = QWidget()
        columns = QHBoxLayout(pipeline)
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
        left = QVBoxLayout()
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
        self.tabs.addTab(pipeline, self.tr("Pipeline"))
        self._shown_stage = Stage(self.checklist_stage.currentData())
        self.checklist_text.setPlainText("\n".join(self._checklists[self._shown_stage]))
        self.checklist_stage.currentIndexChanged.connect(self._switch_checklist)

        customers = QWidget()
        customers_layout = QVBoxLayout(customers)
        customers_layout.addWidget(self._build_customers_group())
        customers_layout.addStretch(1)
        self.tabs.addTab(customers, self.tr("Customers"))

        database = QWidget()
        database_layout = QVBoxLayout(database)
        self.encryption_box = EncryptionBox(context, self)
        database_layout.addWidget(self.encryption_box)
        database_layout.addStretch(1)
        self.tabs.addTab(database, self.tr("Database"))

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
        self.resize(760, 560)

    def _show_name_note(self) -> None:
        self.no_name_label.setVisible(not self.user_name.text().strip())

    def _build_customers_group(self) -> QGroupBox:
        """The retention settings: nudge, contact cap, referral rewards, "due soon"."""
        desk = self.context.desk
        self.retention = desk.retention_config
        currency = desk.currency
        rules = self.retention
        group = QGroupBox(self.tr("Customers"))
        form = QFormLayout(group)
        self.nudge_percent = QSpinBox()
        self.nudge_percent.setRange(1, 100)
        self.nudge_percent.setSuffix(self.tr(" % of the usual interval"))
        self.nudge_percent.setValue(round(rules.nudge_fraction * 100))
        self.nudge_percent.setToolTip(
            self.tr(
                "When the reminder before a repeat purchase comes: buying every four months "
                "with 75 % means a reminder at about three"
            )
        )
        form.addRow(self.tr("Repeat-purchase nudge at"), self.nudge_percent)
        self.contact_cap = QSpinBox()
        self.contact_cap.setRange(0, 365)
        self.contact_cap.setSuffix(self.tr(" days"))
        self.contact_cap.setValue(rules.contact_cap_days)
        self.contact_cap.setToolTip(
            self.tr("At most one call, email or meeting with a customer per this many days")
        )
        form.addRow(self.tr("Contact a customer at most every"), self.contact_cap)
        self.referral_credit = QDoubleSpinBox()
        self.referral_credit.setRange(0, 1_000_000)
        self.referral_credit.setDecimals(2)
        self.referral_credit.setSingleStep(5)
        self.referral_credit.setGroupSeparatorShown(True)
        self.referral_credit.setSuffix(f" {currency}")
        self.referral_credit.setValue(rules.referral_credit_cents / 100)
        self.referral_credit.setToolTip(
            self.tr("What the referring customer earns when the friend they sent is won")
        )
        form.addRow(self.tr("Referral credit"), self.referral_credit)
        self.friend_discount = QDoubleSpinBox()
        self.friend_discount.setRange(0, 100)
        self.friend_discount.setDecimals(1)
        self.friend_discount.setSuffix(" %")
        self.friend_discount.setValue(rules.friend_discount_percent)
        self.friend_discount.setToolTip(self.tr("The discount a referred friend gets"))
        form.addRow(self.tr("Friend's discount"), self.friend_discount)
        self.due_soon = QSpinBox()
        self.due_soon.setRange(1, 365)
        self.due_soon.setSuffix(self.tr(" days ahead"))
        self.due_soon.setValue(rules.due_soon_days)
        self.due_soon.setToolTip(
            self.tr("How far ahead an expected purchase counts as due soon (highlighted)")
        )
        form.addRow(self.tr("Purchases due soon"), self.due_soon)
        return group

    def edited_retention(self) -> RetentionConfig:
        return RetentionConfig(
            nudge_fraction=self.nudge_percent.value() / 100,
            contact_cap_days=self.contact_cap.value(),
            referral_credit_cents=round(self.referral_credit.value() * 100),
            friend_discount_percent=self.friend_discount.value(),
            due_soon_days=self.due_soon.value(),
        )

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
            working_hours=self.identity_form.hours(),
        )

    def save(self) -> None:
        """Validate and store everything; on error, say what and keep the dialog open.

        Who you are and the retention rules are checked before anything is stored and the
        pipeline rules as they are stored first, so an invalid value anywhere leaves every
        setting as it was."""
        settings = self.context.desk.settings
        try:
            identity = self.identity_form.identity().checked()
            config = self.edited_config()
            retention = self.edited_retention()
            retention.check()
            settings.save_pipeline(config)
            settings.save_identity(identity)
            settings.save_retention(retention)
        except UserError as exc:
            self._show_error(str(exc))
            return
        self.context.settings_changed()
        if (retention.nudge_fraction, retention.contact_cap_days) != (
            self.retention.nudge_fraction,
            self.retention.contact_cap_days,
        ):
            self._refresh_nudges(retention)
        self.accept()

    def _refresh_nudges(self, retention: RetentionConfig) -> None:
        """Move every customer's reminder to where the new rules put it (where the rules
        let a reminder be the next action), on the thread pool: one statement finds the
        customers, but there may be thousands to update."""
        context = self.context
        customers = context.desk.customers
        context.run(
            lambda: customers.refresh_nudges(retention),
            lambda changed: context.prospects_changed([]) if changed else None,
        )

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
