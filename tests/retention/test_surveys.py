"""Survey answers, the latest score and the team NPS of a period (SQL)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from onboard_desk.retention import surveys
from onboard_desk.retention.common import NotACustomerError
from onboard_desk.retention.nps import NpsCategory, SurveyError
from onboard_desk.storage.store import NotFoundError, ValidationError
from tests.retention.conftest import customer, day, prospect


def _answer(session: Session, pid: int, score: int, d: float, comment: str = ""):
    return surveys.record_survey(
        session, prospect_id=pid, score=score, by="Ann", comment=comment, answered_at=day(d),
        now=day(100),
    )  # fmt: skip


def test_record_and_latest(session: Session) -> None:
    pid = customer(session, "Ann", won=0)
    assert surveys.latest_survey(session, pid) is None
    _answer(session, pid, 6, 10, "Slow support")
    latest = _answer(session, pid, 9, 20, "  Much better  ")
    assert latest.comment == "Much better" and latest.category is NpsCategory.PROMOTER
    assert surveys.latest_survey(session, pid) == latest
    assert [s.score for s in surveys.surveys_of(session, pid)] == [9, 6]
    removed = surveys.delete_survey(session, survey_id=latest.id)
    assert surveys.latest_survey(session, pid).score == 6  # type: ignore[union-attr]
    surveys.restore_survey(session, survey=removed)
    assert surveys.latest_survey(session, pid) == latest


def test_bad_answers_are_refused(session: Session) -> None:
    pid = customer(session, "Ann", won=0)
    with pytest.raises(SurveyError):
        _answer(session, pid, 11, 1)
    with pytest.raises(NotACustomerError):
        _answer(session, prospect(session, "Open"), 8, 1)
    with pytest.raises(ValidationError, match="future"):
        _answer(session, pid, 8, 150)
    with pytest.raises(ValidationError, match="2000"):
        _answer(session, pid, 8, 1, "x" * 2001)
    with pytest.raises(NotFoundError):
        surveys.delete_survey(session, survey_id=77)


def test_team_nps_counts_each_customer_once_by_their_latest_answer_in_the_period(
    session: Session,
) -> None:
    """A: 3 then 10 (promoter in the period, detractor before it); B: 9 then 5 (detractor);
    C: 7 (passive); D: 10 only after the period; E: 0 only before it.
    In days 10-30: A 10, B 5, C 7 -> 1 promoter, 1 passive, 1 detractor -> NPS 0."""
    a, b, c, d, e = (customer(session, n, won=0) for n in "ABCDE")
    _answer(session, a, 3, 5)
    _answer(session, a, 10, 12)
    _answer(session, b, 9, 11)
    _answer(session, b, 5, 29)
    _answer(session, c, 7, 20)
    _answer(session, d, 10, 30)  # the end is excluded
    _answer(session, e, 0, 9)
    period = surveys.team_nps(session, start=day(10), end=day(30))
    assert (period.promoters, period.passives, period.detractors) == (1, 1, 1)
    assert period.respondents == 3 and period.score == 0
    every = surveys.team_nps(session)
    # Latest of all: A 10, B 5, C 7, D 10, E 0 -> 2 promoters, 1 passive, 2 detractors.
    assert (every.promoters, every.passives, every.detractors) == (2, 1, 2)
    assert every.score == 0
    early = surveys.team_nps(session, end=day(10))
    assert (early.respondents, early.score) == (2, -100)
    assert surveys.team_nps(session, start=day(40)).score is None


def test_team_nps_of_one_owner(session: Session) -> None:
    mine = customer(session, "Mine", won=0, owner="Ann")
    theirs = customer(session, "Theirs", won=0, owner="Bob")
    _answer(session, mine, 10, 1)
    _answer(session, theirs, 2, 1)
    assert surveys.team_nps(session, owner="Ann").score == 100
    assert surveys.team_nps(session, owner="Bob").score == -100
    assert surveys.team_nps(session).score == 0
