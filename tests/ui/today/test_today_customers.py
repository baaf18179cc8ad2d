"""Today and customers: marking a customer's next action done proposes the repeat-purchase
nudge (their cadence, with this contact counted by the cap), not Won's thank-you again."""

from __future__ import annotations

from datetime import timedelta

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.retention import cadence, purchases
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.storage import store
from onboard_desk.storage.db import session_scope
from onboard_desk.ui.today.view import TodayScreen
from tests.ui.customers.helpers import make_customer


def _due_now(engine, prospect_id: int, action: str) -> None:
    with session_scope(engine) as session:
        store.set_next_action(
            session, prospect_id=prospect_id, action=action, due=utcnow() - timedelta(hours=1)
        )


def _done_dialog(context, qtbot, prospect_id: int):
    screen = TodayScreen(context)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.agenda is not None, timeout=5000)
    assert screen.select_prospect(prospect_id)
    item = screen.selected_item()
    assert item is not None
    screen.mark_done(item)
    dialog = screen.done_dialog
    assert dialog is not None
    return dialog


def test_done_for_a_customer_with_a_cadence_proposes_the_nudge(context, engine, qtbot):
    # Bought at the win (today), 120 and 240 days ago: every 120 days, nudge at 75 %.
    ada = make_customer(engine, "Ada", purchases=((120, 5_000), (240, 5_000)))
    _due_now(engine, ada, "Ask how the rollout went")
    with session_scope(engine) as session:
        rhythm = purchases.cadence_of(session, ada, config=RetentionConfig())
    expected = cadence.plan_nudge(rhythm, last_contact=utcnow(), cap_days=14)
    assert expected is not None
    dialog = _done_dialog(context, qtbot, ada)
    assert dialog.next_text.text() == expected.text
    assert dialog.next_text.text().startswith("Repeat purchase expected around")
    proposed = dialog.next_due.dateTime().toPython()
    assert abs(proposed - expected.due.astimezone().replace(tzinfo=None)) < timedelta(minutes=1)


def test_done_for_a_customer_without_a_cadence_proposes_nothing(context, engine, qtbot):
    bo = make_customer(engine, "Bo")  # one purchase (the win): no cadence yet
    _due_now(engine, bo, "Send a thank-you follow-up")
    dialog = _done_dialog(context, qtbot, bo)
    assert dialog.next_text.text() == ""
