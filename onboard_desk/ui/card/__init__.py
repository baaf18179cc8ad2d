"""The prospect card: details, stage bar, checklist, next action, timeline, quick actions.

Split by responsibility: ``card`` puts it together and turns user actions into undo
commands; ``fields_form``, ``next_action`` and ``stage_bar`` are its widgets;
``timeline_model`` the history's item model; ``dialogs`` the quick-action dialogs.
"""

from __future__ import annotations

from onboard_desk.ui.card.card import ProspectCard

__all__ = ["ProspectCard"]
