"""Realistic sample data: prospects spread over every stage, with histories and activities.

Used for trying the app, for screenshots and for benchmarks at 100,000 prospects. Each
prospect is simulated through the pipeline from its creation date: it spends a plausible,
stage-dependent time in each stage, then moves on, drops out with a lost reason, or is
still in its stage today. Every recorded move is legal under :mod:`onboard_desk.pipeline`
(tests replay the histories to prove it). Rows go in with bulk inserts in one
transaction, so 100,000 prospects with about a million activities take seconds.

Customers (won prospects) go on living: each buys again at a cadence of their own (some
stop), gets a thank-you and contacts around their purchases, answers surveys now and then,
and, where the cadence says so, carries the repeat-purchase nudge as next action (by the
rules of :mod:`onboard_desk.retention.cadence`). Their own generator drives this, so the
pipeline data of a seed stay as they were. After the chunks are in, one pass in SQL gives
every customer a referral code and the purchase its win records, and links the prospects
that came in through a referral to a customer won before them (which makes chains).
"""

from __future__ import annotations

import bisect
import math
import multiprocessing
import os
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from onboard_desk.domain.matching import company_key
from onboard_desk.domain.referral_codes import unique_code
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import (
    WORKING_STAGES,
    Channel,
    MoveKind,
    PipelineConfig,
    Stage,
    propose_next_action,
    trial_end,
)
from onboard_desk.retention.cadence import cadence_from, plan_nudge
from onboard_desk.retention.config import SETTING_KEY, RetentionConfig, config_from_setting
from onboard_desk.retention.terms import converted, new_referral, referral_terms
from onboard_desk.storage import journey
from onboard_desk.storage.bulk import placeholders
from onboard_desk.storage.dialects import dialect_of, sqlite_text
from onboard_desk.storage.models import (
    Activity,
    Prospect,
    Purchase,
    Referral,
    ReferralCode,
    StageChange,
    SurveyAnswer,
)
from onboard_desk.storage.settings_store import DEFAULT_CURRENCY, currency_setting, setting_on

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Dmitri",
    "Emma",
    "Farah",
    "Gabriel",
    "Hana",
    "Ivan",
    "Julia",
    "Kenji",
    "Lena",
    "Mateo",
    "Nia",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "William",
    "Xin",
    "Yusuf",
    "Zoë",
    "Amara",
    "Bruno",
    "Carmen",
    "Daniel",
    "Elif",
    "Felix",
    "Grace",
    "Hugo",
    "Ingrid",
    "Jonas",
    "Kofi",
    "Laila",
    "Marco",
    "Noor",
    "Olga",
    "Pedro",
    "Rania",
    "Sven",
    "Teresa",
    "Ugo",
    "Valentina",
    "Wei",
    "Yara",
    "Zain",
)
LAST_NAMES = (
    "Adams",
    "Baptiste",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Hoffmann",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "López",
    "Müller",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Valdez",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Andersson",
    "Brown",
    "Costa",
    "Dimitrov",
    "Evans",
    "Ferreira",
    "Gupta",
    "Hughes",
    "Ivanova",
    "Johansson",
    "Kim",
    "Larsen",
    "Martin",
    "Novak",
    "Okafor",
    "Petrov",
    "Reyes",
    "Schmidt",
    "Thompson",
    "Urban",
    "Varga",
    "Weber",
    "Young",
    "Zhou",
)
COMPANY_HEADS = (
    "Acme",
    "Blue Harbor",
    "Cedar",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Helix",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lumen",
    "Maple",
    "Northwind",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Summit",
    "Tidal",
    "Union",
    "Vertex",
    "Willow",
    "Zenith",
    "Aurora",
    "Beacon",
    "Cobalt",
    "Driftwood",
    "Ember",
    "Fjord",
    "Glacier",
    "Horizon",
    "Indigo",
    "Jasper",
    "Kestrel",
    "Lighthouse",
    "Meridian",
    "Nimbus",
    "Oakridge",
    "Prairie",
)
COMPANY_TAILS = (
    "Labs",
    "Logistics",
    "Dental",
    "Bakery",
    "Analytics",
    "Consulting",
    "Fitness",
    "Architects",
    "Media",
    "Foods",
    "Health",
    "Robotics",
    "Travel",
    "Legal",
    "Studios",
    "Energy",
    "Retail",
    "Software",
    "Clinics",
    "Motors",
    "Books",
    "Coffee",
    "Design",
    "Insurance",
    "Realty",
    "Farms",
    "Events",
    "Security",
    "Academy",
    "Systems",
)
TITLES = (
    "Founder",
    "CEO",
    "COO",
    "Head of Operations",
    "Office Manager",
    "Marketing Lead",
    "Sales Director",
    "IT Manager",
    "Owner",
    "Practice Manager",
    "Product Manager",
    "Procurement Lead",
    "Finance Director",
    "Team Lead",
    "Store Manager",
)
OWNERS = ("Alex Morgan", "Jamie Lee", "Sam Rivera", "Taylor Brooks", "Jordan Kim", "Casey Nowak")
TAGS = ("smb", "enterprise", "priority", "event-2026", "newsletter", "partner", "")

#: (weight, conversion multiplier) per channel: referrals convert best, cold email worst.
CHANNEL_MIX: dict[Channel, tuple[float, float]] = {
    Channel.COLD_EMAIL: (0.30, 0.75),
    Channel.COLD_CALL: (0.14, 0.85),
    Channel.INBOUND_LINKEDIN: (0.14, 1.10),
    Channel.REFERRAL: (0.10, 1.45),
    Channel.WEBSITE: (0.13, 1.20),
    Channel.INBOUND_REDDIT: (0.06, 1.00),
    Channel.INBOUND_QUORA: (0.05, 0.95),
    Channel.OTHER: (0.08, 0.90),
}
#: Median days in a stage, and the chance of moving on rather than being lost.
STAGE_MEDIAN_DAYS: dict[Stage, float] = {
    Stage.OUTREACH: 9,
    Stage.FIRST_CALL: 6,
    Stage.FOLLOW_UP: 8,
    Stage.TRIAL: 14,
    Stage.FINAL_CHECK_IN: 4,
    Stage.PAYMENT: 5,
}
STAGE_PASS_RATE: dict[Stage, float] = {
    Stage.OUTREACH: 0.50,
    Stage.FIRST_CALL: 0.68,
    Stage.FOLLOW_UP: 0.72,
    Stage.TRIAL: 0.62,
    Stage.FINAL_CHECK_IN: 0.75,
    Stage.PAYMENT: 0.90,
}
LOST_REASONS_BY_STAGE: dict[Stage, tuple[str, ...]] = {
    Stage.OUTREACH: ("No response", "No response", "Not a fit", "Bad timing"),
    Stage.FIRST_CALL: ("Not a fit", "No budget", "Bad timing", "No response"),
    Stage.FOLLOW_UP: ("Chose a competitor", "No budget", "No response"),
    Stage.TRIAL: ("Trial not used", "Chose a competitor", "Not a fit"),
    Stage.FINAL_CHECK_IN: ("No budget", "Chose a competitor", "Bad timing"),
    Stage.PAYMENT: ("No budget", "Bad timing"),
}
ACTIVITY_TEXT = {
    "call": ("Discussed their current process", "Left details about the trial", "Quick check-in"),
    "email": ("Sent overview and pricing", "Shared the demo recording", "Sent trial access"),
    "meeting": ("Showcase call", "Demo with the team", "Trial walkthrough"),
    "note": ("Decision maker is the COO", "Budget review next month", "Prefers email"),
}
CALL_OUTCOMES = ("reached", "reached", "voicemail", "no answer", "wrong number")
#: Days between a customer's purchases (before jitter), and how common each cadence is.
PURCHASE_INTERVALS = (30, 45, 60, 90, 120, 180, 365)
INTERVAL_WEIGHTS = (14, 8, 18, 22, 16, 12, 10)
#: How likely each survey score is (index = score): mostly happy customers, some not.
SCORE_WEIGHTS = (1, 1, 1, 2, 2, 3, 4, 9, 14, 18, 15)
SURVEY_COMMENTS = (
    "",
    "",
    "",
    "Great support",
    "Does what we need",
    "Pricing is a bit high",
    "Reports save us hours",
    "Onboarding took a while",
    "Would like more integrations",
)
PURCHASE_NOTES = ("", "", "", "Refill", "Renewal", "Upgrade", "Extra seats")
RETENTION_TEXT = {
    "call": ("Checked in on how it is going", "Talked about the next order"),
    "email": ("Sent a thank-you note", "Shared tips for the new features", "Reminder to reorder"),
    "meeting": ("Quarterly review",),
}


@dataclass(frozen=True)
class DemoSummary:
    prospects: int
    stage_changes: int
    activities: int
    purchases: int = 0
    survey_answers: int = 0
    referrals: int = 0


def _ascii(text: str) -> str:
    """Email-safe letters: "Zoë Müller" writes as zoe.muller in most real addresses."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _days(rng: random.Random, median: float) -> float:
    return median * math.exp(rng.gauss(0, 0.6))


class _Simulator:
    """Generates rows for one prospect at a time (dictionaries ready for bulk insert)."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        config: PipelineConfig,
        retention_rng: random.Random | None = None,
    ) -> None:
        self.rng = rng
        #: Drives what happens after a win, apart from ``rng`` so the pipeline stays as is.
        self.retention_rng = retention_rng or random.Random(rng.random())
        self.retention = RetentionConfig()
        self.now = now
        self.config = config
        self.channels = list(CHANNEL_MIX)
        self.channel_weights = [CHANNEL_MIX[c][0] for c in self.channels]
        self.activity_id = 0

    def prospect(self, prospect_id: int) -> _Simulated:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = f"{rng.choice(COMPANY_HEADS)} {rng.choice(COMPANY_TAILS)}"
        domain = company.lower().replace(" ", "") + ".example"
        local = _ascii(f"{first}.{last}".lower()).replace("'", "").replace(" ", "")
        channel = rng.choices(self.channels, self.channel_weights)[0]
        lift = CHANNEL_MIX[channel][1]
        owner = rng.choice(OWNERS)
        # Recent prospects are more common: the pipeline grows, and a salesperson's
        # list is mostly this quarter's work with a long tail of history.
        age_days = 365 * rng.random() ** 2.2
        created = self.now - timedelta(days=age_days, minutes=rng.randint(0, 600))
        area, line = rng.randint(201, 989), rng.randint(100, 199)
        history: list[tuple[Any, ...]] = [
            self._change(prospect_id, None, Stage.OUTREACH, MoveKind.CREATE, created, owner, None)
        ]
        activities: list[tuple[Any, ...]] = []
        stage, at = Stage.OUTREACH, created
        lost_from: Stage | None = None
        lost_reason: str | None = None
        while True:
            stay = _days(rng, STAGE_MEDIAN_DAYS[stage]) if stage.is_open else 0.0
            leave = at + timedelta(days=stay)
            if stage.is_open:
                activities.extend(
                    self._activities(prospect_id, stage, at, min(leave, self.now), owner)
                )
            if not stage.is_open or leave >= self.now:
                break
            index = WORKING_STAGES.index(stage)
            if rng.random() < min(0.97, STAGE_PASS_RATE[stage] * lift):
                if stage is Stage.PAYMENT:
                    target, kind, reason = Stage.WON, MoveKind.WIN, None
                elif index + 2 < len(WORKING_STAGES) and rng.random() < 0.03:
                    target, kind = WORKING_STAGES[index + 2], MoveKind.SKIP
                    reason = "Ready to move faster"
                else:
                    target, kind, reason = WORKING_STAGES[index + 1], MoveKind.FORWARD, None
            elif index > 0 and rng.random() < 0.05:
                target, kind = WORKING_STAGES[index - 1], MoveKind.BACK
                reason = "Needs another look"
            else:
                target, kind = Stage.LOST, MoveKind.LOSE
                reason = rng.choice(LOST_REASONS_BY_STAGE[stage])
            history.append(self._change(prospect_id, stage, target, kind, leave, owner, reason))
            if target is Stage.LOST:
                lost_from, lost_reason = stage, reason
                reopen_at = leave + timedelta(days=rng.uniform(20, 90))
                if rng.random() < 0.06 and reopen_at < self.now:
                    history.append(
                        self._change(
                            prospect_id, Stage.LOST, stage, MoveKind.REOPEN, reopen_at, owner, None
                        )
                    )
                    target, leave = stage, reopen_at
                    lost_from = lost_reason = None
                else:
                    stage, at = target, leave
                    break
            stage, at = target, leave
        value = rng.choice((5, 8, 12, 15, 20, 30, 45, 60, 90, 150)) * 10_000
        next_action = next_due = None
        if stage.is_open or stage is Stage.WON:
            proposal = propose_next_action(stage, at, self.config)
            roll = rng.random()
            if proposal is not None and roll < 0.9:
                next_action = proposal.text
                # Salespeople reschedule: most actions sit around today, some slip.
                next_due = self.now + timedelta(days=rng.uniform(-6, 10), hours=rng.uniform(-4, 4))
                # ...but never before the prospect entered its stage.
                next_due = max(next_due, at + timedelta(hours=rng.uniform(1, 30)))
                if stage is Stage.WON and roll > 0.2:
                    next_action = next_due = None
        trial_ends = None
        if stage in (Stage.TRIAL, Stage.FINAL_CHECK_IN, Stage.PAYMENT, Stage.WON):
            trial_ends = trial_end(at, self.config)
        tag = rng.choice(TAGS)
        row = {
            "id": prospect_id,
            "name": f"{first} {last}",
            "company": company,
            "company_key": company_key(company),
            "title": rng.choice(TITLES),
            "email": f"{local}@{domain}",
            "email_key": f"{local}@{domain}",
            "phone": f"+1 {area}-555-{line:04d}",
            "phone_key": f"+1{area}555{line:04d}",
            "channel": channel.value,
            "owner": owner,
            "value_cents": value,
            "currency": "USD",
            "tags": tag,
            "notes": rng.choice(
                ("", "", "Met at a trade fair", "Asked for a discount", "Uses a spreadsheet today")
            ),
            "do_not_contact": rng.random() < 0.02,
            "stage": stage.value,
            "stage_entered_at": _stamp(at),
            "lost_from": lost_from.value if lost_from else None,
            "lost_reason": lost_reason,
            "next_action": next_action,
            "next_action_due": _stamp(next_due) if next_due else None,
            "trial_ends_at": _stamp(trial_ends) if trial_ends else None,
            "import_batch_id": None,
            "created_at": _stamp(created),
            "updated_at": _stamp(max(at, created)),
        }
        purchases: list[tuple[Any, ...]] = []
        surveys: list[tuple[Any, ...]] = []
        if stage is Stage.WON:
            purchases, surveys = self._customer(prospect_id, row, at, value, owner, activities)
        return row, history, activities, purchases, surveys

    def _customer(
        self,
        prospect_id: int,
        row: dict[str, Any],
        won: datetime,
        value: int,
        owner: str,
        activities: list[tuple[Any, ...]],
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """A customer's life after the win: repeat purchases at a cadence of their own,
        retention contacts (added to ``activities``), survey answers, and the nudge as
        next action where the rules give one. The win's own purchase is added in SQL."""
        rng, now = self.retention_rng, self.now
        contacts: list[datetime] = []

        def contact(kind: str, moment: datetime) -> None:
            if won <= moment < now:
                contacts.append(moment)
                activities.append(
                    (
                        prospect_id,
                        kind,
                        "done",
                        None,
                        _stamp(moment),
                        "reached" if kind == "call" else "",
                        rng.randint(120, 1200) if kind != "email" else None,
                        rng.choice(RETENTION_TEXT["email"]) if kind == "email" else "",
                        "",
                        rng.choice(RETENTION_TEXT[kind]),
                        owner,
                        Stage.WON.value,
                    )
                )

        thanked = row["next_action"] is None  # else the thank-you is still to do
        if thanked and rng.random() < 0.85:
            contact("email", won + timedelta(days=rng.uniform(0.5, 3)))
        interval = rng.choices(PURCHASE_INTERVALS, INTERVAL_WEIGHTS)[0]
        moments = [won]
        purchases: list[tuple[Any, ...]] = []
        buys_again = rng.random() < 0.8
        moment = won
        while buys_again:
            moment += timedelta(days=interval * math.exp(rng.gauss(0, 0.15)))
            if moment >= now:
                break
            if rng.random() < 0.6:
                contact(rng.choice(("call", "email")), moment - timedelta(days=rng.uniform(1, 10)))
            amount = round(value * rng.uniform(0.2, 0.6) / 100) * 100
            purchases.append(
                (
                    prospect_id,
                    _stamp(moment),
                    amount,
                    "USD",
                    rng.choice(PURCHASE_NOTES),
                    "manual",
                    None,
                    _stamp(moment),
                    owner,
                )
            )
            moments.append(moment)
            buys_again = rng.random() > 0.07  # some customers stop buying
        if rng.random() < 0.1:
            contact("meeting", won + timedelta(days=rng.uniform(20, 200)))
        if rng.random() < 0.35:  # an attentive account: a check-in every month or so
            moment = won + timedelta(days=rng.uniform(10, 40))
            while moment < now:
                contact(rng.choices(("call", "email", "meeting"), (5, 4, 1))[0], moment)
                moment += timedelta(days=rng.uniform(20, 45))
        surveys: list[tuple[Any, ...]] = []
        if rng.random() < 0.45:
            for _ in range(rng.randint(1, 3)):
                answered = won + timedelta(days=rng.uniform(7, 400))
                if answered < now:
                    score = rng.choices(range(11), SCORE_WEIGHTS)[0]
                    surveys.append(
                        (
                            prospect_id,
                            score,
                            rng.choice(SURVEY_COMMENTS),
                            _stamp(answered),
                            owner,
                        )
                    )
        cadence = cadence_from(moments, fraction=self.retention.nudge_fraction)
        plan = plan_nudge(
            cadence,
            last_contact=max(contacts) if contacts else None,
            cap_days=self.retention.contact_cap_days,
        )
        if plan is not None and row["next_action"] is None and not row["do_not_contact"]:
            row["next_action"] = plan.text
            row["next_action_due"] = _stamp(plan.due)
        return purchases, surveys

    @staticmethod
    def _change(
        prospect_id: int,
        from_stage: Stage | None,
        to_stage: Stage,
        kind: MoveKind,
        at: datetime,
        by: str,
        reason: str | None,
    ) -> tuple[Any, ...]:
        """A stage-change row in :data:`CHANGE_COLUMNS` order."""
        from_value = from_stage.value if from_stage else None
        return (prospect_id, from_value, to_stage.value, kind.value, _stamp(at), by, reason)

    def _activities(
        self, prospect_id: int, stage: Stage, start: datetime, end: datetime, owner: str
    ) -> Iterator[tuple[Any, ...]]:
        """Activity rows in :data:`ACTIVITY_COLUMNS` order, spread over the stay in a stage."""
        rng = self.rng
        span = max((end - start).total_seconds(), 60.0)
        for _ in range(rng.randint(2, 7)):
            kind = rng.choices(ACTIVITY_KINDS, cum_weights=ACTIVITY_CUM_WEIGHTS)[0]
            yield (
                prospect_id,
                kind,
                "done",
                None,
                _stamp(start + timedelta(seconds=rng.uniform(0, span))),
                rng.choice(CALL_OUTCOMES) if kind == "call" else "",
                rng.randint(60, 1800) if kind in ("call", "meeting") else None,
                rng.choice(ACTIVITY_TEXT["email"]) if kind == "email" else "",
                "",
                rng.choice(ACTIVITY_TEXT[kind]),
                owner,
                stage.value,
            )


CHANGE_COLUMNS = ("prospect_id", "from_stage", "to_stage", "kind", "at", "by", "reason")
ACTIVITY_COLUMNS = (
    "prospect_id",
    "kind",
    "status",
    "due_at",
    "occurred_at",
    "outcome",
    "duration_seconds",
    "subject",
    "template",
    "text",
    "by",
    "stage",
)
PURCHASE_COLUMNS = (
    "prospect_id",
    "purchased_at",
    "amount_cents",
    "currency",
    "note",
    "source",
    "stage_change_id",
    "recorded_at",
    "by",
)
SURVEY_COLUMNS = ("prospect_id", "score", "comment", "answered_at", "by")
ACTIVITY_KINDS = ("call", "email", "meeting", "note")
ACTIVITY_CUM_WEIGHTS = (4, 8, 9, 10)
_stamp = sqlite_text.timestamp_param


def _insert(
    connection: Connection, table: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Bulk insert straight through the driver, timestamps already rendered.

    SQLAlchemy's per-row parameter processing costs more than SQLite's own insert here;
    the columns and values are ours, so nothing needs escaping or type conversion.
    """
    if not rows:
        return
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({placeholders(connection, len(columns))})"
    )
    connection.exec_driver_sql(statement, rows)


_Rows = list[tuple[Any, ...]]
#: One prospect: its row, history, activities, purchases (after the win's) and survey answers.
_Simulated = tuple[dict[str, Any], _Rows, _Rows, _Rows, _Rows]
#: A chunk's rows per table: prospects, stage changes, activities, purchases, survey answers.
_Chunk = tuple[_Rows, _Rows, _Rows, _Rows, _Rows]


def _simulate_chunk(seed: int, chunk: int, first_id: int, count: int, now: datetime) -> _Chunk:
    """Rows for ``count`` prospects from ``first_id`` on, with generators of their own.

    Each chunk seeds its generators from (seed, chunk), so the data depends only on the
    seed and the chunk size, never on which process simulated which chunk or in what order.
    """
    simulator = _Simulator(
        random.Random(f"{seed}:{chunk}"),
        now,
        PipelineConfig(),
        retention_rng=random.Random(f"{seed}:{chunk}:customers"),
    )
    rows: _Rows = []
    history_rows: _Rows = []
    activity_rows: _Rows = []
    purchase_rows: _Rows = []
    survey_rows: _Rows = []
    for prospect_id in range(first_id, first_id + count):
        row, history, acts, bought, answers = simulator.prospect(prospect_id)
        rows.append(tuple(row.values()))
        history_rows.extend(history)
        activity_rows.extend(acts)
        purchase_rows.extend(bought)
        survey_rows.extend(answers)
    return rows, history_rows, activity_rows, purchase_rows, survey_rows


def _simulate_chunk_packed(arguments: tuple[int, int, int, int, datetime]) -> _Chunk:
    return _simulate_chunk(*arguments)


PROSPECT_COLUMNS = tuple(
    _Simulator(random.Random(0), datetime(2026, 1, 1, tzinfo=UTC), PipelineConfig()).prospect(1)[0]
)
#: Below this many prospects, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 20_000


def _chunks(
    seed: int, start_id: int, prospects: int, batch: int, now: datetime
) -> Iterator[_Chunk]:
    """Simulated chunks in order; large loads simulate in worker processes.

    Simulation is pure Python and costs about twice the inserting, so while this process
    inserts one chunk, the workers are already simulating the next ones. Workers are
    spawned, not forked, so a caller's threads (the window's) are never copied mid-state.
    """
    jobs = [
        (seed, index, start_id + offset, min(batch, prospects - offset), now)
        for index, offset in enumerate(range(0, prospects, batch))
    ]
    workers = min(len(jobs), max(1, (os.cpu_count() or 1)))
    if prospects < PARALLEL_THRESHOLD or workers < 2:
        for job in jobs:
            yield _simulate_chunk(*job)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        yield from pool.imap(_simulate_chunk_packed, jobs)


def fill_demo(engine: Engine, *, prospects: int, seed: int = 1, batch: int = 5_000) -> DemoSummary:
    """Add ``prospects`` simulated prospects (with histories and activities) in one transaction."""
    if prospects < 0:
        raise ValueError("The number of prospects cannot be negative.")
    now = utcnow()
    changes = activities = purchases = surveys = 0
    prospect_table = Prospect.__table__  # type: ignore[attr-defined]
    change_table = StageChange.__table__  # type: ignore[attr-defined]
    activity_table = Activity.__table__  # type: ignore[attr-defined]
    purchase_table = Purchase.__table__  # type: ignore[attr-defined]
    survey_table = SurveyAnswer.__table__  # type: ignore[attr-defined]
    with (
        engine.begin() as connection,
        dialect_of(connection).bulk_search_index(connection),
        journey.bulk_load(connection),
    ):
        start_id = (
            int(
                connection.execute(
                    select(func.coalesce(func.max(prospect_table.c.id), 0))
                ).scalar_one()
            )
            + 1
        )
        for rows, history_rows, activity_rows, purchase_rows, survey_rows in _chunks(
            seed, start_id, prospects, batch, now
        ):
            _insert(connection, prospect_table, PROSPECT_COLUMNS, rows)
            _insert(connection, change_table, CHANGE_COLUMNS, history_rows)
            _insert(connection, activity_table, ACTIVITY_COLUMNS, activity_rows)
            _insert(connection, purchase_table, PURCHASE_COLUMNS, purchase_rows)
            _insert(connection, survey_table, SURVEY_COLUMNS, survey_rows)
            changes += len(history_rows)
            activities += len(activity_rows)
            purchases += len(purchase_rows)
            surveys += len(survey_rows)
        purchases += _win_purchases(connection, start_id)
        _issue_codes(connection, random.Random(f"{seed}:codes"), start_id, now)
        referrals = _referrals(connection, random.Random(f"{seed}:referrals"), start_id)
    return DemoSummary(
        prospects=prospects,
        stage_changes=changes,
        activities=activities,
        purchases=purchases,
        survey_answers=surveys,
        referrals=referrals,
    )


def _win_purchases(connection: Connection, start_id: int) -> int:
    """The purchase every win records (the deal value, tied to the win), for the new
    customers, in one statement as :func:`onboard_desk.retention.lifecycle.on_won` would."""
    p = placeholders(connection, 1)
    return int(
        connection.exec_driver_sql(
            "INSERT INTO purchase (prospect_id, purchased_at, amount_cents, currency, note, "
            "source, stage_change_id, recorded_at, by) "
            "SELECT sc.prospect_id, sc.at, p.value_cents, p.currency, '', 'win', sc.id, sc.at, "
            "sc.by FROM stagechange sc JOIN prospect p ON p.id = sc.prospect_id "
            f"WHERE sc.prospect_id >= {p} AND sc.to_stage = 'won'",
            (start_id,),
        ).rowcount
        or 0
    )


def _issue_codes(connection: Connection, rng: random.Random, start_id: int, now: datetime) -> None:
    """A referral code for every new customer (unique among all codes in the database)."""
    p = placeholders(connection, 1)
    taken = {code for (code,) in connection.exec_driver_sql("SELECT code FROM referralcode")}
    rows = []
    for (prospect_id,) in connection.exec_driver_sql(
        f"SELECT id FROM prospect WHERE id >= {p} AND stage = 'won' ORDER BY id", (start_id,)
    ):
        code = unique_code(taken, rng)
        taken.add(code)
        rows.append((prospect_id, code, _stamp(now)))
    table = ReferralCode.__table__  # type: ignore[attr-defined]
    _insert(connection, table, ("prospect_id", "code", "issued_at"), rows)


def _referrals(connection: Connection, rng: random.Random, start_id: int) -> int:
    """Link each new prospect that came in through a referral to a customer won before it
    was created (chosen at random, so customers who came by referral refer others too:
    chains). A referred prospect that was won converted its referral at that win."""
    p = placeholders(connection, 1)
    customers = connection.exec_driver_sql(
        "SELECT p.id, p.stage_entered_at, c.code FROM prospect p "
        "JOIN referralcode c ON c.prospect_id = p.id WHERE p.stage = 'won' "
        "ORDER BY p.stage_entered_at, p.id"
    ).all()
    won_times = [str(at) for _id, at, _code in customers]
    config = config_from_setting(setting_on(connection, SETTING_KEY))
    reward = referral_terms(config, currency_setting(setting_on(connection, DEFAULT_CURRENCY)))
    rows = []
    for referred, created, stage, win_id, win_at in connection.exec_driver_sql(
        "SELECT p.id, p.created_at, p.stage, w.id, w.at FROM prospect p "
        "LEFT JOIN stagechange w ON w.prospect_id = p.id AND w.to_stage = 'won' "
        f"WHERE p.id >= {p} AND p.channel = 'referral' ORDER BY p.id",
        (start_id,),
    ):
        eligible = bisect.bisect_left(won_times, str(created))
        if not eligible:
            continue  # referred by someone who is not in this database
        referrer, _at, code = customers[rng.randrange(eligible)]
        values = new_referral(
            referrer_id=referrer, referred_id=referred, code=code, at=created, terms=reward
        )
        values.update(converted_at=None, win_change_id=None)
        if stage == Stage.WON.value and win_id is not None:
            values.update(converted(at=win_at, change_id=win_id))
            # Some rewards have been handed out since.
            if rng.random() < 0.4:
                values["credit_status"] = "redeemed"
            if rng.random() < 0.7:
                values["discount_status"] = "used"
        rows.append(tuple(values[name] for name in REFERRAL_COLUMNS))
    _insert(connection, Referral.__table__, REFERRAL_COLUMNS, rows)  # type: ignore[attr-defined]
    return len(rows)


REFERRAL_COLUMNS = (
    "referrer_id",
    "referred_id",
    "code",
    "created_at",
    "converted_at",
    "win_change_id",
    "credit_cents",
    "credit_currency",
    "credit_status",
    "discount_percent",
    "discount_status",
)
