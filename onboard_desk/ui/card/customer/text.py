"""What the Customer section says: its sentences, summaries and colours, from the details.

Plain functions of :class:`~onboard_desk.services.customers.CustomerDetails` (no widget),
so the section only lays them out and a test can read them without building one. Text
goes through Qt's translation under the section's own context.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication

from onboard_desk.domain.contacts import format_money
from onboard_desk.domain.timeutil import as_utc, format_local
from onboard_desk.pipeline import Stage
from onboard_desk.retention.terms import SOURCE_WIN
from onboard_desk.services.customers import (
    CustomerDetails,
    PurchaseInfo,
    ReferredProspect,
)
from onboard_desk.ui.card.customer.dialogs import CATEGORY_KIND
from onboard_desk.ui.common.status_colors import Kind, link_color, status_color


def tr(text: str) -> str:
    """``text`` translated as the section's own (the context ``self.tr`` gave it)."""
    return QCoreApplication.translate("CustomerSection", text)


def day(moment: datetime | None) -> str:
    return format_local(moment, with_time=False)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cadence_text(details: CustomerDetails) -> str:
    """The cadence in one sentence: how often they buy, when next, when the reminder."""
    cadence = details.cadence
    if not cadence.purchases:
        return tr("No purchases recorded yet.")
    if cadence.interval_days is None or cadence.expected_next is None:
        return tr(
            "One purchase day so far: a second one gives the usual interval and a "
            "reminder before the next purchase."
        )
    days = f"{cadence.interval_days:g}"
    text = tr("Buys about every %s days; next purchase expected around %s") % (
        days,
        day(cadence.expected_next),
    )
    if as_utc(cadence.expected_next) < details.now:
        text += " " + tr("(overdue)")
    plan = details.nudge
    if details.do_not_contact:
        text += "; " + tr("no reminder: marked do not contact")
    elif plan is not None:
        text += "; " + tr("nudge on %s") % day(plan.due)
        if plan.capped:
            text += " " + tr("(moved by the contact cap)")
    return text + "."


def cadence_kind(details: CustomerDetails) -> Kind | None:
    """Overdue (error) or due within the "due soon" setting (warning)."""
    expected = details.cadence.expected_next
    if expected is None:
        return None
    if as_utc(expected) < details.now:
        return "error"
    if as_utc(expected) < details.now + timedelta(days=details.due_soon_days):
        return "warning"
    return None


def purchases_title(bought: list[PurchaseInfo]) -> str:
    """The purchase list's title, with one total per currency, as rich text."""
    total: dict[str, int] = {}
    for purchase in bought:
        if purchase.amount_cents is not None:
            total[purchase.currency] = total.get(purchase.currency, 0) + purchase.amount_cents
    title = plural(len(bought), tr("purchase"), tr("purchases"))
    if total:
        title += " · " + ", ".join(format_money(c, cur) for cur, c in sorted(total.items()))
    return f"<b>{tr('Purchases')}</b>: {title}"


def purchase_cells(purchase: PurchaseInfo) -> tuple[list[str], str]:
    """A purchase's row (date, amount, note) and the note's tooltip; the win's own
    purchase says so when it has no note."""
    note = purchase.note
    if purchase.source == SOURCE_WIN and not note:
        note = tr("First purchase (the win)")
    amount = format_money(purchase.amount_cents, purchase.currency) or tr("unknown")
    return [day(purchase.purchased_at), amount, note], purchase.note or note


def survey_text(details: CustomerDetails) -> str:
    """The latest answer, coloured by its category, with how many answers there are
    (rich text); "No answer yet." without one."""
    latest = details.latest_survey
    if latest is None:
        return tr("No answer yet.")
    category = latest.category
    colour = status_color(CATEGORY_KIND[category]).name()
    answers = plural(len(details.surveys), tr("answer"), tr("answers"))
    return (
        f"<span style='color:{colour}; font-weight:bold'>{latest.score} · "
        f"{tr(category.value)}</span> " + tr("on %s (%s)") % (day(latest.answered_at), answers)
    )


def referred_by_text(details: CustomerDetails) -> str:
    """Who referred the customer, as a link to open them, and the friend's discount
    (rich text); "" when nobody did."""
    came = details.referred_by
    if came is None:
        return ""
    colour = link_color().name()
    discount = tr("friend's discount %s %% (%s)") % (
        f"{came.discount_percent:g}",
        tr(came.discount_status),
    )
    return (
        f"<a style='color:{colour}' href='prospect:{came.referrer_id}'>"
        f"{escape(details.referrer_name)}</a> · {discount}"
    )


def referrals_summary(details: CustomerDetails) -> str:
    """How many prospects the customer referred, how many were won, the credits earned."""
    made = details.referrals
    if not made:
        return tr("None yet.")
    won = [r for r in made if r.referral.converted]
    text = tr("%s, %d won") % (plural(len(made), tr("prospect"), tr("prospects")), len(won))
    earned: dict[str, int] = {}
    for r in won:
        currency = r.referral.credit_currency
        earned[currency] = earned.get(currency, 0) + r.referral.credit_cents
    if earned:
        credits = ", ".join(format_money(c, cur) for cur, c in sorted(earned.items()))
        text += " · " + tr("credits earned %s") % credits
    return text


def referral_cells(referred: ReferredProspect) -> tuple[list[str], str]:
    """A referral's row (who, their stage, the credit and its status) and its tooltip."""
    info = referred.referral
    credit = format_money(info.credit_cents, info.credit_currency)
    cells = [referred.name, referred.stage.label, f"{credit} {tr(info.credit_status)}"]
    tip = tr("Referred on %s; friend's discount %s %% (%s)") % (
        day(info.created_at),
        f"{info.discount_percent:g}",
        tr(info.discount_status),
    )
    return cells, tip


def is_won(referred: ReferredProspect) -> bool:
    return referred.stage is Stage.WON
