"""The prospect card: one prospect's details, position, next action and history.

Everything the salesperson changes here goes through the undo commands in
:mod:`onboard_desk.ui.common.commands` (and :mod:`onboard_desk.ui.customers.commands` for a
customer's purchases and survey answers), so Ctrl+Z works the same for an edit, a move, a
logged call or a recorded purchase. Validation and the pipeline rules live below the UI
(store, pipeline, retention); the card asks them and shows their messages. Reads are
single indexed lookups, cheap enough for the GUI thread; the card refreshes whenever the
context announces a change to its prospect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.domain import contacts
from onboard_desk.domain.timeutil import as_utc, format_local, utcnow
from onboard_desk.errors import UserError
from onboard_desk.pipeline import (
    ORDERED_STAGES,
    WORKING_STAGES,
    Flag,
    Stage,
    flags_for,
)
from onboard_desk.services.prospects import position_of
from onboard_desk.storage import checklist, settings_store, store
from onboard_desk.storage.db import session_scope
from onboard_desk.storage.models import Prospect
from onboard_desk.ui.card.checklist_view import ChecklistView
from onboard_desk.ui.card.customer.actions import CustomerActions
from onboard_desk.ui.card.customer.section import CustomerSection
from onboard_desk.ui.card.dialogs import (
    LogEmailDialog,
    NoteDialog,
)
from onboard_desk.ui.card.fields_form import FieldsForm
from onboard_desk.ui.card.next_action import NextActionEditor
from onboard_desk.ui.card.stage_bar import StageBar
from onboard_desk.ui.card.timeline_model import TimelineModel, load_timeline
from onboard_desk.ui.common.commands import (
    EditProspectCommand,
    LogActivityCommand,
    SetNextActionCommand,
    TickChecklistCommand,
    push,
)
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.common.move_flow import request_move
from onboard_desk.ui.common.status_colors import banner_style, text_style


class ProspectCard(QWidget):
    """One prospect, editable. ``show_prospect(id)`` loads it; changes are undoable."""

    #: The card now shows this prospect (0: none).
    sig_prospect_shown = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.prospect_id: int | None = None
        self.prospect: Prospect | None = None
        self._region: str | None = None
        self._build()
        context.sig_prospects_changed.connect(self._on_prospects_changed)
        context.sig_settings_changed.connect(self.refresh)
        self._show_nothing(self.tr("Choose a prospect to see it here."))

    # -- construction --------------------------------------------------------------------

    def _build(self) -> None:
        self.name_label = QLabel(self)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle_label = QLabel(self)
        self.subtitle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags_label = QLabel(self)
        self.flags_label.setStyleSheet(text_style("error", bold=True))
        self.flags_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.stage_bar = StageBar(self)
        self.stage_bar.sig_stage_clicked.connect(lambda value: self.move_to(Stage(value)))
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.call_button = QPushButton(self.tr("Log call…"), self)
        self.email_button = QPushButton(self.tr("Log email…"), self)
        self.note_button = QPushButton(self.tr("Add note…"), self)
        self.next_stage_button = QPushButton(self)
        self.next_stage_button.setDefault(False)
        self.move_button = QToolButton(self)
        self.move_button.setText(self.tr("Move to…"))
        self.move_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.move_menu = QMenu(self)
        self.move_button.setMenu(self.move_menu)
        self.lost_button = QPushButton(self.tr("Mark lost…"), self)
        self.reopen_button = QPushButton(self.tr("Reopen"), self)
        self.call_button.clicked.connect(self.log_call)
        self.email_button.clicked.connect(self.log_email)
        self.note_button.clicked.connect(self.add_note)
        self.next_stage_button.clicked.connect(self.move_to_next_stage)
        self.lost_button.clicked.connect(self.mark_lost)
        self.reopen_button.clicked.connect(self.reopen)
        self.quick_actions = self._make_actions()
        actions = QHBoxLayout()
        for left in (self.call_button, self.email_button, self.note_button):
            actions.addWidget(left)
        actions.addStretch(1)
        for right in (self.next_stage_button, self.move_button, self.lost_button):
            actions.addWidget(right)
        actions.addWidget(self.reopen_button)

        self.fields = FieldsForm(self)
        self.fields.sig_field_edited.connect(self.edit_field)
        details = QGroupBox(self.tr("Details"), self)
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.fields)

        self.next_action = NextActionEditor(self)
        self.next_action.sig_next_action.connect(self.set_next_action)
        next_box = QGroupBox(self.tr("Next action"), self)
        QVBoxLayout(next_box).addWidget(self.next_action)
        self.checklist = ChecklistView(self)
        self.checklist.sig_item_toggled.connect(self.set_item_ticked)
        self.checklist_box = QGroupBox(self.tr("Checklist"), self)
        QVBoxLayout(self.checklist_box).addWidget(self.checklist)
        self._checklist = checklist.StageChecklist(Stage.OUTREACH)
        left_pane = QWidget(self)
        left_layout = QVBoxLayout(left_pane)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(details)
        left_layout.addWidget(self.checklist_box)
        left_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(left_pane)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(290)

        self.timeline_model = TimelineModel(self)
        self.timeline = QTreeView(self)
        self.timeline.setModel(self.timeline_model)
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setUniformRowHeights(True)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.timeline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 230)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(60)
        self.customer = CustomerSection(self)
        self.customer_box = QGroupBox(self.tr("Customer"), self)
        QVBoxLayout(self.customer_box).addWidget(self.customer)
        self.customer_box.setVisible(False)
        self.customer_actions = CustomerActions(self)
        self.customer.sig_record_purchase.connect(self.customer_actions.record_purchase)
        self.customer.sig_record_survey.connect(self.customer_actions.record_survey)
        self.customer.sig_delete_purchase.connect(self.customer_actions.delete_purchase)
        self.customer.sig_open_prospect.connect(self.show_prospect)
        timeline_box = QGroupBox(self.tr("Timeline (newest first)"), self)
        QVBoxLayout(timeline_box).addWidget(self.timeline)

        right_pane = QWidget(self)
        right_layout = QVBoxLayout(right_pane)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(next_box)
        right_layout.addWidget(self.customer_box)
        right_layout.addWidget(timeline_box, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(right_pane)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)

        heading = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.name_label)
        names.addWidget(self.subtitle_label)
        heading.addLayout(names, 1)
        heading.addWidget(self.flags_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(heading)
        layout.addWidget(self.stage_bar)
        layout.addWidget(self.banner)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)
        self._content = [self.stage_bar, self.splitter, self.flags_label]
        self._action_buttons = [
            self.call_button,
            self.email_button,
            self.note_button,
            self.next_stage_button,
            self.move_button,
            self.lost_button,
            self.reopen_button,
        ]

    def _make_actions(self) -> dict[str, QAction]:
        """The quick actions as QActions with shortcuts, active while the card has focus.

        The window can put them in a menu (``card.quick_actions.values()``) so each has a
        menu entry and a shortcut.
        """
        specs = (
            ("log_call", self.tr("Log call…"), "Ctrl+Alt+C", self.call_button),
            ("log_email", self.tr("Log email…"), "Ctrl+Alt+E", self.email_button),
            ("add_note", self.tr("Add note…"), "Ctrl+Alt+N", self.note_button),
            ("move_next", self.tr("Move to next stage"), "Ctrl+Alt+Right", self.next_stage_button),
            ("mark_lost", self.tr("Mark lost…"), "Ctrl+Alt+L", self.lost_button),
            ("reopen", self.tr("Reopen"), "Ctrl+Alt+R", self.reopen_button),
        )
        actions: dict[str, QAction] = {}
        for key, text, shortcut, button in specs:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(button.click)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{text.rstrip('…')} ({keys})")
            self.addAction(action)
            actions[key] = action
        return actions

    # -- loading -------------------------------------------------------------------------

    def show_prospect(self, prospect_id: int) -> None:
        """Show ``prospect_id`` (a message instead if it no longer exists)."""
        if prospect_id != self.prospect_id:
            self.hide_message()
            self.fields.clear_error()
            self.prospect_id = prospect_id
            self._load(keep_unsaved=False)
        else:
            self._load(keep_unsaved=True)

    @Slot()
    def refresh(self) -> None:
        if self.prospect_id is not None:
            self._load(keep_unsaved=True)

    def _load(self, *, keep_unsaved: bool) -> None:
        assert self.prospect_id is not None
        # Reads take no write lock, so a long import on the pool never freezes the card.
        with session_scope(self.context.engine) as session:
            prospect = session.get(Prospect, self.prospect_id)
            if prospect is None:
                self.prospect = None
                self._show_nothing(self.tr("This prospect no longer exists."))
                return
            timeline = load_timeline(session, self.prospect_id)
            items = checklist.stage_checklist(
                session,
                prospect_id=self.prospect_id,
                stage=checklist.checklist_stage(prospect),
                config=self.context.config,
            )
            if self._region is None:
                region = settings_store.get_setting(session, settings_store.PHONE_REGION)
                self._region = region if isinstance(region, str) and region else None
        customer = None
        if prospect.stage == Stage.WON.value:
            customer = self.context.desk.customers.details(self.prospect_id)
        self.prospect = prospect
        self._checklist = items
        for widget in (*self._content, *self._action_buttons):
            widget.setVisible(True)
        self.fields.setEnabled(True)
        self.next_action.setEnabled(True)
        self.fields.set_prospect(prospect, keep_unsaved=keep_unsaved)
        self.timeline_model.set_entries(timeline)
        self.customer_box.setVisible(customer is not None)
        if customer is not None:
            self.customer.set_details(customer)
            self._request_engagement(customer.prospect_id)
        # One author (a salesperson's own prospect): the By column would only repeat them.
        self.timeline.setColumnHidden(3, len({entry.by for entry in timeline}) <= 1)
        self._show_position(prospect)
        self.sig_prospect_shown.emit(self.prospect_id)

    def _request_engagement(self, prospect_id: int) -> None:
        """Fetch the engagement score on the thread pool; shown if the card still shows
        that customer when it arrives."""
        now = utcnow()
        customers = self.context.desk.customers

        def arrived(score: int | None) -> None:
            if self.prospect_id == prospect_id and score is not None:
                self.customer.set_engagement(prospect_id, score)

        self.context.run(lambda: customers.engagement(prospect_id, now=now), guarded(self, arrived))

    def _show_nothing(self, message: str) -> None:
        self.name_label.setText(message)
        self.subtitle_label.clear()
        for widget in (*self._content, *self._action_buttons):
            widget.setVisible(False)
        self.timeline_model.set_entries([])

    def _show_position(self, prospect: Prospect) -> None:
        stage = Stage(prospect.stage)
        lost_from = Stage(prospect.lost_from) if prospect.lost_from else None
        self.name_label.setText(prospect.name)
        parts = [p for p in (prospect.title, prospect.company) if p]
        subtitle = " at ".join(parts)
        details = [stage.label]
        if stage is not Stage.LOST and self._checklist.total:
            details = [
                self.tr("%s (checklist %d/%d)")
                % (stage.label, self._checklist.done, self._checklist.total)
            ]
        if stage is Stage.LOST and prospect.lost_reason:
            details = [self.tr("Lost: %s") % prospect.lost_reason]
        if prospect.owner:
            details.append(self.tr("owner %s") % prospect.owner)
        if prospect.value_cents:
            details.append(contacts.format_money(prospect.value_cents, prospect.currency))
        if prospect.do_not_contact:
            details.append(self.tr("DO NOT CONTACT"))
        self.subtitle_label.setText(" · ".join([s for s in (subtitle, *details) if s]))
        self.stage_bar.set_position(stage, lost_from)
        flags = flags_for(
            stage=stage,
            next_action_due=as_utc(prospect.next_action_due) if prospect.next_action_due else None,
            stage_entered_at=as_utc(prospect.stage_entered_at),
            now=utcnow(),
            config=self.context.config,
        )
        self.flags_label.setText(self._flags_text(prospect, stage, flags))
        self.next_action.set_next_action(
            prospect.next_action, prospect.next_action_due, is_open=stage is not Stage.LOST
        )
        self._show_checklist(is_open=stage is not Stage.LOST)
        self._update_move_buttons(stage, lost_from)

    def _flags_text(self, prospect: Prospect, stage: Stage, flags: frozenset[Flag]) -> str:
        """Why the prospect needs attention, in words a salesperson acts on."""
        lines = []
        if Flag.OVERDUE in flags:
            lines.append(
                self.tr("Overdue: the next action was due %s")
                % format_local(prospect.next_action_due)
            )
        if Flag.NO_NEXT_ACTION in flags:
            lines.append(self.tr("No next action"))
        if Flag.STALE in flags:
            days = (utcnow() - as_utc(prospect.stage_entered_at)).days
            limit = self.context.config.idle_limit(stage)
            lines.append(
                self.tr("Stale: %d days in %s (limit %d)") % (days, stage.label, limit or 0)
            )
        return "\n".join(lines)

    def _show_checklist(self, *, is_open: bool) -> None:
        """The checklist of the prospect's stage (for a lost one, the stage it was lost
        from, to look at but not to tick)."""
        items = self._checklist
        title = self.tr("Checklist: %s") % items.stage.label
        if items.total:
            title += f" · {items.done}/{items.total}"
        self.checklist_box.setTitle(title)
        self.checklist.set_checklist(items, enabled=is_open)

    def _update_move_buttons(self, stage: Stage, lost_from: Stage | None) -> None:
        lost = stage is Stage.LOST
        following = self.next_stage()
        self.next_stage_button.setVisible(following is not None)
        if following is not None:
            label = self.tr("Mark won") if following is Stage.WON else following.label
            self.next_stage_button.setText(
                label if following is Stage.WON else self.tr("Move to %s") % label
            )
        self.move_menu.clear()
        for target in (*ORDERED_STAGES, Stage.LOST):
            if target is stage or target is Stage.LOST:
                continue
            action = self.move_menu.addAction(target.label)
            action.triggered.connect(lambda _c=False, t=target: self.move_to(t))
        self.move_button.setVisible(not lost)
        self.lost_button.setVisible(not lost)
        self.reopen_button.setVisible(lost)
        self.quick_actions["move_next"].setEnabled(following is not None)
        self.quick_actions["mark_lost"].setEnabled(not lost)
        self.quick_actions["reopen"].setEnabled(lost)
        if lost:
            origin = (lost_from or Stage.OUTREACH).label
            self.reopen_button.setText(self.tr("Reopen into %s") % origin)

    def next_stage(self) -> Stage | None:
        """The stage one step ahead, if the prospect is in a working stage."""
        if self.prospect is None:
            return None
        stage = Stage(self.prospect.stage)
        if stage not in WORKING_STAGES:
            return None
        return ORDERED_STAGES[ORDERED_STAGES.index(stage) + 1]

    def _on_prospects_changed(self, ids: list[int]) -> None:
        if self.prospect_id is not None and (not ids or self.prospect_id in ids):
            self._load(keep_unsaved=True)

    # -- messages ------------------------------------------------------------------------

    def show_message(self, text: str, *, error: bool = True) -> None:
        """A message above the actions (errors from the rules, confirmations)."""
        self.banner.setText(text)
        self.banner.setStyleSheet(banner_style("error" if error else "info"))
        self.banner.setVisible(True)

    def hide_message(self) -> None:
        self.banner.setVisible(False)
        self.banner.clear()

    def message(self) -> str:
        return self.banner.text() if self.banner.isVisible() else ""

    def _name(self) -> str:
        return self.prospect.name if self.prospect else ""

    def run_command(self, command: Any) -> bool:
        """Run an undoable command; a refusal is shown and nothing changes."""
        try:
            push(self.context, command)
        except UserError as exc:
            self.show_message(str(exc))
            return False
        self.hide_message()
        return True

    # -- edits ---------------------------------------------------------------------------

    @Slot(str, object)
    def edit_field(self, field: str, value: Any) -> bool:
        """Validate one edited field and record it; a bad value is refused with a message."""
        if self.prospect_id is None or self.prospect is None:
            return False
        try:
            cleaned = store.clean_fields({field: value}, region=self._region)
        except UserError as exc:
            self.fields.show_error(field, str(exc))
            return False
        stored_value = cleaned[field]
        if getattr(self.prospect, field) == stored_value:
            self.fields.mark_saved(field)
            self._load(keep_unsaved=True)  # show the normalised form of what was typed
            return True
        command = EditProspectCommand(
            self.context, self.prospect_id, {field: stored_value}, name=self._name()
        )
        try:
            push(self.context, command)
        except UserError as exc:
            self.fields.show_error(field, str(exc))
            return False
        self.fields.mark_saved(field)
        self._load(keep_unsaved=True)
        return True

    @Slot(object, object)
    def set_next_action(self, text: str | None, due: datetime | None) -> bool:
        if self.prospect_id is None:
            return False
        return self.run_command(
            SetNextActionCommand(self.context, self.prospect_id, text, due, name=self._name())
        )

    @Slot(str, bool)
    def set_item_ticked(self, item: str, ticked: bool) -> bool:
        """Tick or untick ``item`` of the checklist shown, through the undo stack."""
        if self.prospect_id is None or self.prospect is None:
            return False
        command = TickChecklistCommand(
            self.context, self.prospect_id, self._checklist.stage, item, ticked, name=self._name()
        )
        if not self.run_command(command):
            self._load(keep_unsaved=True)  # the box shows what is stored, not the refused click
            return False
        return True

    # -- moves ---------------------------------------------------------------------------

    def move_to(self, target: Stage, reason: str | None = None) -> bool:
        """Move through the window's one move flow: the rules decide, a reason is asked
        where they need one, and a refusal shows the rule's message on the card."""
        if self.prospect is None or self.prospect_id is None:
            return False
        position = position_of(self.prospect)
        if target is position.stage:
            return False
        moved = request_move(
            self.context,
            self,
            prospect_id=self.prospect_id,
            position=position,
            target=target,
            name=self._name(),
            reason=reason,
            on_refused=self.show_message,
        )
        if moved:
            self.show_message(self._moved_text(target), error=False)
        return moved

    def _moved_text(self, target: Stage) -> str:
        text = self.tr("Moved to %s.") % target.label
        if self.prospect and self.prospect.next_action:
            text += " " + self.tr("Next action proposed: %s.") % self.prospect.next_action
        return text + " " + self.tr("Ctrl+Z undoes it.")

    @Slot()
    def move_to_next_stage(self) -> bool:
        following = self.next_stage()
        return self.move_to(following) if following is not None else False

    @Slot()
    def mark_lost(self) -> bool:
        """Ask why the prospect was lost (the move flow's lost dialog), then move it."""
        return self.move_to(Stage.LOST)

    def record_lost(self, reason: str) -> bool:
        """Move to Lost with ``reason`` (as the lost dialog would give it)."""
        return self.move_to(Stage.LOST, reason)

    @Slot()
    def reopen(self) -> bool:
        """Reopen a lost prospect into the stage it was lost from."""
        if self.prospect is None or self.prospect.stage != Stage.LOST.value:
            return False
        return self.move_to(Stage(self.prospect.lost_from or Stage.OUTREACH.value))

    # -- activities ----------------------------------------------------------------------

    @Slot()
    def log_call(self) -> bool:
        """The call dialog (outcome, duration, notes, a tel: link, the next call); it logs
        through the undo stack itself."""
        if self.prospect_id is None:
            return False
        from onboard_desk.ui.outreach.log_call import LogCallDialog

        dialog = LogCallDialog(self.context, self.prospect_id, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    @Slot()
    def log_email(self) -> bool:
        dialog = LogEmailDialog(self._name(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.record_email(dialog.subject(), dialog.text())

    def record_email(self, subject: str, text: str = "") -> bool:
        if self.prospect_id is None:
            return False
        return self.run_command(
            LogActivityCommand(self.context, self.prospect_id, "email", subject=subject, text=text)
        )

    @Slot()
    def add_note(self) -> bool:
        dialog = NoteDialog(self._name(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.record_note(dialog.text())

    def record_note(self, text: str) -> bool:
        if self.prospect_id is None:
            return False
        command = LogActivityCommand(self.context, self.prospect_id, "note", text=text)
        return self.run_command(command)
