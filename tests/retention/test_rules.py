"""The plain rules: cadence and nudge, contact cap, NPS, referral codes, settings."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from onboard_desk.domain import referral_codes as codes
from onboard_desk.retention import cadence, nps
from onboard_desk.retention.config import RetentionConfig, RetentionConfigError, config_from_setting

T = datetime(2026, 1, 1, 10, tzinfo=UTC)


def at(days: float) -> datetime:
    return T + timedelta(days=days)


# --- Cadence ---------------------------------------------------------------------------------


def test_no_cadence_from_no_or_one_purchase() -> None:
    empty = cadence.cadence_from([], fraction=0.75)
    assert (empty.purchases, empty.last_purchase, empty.interval_days) == (0, None, None)
    one = cadence.cadence_from([at(0)], fraction=0.75)
    assert one.purchases == 1 and one.last_purchase == at(0)
    assert one.interval_days is None and one.expected_next is None and one.nudge_at is None
    assert not one.known
    assert cadence.plan_nudge(one, last_contact=None, cap_days=14) is None


def test_same_day_purchases_are_one_occasion() -> None:
    """Two purchases on one day give no interval of zero days: still one purchase day."""
    same = cadence.cadence_from([at(0), at(0.3)], fraction=0.75)
    assert (same.purchases, same.purchase_days, same.interval_days) == (2, 1, None)
    later = cadence.cadence_from([at(0), at(0.3), at(30)], fraction=0.75)
    assert later.interval_days == 30


def test_every_four_months_means_a_nudge_at_about_three() -> None:
    moments = [at(0), at(120), at(240)]
    result = cadence.cadence_from(reversed(moments), fraction=0.75)
    assert result.interval_days == 120
    assert result.last_purchase == at(240)
    assert result.expected_next == at(360)
    assert result.nudge_at == at(330)  # three months after the last purchase


def test_irregular_gaps_use_the_median() -> None:
    # Gaps 30, 90, 35 -> median 35 (one late order moves it little).
    odd = cadence.cadence_from([at(0), at(30), at(120), at(155)], fraction=0.5)
    assert odd.interval_days == 35
    assert odd.nudge_at == at(155 + 17.5)
    # Gaps 10, 20, 40, 400 -> the mean of the middle two: 30.
    even = cadence.cadence_from([at(0), at(10), at(30), at(70), at(470)], fraction=0.75)
    assert even.interval_days == 30
    assert even.expected_next == at(500)


def test_gaps_are_counted_in_calendar_days() -> None:
    """23:00 and the next day's 01:00 are one day apart (UTC days), not two hours."""
    late = datetime(2026, 5, 1, 23, tzinfo=UTC)
    result = cadence.cadence_from([late, late + timedelta(hours=2)], fraction=1)
    assert result.interval_days == 1
    assert result.expected_next == late + timedelta(hours=2, days=1)


def test_median() -> None:
    assert cadence.median([3]) == 3
    assert cadence.median([4, 1, 2]) == 2
    assert cadence.median([4, 1, 2, 10]) == 3
    with pytest.raises(ValueError):
        cadence.median([])


def test_contact_cap_moves_the_nudge_and_never_drops_it() -> None:
    result = cadence.cadence_from([at(0), at(100)], fraction=0.75)  # nudge at day 175
    free = cadence.plan_nudge(result, last_contact=None, cap_days=14)
    assert free is not None and free.due == at(175) and not free.capped
    old = cadence.plan_nudge(result, last_contact=at(150), cap_days=14)
    assert old is not None and old.due == at(175) and not old.capped
    recent = cadence.plan_nudge(result, last_contact=at(170), cap_days=14)
    assert recent is not None and recent.due == at(184) and recent.capped
    assert recent.expected_next == at(200)
    # The boundary: a contact exactly N days before the nudge leaves it where it is.
    edge = cadence.plan_nudge(result, last_contact=at(161), cap_days=14)
    assert edge is not None and edge.due == at(175) and not edge.capped
    assert cadence.next_contact_allowed(None, 14) is None
    assert cadence.next_contact_allowed(at(1), 14) == at(15)


def test_nudge_text_is_recognised_and_only_replaces_nudges() -> None:
    text = cadence.nudge_text(at(200))
    assert text.startswith(cadence.NUDGE_PREFIX) and cadence.is_nudge(text)
    assert cadence.may_replace(None) and cadence.may_replace("") and cadence.may_replace(text)
    assert not cadence.may_replace("Send a thank-you follow-up")
    assert not cadence.is_nudge("Call about the repeat purchase")


# --- NPS -------------------------------------------------------------------------------------


def test_nps_categories_at_their_boundaries() -> None:
    assert [nps.category(s) for s in (0, 6, 7, 8, 9, 10)] == [
        nps.NpsCategory.DETRACTOR,
        nps.NpsCategory.DETRACTOR,
        nps.NpsCategory.PASSIVE,
        nps.NpsCategory.PASSIVE,
        nps.NpsCategory.PROMOTER,
        nps.NpsCategory.PROMOTER,
    ]


def test_nps_math() -> None:
    assert nps.summarize([]).score is None
    assert nps.summarize([]).respondents == 0
    assert nps.summarize([10, 10]).score == 100
    assert nps.summarize([0, 6]).score == -100
    assert nps.summarize([7, 8]).score == 0
    summary = nps.summarize([10, 9, 8, 7, 6, 0, 9])  # 3 promoters, 2 passives, 2 detractors
    assert (summary.promoters, summary.passives, summary.detractors) == (3, 2, 2)
    assert summary.score == pytest.approx(100 * (3 - 2) / 7)
    both = nps.summarize([10]) + nps.summarize([0, 0, 8])
    assert both.respondents == 4
    assert both.score == pytest.approx(-25.0)


@pytest.mark.parametrize("bad", [-1, 11, "ten", "7.5", True, None])
def test_scores_outside_0_to_10_are_refused(bad: object) -> None:
    with pytest.raises(nps.SurveyError):
        nps.check_score(bad)


def test_scores_given_as_text() -> None:
    assert nps.check_score(" 9 ") == 9
    assert nps.check_score(0) == 0


# --- Referral codes --------------------------------------------------------------------------


def test_codes_are_readable_and_unique() -> None:
    rng = random.Random(3)
    taken: set[str] = set()
    for _ in range(2000):
        code = codes.unique_code(taken, rng)
        assert code not in taken
        taken.add(code)
        assert len(code) == codes.CODE_LENGTH and set(code) <= set(codes.ALPHABET)
    assert not set("01ILO") & set(codes.ALPHABET)


def test_a_taken_code_is_drawn_again() -> None:
    first = codes.new_code(random.Random(5).choice)
    again = codes.unique_code({first}, random.Random(5))
    assert again != first


def test_typed_codes_are_read_leniently() -> None:
    assert codes.normalize_code(" abcd-efgh ") == "ABCDEFGH"
    assert codes.normalize_code("ABCD EFGH") == "ABCDEFGH"
    assert codes.display_code("ABCDEFGH") == "ABCD-EFGH"
    for bad in ("", "ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGI"):
        with pytest.raises(codes.ReferralCodeError):
            codes.normalize_code(bad)


# --- Settings --------------------------------------------------------------------------------


def test_settings_defaults_and_checks() -> None:
    config = RetentionConfig()
    assert (config.nudge_fraction, config.contact_cap_days) == (0.75, 14)
    assert config.check() is config
    for bad in (
        RetentionConfig(nudge_fraction=0),
        RetentionConfig(nudge_fraction=1.5),
        RetentionConfig(contact_cap_days=-1),
        RetentionConfig(referral_credit_cents=-5),
        RetentionConfig(friend_discount_percent=101),
        RetentionConfig(due_soon_days=0),
    ):
        with pytest.raises(RetentionConfigError):
            bad.check()


def test_settings_from_stored_values() -> None:
    assert config_from_setting(None) == RetentionConfig()
    stored = config_from_setting({"nudge_fraction": 0.5, "contact_cap_days": 30, "x": 1})
    assert (stored.nudge_fraction, stored.contact_cap_days) == (0.5, 30)
    assert config_from_setting({"contact_cap_days": "often"}).contact_cap_days == 14
    assert config_from_setting({"nudge_fraction": 7}) == RetentionConfig()  # out of range
