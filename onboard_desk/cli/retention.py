"""Customer commands: ``purchase``, ``survey``, ``customers`` and ``referral``.

A customer is a prospect in stage Won (``onboard-desk move ID won``). The commands call
the customer services (:mod:`onboard_desk.services.customers`); the rules they apply
(cadence and nudge, contact cap, NPS, engagement, referrals) are in
:mod:`onboard_desk.retention` and the README's "Keeping customers" section. ``show`` prints
a customer's details with :func:`customer_json` and :func:`customer_lines`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from onboard_desk.cli.common import open_desk, require_positive
from onboard_desk.cli.output import RowWriter
from onboard_desk.errors import UserError

if TYPE_CHECKING:
    from onboard_desk.services.customers import CustomerDetails, CustomerRow, PurchaseChange

#: The columns of ``customers`` in a terminal table; CSV and JSON add :data:`EXTRA_COLUMNS`.
CUSTOMER_COLUMNS = (
    "id",
    "name",
    "code",
    "engagement",
    "score",
    "purchases",
    "last_purchase",
    "next_purchase",
    "referrals",
)
EXTRA_COLUMNS = (
    "company",
    "owner",
    "customer_since",
    "currency",
    "total",
    "interval_days",
    "nps_category",
    "score_at",
    "referrals_won",
    "referred_by",
    "next_action",
    "next_action_due",
)
SORTS = ("name", "engagement", "next_purchase", "last_purchase", "score", "referrals", "since")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    purchase = subparsers.add_parser(
        "purchase",
        help="record a customer's purchase (and remind before the next one)",
        description=(
            "Record a purchase of a customer (a prospect in stage Won). From two purchase "
            "days on, the usual interval between purchases gives the expected next purchase, "
            "and a reminder becomes the customer's next action at the configured share of the "
            "interval (75 % by default), unless they have another next action."
        ),
    )
    purchase.add_argument("id", type=int)
    purchase.add_argument("--amount", required=True, help="e.g. 120 or 1,200.50")
    purchase.add_argument("--currency", help="three-letter code (default: the customer's)")
    purchase.add_argument(
        "--date", help="when: YYYY-MM-DD, 'YYYY-MM-DD HH:MM', today (default: now)"
    )
    purchase.add_argument("--note", default="")
    purchase.set_defaults(handler=cmd_purchase, changes_data=True)

    survey = subparsers.add_parser(
        "survey",
        help="record a customer's satisfaction survey answer (0-10)",
        description=(
            "Record how likely a customer is to recommend you, from 0 to 10: 9-10 promoter, "
            "7-8 passive, 0-6 detractor. The latest answer is the customer's score."
        ),
    )
    survey.add_argument("id", type=int)
    survey.add_argument("score", help="0 to 10")
    survey.add_argument("--comment", default="")
    survey.add_argument("--date", help="when it was answered (default: now)")
    survey.set_defaults(handler=cmd_survey, changes_data=True)

    customers = subparsers.add_parser(
        "customers",
        help="list customers: code, engagement, score, purchases, referrals",
        description=(
            "Every customer (stage Won) with their referral code, engagement (0-100, last 90 "
            "days), latest survey score, purchases, last and expected next purchase, and how "
            "many prospects they referred. Times are UTC in CSV and JSON."
        ),
    )
    customers.add_argument("--owner", help="one salesperson's customers")
    customers.add_argument("--sort", choices=SORTS, default="name")
    customers.add_argument("--desc", action="store_true", help="sort descending")
    customers.add_argument("--limit", type=require_positive)
    customers.add_argument("--format", choices=("table", "csv", "json"), default="table")
    customers.set_defaults(handler=cmd_customers)

    referral = subparsers.add_parser(
        "referral",
        help="look up a referral code: whose it is and whom it brought in",
        description=(
            "Show the customer a referral code belongs to, the prospects it brought in with "
            "the credit and discount of each, and where the customer stands in their chain."
        ),
    )
    referral.add_argument("code", help="e.g. ABCD-EFGH (case, spaces and dashes do not matter)")
    referral.add_argument("--format", choices=("text", "json"), default="text")
    referral.set_defaults(handler=cmd_referral)


def _when(text: str | None) -> datetime | None:
    from onboard_desk.domain.timeutil import parse_user_datetime

    if not text:
        return None
    try:
        return parse_user_datetime(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _iso(moment: datetime | None) -> str | None:
    from onboard_desk.domain.timeutil import as_utc

    return None if moment is None else as_utc(moment).isoformat().replace("+00:00", "Z")


def cmd_purchase(args: argparse.Namespace) -> int:
    from onboard_desk.domain import contacts

    try:
        amount = contacts.parse_money(args.amount)
    except contacts.ContactError as exc:
        raise UserError(f"--amount: {exc}") from None
    if amount is None:
        raise UserError("--amount needs an amount, e.g. 120 or 1,200.50.")
    when = _when(args.date)
    with open_desk(args) as desk:
        change = desk.customers.record_purchase(
            args.id, amount, currency=args.currency, purchased_at=when, note=args.note
        )
        name = desk.prospects.get(args.id).name
    print("\n".join(purchase_lines(change, name)))
    return 0


def purchase_lines(change: PurchaseChange, name: str) -> list[str]:
    """What ``purchase`` prints: the purchase, the cadence, and what became of the nudge."""
    from onboard_desk.domain.contacts import format_money
    from onboard_desk.domain.timeutil import format_local

    bought = change.purchase
    amount = format_money(bought.amount_cents, bought.currency) or "an unknown amount"
    lines = [
        f"Purchase {bought.id} recorded for #{bought.prospect_id} {name}: {amount} on "
        f"{format_local(bought.purchased_at, with_time=False)}."
    ]
    cadence = change.cadence
    if cadence.interval_days is None or cadence.expected_next is None:
        lines.append(
            f"{cadence.purchase_days} purchase day{'s' if cadence.purchase_days != 1 else ''} "
            "so far: the cadence needs two."
        )
        return lines
    lines.append(
        f"Buys about {_every(cadence.interval_days)}; next purchase expected around "
        f"{format_local(cadence.expected_next, with_time=False)}."
    )
    nudge = change.nudge
    plan = nudge.plan
    if plan is not None and nudge.applied:
        capped = " (moved by the contact cap)" if plan.capped else ""
        lines.append(f"Next action: {plan.text}, due {format_local(plan.due)}{capped}.")
    elif plan is not None:
        lines.append(f"No reminder set ({nudge.reason}); it would be due {format_local(plan.due)}.")
    return lines


def _every(days: float) -> str:
    return "every day" if days == 1 else f"every {days:g} days"


def cmd_survey(args: argparse.Namespace) -> int:
    when = _when(args.date)
    with open_desk(args) as desk:
        answer = desk.customers.record_survey(
            args.id, args.score, comment=args.comment, answered_at=when
        )
        name = desk.prospects.get(args.id).name
    print(f"Survey answer {answer.id} recorded for #{args.id} {name}: {answer.score} "
          f"({answer.category.value}).")  # fmt: skip
    return 0


def customer_row(row: CustomerRow) -> dict[str, Any]:
    """The public, stable representation of a customer for CSV and JSON (UTC ISO times,
    money in currency units)."""
    return {
        "id": row.prospect_id,
        "name": row.name,
        "code": row.display_code or None,
        "engagement": row.engagement,
        "score": row.latest_score,
        "purchases": row.purchases,
        "last_purchase": _iso(row.last_purchase),
        "next_purchase": _iso(row.expected_next),
        "referrals": row.referred,
        "company": row.company,
        "owner": row.owner,
        "customer_since": _iso(row.customer_since),
        "currency": row.currency,
        "total": row.total_cents / 100,
        "interval_days": row.interval_days,
        "nps_category": row.nps_category.value if row.nps_category else None,
        "score_at": _iso(row.latest_score_at),
        "referrals_won": row.referred_won,
        "referred_by": row.referred_by,
        "next_action": row.next_action,
        "next_action_due": _iso(row.next_action_due),
    }


def _table_row(row: CustomerRow) -> dict[str, Any]:
    from onboard_desk.domain.timeutil import format_local

    return {
        "id": row.prospect_id,
        "name": row.name,
        "code": row.display_code,
        "engagement": row.engagement,
        "score": "" if row.latest_score is None else row.latest_score,
        "purchases": row.purchases,
        "last_purchase": format_local(row.last_purchase, with_time=False),
        "next_purchase": format_local(row.expected_next, with_time=False),
        "referrals": f"{row.referred} ({row.referred_won} won)" if row.referred else "",
    }


def cmd_customers(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        rows = desk.customers.rows(
            owner=args.owner, sort=args.sort, descending=args.desc, limit=args.limit
        )
    columns = CUSTOMER_COLUMNS if args.format == "table" else CUSTOMER_COLUMNS + EXTRA_COLUMNS
    writer = RowWriter(sys.stdout, args.format, columns)
    for row in rows:
        writer.write(_table_row(row) if args.format == "table" else customer_row(row))
    writer.close()
    return 0


def cmd_referral(args: argparse.Namespace) -> int:
    from onboard_desk.domain.contacts import format_money
    from onboard_desk.domain.timeutil import format_local

    with open_desk(args) as desk:
        found = desk.customers.referral(args.code)
    holder, referred, chain, earned = found.holder, found.referrals, found.chain, found.earned
    if args.format == "json":
        data = {
            "code": holder.display,
            "customer": {
                "id": holder.prospect_id,
                "name": holder.name,
                "company": holder.company,
                "stage": holder.stage.value,
                "code_issued_at": _iso(holder.issued_at),
            },
            "depth": chain.depth,
            "referred_by": [
                {"id": m.prospect_id, "name": m.name, "depth": m.depth} for m in chain.upline
            ],
            "referrals": [
                {
                    "id": r.referral.referred_id,
                    "name": r.name,
                    "company": r.company,
                    "stage": r.stage.value,
                    "referred_at": _iso(r.referral.created_at),
                    "won_at": _iso(r.referral.converted_at),
                    "credit": r.referral.credit_cents / 100,
                    "credit_currency": r.referral.credit_currency,
                    "credit_status": r.referral.credit_status,
                    "discount_percent": r.referral.discount_percent,
                    "discount_status": r.referral.discount_status,
                }
                for r in referred
            ],
            "chain_below": [
                {"id": m.prospect_id, "name": m.name, "depth": m.depth, "referrer": m.referrer_id}
                for m in chain.downline
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    company = f" ({holder.company})" if holder.company else ""
    lines = [
        f"Code {holder.display}: #{holder.prospect_id} {holder.name}{company}, "
        f"{holder.stage.label}; code issued {format_local(holder.issued_at, with_time=False)}."
    ]
    if chain.upline:
        via = " <- ".join(f"#{m.prospect_id} {m.name}" for m in reversed(chain.upline))
        lines.append(f"Referred by {via} (depth {chain.depth} in the chain).")
    else:
        lines.append("Starts its chain (referred by nobody).")
    lines.append(f"Referred {len(referred)} prospect{'s' if len(referred) != 1 else ''}, "
                 f"{len(earned)} won:")  # fmt: skip
    for r in referred:
        info = r.referral
        credit = format_money(info.credit_cents, info.credit_currency)
        lines.append(
            f"  #{info.referred_id} {r.name}  {r.stage.label}  referred "
            f"{format_local(info.created_at, with_time=False)}  credit {credit} "
            f"{info.credit_status}  discount {info.discount_percent:g} % {info.discount_status}"
        )
    if earned:
        currencies = {r.credit_currency for r in earned}
        total = sum(r.credit_cents for r in earned)
        lines.append(f"Credits earned: {format_money(total, '/'.join(sorted(currencies)))}.")
    deeper = [m for m in chain.downline if m.depth > chain.depth + 1]
    if deeper:
        lines.append(
            f"Further down the chain: {len(deeper)} more, "
            f"{max(m.depth for m in deeper) - chain.depth} levels deep."
        )
    print("\n".join(lines))
    return 0


def customer_json(details: CustomerDetails) -> dict[str, Any] | None:
    """What ``show --format json`` says about a customer (or a former one): code,
    purchases, cadence, engagement, survey answers, referrals; None for a prospect with
    none of these. Times are UTC ISO, money in currency units."""
    if details.is_empty:
        return None
    came = details.referred_by
    return {
        "code": details.code,
        "engagement": details.engagement,
        "interval_days": details.cadence.interval_days,
        "next_purchase": _iso(details.cadence.expected_next),
        "purchases": [
            {
                "id": p.id,
                "at": _iso(p.purchased_at),
                "amount": None if p.amount_cents is None else p.amount_cents / 100,
                "currency": p.currency,
                "note": p.note,
                "source": p.source,
            }
            for p in details.purchases
        ],
        "surveys": [
            {"id": s.id, "at": _iso(s.answered_at), "score": s.score, "comment": s.comment}
            for s in details.surveys
        ],
        "referred_by": None if came is None else came.referrer_id,
        "referral": None
        if came is None
        else {
            "referrer": came.referrer_id,
            "discount_percent": came.discount_percent,
            "discount_status": came.discount_status,
        },
        "referrals": len(details.referrals),
        "referrals_won": details.referrals_won,
    }


def customer_lines(details: CustomerDetails) -> list[str]:
    """What ``show`` prints about a customer; nothing for a prospect who never was one."""
    from onboard_desk.domain.contacts import format_money
    from onboard_desk.domain.referral_codes import display_code
    from onboard_desk.domain.timeutil import format_local

    if details.is_empty:
        return []

    def day(moment: datetime | None) -> str:
        return format_local(moment, with_time=False)

    lines = ["Customer:"]
    if details.code:
        lines.append(f"  Referral code: {display_code(details.code)}")
    if details.engagement is not None:
        lines.append(f"  Engagement:    {details.engagement} / 100 (last 90 days)")
    bought = details.purchases
    if bought:
        summary = f"  Purchases:     {len(bought)}, last {day(bought[0].purchased_at)}"
        cadence = details.cadence
        if cadence.interval_days is not None:
            summary += (
                f", about {_every(cadence.interval_days)}, next expected around "
                f"{day(cadence.expected_next)}"
            )
        lines.append(summary)
        for p in bought[:10]:
            amount = format_money(p.amount_cents)
            note = f"  {p.note}" if p.note else ""
            lines.append(f"    {day(p.purchased_at)}  {amount} {p.currency}  ({p.source}){note}")
    latest = details.latest_survey
    if latest is not None:
        lines.append(
            f"  Survey:        {latest.score} ({latest.category.value}) on "
            f"{day(latest.answered_at)}; {len(details.surveys)} answer(s)"
        )
    came = details.referred_by
    if came is not None:
        lines.append(
            f"  Referred by:   #{came.referrer_id} (friend's discount "
            f"{came.discount_percent:g} %, {came.discount_status})"
        )
    if details.referrals:
        lines.append(f"  Referrals:     {len(details.referrals)} ({details.referrals_won} won)")
    return lines
