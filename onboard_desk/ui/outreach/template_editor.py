"""Manage email templates: list, edit with live checks and preview, copy, add, delete.

Problems (unknown fields, syntax errors with their line) show while typing, and Save stays
off until there are none, so a broken template is never stored. The preview renders the
template for a real prospect chosen from the list.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session, col, select

from onboard_desk import templates
from onboard_desk.errors import UserError
from onboard_desk.pipeline import ORDERED_STAGES, Stage
from onboard_desk.storage import store
from onboard_desk.storage.models import EmailTemplate, Prospect
from onboard_desk.templates import MERGE_FIELDS, TemplateCheckError
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.outreach.common import ProblemLabel, template_label

PREVIEW_PROSPECTS = 200


class TemplateEditor(QDialog):
    """The template library: a list on the left, the chosen template on the right."""

    sig_templates_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Email templates"))
        self.resize(1200, 720)
        self._current_id: int | None = None
        self._dirty = False
        self._values: dict[str, str] | None = None
        self._build()
        self.reload()
        self._load_preview_prospects()

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._item_chosen)
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New"))
        self.new_button.clicked.connect(self.new_template)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy_current)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_current)
        for button in (self.new_button, self.copy_button, self.delete_button):
            row.addWidget(button)
        left_layout.addLayout(row)
        self.restore_button = QPushButton(self.tr("Restore starter templates"))
        self.restore_button.clicked.connect(self.restore_starters)
        left_layout.addWidget(self.restore_button)
        splitter.addWidget(left)

        middle = QWidget()
        form = QFormLayout(middle)
        self.name_edit = QLineEdit()
        self.name_edit.textChanged.connect(self._edited)
        form.addRow(self.tr("Name:"), self.name_edit)
        self.stage_combo = QComboBox()
        self.stage_combo.addItem(self.tr("Any stage"), None)
        for stage in (*ORDERED_STAGES, Stage.LOST):
            self.stage_combo.addItem(stage.label, stage.value)
        self.stage_combo.currentIndexChanged.connect(self._edited)
        form.addRow(self.tr("Offer first in:"), self.stage_combo)
        self.subject_edit = QLineEdit()
        self.subject_edit.textChanged.connect(self._edited)
        form.addRow(self.tr("Subject:"), self.subject_edit)
        self.body_edit = QPlainTextEdit()
        self.body_edit.textChanged.connect(self._edited)
        form.addRow(self.tr("Body:"), self.body_edit)
        self.fields_combo = QComboBox()
        self.fields_combo.addItem(self.tr("Insert a field…"), None)
        for merge_field in MERGE_FIELDS:
            self.fields_combo.addItem(
                f"{{{{ {merge_field.name} }}}} – {merge_field.description}", merge_field.name
            )
        self.fields_combo.activated.connect(self._insert_field)
        form.addRow("", self.fields_combo)
        self.problems = ProblemLabel()
        form.addRow("", self.problems)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.clicked.connect(self._reload_current)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        splitter.addWidget(middle)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("<b>Preview</b> for:")))
        self.prospect_combo = QComboBox()
        self.prospect_combo.currentIndexChanged.connect(self._prospect_chosen)
        right_layout.addWidget(self.prospect_combo)
        self.preview_subject = QLineEdit()
        self.preview_subject.setReadOnly(True)
        right_layout.addWidget(self.preview_subject)
        self.preview_body = QPlainTextEdit()
        self.preview_body.setReadOnly(True)
        right_layout.addWidget(self.preview_body, 1)
        splitter.addWidget(right)
        splitter.setSizes([300, 500, 400])

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.validate)

    # --- list ----------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        with self.context.session() as session:
            rows = templates.list_templates(session)
        self.list.blockSignals(True)
        self.list.clear()
        chosen = 0
        for index, template in enumerate(rows):
            item = QListWidgetItem(template_label(template))
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            self.list.addItem(item)
            if template.id == (select_id if select_id is not None else self._current_id):
                chosen = index
        self.list.blockSignals(False)
        if self.list.count():
            self.list.setCurrentRow(chosen)
            self._item_chosen()
        else:
            self._show(None)

    def template_names(self) -> list[str]:
        with self.context.session() as session:
            return [t.name for t in templates.list_templates(session)]

    def select_template(self, name: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).text().split("  (")[0] == name:
                self.list.setCurrentRow(row)
                return
        raise LookupError(name)

    @Slot()
    def _item_chosen(self, *_args: Any) -> None:
        item = self.list.currentItem()
        if item is None:
            self._show(None)
            return
        template_id = item.data(Qt.ItemDataRole.UserRole)
        with self.context.session() as session:
            self._show(templates.get_template(session, template_id))

    def _reload_current(self) -> None:
        self._item_chosen()

    def _show(self, template: EmailTemplate | None) -> None:
        self._current_id = template.id if template else None
        widgets = (self.name_edit, self.stage_combo, self.subject_edit, self.body_edit)
        for widget in widgets:
            widget.blockSignals(True)
        self.name_edit.setText(template.name if template else "")
        index = self.stage_combo.findData(template.stage if template else None)
        self.stage_combo.setCurrentIndex(max(0, index))
        self.subject_edit.setText(template.subject if template else "")
        self.body_edit.setPlainText(template.body if template else "")
        for widget in widgets:
            widget.blockSignals(False)
            widget.setEnabled(template is not None)
        self.copy_button.setEnabled(template is not None)
        self.delete_button.setEnabled(template is not None)
        self._dirty = False
        self.validate()

    # --- editing -------------------------------------------------------------------------

    @Slot()
    def _edited(self, *_args: Any) -> None:
        self._dirty = True
        self._timer.start()

    @Slot(int)
    def _insert_field(self, index: int) -> None:
        name = self.fields_combo.itemData(index)
        self.fields_combo.setCurrentIndex(0)
        if name:
            self.body_edit.insertPlainText(f"{{{{ {name} }}}}")
            self.body_edit.setFocus()

    @Slot()
    def validate(self) -> None:
        """Check the source now and refresh the preview (typing triggers it after a pause)."""
        self._timer.stop()
        if self._current_id is None:
            self.problems.show_problems([])
            self.save_button.setEnabled(False)
            self.revert_button.setEnabled(False)
            return
        subject, body = self.subject_edit.text(), self.body_edit.toPlainText()
        problems: list[Any] = list(templates.check_template(subject, body))
        if not self.name_edit.text().strip():
            problems.insert(0, self.tr("A template needs a name."))
        self.problems.show_problems(problems)
        self.save_button.setEnabled(self._dirty and not problems)
        self.revert_button.setEnabled(self._dirty)
        self._render_preview(subject, body)

    def _render_preview(self, subject: str, body: str) -> None:
        if self._values is None:
            self.preview_subject.setText("")
            self.preview_body.setPlainText(self.tr("Choose a prospect to preview."))
            return
        try:
            rendered = templates.render(subject, body, self._values)
        except TemplateCheckError:
            self.preview_subject.setText("")
            self.preview_body.setPlainText(self.tr("(fix the problems to see the preview)"))
            return
        self.preview_subject.setText(rendered.subject)
        self.preview_body.setPlainText(rendered.body)

    @Slot()
    def save(self) -> None:
        if self._current_id is None:
            return
        stage_value = self.stage_combo.currentData()
        try:
            with self.context.session() as session:
                saved = templates.save_template(
                    session,
                    template_id=self._current_id,
                    name=self.name_edit.text(),
                    subject=self.subject_edit.text(),
                    body=self.body_edit.toPlainText(),
                    stage=Stage(stage_value) if stage_value else None,
                )
                saved_id = saved.id
        except UserError as exc:
            self.problems.show_problems([str(exc)])
            return
        self._dirty = False
        self.reload(saved_id)
        self.sig_templates_changed.emit()

    def _confirm_discard(self) -> bool:
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            self.tr("Discard the unsaved changes to this template?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def new_template(self) -> None:
        if not self._confirm_discard():
            return
        with self.context.session() as session:
            existing = {t.name for t in templates.list_templates(session)}
            name = self.tr("New template")
            number = 2
            while name in existing:
                name = f"{self.tr('New template')} {number}"
                number += 1
            created = templates.save_template(
                session,
                name=name,
                subject="{{ first_name }}, ",
                body="Hi {{ first_name }},\n\n\n\nBest regards,\n{{ signature }}\n",
            )
            created_id = created.id
        self.reload(created_id)
        self.sig_templates_changed.emit()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    @Slot()
    def copy_current(self) -> None:
        if self._current_id is None or not self._confirm_discard():
            return
        with self.context.session() as session:
            copy = templates.copy_template(session, template_id=self._current_id)
            copy_id = copy.id
        self.reload(copy_id)
        self.sig_templates_changed.emit()

    @Slot()
    def delete_current(self, *, confirm: bool = True) -> None:
        if self._current_id is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.windowTitle(),
                self.tr(
                    "Delete the template '{}'? Messages already sent keep their record."
                ).format(self.name_edit.text()),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        with self.context.session() as session:
            templates.delete_template(session, template_id=self._current_id)
        self._current_id = None
        self._dirty = False
        self.reload()
        self.sig_templates_changed.emit()

    @Slot()
    def restore_starters(self) -> None:
        with self.context.session() as session:
            added = templates.restore_starter_templates(session)
        self.reload()
        if added:
            self.sig_templates_changed.emit()

    # --- preview prospects ---------------------------------------------------------------

    def _load_preview_prospects(self) -> None:
        def work(session: Session) -> list[tuple[int, str]]:
            rows = session.exec(
                select(Prospect.id, Prospect.name, Prospect.company, Prospect.stage)
                .order_by(col(Prospect.updated_at).desc())
                .limit(PREVIEW_PROSPECTS)
            )
            return [
                (int(pid), f"{name}{' – ' + company if company else ''} ({Stage(stage).label})")
                for pid, name, company, stage in rows
                if pid is not None
            ]

        self.context.run_task(work, self._prospects_loaded)

    def _prospects_loaded(self, rows: list[tuple[int, str]]) -> None:
        self.prospect_combo.blockSignals(True)
        self.prospect_combo.clear()
        for prospect_id, label in rows:
            self.prospect_combo.addItem(label, prospect_id)
        self.prospect_combo.blockSignals(False)
        if rows:
            self._prospect_chosen()
        else:
            self.preview_body.setPlainText(self.tr("Add a prospect to see a preview."))

    def preview_for(self, prospect_id: int) -> None:
        """Preview against this prospect (added to the chooser if it is not listed)."""
        index = self.prospect_combo.findData(prospect_id)
        if index < 0:
            with self.context.session() as session:
                name = store.get_prospect(session, prospect_id).name
            self.prospect_combo.addItem(name, prospect_id)
            index = self.prospect_combo.count() - 1
        self.prospect_combo.setCurrentIndex(index)
        self._prospect_chosen()

    @Slot()
    def _prospect_chosen(self, *_args: Any) -> None:
        prospect_id = self.prospect_combo.currentData()
        if prospect_id is None:
            self._values = None
        else:
            with self.context.session() as session:
                prospect = store.get_prospect(session, int(prospect_id))
                self._values = templates.field_values(
                    session, prospect, config=self.context.config, user=self.context.user
                )
        self.validate()

    def reject(self) -> None:
        if self._confirm_discard():
            super().reject()
