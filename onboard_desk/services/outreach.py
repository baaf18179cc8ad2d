"""Writing to prospects and keeping the calendar: one message or many, the template library,
the mail settings, logged calls, and the calendar file.

What a sent message means (an email activity and the stage's proposed next action) is
written once, :func:`~onboard_desk.mail.outbox.record_sent_message`, whether it left over
SMTP or from the user's mail program. The SMTP password goes to the OS keyring only.
Sending holds the write lock only while it records, so a long bulk send does not block the
window's own writes. Session-level functions leave committing to the caller;
:class:`OutreachService` runs each use case in a transaction of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from onboard_desk import mail, templates
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.mail.message import Draft, build_message
from onboard_desk.mail.outbox import (
    BulkItem,
    NotRecordedError,
    SendResult,
    SentRecord,
    TemplateText,
    record_sent_message,
)
from onboard_desk.mail.secrets import KeyringStatus
from onboard_desk.mail.settings import MailRoute, MailSettings, Security
from onboard_desk.outreach import calendar_export, calendar_feed, calls
from onboard_desk.outreach.calendar_export import EventCache
from onboard_desk.outreach.calendar_feed import FeedOptions, FeedWritten
from onboard_desk.outreach.calls import CALL_OUTCOMES, CallLogResult, log_call, undo_call
from onboard_desk.pipeline import NextActionProposal, PipelineConfig, Stage
from onboard_desk.storage import queries, store
from onboard_desk.storage.models import EmailTemplate
from onboard_desk.storage.next_actions import NextActionState, chosen_recently
from onboard_desk.templates.library import free_name, preview_prospects
from onboard_desk.templates.render import Rendered

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

__all__ = [
    "CALL_OUTCOMES",
    "BulkItem",
    "CallLogResult",
    "CallStart",
    "ComposeStart",
    "Draft",
    "EventCache",
    "FeedOptions",
    "FeedWritten",
    "KeyringStatus",
    "MailRoute",
    "MailSettings",
    "NotRecordedError",
    "OutreachService",
    "SavedTemplate",
    "Security",
    "SendResult",
    "SentRecord",
    "TemplateText",
    "call_start",
    "compose_start",
    "log_call",
    "offered_for_recipients",
    "record_sent_message",
    "undo_call",
]

NEW_TEMPLATE_SUBJECT = "{{ first_name }}, "
NEW_TEMPLATE_BODY = "Hi {{ first_name }},\n\n\n\nBest regards,\n{{ signature }}\n"


@dataclass(frozen=True)
class SavedTemplate:
    """A stored template as the front ends see it: plain values, no database row."""

    id: int
    name: str
    stage: Stage | None  # the stage it is offered first in; None: any stage
    subject: str
    body: str
    builtin: bool

    @classmethod
    def of(cls, row: EmailTemplate) -> SavedTemplate:
        assert row.id is not None
        stage = Stage(row.stage) if row.stage else None
        return cls(row.id, row.name, stage, row.subject, row.body, row.builtin)

    @property
    def text(self) -> TemplateText:
        """The source to render and send."""
        return TemplateText(self.name, self.subject, self.body)


@dataclass(frozen=True)
class ComposeStart:
    """Everything writing one message to one prospect starts from."""

    prospect_id: int
    name: str
    address: str
    do_not_contact: bool
    stage: Stage
    #: Every template, the one to offer first at the top.
    templates: tuple[SavedTemplate, ...]
    settings: MailSettings
    #: The next action sending would set (None: the stage proposes none).
    proposal: NextActionProposal | None
    #: The merge fields' values for this prospect (``custom_text`` empty).
    values: dict[str, str]
    #: The next action the salesperson chose minutes ago, which sending keeps unless they
    #: ask for the proposal instead (None: nothing to keep, the proposal applies).
    kept: NextActionState | None = None


@dataclass(frozen=True)
class CallStart:
    """What logging a call to one prospect starts from."""

    prospect_id: int
    name: str
    phone: str
    #: A ``tel:`` URL a dialler opens ("" without a number).
    tel: str
    stage: Stage
    #: The earliest planned call, which a call now most likely is.
    planned_id: int | None
    planned_due: datetime | None


# --- session-level use cases ----------------------------------------------------------------


def compose_start(
    session: Session, *, prospect_id: int, config: PipelineConfig, user: str
) -> ComposeStart:
    """What the compose dialog opens with (installs the starter templates on first use)."""
    prospect = store.get_prospect(session, prospect_id)
    stage = Stage(prospect.stage)
    offered = templates.templates_for_prospect(session, stage=stage, prospect_id=prospect_id)
    recent = chosen_recently(prospect, utcnow())
    return ComposeStart(
        prospect_id=prospect_id,
        name=prospect.name,
        address=prospect.email,
        do_not_contact=prospect.do_not_contact,
        stage=stage,
        templates=tuple(SavedTemplate.of(t) for t in offered),
        settings=mail.load_mail_settings(session),
        proposal=mail.proposed_next_action(session, prospect_id=prospect_id, config=config),
        values=templates.field_values(session, prospect, config=config, user=user),
        kept=NextActionState.of(prospect) if recent else None,
    )


def call_start(session: Session, *, prospect_id: int) -> CallStart:
    prospect = store.get_prospect(session, prospect_id)
    planned = calls.next_planned_call(session, prospect_id=prospect_id)
    return CallStart(
        prospect_id=prospect_id,
        name=prospect.name,
        phone=prospect.phone,
        tel=calls.tel_url(prospect.phone, prospect.phone_key),
        stage=Stage(prospect.stage),
        planned_id=planned.id if planned else None,
        planned_due=planned.due_at if planned else None,
    )


def offered_for_recipients(session: Session, *, prospect_ids: Sequence[int]) -> list[SavedTemplate]:
    """Every template, those of the most common stage among the (first 500) recipients
    first."""
    sample = queries.prospects_by_ids(session, list(prospect_ids[:500]))
    stages = [p.stage for p in sample]
    common = max(set(stages), key=stages.count) if stages else Stage.OUTREACH.value
    offered = templates.templates_for_prospect(session, stage=Stage(common))
    return [SavedTemplate.of(t) for t in offered]


# --- the service the front ends call --------------------------------------------------------


class OutreachService:
    """Mail, templates, calls and the calendar of one database, as the current user."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # sending one message

    def compose(self, prospect_id: int) -> ComposeStart:
        desk = self._desk
        with desk.writing() as session:  # the starter templates are installed on first use
            return compose_start(
                session, prospect_id=prospect_id, config=desk.config, user=desk.user
            )

    def send(
        self,
        draft: Draft,
        settings: MailSettings,
        *,
        propose_next: bool = True,
        replace_chosen: bool = False,
    ) -> SentRecord:
        """Send over SMTP, then record it (NotRecordedError: it went but is not recorded).

        With ``propose_next`` the stage's proposal becomes the next action, except over one
        the user chose minutes ago (then it is only offered) unless ``replace_chosen``."""
        desk = self._desk
        return mail.send_draft(
            desk.engine,
            draft=draft,
            settings=settings,
            by=desk.user,
            config=desk.config,
            propose_next=propose_next,
            replace_chosen=replace_chosen,
            write_lock=desk.write_lock,
        )

    def record_sent(
        self, draft: Draft, *, propose_next: bool = True, replace_chosen: bool = False
    ) -> SentRecord:
        """Record a message the user sent from their own mail program (the next action as
        :meth:`send` sets it)."""
        desk = self._desk
        with desk.writing() as session:
            return record_sent_message(
                session,
                draft=draft,
                by=desk.user,
                config=desk.config,
                propose_next=propose_next,
                replace_chosen=replace_chosen,
            )

    # sending to many

    def recipients(
        self,
        stage: Stage,
        *,
        owner: str | None = None,
        due_only: bool = False,
        today: datetime | None = None,
    ) -> list[int]:
        """A stage's prospects by name; with ``due_only``, those whose next action is due
        today (local time) or overdue."""
        due_before = None
        if due_only:
            day = (today or datetime.now()).date()
            due_before = datetime.combine(day + timedelta(days=1), time())
        with self._desk.reading() as session:
            return mail.stage_recipients(session, stage=stage, owner=owner, due_before=due_before)

    def offered_templates(self, prospect_ids: Sequence[int]) -> list[SavedTemplate]:
        with self._desk.writing() as session:
            return offered_for_recipients(session, prospect_ids=prospect_ids)

    def plan_bulk(
        self, prospect_ids: Iterable[int], template: TemplateText, *, custom_text: str = ""
    ) -> list[BulkItem]:
        """The message for each prospect, or why it is skipped (for review before sending)."""
        desk = self._desk
        with desk.reading() as session:
            return mail.plan_bulk(
                session,
                prospect_ids=prospect_ids,
                template=template,
                config=desk.config,
                user=desk.user,
                custom_text=custom_text,
            )

    def run_bulk(
        self,
        items: Sequence[BulkItem],
        settings: MailSettings,
        *,
        pause_seconds: float | None = None,
        propose_next: bool = True,
        replace_chosen: bool = False,
        cancel: threading.Event | None = None,
        on_result: Callable[[SendResult], None] | None = None,
    ) -> list[SendResult]:
        """Send the reviewed items over one connection (see :func:`mail.run_bulk`)."""
        desk = self._desk
        return mail.run_bulk(
            desk.engine,
            items=items,
            settings=settings,
            by=desk.user,
            config=desk.config,
            pause_seconds=pause_seconds,
            propose_next=propose_next,
            replace_chosen=replace_chosen,
            cancel=cancel,
            on_result=on_result,
            write_lock=desk.write_lock,
        )

    # mail settings

    def mail_settings(self) -> MailSettings:
        with self._desk.reading() as session:
            return mail.load_mail_settings(session)

    def signature(self) -> str:
        """The current user's signature."""
        with self._desk.reading() as session:
            return mail.load_signature(session, self._desk.user)

    def save_mail_settings(
        self, settings: MailSettings, *, password: str | None = None, signature: str | None = None
    ) -> None:
        """Store the settings and the user's signature; a new ``password`` goes to the
        keyring first (when the settings name a user), so a keyring that refuses it
        leaves everything as it was."""
        if password is not None and settings.user:
            mail.store_password(settings.keyring_user, password)
        desk = self._desk
        with desk.writing() as session:
            mail.save_mail_settings(session, settings)
            if signature is not None:
                mail.save_signature(session, desk.user, signature)

    def keyring_status(self) -> KeyringStatus:
        return mail.keyring_status()

    def password_stored(self, settings: MailSettings) -> bool:
        """Whether the keyring holds a password for these settings (UserError when the
        keyring cannot be read)."""
        if not (settings.user and settings.host):
            return False
        return mail.read_password(settings.keyring_user) is not None

    def send_test(self, settings: MailSettings, *, subject: str, body: str) -> None:
        """Send a message to the settings' own From address; nothing is recorded."""
        draft = Draft(0, settings.from_name, settings.from_address, subject, body)
        message = build_message(
            draft, from_name=settings.from_name, from_address=settings.from_address
        )
        with mail.open_connection(settings) as connection:
            connection.send(message)

    # the template library (reads install the starter set on first use, hence writing())

    def templates(self) -> list[SavedTemplate]:
        """Every template in pipeline order of its stage."""
        with self._desk.writing() as session:
            return [SavedTemplate.of(t) for t in templates.list_templates(session)]

    def template(self, template_id: int) -> SavedTemplate:
        with self._desk.reading() as session:
            return SavedTemplate.of(templates.get_template(session, template_id))

    def find_template(self, name_or_id: str) -> SavedTemplate:
        """By exact name, name in any case, or id (TemplateNotFoundError lists the names)."""
        with self._desk.writing() as session:
            return SavedTemplate.of(templates.find_template(session, name_or_id))

    def save_template(
        self,
        *,
        name: str,
        subject: str,
        body: str,
        stage: Stage | None = None,
        template_id: int | None = None,
    ) -> SavedTemplate:
        """Create or update a template once it checks out (TemplateCheckError lists why not)."""
        with self._desk.writing() as session:
            saved = templates.save_template(
                session,
                name=name,
                subject=subject,
                body=body,
                stage=stage,
                template_id=template_id,
            )
            return SavedTemplate.of(saved)

    def new_template(self, name: str) -> SavedTemplate:
        """A template to start from, under ``name`` or the first free "name N"."""
        with self._desk.writing() as session:
            templates.ensure_starter_templates(session)
            created = templates.save_template(
                session,
                name=free_name(session, name),
                subject=NEW_TEMPLATE_SUBJECT,
                body=NEW_TEMPLATE_BODY,
            )
            return SavedTemplate.of(created)

    def copy_template(self, template_id: int) -> SavedTemplate:
        with self._desk.writing() as session:
            return SavedTemplate.of(templates.copy_template(session, template_id=template_id))

    def delete_template(self, template_id: int) -> SavedTemplate:
        """Delete a template (messages sent with it keep their record); returns what it was."""
        with self._desk.writing() as session:
            return SavedTemplate.of(templates.delete_template(session, template_id=template_id))

    def restore_starters(self) -> int:
        """Put back deleted starter templates; returns how many."""
        with self._desk.writing() as session:
            return templates.restore_starter_templates(session)

    def merge_values(self, prospect_id: int, *, custom_text: str = "") -> dict[str, str]:
        """Every merge field's value for one prospect (for a live preview)."""
        desk = self._desk
        with desk.reading() as session:
            prospect = store.get_prospect(session, prospect_id)
            return templates.field_values(
                session, prospect, config=desk.config, user=desk.user, custom_text=custom_text
            )

    def render(
        self, template: TemplateText, prospect_id: int, *, custom_text: str = ""
    ) -> Rendered:
        """A template rendered for one prospect (TemplateCheckError when it is broken)."""
        desk = self._desk
        with desk.reading() as session:
            return templates.render_for_prospect(
                session,
                prospect_id=prospect_id,
                subject=template.subject,
                body=template.body,
                config=desk.config,
                user=desk.user,
                custom_text=custom_text,
            )

    def preview_prospects(self, limit: int = 200) -> list[tuple[int, str, str, Stage]]:
        """The prospects changed last (id, name, company, stage), to preview templates on."""
        with self._desk.reading() as session:
            return preview_prospects(session, limit=limit)

    # calls

    def call_start(self, prospect_id: int) -> CallStart:
        with self._desk.reading() as session:
            return call_start(session, prospect_id=prospect_id)

    def log_call(
        self,
        prospect_id: int,
        *,
        outcome: str,
        duration_seconds: int | None = None,
        notes: str = "",
        planned_call_id: int | None = None,
        next_call_at: datetime | None = None,
        next_call_note: str = "",
    ) -> CallLogResult:
        """Record a call (completing the planned one it answers) and, optionally, schedule
        the next call as the next action; :meth:`undo_call` reverses all of it."""
        desk = self._desk
        with desk.writing() as session:
            return log_call(
                session,
                prospect_id=prospect_id,
                outcome=outcome,
                by=desk.user,
                duration_seconds=duration_seconds,
                notes=notes,
                planned_call_id=planned_call_id,
                next_call_at=next_call_at,
                next_call_note=next_call_note,
            )

    def undo_call(self, result: CallLogResult) -> None:
        with self._desk.writing() as session:
            undo_call(session, result=result)

    # the calendar

    def export_calendar(
        self,
        path: Path,
        *,
        owner: str | None = None,
        days: int | None = None,
        cache: EventCache | None = None,
    ) -> int:
        """Write next actions and planned calls to an .ics file; returns how many events."""
        return calendar_export.export_calendar(
            self._desk.engine, path, owner=owner, days=days, cache=cache
        )

    def feed_options(self) -> FeedOptions:
        """Where the kept-up-to-date calendar file lives and what it holds."""
        with self._desk.reading() as session:
            return FeedOptions.load(session)

    def save_feed_options(self, options: FeedOptions) -> None:
        with self._desk.writing() as session:
            options.save(session)

    def write_feed(self, options: FeedOptions, *, cache: EventCache | None = None) -> int:
        """Rewrite the file ``options`` name (atomically); returns how many events."""
        return calendar_feed.write_feed(self._desk.engine, options, cache=cache)

    def refresh_feed(self, *, cache: EventCache | None = None) -> FeedWritten | None:
        """Rewrite the kept-up-to-date file if that option is on (None when it is off)."""
        return calendar_feed.refresh_feed(self._desk.engine, cache=cache)
