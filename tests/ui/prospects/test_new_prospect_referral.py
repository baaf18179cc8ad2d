"""New prospect with a referral code: the dialog names the customer or says why not, and
saving links the referral (undone and redone with the prospect)."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from onboard_desk.domain.referral_codes import display_code
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.storage.models import Prospect, Referral
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.prospects.new_prospect import NewProspectDialog
from tests.ui.customers.helpers import code, make_customer


def make_dialog(qtbot: QtBot, context: AppContext) -> NewProspectDialog:
    dialog = NewProspectDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def referrals(engine: Engine) -> list[Referral]:
    with Session(engine) as session:
        return list(session.exec(select(Referral)))


def prospects(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Prospect)).one())


def test_a_referral_code_links_the_new_prospect(
    qtbot: QtBot, context: AppContext, engine: Any
) -> None:
    referrer = make_customer(engine, "Rita Referrer", company="Oak & Co")
    context.desk.settings.save_retention(
        RetentionConfig(referral_credit_cents=7_500, friend_discount_percent=15)
    )
    dialog = make_dialog(qtbot, context)
    qtbot.keyClicks(dialog.edits["name"], "Finn Friend")
    typed = code(engine, referrer).lower()
    qtbot.keyClicks(dialog.referral_edit, typed[:3])
    assert not dialog.referral_hint.isVisible()  # too short to judge yet
    qtbot.keyClicks(dialog.referral_edit, "-" + typed[3:])
    assert dialog.referral_hint.isVisible()
    assert (
        dialog.referral_hint.text()
        == "Referred by Rita Referrer (Oak & Co): the channel is Referral."
    )
    assert dialog.channel_combo.currentData() == "referral"
    assert dialog.save()
    created = dialog.created_id
    assert created is not None
    links = referrals(engine)
    assert [(r.referrer_id, r.referred_id) for r in links] == [(referrer, created)]
    assert (links[0].credit_cents, links[0].discount_percent) == (7_500, 15)

    # Undo removes the prospect and its referral; redo brings both back.
    context.undo_stack.undo()
    assert referrals(engine) == []
    context.undo_stack.redo()
    assert [(r.referrer_id, r.referred_id) for r in referrals(engine)] == [(referrer, created)]


def test_an_unknown_or_malformed_code_is_refused_with_a_clear_message(
    qtbot: QtBot, context: AppContext, engine: Any
) -> None:
    make_customer(engine, "Rita Referrer")
    before = prospects(engine)
    dialog = make_dialog(qtbot, context)
    qtbot.keyClicks(dialog.edits["name"], "Finn Friend")
    qtbot.keyClicks(dialog.referral_edit, "ABCD-EFGH")
    assert dialog.referral_hint.text() == (
        f"No customer has the referral code {display_code('ABCDEFGH')}."
    )
    assert not dialog.save()
    assert dialog.error_label.isVisible()
    assert "No customer has the referral code" in dialog.error_label.text()
    dialog.referral_edit.setText("I0O1")
    assert not dialog.save()
    assert "is not a referral code" in dialog.error_label.text()
    assert prospects(engine) == before
    assert referrals(engine) == []
    # Clearing the code adds the prospect without a referral.
    dialog.referral_edit.clear()
    assert dialog.save()
    assert prospects(engine) == before + 1
    assert referrals(engine) == []
