"""Writing an import's rows: insert tuples, history rows, journeys, updates, search index.

The rows are built by :mod:`.rows` and go straight through the database driver with
``executemany``: one prospect row, one stage-history row and one journey row per created
prospect, with timestamps rendered once per import, and the search index filled per
chunk in one statement instead of by a trigger per row. A created prospect's history is
its creation alone, so its journey (and the furthest stage copied onto the prospect) is
known when the row is built and is written with it, instead of being computed back from
the history by a trigger per row. Updates read the prospect's current values first and
keep them, so the import can be undone.

Created rows that came with a referral code are linked to the code's holder in one
statement per chunk (only chunks that have such rows pay for it), with the rewards
:func:`onboard_desk.retention.terms.referral_terms` gives (as for a prospect added by hand);
a code nobody has leaves the prospect unlinked. Prospects
imported straight into Won get their own referral codes, a chunk at a time.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Connection

from onboard_desk.domain import contacts
from onboard_desk.domain.referral_codes import unique_code
from onboard_desk.importing.rows import PROSPECT_COLUMNS, RowBuilder
from onboard_desk.importing.validation import CleanRow
from onboard_desk.pipeline import MoveKind, Stage
from onboard_desk.retention.config import SETTING_KEY, config_from_setting
from onboard_desk.retention.terms import ReferralTerms, new_referral, referral_terms
from onboard_desk.storage import journey
from onboard_desk.storage.bulk import placeholders
from onboard_desk.storage.dialects import dialect_of
from onboard_desk.storage.settings_store import DEFAULT_CURRENCY, currency_setting, setting_on

#: Where a prospect row holds the values its journey row copies.
_ID, _OWNER, _CREATED = (PROSPECT_COLUMNS.index(c) for c in ("id", "owner", "created_at"))
_JOURNEY_CREATED = itemgetter(journey.COLUMNS.index("created_at"))
#: The columns of a referral the import writes from :func:`new_referral`, in the statement's
#: order after the holder (which the statement finds by code).
_REFERRAL_VALUES = (
    "referred_id",
    "created_at",
    "credit_cents",
    "credit_currency",
    "credit_status",
    "discount_percent",
    "discount_status",
)
CHANGE_COLUMNS = ("prospect_id", "from_stage", "to_stage", "kind", "at", "by", "reason")
#: Fields an update may change, with the columns it reads to decide and to undo.
UPDATE_COLUMNS = (
    "name",
    "company",
    "title",
    "email",
    "email_key",
    "phone",
    "phone_key",
    "tags",
    "notes",
    "value_cents",
    "currency",
    "channel",
    "owner",
    "next_action",
    "next_action_due",
    "updated_at",
)


class ChunkWriter:
    """Writes decided rows a chunk at a time: inserts with their history and search-index
    rows, then updates, keeping the values updated prospects had before, for undo."""

    def __init__(
        self,
        connection: Connection,
        builder: RowBuilder,
        *,
        by: str,
        dry_run: bool,
        source: str,
    ) -> None:
        self.connection = connection
        self.builder = builder
        self.dry_run = dry_run
        self.history_tail = (
            None,
            builder.options.stage.value,
            MoveKind.CREATE.value,
            builder.now_stamp,
            by,
            f"Imported from {source}",
        )
        self.pending: list[tuple[Any, ...]] = []
        self.updates: list[tuple[int, CleanRow]] = []
        #: (new prospect id, code) of pending rows that came with a referral code.
        self.referrals: list[tuple[int, str]] = []
        self.referrals_linked = 0
        self.referral_codes_unmatched = 0
        self._terms: ReferralTerms | None = None
        self._taken_codes: set[str] | None = None
        self.undo: dict[int, dict[str, Any]] = {}
        self.updated_ids: set[int] = set()
        self.insert_prospect = (
            f"INSERT INTO prospect ({', '.join(PROSPECT_COLUMNS)}) "
            f"VALUES ({placeholders(connection, len(PROSPECT_COLUMNS))})"
        )
        self.insert_change = (
            f"INSERT INTO stagechange ({', '.join(CHANGE_COLUMNS)}) "
            f"VALUES ({placeholders(connection, len(CHANGE_COLUMNS))})"
        )
        self.insert_journey = journey.insert_statement(
            placeholders(connection, len(journey.COLUMNS))
        )
        self.journey_tail = builder.journey[1:]

    def flush(self, first_new_id: int | None) -> None:
        """Write the chunk: inserts with their history, journeys and search-index rows,
        then updates.

        The caller suspends the insert triggers of the search index and of the journeys
        (see :func:`onboard_desk.storage.journey.insert_trigger_suspended`), since this writes
        what they would.
        """
        if self.dry_run:
            self.pending.clear()
            self.updates.clear()
            self.referrals.clear()
            return
        connection = self.connection
        if self.pending:
            tail = self.history_tail
            history = [(row[_ID], *tail) for row in self.pending]
            furthest, durations = self.builder.journey[0], self.journey_tail
            journeys = [
                (row[_ID], furthest, row[_CREATED], row[_OWNER], *durations) for row in self.pending
            ]
            # In creation-time order, the order of the journeys' indexes (each starts with
            # a duration, the same for every new prospect, then the creation time):
            # neighbouring rows then land on the same index pages.
            journeys.sort(key=_JOURNEY_CREATED)
            connection.exec_driver_sql(self.insert_prospect, self.pending)
            connection.exec_driver_sql(self.insert_change, history)
            connection.exec_driver_sql(self.insert_journey, journeys)
            dialect_of(connection).index_prospect_range(
                connection, self.pending[0][_ID], self.pending[-1][_ID]
            )
            if self.builder.options.stage is Stage.WON:
                self._issue_codes([row[_ID] for row in self.pending])
            self.pending.clear()
        if self.referrals:
            self._link_referrals()
        for prospect_id, row in self.updates:
            self._update(prospect_id, row, first_new_id)
        self.updates.clear()

    def _referral_terms(self) -> ReferralTerms:
        """What a referral made by this import is worth, from this database's retention
        settings and home currency (read once, when first needed)."""
        if self._terms is None:
            connection = self.connection
            config = config_from_setting(setting_on(connection, SETTING_KEY))
            home = currency_setting(setting_on(connection, DEFAULT_CURRENCY))
            self._terms = referral_terms(config, home)
        return self._terms

    def _link_referrals(self) -> None:
        """Link this chunk's referred prospects to their codes' holders, in one statement."""
        rows, self.referrals = self.referrals, []
        if self.builder.options.stage is Stage.WON:
            # A referral counts for a prospect won after being referred, not for one
            # that arrives as a customer (as for prospects added one by one).
            self.referral_codes_unmatched += len(rows)
            return
        connection = self.connection
        marks = placeholders(connection, 8).split(", ")
        # The holder is looked up by code in the statement; the rest of the row is what
        # terms.new_referral gives any referral made now.
        statement = (
            "INSERT INTO referral (referrer_id, referred_id, code, created_at, credit_cents, "
            "credit_currency, credit_status, discount_percent, discount_status) "
            f"SELECT rc.prospect_id, {marks[0]}, rc.code, {', '.join(marks[1:7])} "
            f"FROM referralcode rc WHERE rc.code = {marks[7]}"
        )
        ids = [prospect_id for prospect_id, _code in rows]
        count = f"SELECT count(*) FROM referral WHERE referred_id BETWEEN {marks[0]} AND {marks[1]}"
        before = connection.exec_driver_sql(count, (min(ids), max(ids))).scalar() or 0
        parameters = []
        for prospect_id, code in rows:
            values = new_referral(
                referrer_id=0,  # the statement takes the holder of ``code``
                referred_id=prospect_id,
                code=code,
                at=self.builder.now_stamp,
                terms=self._referral_terms(),
            )
            parameters.append((*(values[name] for name in _REFERRAL_VALUES), code))
        connection.exec_driver_sql(statement, parameters)
        linked = (connection.exec_driver_sql(count, (min(ids), max(ids))).scalar() or 0) - before
        self.referrals_linked += linked
        self.referral_codes_unmatched += len(rows) - linked

    def _issue_codes(self, prospect_ids: list[int]) -> None:
        """Referral codes for prospects imported straight into Won (they are customers)."""
        connection = self.connection
        if self._taken_codes is None:
            self._taken_codes = {
                code for (code,) in connection.exec_driver_sql("SELECT code FROM referralcode")
            }
        taken = self._taken_codes
        rows = []
        for prospect_id in prospect_ids:
            code = unique_code(taken)
            taken.add(code)
            rows.append((prospect_id, code, self.builder.now_stamp))
        connection.exec_driver_sql(
            "INSERT INTO referralcode (prospect_id, code, issued_at) "
            f"VALUES ({placeholders(connection, 3)})",
            rows,
        )

    def _update(self, prospect_id: int, row: CleanRow, first_new_id: int | None) -> None:
        connection = self.connection
        p = placeholders(connection, 1)
        current = connection.exec_driver_sql(
            f"SELECT {', '.join(UPDATE_COLUMNS)} FROM prospect WHERE id = {p}", (prospect_id,)
        ).first()
        if current is None:  # deleted meanwhile by another writer: nothing to update
            return
        old = dict(zip(UPDATE_COLUMNS, current, strict=True))
        new: dict[str, Any] = {}
        for name in ("name", "company", "title", "email", "email_key", "phone", "phone_key"):
            value = getattr(row, name)
            if value and value != old[name]:
                new[name] = value
        if "company" in new:
            new["company_key"] = row.company_key
        if row.tags:
            merged = contacts.normalize_tags(f"{old['tags']},{row.tags}")
            if merged != old["tags"]:
                new["tags"] = merged
        if row.notes and row.notes not in (old["notes"] or ""):
            new["notes"] = f"{old['notes']}\n{row.notes}".strip()
        if row.value_cents is not None and row.value_cents != old["value_cents"]:
            new["value_cents"] = row.value_cents
        if row.currency and row.currency != old["currency"]:
            new["currency"] = row.currency
        if row.channel and row.channel != old["channel"]:
            new["channel"] = row.channel
        if row.owner and row.owner != old["owner"]:
            new["owner"] = row.owner
        if row.next_action and row.next_action != old["next_action"]:
            new["next_action"] = row.next_action
        if row.next_action_due is not None:
            new["next_action_due"] = self.builder.stamp(row.next_action_due)
            if not old["next_action"] and "next_action" not in new:
                new["next_action"] = "Follow up"
        if not new:
            return
        new["updated_at"] = self.builder.now_stamp
        pre_existing = first_new_id is None or prospect_id < first_new_id
        if pre_existing and prospect_id not in self.undo:
            self.undo[prospect_id] = old
        if pre_existing:
            self.updated_ids.add(prospect_id)
        assignments = ", ".join(f"{name} = {p}" for name in new)
        connection.exec_driver_sql(
            f"UPDATE prospect SET {assignments} WHERE id = {p}", (*new.values(), prospect_id)
        )
