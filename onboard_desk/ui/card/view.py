"""The card's layout and how it draws a prospect: heading, stage bar, message banner,
quick-action buttons, details and checklist on the left, next action, customer and
timeline on the right.

The view only shows: :meth:`CardView.show_state` draws a
:class:`~onboard_desk.ui.card.state.CardState`, and the buttons, the stage bar and the
widgets' signals are connected by the card (:mod:`onboard_desk.ui.card.card`), which turns
them into undo commands. The Customer group is an empty box here; the card fills it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from onboard_desk.domain.timeutil import as_utc, format_local
from onboard_desk.pipeline import ORDERED_STAGES, Flag, PipelineConfig, Stage
from onboard_desk.services.prospects import ProspectDetails
from onboard_desk.ui.card.checklist_view import ChecklistView
from onboard_desk.ui.card.fields_form import FieldsForm
from onboard_desk.ui.card.next_action import NextActionEditor
from onboard_desk.ui.card.stage_bar import StageBar
from onboard_desk.ui.card.state import CardState
from onboard_desk.ui.card.timeline_model import TimelineModel
from onboard_desk.ui.common.status_colors import banner_style, text_style


class CardView(QWidget):
    """The prospect card's widgets, and drawing a prospect (or a message) in them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build()

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
        self.quick_actions = self._make_actions()
        actions = QHBoxLayout()
        for left in (self.call_button, self.email_button, self.note_button):
            actions.addWidget(left)
        actions.addStretch(1)
        for right in (self.next_stage_button, self.move_button, self.lost_button):
            actions.addWidget(right)
        actions.addWidget(self.reopen_button)

        self.fields = FieldsForm(self)
        details = QGroupBox(self.tr("Details"), self)
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.fields)

        self.next_action = NextActionEditor(self)
        next_box = QGroupBox(self.tr("Next action"), self)
        QVBoxLayout(next_box).addWidget(self.next_action)
        self.checklist = ChecklistView(self)
        self.checklist_box = QGroupBox(self.tr("Checklist"), self)
        QVBoxLayout(self.checklist_box).addWidget(self.checklist)
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
        #: The Customer group (shown for customers); the card puts its section inside.
        self.customer_box = QGroupBox(self.tr("Customer"), self)
        self.customer_box.setVisible(False)
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

        Each clicks its button, so a shortcut does exactly what the click does. The window
        can put them in a menu (``card.quick_actions.values()``) so each has a menu entry
        and a shortcut.
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

    # -- drawing -------------------------------------------------------------------------

    def show_nothing(self, message: str) -> None:
        """No prospect: only ``message`` where the name goes."""
        self.name_label.setText(message)
        self.subtitle_label.clear()
        for widget in (*self._content, *self._action_buttons):
            widget.setVisible(False)
        self.timeline_model.set_entries([])

    def show_state(self, state: CardState, config: PipelineConfig, *, keep_unsaved: bool) -> None:
        """Draw the prospect ``state`` holds; fields still being typed in keep their text
        when ``keep_unsaved``."""
        details = state.details
        assert details is not None
        for widget in (*self._content, *self._action_buttons):
            widget.setVisible(True)
        self.fields.setEnabled(True)
        self.next_action.setEnabled(True)
        self.fields.set_prospect(details.prospect, keep_unsaved=keep_unsaved)
        timeline = details.timeline
        self.timeline_model.set_entries(timeline)
        # One author (a salesperson's own prospect): the By column would only repeat them.
        self.timeline.setColumnHidden(3, len({entry.by for entry in timeline}) <= 1)
        self._show_position(state, details, config)

    def _show_position(
        self, state: CardState, details: ProspectDetails, config: PipelineConfig
    ) -> None:
        prospect = details.prospect
        checklist = details.checklist
        stage = Stage(prospect.stage)
        lost_from = Stage(prospect.lost_from) if prospect.lost_from else None
        self.name_label.setText(prospect.name)
        parts = [p for p in (prospect.title, prospect.company) if p]
        subtitle = " at ".join(parts)
        words = [stage.label]
        if stage is not Stage.LOST and checklist.total:
            words = [
                self.tr("%s (checklist %d/%d)") % (stage.label, checklist.done, checklist.total)
            ]
        if stage is Stage.LOST and prospect.lost_reason:
            words = [self.tr("Lost: %s") % prospect.lost_reason]
        if prospect.owner:
            words.append(self.tr("owner %s") % prospect.owner)
        if prospect.value_cents:
            words.append(contacts.format_money(prospect.value_cents, prospect.currency))
        if prospect.do_not_contact:
            words.append(self.tr("DO NOT CONTACT"))
        self.subtitle_label.setText(" · ".join([s for s in (subtitle, *words) if s]))
        self.stage_bar.set_position(stage, lost_from)
        self.flags_label.setText(self._flags_text(details, stage, config))
        self.next_action.set_next_action(
            prospect.next_action, prospect.next_action_due, is_open=stage is not Stage.LOST
        )
        self._show_checklist(details, is_open=stage is not Stage.LOST)
        self._update_move_buttons(stage, lost_from, state.next_stage())

    def _flags_text(self, details: ProspectDetails, stage: Stage, config: PipelineConfig) -> str:
        """Why the prospect needs attention, in words a salesperson acts on."""
        prospect, flags = details.prospect, details.flags
        lines = []
        if Flag.OVERDUE in flags:
            lines.append(
                self.tr("Overdue: the next action was due %s")
                % format_local(prospect.next_action_due)
            )
        if Flag.NO_NEXT_ACTION in flags:
            lines.append(self.tr("No next action"))
        if Flag.STALE in flags:
            days = (details.now - as_utc(prospect.stage_entered_at)).days
            limit = config.idle_limit(stage)
            lines.append(
                self.tr("Stale: %d days in %s (limit %d)") % (days, stage.label, limit or 0)
            )
        return "\n".join(lines)

    def _show_checklist(self, details: ProspectDetails, *, is_open: bool) -> None:
        """The checklist of the prospect's stage (for a lost one, the stage it was lost
        from, to look at but not to tick)."""
        items = details.checklist
        title = self.tr("Checklist: %s") % items.stage.label
        if items.total:
            title += f" · {items.done}/{items.total}"
        self.checklist_box.setTitle(title)
        self.checklist.set_checklist(items, enabled=is_open)

    def _update_move_buttons(
        self, stage: Stage, lost_from: Stage | None, following: Stage | None
    ) -> None:
        lost = stage is Stage.LOST
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
            action.setData(target.value)
        self.move_button.setVisible(not lost)
        self.lost_button.setVisible(not lost)
        self.reopen_button.setVisible(lost)
        self.quick_actions["move_next"].setEnabled(following is not None)
        self.quick_actions["mark_lost"].setEnabled(not lost)
        self.quick_actions["reopen"].setEnabled(lost)
        if lost:
            origin = (lost_from or Stage.OUTREACH).label
            self.reopen_button.setText(self.tr("Reopen into %s") % origin)

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
