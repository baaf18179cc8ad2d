"""Preparing, sending and recording messages to prospects, one or many.

The order matters for "nothing is marked sent that was not": a message is recorded on the
timeline (an email activity) only after the server accepted it. Sending never holds the
database write lock, so a long bulk send does not block the window's own writes.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.errors import UserError
from onboard_desk.mail.message import Draft, build_message
from onboard_desk.mail.secrets import read_password
from onboard_desk.mail.settings import MailSettings
from onboard_desk.mail.smtp import MailError, SmtpConnection
from onboard_desk.pipeline import (
    NextActionProposal,
    PipelineConfig,
    Stage,
)
from onboard_desk.retention.config import load_retention_config
from onboard_desk.retention.proposals import after_contact
from onboard_desk.storage import store
from onboard_desk.storage.db import session_scope
from onboard_desk.storage.models import EmailTemplate, Prospect
from onboard_desk.storage.next_actions import NextActionState, chosen_recently
from onboard_desk.templates import render_for_prospect

log = logging.getLogger(__name__)


class DoNotContactError(UserError):
    """The prospect asked not to be contacted."""


class NoAddressError(UserError):
    """The prospect has no email address."""


class NotRecordedError(UserError):
    """The message was sent, but writing it to the timeline failed (say so: it did go)."""


@dataclass(frozen=True)
class TemplateText:
    """A template's source, saved or still being edited."""

    name: str
    subject: str
    body: str

    @classmethod
    def of(cls, template: EmailTemplate) -> TemplateText:
        return cls(template.name, template.subject, template.body)


def check_reachable(prospect: Prospect) -> None:
    """Raise if the prospect must not or cannot get an email."""
    if prospect.do_not_contact:
        raise DoNotContactError(f"{prospect.name} is marked do-not-contact.")
    if not prospect.email.strip():
        raise NoAddressError(f"{prospect.name} has no email address.")


def prepare_draft(
    session: Session,
    *,
    prospect_id: int,
    template: TemplateText,
    config: PipelineConfig,
    user: str,
    custom_text: str = "",
) -> Draft:
    """The rendered message for one prospect; raises UserError when it cannot be sent."""
    prospect = store.get_prospect(session, prospect_id)
    check_reachable(prospect)
    rendered = render_for_prospect(
        session,
        prospect_id=prospect_id,
        subject=template.subject,
        body=template.body,
        config=config,
        user=user,
        custom_text=custom_text,
    )
    return Draft(
        prospect_id=prospect_id,
        to_name=prospect.name,
        to_address=prospect.email,
        subject=rendered.subject,
        body=rendered.body,
        template_name=template.name,
    )


def proposed_next_action(
    session: Session, *, prospect_id: int, config: PipelineConfig, now: datetime | None = None
) -> NextActionProposal | None:
    """The next action to propose once a message went out: the stage's next step for a
    prospect, a customer's own (:func:`onboard_desk.retention.proposals.after_contact`)."""
    return after_contact(
        session,
        prospect_id=prospect_id,
        config=config,
        retention=load_retention_config(session),
        now=now,
    )


@dataclass(frozen=True)
class SentRecord:
    """What recording a sent message wrote, enough to show it and to undo it.

    ``offered`` is the proposal that was not applied because the salesperson had chosen
    the next action moments before (see :func:`record_sent_message`)."""

    prospect_id: int
    activity_id: int
    next_action: NextActionProposal | None
    previous_next_action: NextActionState
    offered: NextActionProposal | None = None


def record_sent(
    session: Session,
    *,
    draft: Draft,
    by: str,
    next_action: NextActionProposal | None,
    sent_at: datetime | None = None,
    offered: NextActionProposal | None = None,
) -> SentRecord:
    """Log a sent message on the timeline and set the proposed next action (if any)."""
    sent_at = sent_at or utcnow()
    activity = store.log_activity(
        session,
        prospect_id=draft.prospect_id,
        kind="email",
        by=by,
        subject=draft.subject[:500],
        template=draft.template_name[:120],
        text=draft.body,
        outcome="sent",
        occurred_at=sent_at,
    )
    prospect = store.get_prospect(session, draft.prospect_id)
    previous = NextActionState.of(prospect)
    if next_action is not None:
        store.set_next_action(
            session, prospect_id=draft.prospect_id, action=next_action.text, due=next_action.due
        )
    assert activity.id is not None
    return SentRecord(draft.prospect_id, activity.id, next_action, previous, offered)


def kept_message(record: SentRecord) -> str:
    """What to tell the salesperson when a sent message did not replace their next action
    ("" when the proposal was applied or there was none)."""
    if record.offered is None:
        return ""
    kept = record.previous_next_action.action or "the next action"
    return f"kept “{kept}”, chosen minutes ago; the stage proposes “{record.offered.text}”"


def record_sent_message(
    session: Session,
    *,
    draft: Draft,
    by: str,
    config: PipelineConfig,
    propose_next: bool = True,
    replace_chosen: bool = False,
    sent_at: datetime | None = None,
) -> SentRecord:
    """Record a message that went out (over SMTP or from the user's mail program) with the
    next action its prospect's stage proposes, unless ``propose_next`` is off.

    A next action the salesperson chose a few minutes ago (a call they just scheduled) is
    kept, and the proposal only offered (``SentRecord.offered``), unless
    ``replace_chosen`` says they asked for it to be replaced.

    The one home of what sending means for the timeline, whichever way the message left.
    """
    proposal = (
        proposed_next_action(session, prospect_id=draft.prospect_id, config=config)
        if propose_next
        else None
    )
    offered = None
    prospect = store.get_prospect(session, draft.prospect_id)
    if proposal is not None and not replace_chosen and chosen_recently(prospect, utcnow()):
        offered, proposal = proposal, None
    return record_sent(
        session, draft=draft, by=by, next_action=proposal, sent_at=sent_at, offered=offered
    )


def open_connection(
    settings: MailSettings, *, ssl_context: ssl.SSLContext | None = None
) -> SmtpConnection:
    """An SMTP connection with the password from the keyring (only when a user is set)."""
    password = read_password(settings.keyring_user) if settings.needs_password else None
    return SmtpConnection(settings, password, ssl_context=ssl_context)


def send_draft(
    engine: Engine,
    *,
    draft: Draft,
    settings: MailSettings,
    by: str,
    config: PipelineConfig,
    propose_next: bool = True,
    replace_chosen: bool = False,
    connection: SmtpConnection | None = None,
    write_lock: AbstractContextManager[object] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> SentRecord:
    """Send one message over SMTP, then record it; nothing is recorded if sending failed."""
    message = build_message(
        draft, from_name=settings.from_name or by, from_address=settings.from_address
    )
    own = connection is None
    conn = connection or open_connection(settings, ssl_context=ssl_context)
    try:
        conn.send(message)
    finally:
        if own:
            conn.close()
    log.info("Sent %r to prospect #%s", draft.subject, draft.prospect_id)
    lock: AbstractContextManager[object] = write_lock or nullcontext()
    try:
        with lock, session_scope(engine) as session:
            return record_sent_message(
                session,
                draft=draft,
                by=by,
                config=config,
                propose_next=propose_next,
                replace_chosen=replace_chosen,
            )
    except Exception as exc:
        log.exception("Sent to prospect #%s but could not record it", draft.prospect_id)
        raise NotRecordedError(
            f"The message to {draft.to_address} was sent, but it could not be put on the "
            f"timeline ({exc}). Log it by hand so the history stays complete."
        ) from exc


def stage_recipients(
    session: Session,
    *,
    stage: Stage,
    owner: str | None = None,
    due_before: datetime | None = None,
) -> list[int]:
    """A stage's prospects by name, for a send to a whole stage: only ``owner``'s, and only
    those whose next action falls due before ``due_before``, when given."""
    statement = select(Prospect.id).where(col(Prospect.stage) == stage.value)
    if owner:
        statement = statement.where(col(Prospect.owner) == owner)
    if due_before is not None:
        statement = statement.where(col(Prospect.next_action_due) < as_utc(due_before))
    rows = session.exec(statement.order_by(col(Prospect.name)))
    return [prospect_id for prospect_id in rows if prospect_id is not None]


@dataclass(frozen=True)
class BulkItem:
    """One row of the list a user reviews before a bulk send."""

    prospect_id: int
    name: str
    address: str
    draft: Draft | None
    skip_reason: str = ""


def plan_bulk(
    session: Session,
    *,
    prospect_ids: Iterable[int],
    template: TemplateText,
    config: PipelineConfig,
    user: str,
    custom_text: str = "",
) -> list[BulkItem]:
    """Render the template for each prospect; do-not-contact and unsendable ones are skipped."""
    items = []
    for prospect_id in prospect_ids:
        try:
            prospect = store.get_prospect(session, prospect_id)
        except UserError as exc:
            items.append(BulkItem(prospect_id, "", "", None, str(exc)))
            continue
        try:
            draft = prepare_draft(
                session,
                prospect_id=prospect_id,
                template=template,
                config=config,
                user=user,
                custom_text=custom_text,
            )
        except DoNotContactError:
            items.append(
                BulkItem(prospect_id, prospect.name, prospect.email, None, "do not contact")
            )
        except UserError as exc:
            items.append(BulkItem(prospect_id, prospect.name, prospect.email, None, str(exc)))
        else:
            items.append(BulkItem(prospect_id, prospect.name, prospect.email, draft))
    return items


@dataclass(frozen=True)
class SendResult:
    """What happened to one recipient of a bulk send."""

    prospect_id: int
    name: str
    address: str
    status: str  # sent | skipped | failed | not sent
    message: str = ""
    activity_id: int | None = None


def run_bulk(
    engine: Engine,
    *,
    items: Sequence[BulkItem],
    settings: MailSettings,
    by: str,
    config: PipelineConfig,
    pause_seconds: float | None = None,
    propose_next: bool = True,
    replace_chosen: bool = False,
    cancel: threading.Event | None = None,
    on_result: Callable[[SendResult], None] | None = None,
    write_lock: AbstractContextManager[object] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> list[SendResult]:
    """Send the reviewed items one by one over one connection, pausing between messages.

    A refused recipient does not stop the run; a failure that would repeat for everyone
    (server unreachable, login refused, TLS) stops it and marks the rest "not sent". A
    next action chosen minutes before is kept (the result says so) unless
    ``replace_chosen``.
    """
    pause = settings.bulk_pause_seconds if pause_seconds is None else pause_seconds
    cancel = cancel or threading.Event()
    results: list[SendResult] = []

    def emit(result: SendResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    connection: SmtpConnection | None = None
    stop_reason = ""
    attempted = False
    try:
        for item in items:
            if item.draft is None:
                emit(
                    SendResult(
                        item.prospect_id, item.name, item.address, "skipped", item.skip_reason
                    )
                )
                continue
            if stop_reason or cancel.is_set():
                emit(
                    SendResult(
                        item.prospect_id,
                        item.name,
                        item.address,
                        "not sent",
                        stop_reason or "cancelled",
                    )
                )
                continue
            if attempted and pause > 0 and cancel.wait(pause):
                emit(SendResult(item.prospect_id, item.name, item.address, "not sent", "cancelled"))
                continue
            if connection is None:
                try:
                    connection = open_connection(settings, ssl_context=ssl_context)
                    connection.open()
                except UserError as exc:  # server, TLS, login or keyring: same for everyone
                    connection = None
                    emit(SendResult(item.prospect_id, item.name, item.address, "failed", str(exc)))
                    stop_reason = f"stopped: {exc}"
                    continue
            attempted = True
            try:
                record = send_draft(
                    engine,
                    draft=item.draft,
                    settings=settings,
                    by=by,
                    config=config,
                    propose_next=propose_next,
                    replace_chosen=replace_chosen,
                    connection=connection,
                    write_lock=write_lock,
                )
            except MailError as exc:
                emit(SendResult(item.prospect_id, item.name, item.address, "failed", str(exc)))
                if exc.fatal:
                    stop_reason = f"stopped: {exc}"
                continue
            except NotRecordedError as exc:
                emit(SendResult(item.prospect_id, item.name, item.address, "sent", str(exc)))
                continue
            except UserError as exc:
                emit(SendResult(item.prospect_id, item.name, item.address, "failed", str(exc)))
                continue
            emit(
                SendResult(
                    item.prospect_id,
                    item.name,
                    item.address,
                    "sent",
                    kept_message(record),
                    record.activity_id,
                )
            )
    finally:
        if connection is not None:
            connection.close()
    return results
