"""The Customers group of the Settings dialog: shown from the database, saved back, and
new nudge rules applied to every customer's reminder."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot
from sqlmodel import Session

from onboard_desk.domain.timeutil import as_utc
from onboard_desk.retention.config import RetentionConfig, load_retention_config
from onboard_desk.retention.purchases import refresh_nudges
from onboard_desk.storage.db import session_scope
from onboard_desk.storage.models import Prospect
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.settings.dialog import SettingsDialog
from tests.ui.customers.helpers import make_customer


def open_dialog(qtbot: QtBot, context: AppContext) -> SettingsDialog:
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_settings_round_trip(qtbot: QtBot, context: AppContext, engine: Any) -> None:
    dialog = open_dialog(qtbot, context)
    defaults = RetentionConfig()
    assert dialog.nudge_percent.value() == 75
    assert dialog.contact_cap.value() == defaults.contact_cap_days
    assert dialog.referral_credit.value() == defaults.referral_credit_cents / 100
    assert dialog.friend_discount.value() == defaults.friend_discount_percent
    assert dialog.referral_credit.suffix() == " USD"
    dialog.nudge_percent.setValue(60)
    dialog.contact_cap.setValue(21)
    dialog.referral_credit.setValue(12.5)
    dialog.friend_discount.setValue(20)
    dialog.due_soon.setValue(45)
    dialog.save()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    with Session(engine) as session:
        assert load_retention_config(session) == RetentionConfig(
            nudge_fraction=0.6,
            contact_cap_days=21,
            referral_credit_cents=1_250,
            friend_discount_percent=20,
            due_soon_days=45,
        )
    again = open_dialog(qtbot, context)
    assert (again.nudge_percent.value(), again.contact_cap.value()) == (60, 21)
    assert (again.referral_credit.value(), again.friend_discount.value()) == (12.5, 20)
    assert again.due_soon.value() == 45


def test_a_new_nudge_share_moves_the_reminders(
    qtbot: QtBot, context: AppContext, engine: Any
) -> None:
    """A customer whose reminder is their next action: saving 50 % instead of 75 % moves it
    to half-way through the interval (on the thread pool), and every view is told."""
    customer = make_customer(engine, "Nia Nudge", purchases=[(80, 1_000)])
    with Session(engine) as session:
        prospect = session.get(Prospect, customer)
        assert prospect is not None
        prospect.next_action = prospect.next_action_due = None
        session.add(prospect)
        session.commit()
    with session_scope(engine) as session:
        assert refresh_nudges(session, config=RetentionConfig()) == 1

    def due() -> Any:
        with Session(engine) as session:
            found = session.get(Prospect, customer)
            assert found is not None and found.next_action_due is not None
            return as_utc(found.next_action_due)

    before = due()
    dialog = open_dialog(qtbot, context)
    dialog.nudge_percent.setValue(50)
    with qtbot.waitSignal(context.sig_prospects_changed, timeout=5000):
        dialog.save()
    # Interval 80 days from the last purchase (the win, now): 60 days at 75 %, 40 at 50 %.
    assert round((before - due()).total_seconds() / 86400) == 20
