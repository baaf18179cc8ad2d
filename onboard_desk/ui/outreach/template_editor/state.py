"""What the template editor has open, what keeps it from being saved, and its preview.

Plain Python, no Qt: the dialog shows what this decides, so the rules of editing (a broken
or nameless template is never saved, the preview needs a prospect and a source that
renders) can be read and tested without a window.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from onboard_desk.services.outreach import SavedTemplate
from onboard_desk.templates.render import (
    Rendered,
    TemplateCheckError,
    TemplateProblem,
    check_template,
    render,
)


class PreviewKind(enum.Enum):
    """What the preview pane can show."""

    RENDERED = "rendered"
    NO_PROSPECT = "no prospect"
    BROKEN = "broken"  # the source has problems: nothing to render


@dataclass(frozen=True)
class Preview:
    kind: PreviewKind
    rendered: Rendered | None = None


@dataclass
class EditorState:
    """The open template, whether its source was edited since it was opened or saved, and
    the merge values of the prospect the preview is for."""

    current: SavedTemplate | None = None
    dirty: bool = False
    values: dict[str, str] | None = field(default=None, repr=False)

    @property
    def current_id(self) -> int | None:
        return self.current.id if self.current is not None else None

    def open(self, template: SavedTemplate | None) -> None:
        """Start editing ``template`` (None: nothing is open), with no changes yet."""
        self.current = template
        self.dirty = False

    def problems(
        self, name: str, subject: str, body: str, *, unnamed: str
    ) -> list[TemplateProblem | str]:
        """What keeps the source from being saved (``unnamed`` is the message for a missing
        name); nothing when no template is open."""
        if self.current is None:
            return []
        found: list[TemplateProblem | str] = list(check_template(subject, body))
        if not name.strip():
            found.insert(0, unnamed)
        return found

    def can_save(self, problems: Sequence[object]) -> bool:
        return self.current is not None and self.dirty and not problems

    def preview(self, subject: str, body: str) -> Preview:
        """The source rendered for the chosen prospect, or why it cannot be."""
        if self.values is None:
            return Preview(PreviewKind.NO_PROSPECT)
        try:
            return Preview(PreviewKind.RENDERED, render(subject, body, self.values))
        except TemplateCheckError:
            return Preview(PreviewKind.BROKEN)
