"""The user's templates in the ``emailtemplate`` table, and the starter set they begin with.

The starter set ships as text files in ``onboard_desk/resources/templates`` (one file per
playbook step: ``Name:``, ``Stage:`` and ``Subject:`` lines, a blank line, then the body).
It is copied into the database once, so the user can edit, copy and delete those too; a
deleted starter comes back only when asked (:func:`restore_starter_templates`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.errors import UserError
from onboard_desk.pipeline import ORDERED_STAGES, Stage, parse_stage
from onboard_desk.resource_files import resource
from onboard_desk.storage.models import Activity, EmailTemplate, Prospect
from onboard_desk.storage.settings_store import get_setting, set_setting
from onboard_desk.templates.render import TemplateCheckError, check_template

#: Setting key remembering that the starter set was installed in this database.
STARTERS_SETTING = "starter_templates_installed"


class TemplateNotFoundError(UserError, LookupError):
    """No template with that id or name."""


@dataclass(frozen=True)
class StarterTemplate:
    """A template from the starter set, as read from its resource file."""

    name: str
    stage: Stage | None
    subject: str
    body: str


def parse_template_file(text: str, *, source: str = "template") -> StarterTemplate:
    """Read the ``Name: / Stage: / Subject:`` header, a blank line, then the body."""
    header, separator, body = text.partition("\n\n")
    if not separator:
        raise ValueError(f"{source}: the header must be followed by a blank line")
    values: dict[str, str] = {}
    for line in header.splitlines():
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"{source}: header line {line!r} is not 'Key: value'")
        values[key.strip().lower()] = value.strip()
    missing = {"name", "subject"} - values.keys()
    if missing:
        raise ValueError(f"{source}: missing {', '.join(sorted(missing))}")
    stage = parse_stage(values["stage"]) if values.get("stage") else None
    return StarterTemplate(values["name"], stage, values["subject"], body)


def starter_templates() -> list[StarterTemplate]:
    """The starter set in playbook order (the files are numbered)."""
    return list(_read_starters())


@cache
def _read_starters() -> tuple[StarterTemplate, ...]:
    folder = resource("templates")
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".txt")),
        key=lambda entry: entry.name,
    )
    return tuple(
        parse_template_file(entry.read_text(encoding="utf-8"), source=entry.name)
        for entry in entries
    )


def _insert_starters(session: Session, starters: Iterable[StarterTemplate]) -> int:
    existing = set(session.exec(select(EmailTemplate.name)))
    added = 0
    for starter in starters:
        if starter.name in existing:
            continue
        session.add(
            EmailTemplate(
                name=starter.name,
                stage=starter.stage.value if starter.stage else None,
                subject=starter.subject,
                body=starter.body,
                builtin=True,
            )
        )
        added += 1
    session.flush()
    return added


def ensure_starter_templates(session: Session) -> int:
    """Install the starter set the first time a database is used for mail; returns how many."""
    if get_setting(session, STARTERS_SETTING, False):
        return 0
    added = _insert_starters(session, starter_templates())
    set_setting(session, STARTERS_SETTING, True)
    return added


def restore_starter_templates(session: Session) -> int:
    """Put back starter templates that were deleted (same name); returns how many."""
    return _insert_starters(session, starter_templates())


def _stage_rank(stage: str | None) -> int:
    order = [s.value for s in (*ORDERED_STAGES, Stage.LOST)]
    return order.index(stage) if stage in order else len(order)


def list_templates(session: Session) -> list[EmailTemplate]:
    """Every template, in pipeline order of their stage, starters in playbook order."""
    ensure_starter_templates(session)
    rows = list(session.exec(select(EmailTemplate)))
    order = {s.name: i for i, s in enumerate(starter_templates())}
    return sorted(
        rows,
        key=lambda t: (_stage_rank(t.stage), order.get(t.name, len(order)), t.name.lower()),
    )


def get_template(session: Session, template_id: int) -> EmailTemplate:
    template = session.get(EmailTemplate, template_id)
    if template is None:
        raise TemplateNotFoundError(f"There is no template with id {template_id}.")
    return template


def find_template(session: Session, name_or_id: str) -> EmailTemplate:
    """A template by exact name, case-insensitive name, or numeric id."""
    ensure_starter_templates(session)
    text = name_or_id.strip()
    if text.isdigit():
        return get_template(session, int(text))
    rows = list(session.exec(select(EmailTemplate)))
    for row in rows:
        if row.name == text:
            return row
    for row in rows:
        if row.name.lower() == text.lower():
            return row
    known = ", ".join(f"'{r.name}'" for r in rows) or "none"
    raise TemplateNotFoundError(f"There is no template named {text!r}. Templates: {known}.")


def save_template(
    session: Session,
    *,
    name: str,
    subject: str,
    body: str,
    stage: Stage | None = None,
    template_id: int | None = None,
    now: datetime | None = None,
) -> EmailTemplate:
    """Create or update a template after checking it; TemplateCheckError lists problems."""
    name = name.strip()
    if not name:
        raise UserError("A template needs a name.")
    if len(name) > 120:
        raise UserError("A template name can be at most 120 characters.")
    problems = check_template(subject, body)
    if problems:
        raise TemplateCheckError(problems)
    clash = session.exec(
        select(EmailTemplate.id).where(
            col(EmailTemplate.name) == name, col(EmailTemplate.id) != (template_id or -1)
        )
    ).first()
    if clash is not None:
        raise UserError(f"A template named {name!r} already exists; choose another name.")
    template = (
        get_template(session, template_id) if template_id is not None else EmailTemplate(name=name)
    )
    template.name = name
    template.subject = subject.strip()
    template.body = body
    template.stage = stage.value if stage else None
    template.updated_at = now or utcnow()
    session.add(template)
    session.flush()
    return template


def free_name(session: Session, name: str) -> str:
    """``name`` if no template has it, else "name 2", "name 3", ... whichever is free."""
    existing = set(session.exec(select(EmailTemplate.name)))
    candidate = name
    number = 2
    while candidate in existing:
        candidate = f"{name} {number}"
        number += 1
    return candidate


def copy_name(session: Session, name: str) -> str:
    """ "Name (copy)", "Name (copy 2)", ... whichever is free."""
    existing = set(session.exec(select(EmailTemplate.name)))
    candidate = f"{name} (copy)"
    number = 2
    while candidate in existing:
        candidate = f"{name} (copy {number})"
        number += 1
    return candidate[:120]


def copy_template(session: Session, *, template_id: int) -> EmailTemplate:
    """A user-owned copy of a template, under a free name."""
    original = get_template(session, template_id)
    copy = EmailTemplate(
        name=copy_name(session, original.name),
        stage=original.stage,
        subject=original.subject,
        body=original.body,
        builtin=False,
    )
    session.add(copy)
    session.flush()
    return copy


def delete_template(session: Session, *, template_id: int) -> EmailTemplate:
    """Delete a template; returns the deleted row so the caller can put it back (undo)."""
    template = get_template(session, template_id)
    snapshot = EmailTemplate(**template.model_dump())
    session.delete(template)
    session.flush()
    return snapshot


def templates_for_prospect(
    session: Session, *, stage: Stage, prospect_id: int | None = None
) -> list[EmailTemplate]:
    """Every template, the one to offer first at the top.

    First the stage's templates not yet sent to this prospect, then the next stage's (a
    Trial prospect who got the welcome is next due the check-in), then the stage's
    templates already sent, then the rest in pipeline order.
    """
    templates = list_templates(session)
    sent: set[str] = set()
    if prospect_id is not None:
        sent = set(
            session.exec(
                select(Activity.template).where(
                    Activity.prospect_id == prospect_id,
                    Activity.kind == "email",
                    Activity.template != "",
                )
            )
        )
    next_stage = None
    if stage in ORDERED_STAGES and stage is not Stage.WON:
        next_stage = ORDERED_STAGES[ORDERED_STAGES.index(stage) + 1]
    base = {id(t): i for i, t in enumerate(templates)}

    def group(template: EmailTemplate) -> int:
        if template.stage == stage.value:
            return 0 if template.name not in sent else 2
        if next_stage is not None and template.stage == next_stage.value:
            return 1 if template.name not in sent else 3
        return 3

    return sorted(templates, key=lambda t: (group(t), base[id(t)]))


def preview_prospects(session: Session, *, limit: int) -> list[tuple[int, str, str, Stage]]:
    """The prospects most recently changed (id, name, company, stage): the ones a template
    is most likely previewed against."""
    rows = session.exec(
        select(Prospect.id, Prospect.name, Prospect.company, Prospect.stage)
        .order_by(col(Prospect.updated_at).desc())
        .limit(limit)
    )
    return [
        (int(pid), name, company, Stage(stage))
        for pid, name, company, stage in rows
        if pid is not None
    ]
