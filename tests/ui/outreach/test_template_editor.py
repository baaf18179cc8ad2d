"""The template editor driven like a user: live checks, preview, copy, add, tie to a stage,
delete; and the editing rules it follows, without a window."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from onboard_desk.pipeline import Stage
from onboard_desk.services.outreach import SavedTemplate
from onboard_desk.templates.fields import referral_code
from onboard_desk.ui.outreach.template_editor import TemplateEditor
from onboard_desk.ui.outreach.template_editor.state import EditorState, PreviewKind
from tests.ui.outreach.conftest import add_prospect


def _stored(context: Any, name: str) -> Any:
    return next(t for t in context.desk.outreach.templates() if t.name == name)


def test_template_editor_validates_live_and_saves(qtbot: Any, context: Any) -> None:
    prospect_id = add_prospect(context, email="zoe@example.org")
    editor = TemplateEditor(context)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: editor.prospect_combo.count() == 1)
    assert editor.list.count() == 9
    editor.select_template("Cold outreach")
    assert editor.preview_subject.text() == "Acme: a shorter way to onboard new customers"
    editor.body_edit.setPlainText("Hello {{ first_name }}\n{% if company %}\n{{ nme }}")
    qtbot.waitUntil(editor.problems.isVisible)
    assert "Body, line" in editor.problems.text()
    assert not editor.save_button.isEnabled()
    editor.body_edit.setPlainText("Hello {{ first_name }}\n\n{{ nme }}")
    qtbot.waitUntil(lambda: "Body, line 3: unknown field {{ nme }}" in editor.problems.text())
    editor.body_edit.setPlainText("Hello {{ first_name }}, {{ referral_code }}")
    qtbot.waitUntil(lambda: not editor.problems.isVisible())
    assert editor.preview_body.toPlainText() == f"Hello Zoë, {referral_code(prospect_id)}"
    assert editor.save_button.isEnabled()
    editor.save_button.click()
    assert _stored(context, "Cold outreach").body == "Hello {{ first_name }}, {{ referral_code }}"


def test_template_editor_copy_add_tie_to_stage_delete(
    qtbot: Any, context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = TemplateEditor(context)
    qtbot.addWidget(editor)
    editor.show()
    editor.select_template("Payment guide")
    editor.copy_button.click()
    assert "Payment guide (copy)" in editor.template_names()
    assert editor.name_edit.text() == "Payment guide (copy)"
    editor.new_button.click()
    assert editor.name_edit.text() == "New template"
    editor.name_edit.setText("Webinar invite")
    editor.stage_combo.setCurrentIndex(editor.stage_combo.findData("first_call"))
    qtbot.waitUntil(editor.save_button.isEnabled)
    editor.save_button.click()
    row = _stored(context, "Webinar invite")
    assert row.stage is Stage.FIRST_CALL and not row.builtin
    editor.new_button.click()
    assert editor.name_edit.text() == "New template"  # the name is free again
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    editor.select_template("Webinar invite")
    editor.delete_button.click()
    assert "Webinar invite" not in editor.template_names()


def test_revert_and_restore_starters(
    qtbot: Any, context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = TemplateEditor(context)
    qtbot.addWidget(editor)
    editor.show()
    editor.select_template("Payment guide")
    original = editor.subject_edit.text()
    editor.subject_edit.setText("Changed {{ first_name }}")
    editor.validate()
    assert editor.revert_button.isEnabled()
    editor.revert_button.click()
    assert editor.subject_edit.text() == original and not editor.save_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    editor.delete_button.click()
    assert "Payment guide" not in editor.template_names()
    with qtbot.waitSignal(editor.sig_templates_changed):
        editor.restore_button.click()
    assert "Payment guide" in editor.template_names()


def test_editor_state_rules() -> None:
    state = EditorState()
    assert state.problems("", "{{ nme }}", "", unnamed="no name") == []  # nothing open
    assert not state.can_save([])
    state.open(_template())
    assert state.current_id == 7 and not state.can_save([])
    state.dirty = True
    problems = state.problems(" ", "Hi {{ nme }}", "", unnamed="no name")
    assert problems[0] == "no name" and "unknown field {{ nme }}" in str(problems[1])
    assert not state.can_save(problems) and state.can_save([])
    assert state.preview("Hi", "there").kind is PreviewKind.NO_PROSPECT
    state.values = {"first_name": "Zoë"}
    assert state.preview("Hi {{ first_name }", "").kind is PreviewKind.BROKEN
    preview = state.preview("Hi {{ first_name }}", "Body")
    assert preview.kind is PreviewKind.RENDERED and preview.rendered is not None
    assert preview.rendered.subject == "Hi Zoë"
    state.open(None)
    assert state.current_id is None and not state.dirty


def _template() -> SavedTemplate:
    return SavedTemplate(7, "Hello", None, "Hi {{ first_name }}", "Body", builtin=False)
