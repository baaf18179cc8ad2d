"""The prospect card: details, stage bar, checklist, next action, timeline, quick actions.

Split by responsibility: ``state`` is the prospect the card shows, read through the
prospect service; ``view`` lays the card out and draws that state; ``card`` puts them
together and turns user actions into undo commands. ``fields_form``, ``next_action``,
``checklist_view`` and ``stage_bar`` are its widgets; ``timeline_model`` the history's
item model; ``dialogs`` the quick-action dialogs; the ``customer`` package its Customer
section.
"""

from __future__ import annotations

from onboard_desk.ui.card.card import ProspectCard

__all__ = ["ProspectCard"]
