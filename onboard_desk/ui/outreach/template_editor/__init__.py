"""The template editor: list, edit with live checks and preview, copy, add, delete.

Split the way a screen grows: ``state`` holds what is open and the rules of editing it
(no Qt); ``panes`` the library list and the preview; ``dialog`` puts them together and
turns the user's actions into calls on the outreach service.
"""

from __future__ import annotations

from onboard_desk.ui.outreach.template_editor.dialog import TemplateEditor

__all__ = ["TemplateEditor"]
