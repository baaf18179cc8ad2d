"""Referral codes and links, rewards on a win (and back on its undo), chains, viral coefficient."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from onboard_desk.domain.referral_codes import ReferralCodeError
from onboard_desk.pipeline import Stage
from onboard_desk.retention import referrals
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import settings_store, store
from onboard_desk.storage.models import Prospect, ReferralCode
from onboard_desk.storage.store import NotFoundError
from tests.retention.conftest import customer, day, prospect, win

CONFIG = RetentionConfig(referral_credit_cents=2_500, friend_discount_percent=15)


def _referred(session: Session, name: str, code: str, at: float = 1, **kw: object) -> int:
    created = prospect_ops.create_prospect(
        session,
        fields={"name": name, "value_cents": 50_000, "owner": "Ann", **kw},
        by="Ann",
        stage=Stage.PAYMENT,
        now=day(at),
        referral_code=code,
        retention=CONFIG,
    )
    assert created.id is not None
    return created.id


def _code(session: Session, pid: int) -> str:
    code = referrals.code_of(session, pid)
    assert code is not None
    return code


def test_every_customer_gets_one_stable_unique_code(session: Session) -> None:
    ids = [customer(session, f"C{n}", won=n) for n in range(30)]
    codes = [_code(session, pid) for pid in ids]
    assert len(set(codes)) == 30
    # Moved back and won again: the same code.
    prospect_ops.move_prospect(
        session, prospect_id=ids[0], target=Stage.PAYMENT, by="Ann", now=day(40)
    )
    win(session, ids[0], at=41)
    assert _code(session, ids[0]) == codes[0]
    # Undoing the first win of a new customer keeps the code too (it may be handed out).
    pid = prospect(session, "Late", at=50)
    result = win(session, pid, at=51)
    code = _code(session, pid)
    prospect_ops.revert_move(session, result=result)
    assert referrals.code_of(session, pid) == code
    assert referrals.find_code(session, code.lower()).prospect_id == pid


def test_open_prospects_have_no_code_and_created_customers_get_one(session: Session) -> None:
    assert referrals.code_of(session, prospect(session, "Open")) is None
    direct = prospect(session, "Direct", stage=Stage.WON)
    assert referrals.code_of(session, direct) is not None


def test_issue_missing_codes(session: Session) -> None:
    ids = [customer(session, f"C{n}", won=0) for n in range(3)]
    for row in session.exec(select(ReferralCode).where(ReferralCode.prospect_id != ids[1])):
        session.delete(row)
    session.flush()
    kept = _code(session, ids[1])
    assert referrals.issue_missing_codes(session) == 2
    assert referrals.issue_missing_codes(session) == 0
    assert _code(session, ids[1]) == kept
    assert len({_code(session, pid) for pid in ids}) == 3


def test_a_referred_prospect_is_linked_with_its_rewards(session: Session) -> None:
    settings_store.set_setting(session, settings_store.DEFAULT_CURRENCY, "EUR")
    ann = customer(session, "Ann", won=0)
    code = _code(session, ann)
    ben = _referred(session, "Ben", f" {code[:4].lower()}-{code[4:]} ", channel="cold_email")
    referral = referrals.referral_of(session, ben)
    assert referral is not None
    assert (referral.referrer_id, referral.code, referral.converted) == (ann, code, False)
    assert (referral.credit_cents, referral.credit_currency, referral.credit_status) == (
        2_500,
        "EUR",
        "pending",
    )
    assert (referral.discount_percent, referral.discount_status) == (15, "pending")
    assert store.get_prospect(session, ben).channel == "referral"
    assert [r.name for r in referrals.referrals_by(session, ann)] == ["Ben"]


def test_unknown_or_malformed_codes_write_nothing(session: Session) -> None:
    customer(session, "Ann", won=0)
    before = len(session.exec(select(Prospect)).all())
    with pytest.raises(NotFoundError, match="No customer has the referral code"):
        _referred(session, "Ben", "ABCD-EFGH")
    with pytest.raises(ReferralCodeError):
        _referred(session, "Ben", "hello")
    assert len(session.exec(select(Prospect)).all()) == before


def test_link_rules(session: Session) -> None:
    ann = customer(session, "Ann", won=0)
    ben = _referred(session, "Ben", _code(session, ann))
    win(session, ben, at=2)
    cat = _referred(session, "Cat", _code(session, ben), at=3)
    with pytest.raises(referrals.ReferralError, match="themselves"):
        referrals.link_referral(session, referred_id=ann, code=_code(session, ann), config=CONFIG)
    with pytest.raises(referrals.ReferralError, match="already referred"):
        referrals.link_referral(session, referred_id=cat, code=_code(session, ann), config=CONFIG)
    with pytest.raises(referrals.ReferralError, match="customer already"):
        other = customer(session, "Dan", won=4)
        referrals.link_referral(session, referred_id=other, code=_code(session, ann), config=CONFIG)
    # Ann was referred by nobody yet; Ben's code would make a circle (Ben came through Ann).
    prospect_ops.move_prospect(session, prospect_id=ann, target=Stage.PAYMENT, by="Ann", now=day(5))
    with pytest.raises(referrals.ReferralError, match="circle"):
        referrals.link_referral(session, referred_id=ann, code=_code(session, ben), config=CONFIG)


def test_unlink_restores_the_channel(session: Session) -> None:
    ann = customer(session, "Ann", won=0)
    ben = prospect(session, "Ben", at=1, channel="website")
    link = referrals.link_referral(
        session, referred_id=ben, code=_code(session, ann), config=CONFIG
    )
    referrals.unlink_referral(session, link=link)
    assert referrals.referral_of(session, ben) is None
    assert store.get_prospect(session, ben).channel == "website"


def test_a_win_earns_the_credit_and_grants_the_discount_and_undo_takes_them_back(
    session: Session,
) -> None:
    ann = customer(session, "Ann", won=0)
    ben = _referred(session, "Ben", _code(session, ann))
    result = win(session, ben, at=10)
    referral = referrals.referral_of(session, ben)
    assert referral is not None and referral.converted and referral.converted_at == day(10)
    assert (referral.credit_status, referral.discount_status) == ("earned", "granted")
    assert referral.win_change_id == result.change_id
    with pytest.raises(referrals.ReferralError, match="undo the win first"):
        referrals.unlink_referral(
            session, link=referrals.ReferralLink(referral, previous_channel="other")
        )

    prospect_ops.revert_move(session, result=result)
    back = referrals.referral_of(session, ben)
    assert back is not None and not back.converted
    assert (back.credit_status, back.discount_status, back.win_change_id) == (
        "pending",
        "pending",
        None,
    )
    # Won again later: converted by that win. Moving away and back does not convert twice.
    again = win(session, ben, at=12)
    prospect_ops.move_prospect(
        session, prospect_id=ben, target=Stage.PAYMENT, by="Ann", now=day(13)
    )
    win(session, ben, at=14)
    final = referrals.referral_of(session, ben)
    assert final is not None and final.win_change_id == again.change_id
    assert final.converted_at == day(12)


def test_reward_statuses(session: Session) -> None:
    ann = customer(session, "Ann", won=0)
    ben = _referred(session, "Ben", _code(session, ann))
    referral = referrals.referral_of(session, ben)
    assert referral is not None
    with pytest.raises(referrals.ReferralError, match="not been won"):
        referrals.set_reward_status(session, referral_id=referral.id, credit_status="redeemed")
    win(session, ben, at=3)
    before = referrals.set_reward_status(
        session, referral_id=referral.id, credit_status="redeemed", discount_status="used"
    )
    assert before == ("earned", "granted")
    assert referrals.referral_of(session, ben).credit_status == "redeemed"  # type: ignore[union-attr]
    referrals.set_reward_status(
        session, referral_id=referral.id, credit_status=before[0], discount_status=before[1]
    )
    assert referrals.referral_of(session, ben).discount_status == "granted"  # type: ignore[union-attr]
    with pytest.raises(referrals.ReferralError):
        referrals.set_reward_status(session, referral_id=referral.id, credit_status="pending")
    with pytest.raises(NotFoundError):
        referrals.set_reward_status(session, referral_id=999)


def _chain(session: Session) -> dict[str, int]:
    """Ann -> Ben -> Cat -> Dan, Ben -> Eve; Ann -> Fay; Gus -> Hal (a second chain)."""
    ids: dict[str, int] = {"Ann": customer(session, "Ann", won=0)}
    for name, referrer, won in (
        ("Ben", "Ann", 2),
        ("Cat", "Ben", 4),
        ("Dan", "Cat", None),
        ("Eve", "Ben", None),
        ("Fay", "Ann", 6),
    ):
        ids[name] = _referred(session, name, _code(session, ids[referrer]), at=(won or 7) - 1)
        if won is not None:
            win(session, ids[name], at=won)
    ids["Gus"] = customer(session, "Gus", won=0, owner="Bob")
    ids["Hal"] = _referred(session, "Hal", _code(session, ids["Gus"]), at=8)
    return ids


def test_chain_depth_up_and_down(session: Session) -> None:
    ids = _chain(session)
    cat = referrals.referral_chain(session, ids["Cat"])
    assert [(m.name, m.depth) for m in cat.upline] == [("Ann", 0), ("Ben", 1)]
    assert cat.upline[1].referrer_id == ids["Ann"] and cat.upline[1].converted
    assert cat.depth == 2
    assert [(m.name, m.depth, m.referrer_id) for m in cat.downline] == [("Dan", 3, ids["Cat"])]
    ann = referrals.referral_chain(session, ids["Ann"])
    assert ann.depth == 0 and ann.upline == ()
    assert [(m.name, m.depth) for m in ann.downline] == [
        ("Ben", 1),
        ("Fay", 1),
        ("Cat", 2),
        ("Eve", 2),
        ("Dan", 3),
    ]
    assert [m.converted for m in ann.downline] == [True, True, True, False, False]


def test_chain_summaries(session: Session) -> None:
    ids = _chain(session)
    chains = referrals.chain_summaries(session)
    assert [(c.root_name, c.referred, c.won, c.depth) for c in chains] == [
        ("Ann", 5, 3, 3),
        ("Gus", 1, 0, 1),
    ]
    assert chains[0].root_id == ids["Ann"]
    assert [c.root_name for c in referrals.chain_summaries(session, owner="Bob")] == ["Gus"]
    assert len(referrals.chain_summaries(session, limit=1)) == 1


def test_viral_coefficient(session: Session) -> None:
    """Customers at day 3: Ann and Gus (won day 0) and Ben (won day 2). Won through a
    referral in days 3-10: Cat (day 4) and Fay (day 6). K = 2 / 3."""
    _chain(session)
    k = referrals.viral_coefficient(session, start=day(3), end=day(10))
    assert (k.won_via_referral, k.customers_at_start) == (2, 3)
    assert k.value == pytest.approx(2 / 3)
    early = referrals.viral_coefficient(session, start=day(-1), end=day(10))
    assert early.customers_at_start == 0 and early.value is None
    bob = referrals.viral_coefficient(session, start=day(3), end=day(10), owner="Bob")
    assert (bob.won_via_referral, bob.customers_at_start) == (0, 1)


def test_customers_at_the_start_follow_the_history(session: Session) -> None:
    ann = customer(session, "Ann", won=0)
    prospect_ops.move_prospect(
        session, prospect_id=ann, target=Stage.LOST, by="Ann", reason="Churned", now=day(2)
    )
    customer(session, "Ben", won=3)

    def at_start(d: float) -> int:
        return referrals.viral_coefficient(session, start=day(d), end=day(9)).customers_at_start

    # Ann until she churned on day 2; Ben from day 3 (a win exactly at the start is after it).
    assert [at_start(d) for d in (1, 2.5, 3, 4)] == [1, 0, 0, 1]
