"""The pipeline rules, including property-based checks over random move sequences."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onboard_desk.pipeline import (
    ORDERED_STAGES,
    WORKING_STAGES,
    Channel,
    Flag,
    MoveKind,
    PipelineConfig,
    PipelineError,
    Position,
    Stage,
    flags_for,
    parse_channel,
    parse_stage,
    plan_move,
    propose_next_action,
    replay,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_stage_identifiers_are_fixed_and_ordered() -> None:
    assert [s.value for s in Stage] == [
        "outreach",
        "first_call",
        "follow_up",
        "trial",
        "final_check_in",
        "payment",
        "won",
        "lost",
    ]
    assert WORKING_STAGES[0] is Stage.OUTREACH and WORKING_STAGES[-1] is Stage.PAYMENT
    assert Stage.FINAL_CHECK_IN.label == "Final check-in"
    assert not Stage.WON.is_open and not Stage.LOST.is_open and Stage.TRIAL.is_open


def test_channels_cover_the_playbook() -> None:
    assert {c.value for c in Channel} == {
        "cold_email",
        "cold_call",
        "inbound_quora",
        "inbound_reddit",
        "inbound_linkedin",
        "referral",
        "website",
        "other",
    }
    assert parse_channel("LinkedIn") is Channel.INBOUND_LINKEDIN
    assert parse_channel("Inbound: Reddit") is Channel.INBOUND_REDDIT
    with pytest.raises(PipelineError, match="Unknown channel"):
        parse_channel("carrier pigeon")


def test_parse_stage_accepts_identifiers_and_labels() -> None:
    assert parse_stage("final_check_in") is Stage.FINAL_CHECK_IN
    assert parse_stage("Final check-in") is Stage.FINAL_CHECK_IN
    assert parse_stage("first-call") is Stage.FIRST_CALL
    with pytest.raises(PipelineError, match="Unknown stage 'nowhere'"):
        parse_stage("nowhere")


def test_forward_one_stage() -> None:
    move = plan_move(Position(Stage.OUTREACH), Stage.FIRST_CALL)
    assert move.kind is MoveKind.FORWARD and move.result == Position(Stage.FIRST_CALL)


def test_back_any_number() -> None:
    move = plan_move(Position(Stage.PAYMENT), Stage.OUTREACH)
    assert move.kind is MoveKind.BACK


def test_skip_needs_a_reason_which_is_recorded() -> None:
    with pytest.raises(PipelineError, match="skips 2 stages; give a reason"):
        plan_move(Position(Stage.OUTREACH), Stage.TRIAL)
    move = plan_move(Position(Stage.OUTREACH), Stage.TRIAL, "Warm referral, wants to try")
    assert move.kind is MoveKind.SKIP and move.reason == "Warm referral, wants to try"


def test_lost_needs_a_reason_and_remembers_where_from() -> None:
    with pytest.raises(PipelineError, match="needs a lost reason"):
        plan_move(Position(Stage.TRIAL), Stage.LOST, "  ")
    move = plan_move(Position(Stage.TRIAL), Stage.LOST, "No budget")
    assert move.result == Position(Stage.LOST, Stage.TRIAL)


def test_reopen_only_into_the_stage_it_was_lost_from() -> None:
    lost = Position(Stage.LOST, Stage.TRIAL)
    with pytest.raises(PipelineError, match="only be reopened into Trial"):
        plan_move(lost, Stage.OUTREACH)
    assert plan_move(lost, Stage.TRIAL).kind is MoveKind.REOPEN


def test_won_only_from_payment() -> None:
    with pytest.raises(PipelineError, match="Only a prospect in Payment"):
        plan_move(Position(Stage.FINAL_CHECK_IN), Stage.WON, "skip it")
    assert plan_move(Position(Stage.PAYMENT), Stage.WON).kind is MoveKind.WIN


def test_moving_to_the_same_stage_is_refused() -> None:
    with pytest.raises(PipelineError, match="already in Trial"):
        plan_move(Position(Stage.TRIAL), Stage.TRIAL)


def test_entering_trial_proposes_the_check_in_after_the_configured_delay() -> None:
    # NOW is Monday 23 November at noon: three days on is Thursday morning, five days on
    # a Saturday, so the check-in moves to Monday morning.
    proposal = propose_next_action(Stage.TRIAL, NOW, zone=UTC)
    assert proposal is not None and proposal.due == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    five = propose_next_action(Stage.TRIAL, NOW, PipelineConfig(check_in_delay_days=5), zone=UTC)
    assert five is not None and five.due == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert "check-in" in five.text.lower()
    assert propose_next_action(Stage.LOST, NOW) is None
    for stage in WORKING_STAGES:
        assert propose_next_action(stage, NOW) is not None


def test_checklists_and_idle_limits_have_defaults_and_can_be_overridden() -> None:
    config = PipelineConfig()
    assert all(config.checklist(stage) for stage in WORKING_STAGES)
    assert config.idle_limit(Stage.WON) is None
    custom = PipelineConfig(idle_limits={Stage.TRIAL: 2})
    assert custom.idle_limit(Stage.TRIAL) == 2
    assert custom.idle_limit(Stage.OUTREACH) == PipelineConfig().idle_limit(Stage.OUTREACH)


@pytest.mark.parametrize(
    ("stage", "due", "entered_days_ago", "expected"),
    [
        (Stage.TRIAL, None, 1, {Flag.NO_NEXT_ACTION}),
        (Stage.TRIAL, NOW - timedelta(hours=1), 1, {Flag.OVERDUE}),
        (Stage.TRIAL, NOW + timedelta(hours=1), 1, set()),
        (Stage.FIRST_CALL, NOW + timedelta(hours=1), 8, {Flag.STALE}),
        (Stage.FIRST_CALL, None, 30, {Flag.STALE, Flag.NO_NEXT_ACTION}),
        (Stage.WON, None, 300, set()),
        (Stage.LOST, NOW - timedelta(days=3), 300, set()),
    ],
)
def test_flags(
    stage: Stage, due: datetime | None, entered_days_ago: int, expected: set[Flag]
) -> None:
    flags = flags_for(
        stage=stage,
        next_action_due=due,
        stage_entered_at=NOW - timedelta(days=entered_days_ago),
        now=NOW,
    )
    assert flags == expected


def test_replay_detects_an_inconsistent_history() -> None:
    with pytest.raises(PipelineError, match="starts in Trial"):
        replay([(Stage.OUTREACH, Stage.FIRST_CALL), (Stage.TRIAL, Stage.PAYMENT)])


ALL_TARGETS = st.sampled_from(list(Stage))
REASONS = st.one_of(st.none(), st.just(""), st.text(min_size=1, max_size=5))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ALL_TARGETS, REASONS), max_size=40))
def test_random_move_sequences_keep_history_and_state_consistent(
    attempts: list[tuple[Stage, str | None]],
) -> None:
    """Apply random attempts; legal ones are recorded. The recorded history always
    replays to the current position, and every state reached is a legal one."""
    position = Position(Stage.OUTREACH)
    history: list[tuple[Stage, Stage]] = []
    for target, reason in attempts:
        try:
            move = plan_move(position, target, reason)
        except PipelineError as exc:
            assert str(exc)  # a message for the user, never empty
            continue
        assert move.from_stage is position.stage and move.to_stage is target
        if move.kind in (MoveKind.SKIP, MoveKind.LOSE):
            assert move.reason
        if move.kind is MoveKind.WIN:  # marking won; a customer lost later reopens as won
            assert position.stage is Stage.PAYMENT
        if position.stage is Stage.LOST:
            assert target is position.lost_from
        position = move.result
        history.append((move.from_stage, move.to_stage))
        # The state invariant: a lost_from exactly when lost, never itself lost.
        assert (position.lost_from is not None) == (position.stage is Stage.LOST)
        assert position.lost_from is not Stage.LOST
        assert replay(history) == position
    assert position.stage in Stage


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ORDERED_STAGES), st.sampled_from(ORDERED_STAGES))
def test_every_forward_move_beyond_one_needs_a_reason(start: Stage, target: Stage) -> None:
    step = ORDERED_STAGES.index(target) - ORDERED_STAGES.index(start)
    if step > 1 and target is not Stage.WON:
        with pytest.raises(PipelineError):
            plan_move(Position(start), target)
        assert plan_move(Position(start), target, "because").kind is MoveKind.SKIP


@pytest.mark.parametrize(
    "module",
    [
        "onboard_desk.pipeline",
        "onboard_desk.storage.store",
        "onboard_desk.storage.checklist",
        "onboard_desk.storage.queries",
        "onboard_desk.demo.fill",
        "onboard_desk.cli",
    ],
)
def test_nothing_below_the_ui_imports_qt(module: str) -> None:
    code = f"import sys, {module}; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_pipeline_imports_no_database_or_keyring() -> None:
    code = (
        "import sys, onboard_desk.pipeline; "
        "bad = [m for m in ('sqlalchemy', 'sqlmodel', 'keyring', 'PySide6') if m in sys.modules]; "
        "sys.exit(bool(bad))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_customer_lost_after_winning_reopens_as_won() -> None:
    """Won is marked only from Payment, but reopening returns to the stage lost from."""
    won = plan_move(Position(Stage.PAYMENT), Stage.WON).result
    lost = plan_move(won, Stage.LOST, "Cancelled the subscription").result
    assert lost == Position(Stage.LOST, Stage.WON)
    back = plan_move(lost, Stage.WON)
    assert back.kind is MoveKind.REOPEN and back.result == Position(Stage.WON)
