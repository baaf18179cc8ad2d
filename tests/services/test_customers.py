"""The customer services on a real database: one customer's details (the one assembly the
card and ``show`` use), purchases and survey answers with what undoes them, the list
paged and sorted in SQL, referral codes, links and rewards, and the nudge rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onboard_desk.domain.referral_codes import display_code
from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.errors import UserError
from onboard_desk.pipeline import Stage
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.services.customers import CustomerSort
from onboard_desk.services.desk import Desk
from onboard_desk.services.prospects import NotFoundError


def customer(desk: Desk, name: str, *, owner: str = "Ann", value: int | None = 100_000) -> int:
    """A prospect won in Payment: the win records the first purchase and issues a code."""
    fields = {"name": name, "owner": owner, "value_cents": value}
    prospect_id = desk.prospects.add(fields, stage=Stage.PAYMENT).id
    assert prospect_id is not None
    desk.prospects.move(prospect_id, Stage.WON)
    return prospect_id


def code_of(desk: Desk, prospect_id: int) -> str:
    code = desk.customers.details(prospect_id).code
    assert code is not None
    return code


@pytest.fixture
def ann(desk: Desk) -> int:
    desk.settings.set_user_name("Sam Seller")
    return customer(desk, "Ann Archer")


def test_the_details_of_a_customer(desk: Desk, ann: int) -> None:
    now = utcnow()
    desk.customers.record_purchase(ann, 20_000, purchased_at=now - timedelta(days=60))
    desk.customers.record_survey(ann, 9, comment="Great")
    details = desk.customers.details(ann, now=now)
    assert details.is_customer and not details.is_empty
    assert details.now == now
    assert details.code is not None and len(details.code) == 8
    assert [p.amount_cents for p in details.purchases] == [100_000, 20_000]  # newest first
    assert details.purchases[0].source == "win"
    assert details.cadence.interval_days == 60
    assert details.nudge is not None and details.nudge.text.startswith("Repeat purchase")
    assert details.latest_survey is not None and details.latest_survey.score == 9
    assert details.due_soon_days == RetentionConfig().due_soon_days
    assert (details.referred_by, details.referrer_name, details.referrals) == (None, "", [])
    assert details.engagement is None  # only when asked: it is the slow part
    scored = desk.customers.details(ann, now=now, with_engagement=True)
    assert scored.engagement == desk.customers.engagement(ann, now=now)
    assert scored.engagement is not None and scored.engagement > 0


def test_a_prospect_who_never_bought_has_empty_details(desk: Desk) -> None:
    open_id = desk.prospects.add({"name": "Olive Open"}).id
    assert open_id is not None
    details = desk.customers.details(open_id, with_engagement=True)
    assert details.is_empty and not details.is_customer
    assert details.engagement is None
    assert desk.customers.engagement(open_id) is None
    with pytest.raises(NotFoundError):
        desk.customers.details(999)


def test_a_former_customer_keeps_their_details(desk: Desk, ann: int) -> None:
    desk.prospects.move(ann, Stage.LOST, "Went elsewhere")
    details = desk.customers.details(ann)
    assert not details.is_customer and not details.is_empty
    assert details.code is not None and details.purchases


def test_record_a_purchase_and_undo_it(desk: Desk, ann: int) -> None:
    desk.prospects.set_next_action(ann, None, None)
    change = desk.customers.record_purchase(
        ann, 5_000, currency="eur", purchased_at=utcnow() - timedelta(days=30), note=" Refill "
    )
    bought = change.purchase
    assert (bought.amount_cents, bought.currency, bought.note) == (5_000, "EUR", "Refill")
    assert bought.by == "Sam Seller"  # the desk's user
    assert change.nudge.applied
    assert (desk.prospects.get(ann).next_action or "").startswith("Repeat purchase")
    desk.customers.undo_purchase(change)
    assert [p.id for p in desk.customers.details(ann).purchases] != [bought.id]
    assert bought.id not in [p.id for p in desk.customers.details(ann).purchases]
    assert desk.prospects.get(ann).next_action is None


def test_delete_a_purchase_and_restore_it_with_its_id(desk: Desk, ann: int) -> None:
    added = desk.customers.record_purchase(ann, 1_000, purchased_at=utcnow() - timedelta(days=9))
    deleted = desk.customers.delete_purchase(added.purchase.id)
    assert deleted.purchase == added.purchase
    assert len(desk.customers.details(ann).purchases) == 1
    desk.customers.restore_purchase(deleted)
    assert added.purchase.id in [p.id for p in desk.customers.details(ann).purchases]
    with pytest.raises(NotFoundError):
        desk.customers.delete_purchase(999)


def test_refused_writes_say_why_and_store_nothing(desk: Desk, ann: int) -> None:
    open_id = desk.prospects.add({"name": "Olive Open"}).id
    assert open_id is not None
    before = desk.customers.details(ann)
    cases = [
        (lambda: desk.customers.record_purchase(open_id, 5), "not a customer"),
        (
            lambda: desk.customers.record_purchase(ann, 5, purchased_at=utcnow() + timedelta(9)),
            "future",
        ),
        (lambda: desk.customers.record_purchase(ann, -5), "zero or more"),
        (lambda: desk.customers.record_purchase(ann, 5, currency="EU"), "three-letter"),
        (lambda: desk.customers.record_survey(ann, 11), "from 0 to 10"),
        (lambda: desk.customers.record_survey(ann, "good"), "not a score"),
        (lambda: desk.customers.record_survey(open_id, 9), "not a customer"),
    ]
    for attempt, message in cases:
        with pytest.raises(UserError, match=message):
            attempt()
    after = desk.customers.details(ann)
    assert (after.purchases, after.surveys) == (before.purchases, before.surveys)


def test_survey_answers_and_their_undo(desk: Desk, ann: int) -> None:
    answer = desk.customers.record_survey(ann, " 10 ", comment="Love it")  # typed text
    assert (answer.score, answer.comment, answer.by) == (10, "Love it", "Sam Seller")
    assert desk.customers.delete_survey(answer.id) == answer
    assert desk.customers.details(ann).surveys == []
    desk.customers.restore_survey(answer)
    assert desk.customers.details(ann).surveys == [answer]


def test_the_list_is_sorted_and_paged_in_sql(desk: Desk) -> None:
    names = ["Cleo", "Abe", "Dan", "Bea", "Eve"]
    for number, name in enumerate(names):
        customer(desk, name, owner="Robin" if number % 2 else "Jamie")
    desk.prospects.add({"name": "Olive Open"})
    everyone = desk.customers.rows()
    assert [r.name for r in everyone] == sorted(names)
    assert desk.customers.count() == 5 and desk.customers.count(owner="Robin") == 2
    now = utcnow()
    for sort in CustomerSort:
        for descending in (False, True):
            whole = desk.customers.rows(sort=sort, descending=descending, now=now)
            pages = [
                desk.customers.page(
                    sort=sort, descending=descending, offset=offset, limit=2, now=now
                ).rows
                for offset in (0, 2, 4)
            ]
            assert [r.prospect_id for page in pages for r in page] == [
                r.prospect_id for r in whole
            ], (sort, descending)
    robin = desk.customers.page(owner="Robin", sort="name", descending=True)
    assert [r.name for r in robin.rows] == ["Bea", "Abe"]
    assert desk.customers.rows(limit=1)[0].name == "Abe"
    with pytest.raises(UserError, match="Cannot sort customers by"):
        desk.customers.rows(sort="height")


def test_a_page_carries_the_due_soon_setting_as_stored_now(desk: Desk, ann: int) -> None:
    assert desk.customers.page().due_soon_days == 30
    desk.settings.save_retention(RetentionConfig(due_soon_days=45))
    page = desk.customers.page()
    assert page.due_soon_days == 45
    assert [r.prospect_id for r in page.rows] == [ann]


def test_codes_lookups_and_the_chain(desk: Desk, ann: int) -> None:
    code = code_of(desk, ann)
    holder = desk.customers.find_code(f" {code[:4].lower()}-{code[4:]} ")
    assert (holder.prospect_id, holder.name, holder.display) == (
        ann,
        "Ann Archer",
        display_code(code),
    )
    ben = desk.prospects.add({"name": "Ben"}, referral_code=code).id
    assert ben is not None
    for stage in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL, Stage.FINAL_CHECK_IN):
        desk.prospects.move(ben, stage)
    desk.prospects.move(ben, Stage.PAYMENT)
    desk.prospects.move(ben, Stage.WON)
    found = desk.customers.referral(code)
    assert found.holder.prospect_id == ann
    assert [r.referral.referred_id for r in found.referrals] == [ben]
    assert [r.referred_id for r in found.earned] == [ben]
    assert found.chain.depth == 0 and [m.prospect_id for m in found.chain.downline] == [ben]
    ben_details = desk.customers.details(ben)
    assert ben_details.referred_by is not None and ben_details.referrer_name == "Ann Archer"
    assert desk.customers.details(ann).referrals_won == 1
    assert desk.customers.referral(code_of(desk, ben)).chain.depth == 1
    with pytest.raises(UserError, match="not a referral code"):
        desk.customers.find_code("nope")
    with pytest.raises(NotFoundError, match="No customer has the referral code ABCD-EFGH"):
        desk.customers.referral("ABCD-EFGH")


def test_link_an_existing_prospect_and_redeem_the_rewards(desk: Desk, ann: int) -> None:
    code = code_of(desk, ann)
    desk.settings.save_retention(RetentionConfig(referral_credit_cents=2_500))
    cat = desk.prospects.add({"name": "Cat", "channel": "website"}, stage=Stage.PAYMENT).id
    assert cat is not None
    with pytest.raises(UserError, match="cannot refer themselves"):
        desk.customers.link_referral(ann, code)
    link = desk.customers.link_referral(cat, code)
    assert (link.referral.credit_cents, link.previous_channel) == (2_500, "website")
    assert desk.prospects.get(cat).channel == "referral"
    desk.customers.unlink_referral(link)
    assert desk.prospects.get(cat).channel == "website"
    assert desk.customers.details(cat).referred_by is None

    link = desk.customers.link_referral(cat, code)
    with pytest.raises(UserError, match="not been won yet"):
        desk.customers.set_reward_status(link.referral.id, credit_status="redeemed")
    desk.prospects.move(cat, Stage.WON)
    before = desk.customers.set_reward_status(
        link.referral.id, credit_status="redeemed", discount_status="used"
    )
    assert before == ("earned", "granted")
    came = desk.customers.details(cat).referred_by
    assert came is not None and (came.credit_status, came.discount_status) == ("redeemed", "used")
    desk.customers.set_reward_status(link.referral.id, credit_status=before[0])  # undo
    came = desk.customers.details(cat).referred_by
    assert came is not None and came.credit_status == "earned"


def test_new_nudge_rules_move_every_reminder(desk: Desk, ann: int) -> None:
    now = utcnow()
    desk.prospects.set_next_action(ann, None, None)
    desk.customers.record_purchase(ann, 1_000, purchased_at=now - timedelta(days=80))
    due = desk.prospects.get(ann).next_action_due
    assert due is not None
    assert desk.customers.refresh_nudges() == 0  # the stored rules: nothing moves
    assert desk.customers.refresh_nudges(RetentionConfig(nudge_fraction=0.5)) == 1
    moved = desk.prospects.get(ann).next_action_due
    assert moved is not None
    assert round((as_utc(due) - as_utc(moved)).total_seconds() / 86400) == 20  # 60 -> 40 days


def test_the_nudge_after_a_contact(desk: Desk, ann: int) -> None:
    # One purchase day: no cadence, so nothing is proposed (never Won's thank-you again).
    assert desk.prospects.proposal_after_contact(ann) is None
    now = utcnow()
    desk.customers.record_purchase(ann, 1_000, purchased_at=now - timedelta(days=120))
    plan = desk.prospects.proposal_after_contact(ann, now=now)
    assert plan is not None and plan.text.startswith("Repeat purchase expected around")
    # Every 120 days from today: the nudge at 75 % comes long after the contact cap.
    assert abs(plan.due - (now + timedelta(days=90))) < timedelta(days=1)
