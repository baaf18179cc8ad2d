"""Satisfaction surveys: recording answers, each customer's latest score, and the team NPS.

The NPS rules are in :mod:`.nps`; the team NPS of a period is one SQL statement
(:func:`onboard_desk.retention.sql.team_nps_sql`), shared with the report. Every write
returns what undoes it and leaves committing to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.retention.common import past_moment, require_customer
from onboard_desk.retention.nps import (
    NpsCategory,
    NpsSummary,
    category,
    check_score,
)
from onboard_desk.retention.sql import team_nps_sql
from onboard_desk.storage.dialects.sqlite_text import timestamp_param
from onboard_desk.storage.models import SurveyAnswer
from onboard_desk.storage.store import NotFoundError, ValidationError

COMMENT_LIMIT = 2000
#: The bounds of "all time" (stored as text that compares correctly with stored times).
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class SurveyInfo:
    """A stored survey answer as values."""

    id: int
    prospect_id: int
    score: int
    comment: str
    answered_at: datetime
    by: str

    @property
    def category(self) -> NpsCategory:
        return category(self.score)

    @classmethod
    def of(cls, row: SurveyAnswer) -> SurveyInfo:
        assert row.id is not None
        return cls(row.id, row.prospect_id, row.score, row.comment, as_utc(row.answered_at), row.by)


def record_survey(
    session: Session,
    *,
    prospect_id: int,
    score: int | str,
    by: str,
    comment: str = "",
    answered_at: datetime | None = None,
    now: datetime | None = None,
) -> SurveyInfo:
    """Record a customer's answer (0-10, or the text of one as typed; an optional comment);
    :func:`delete_survey` undoes it."""
    now = now or utcnow()
    prospect = require_customer(session, prospect_id)
    value = check_score(score)
    moment = past_moment(answered_at, now, "A survey answer")
    remark = comment.strip()
    if len(remark) > COMMENT_LIMIT:
        raise ValidationError(f"A survey comment can be at most {COMMENT_LIMIT} characters.")
    row = SurveyAnswer(
        prospect_id=prospect_id, score=value, comment=remark, answered_at=moment, by=by
    )
    session.add(row)
    prospect.updated_at = now
    session.add(prospect)
    session.flush()
    return SurveyInfo.of(row)


def delete_survey(session: Session, *, survey_id: int) -> SurveyInfo:
    """Remove an answer; returns it for :func:`restore_survey`."""
    row = session.get(SurveyAnswer, survey_id)
    if row is None:
        raise NotFoundError(f"There is no survey answer with id {survey_id}.")
    info = SurveyInfo.of(row)
    session.delete(row)
    session.flush()
    return info


def restore_survey(session: Session, *, survey: SurveyInfo) -> None:
    """Put a removed answer back with its id, author and time."""
    session.add(SurveyAnswer(**vars(survey)))
    session.flush()


def surveys_of(session: Session, prospect_id: int) -> list[SurveyInfo]:
    """A prospect's answers, newest first."""
    rows = session.exec(
        select(SurveyAnswer)
        .where(SurveyAnswer.prospect_id == prospect_id)
        .order_by(col(SurveyAnswer.answered_at).desc(), col(SurveyAnswer.id).desc())
    )
    return [SurveyInfo.of(row) for row in rows]


def latest_survey(session: Session, prospect_id: int) -> SurveyInfo | None:
    """The customer's latest answer (the one their NPS category comes from), or None."""
    row = session.exec(
        select(SurveyAnswer)
        .where(SurveyAnswer.prospect_id == prospect_id)
        .order_by(col(SurveyAnswer.answered_at).desc(), col(SurveyAnswer.id).desc())
        .limit(1)
    ).first()
    return SurveyInfo.of(row) if row is not None else None


def team_nps(
    session: Session,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    owner: str | None = None,
) -> NpsSummary:
    """The NPS of the answers given in [``start``, ``end``) (default: all of them), each
    customer counted once by their latest answer in the period; with ``owner``, only that
    salesperson's customers."""
    params: dict[str, object] = {
        "start": timestamp_param(as_utc(start) if start else EARLIEST),
        "end": timestamp_param(as_utc(end) if end else LATEST),
    }
    if owner is not None:
        params["owner"] = owner
    row = session.execute(text(team_nps_sql(owner=owner is not None)), params).one()
    return NpsSummary(int(row[0]), int(row[1]), int(row[2]))
