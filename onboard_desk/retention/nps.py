"""Net Promoter Score (plain Python).

Customers answer "how likely are you to recommend us?" from 0 to 10. Promoters answer 9
or 10, passives 7 or 8, detractors 0 to 6. The NPS of a group is the percentage of
promoters minus the percentage of detractors among its respondents: from -100 (all
detractors) to +100 (all promoters); undefined (None) with no respondents. The team NPS
of a period counts each customer once, by their latest answer in the period
(:func:`onboard_desk.retention.surveys.team_nps` does that in SQL).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from onboard_desk.errors import UserError

MIN_SCORE, MAX_SCORE = 0, 10
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


class SurveyError(UserError, ValueError):
    """A survey answer that cannot be recorded; the message says why."""


class NpsCategory(enum.StrEnum):
    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


def check_score(score: object) -> int:
    """``score`` as a whole number from 0 to 10, or SurveyError."""
    if isinstance(score, bool) or not isinstance(score, int):
        try:
            number = int(str(score).strip())
        except ValueError:
            raise SurveyError(
                f"{score!r} is not a score; give a whole number from 0 to 10."
            ) from None
    else:
        number = score
    if not MIN_SCORE <= number <= MAX_SCORE:
        raise SurveyError(f"A score is from 0 to 10, not {number}.")
    return number


def category(score: int) -> NpsCategory:
    if score >= PROMOTER_MIN:
        return NpsCategory.PROMOTER
    if score <= DETRACTOR_MAX:
        return NpsCategory.DETRACTOR
    return NpsCategory.PASSIVE


@dataclass(frozen=True)
class NpsSummary:
    """Respondents by category and the NPS they give."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def respondents(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        """% promoters - % detractors (-100..100), None without respondents."""
        if not self.respondents:
            return None
        return 100 * (self.promoters - self.detractors) / self.respondents

    def __add__(self, other: NpsSummary) -> NpsSummary:
        """Two groups together (a team's databases): counts add, the score is recomputed."""
        return NpsSummary(
            self.promoters + other.promoters,
            self.passives + other.passives,
            self.detractors + other.detractors,
        )


def summarize(scores: Iterable[int]) -> NpsSummary:
    """The NPS of these scores, one per respondent."""
    counts = {c: 0 for c in NpsCategory}
    for score in scores:
        counts[category(check_score(score))] += 1
    return NpsSummary(
        counts[NpsCategory.PROMOTER], counts[NpsCategory.PASSIVE], counts[NpsCategory.DETRACTOR]
    )
