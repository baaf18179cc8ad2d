"""One import: read a file, validate, match duplicates, and write it all in one transaction.

The work streams: rows are decided by :mod:`.planner` (in a worker process for large
files, see :mod:`.worker`) and written here in chunks, so memory does not grow with the
file (beyond the planner's duplicate keys of the rows imported, a few dozen bytes each).
Writes go straight through the database driver with ``executemany``: one prospect row
and one stage-history row per created prospect, ids assigned in order from the
current maximum, and the search index filled per chunk in one statement instead of
by a trigger per row. The whole import is one transaction, recorded as an
:class:`~onboard_desk.models.ImportBatch`: a cancel, an error or a crash before the
commit leaves the database exactly as it was, and :mod:`.batches` undoes a committed
import as a whole.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine

from onboard_desk import contacts, sqlite_specific
from onboard_desk.errors import UserError
from onboard_desk.importing.duplicates import DuplicateAction, DuplicateIndex
from onboard_desk.importing.fields import Field
from onboard_desk.importing.mapping import (
    ColumnMapping,
    check_mapping,
    fit_mapping,
    propose_mapping,
)
from onboard_desk.importing.planner import Chunk, plan
from onboard_desk.importing.results import (
    KEEP_DUPLICATES,
    KEEP_REJECTS,
    Duplicate,
    ImportCancelledError,
    ImportResult,
    PreviewRow,
    Reject,
    RejectsWriter,
)
from onboard_desk.importing.sources import ImportFileError, Table, open_table
from onboard_desk.importing.validation import CleanRow, RowValidator
from onboard_desk.importing.worker import WORKER_MIN_BYTES, PlanningWorker, PlanRequest
from onboard_desk.pipeline import (
    DEFAULT_NEXT_ACTIONS,
    Channel,
    MoveKind,
    PipelineConfig,
    Stage,
    propose_next_action,
)
from onboard_desk.timeutil import utcnow

PROSPECT_COLUMNS = (
    "id",
    "name",
    "company",
    "title",
    "email",
    "email_key",
    "phone",
    "phone_key",
    "channel",
    "owner",
    "value_cents",
    "currency",
    "tags",
    "notes",
    "do_not_contact",
    "stage",
    "stage_entered_at",
    "next_action",
    "next_action_due",
    "trial_ends_at",
    "import_batch_id",
    "created_at",
    "updated_at",
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

ProgressCallback = Callable[[float, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """Choices that apply to a whole import (the wizard's and the command line's options)."""

    mapping: Mapping[str, Field] | None = None
    #: Channel and owner for every row; None takes a mapped column's value, else
    #: "other" and the importing user.
    channel: Channel | None = None
    owner: str | None = None
    tags: str = ""
    stage: Stage = Stage.OUTREACH
    on_duplicate: DuplicateAction = DuplicateAction.SKIP
    #: Per-row choices by file line number; rows not listed follow ``on_duplicate``.
    row_actions: Mapping[int, DuplicateAction] = field(default_factory=dict)
    sheet: str | None = None
    region: str | None = None
    currency: str = "USD"
    config: PipelineConfig = field(default_factory=PipelineConfig)


def _placeholders(connection: Connection, count: int) -> str:
    style = connection.dialect.paramstyle
    if style == "qmark":
        return ", ".join("?" * count)
    if style == "numeric":
        return ", ".join(f":{i + 1}" for i in range(count))
    return ", ".join(["%s"] * count)


def _display(moment: datetime | None) -> str:
    from onboard_desk.timeutil import format_local

    return format_local(moment) if moment else ""


class _Run:
    """The state of one import while it runs (kept off the public API)."""

    def __init__(
        self,
        connection: Connection,
        options: ImportOptions,
        *,
        by: str,
        dry_run: bool,
        source: str,
    ) -> None:
        self.connection = connection
        self.options = options
        self.by = by
        self.dry_run = dry_run
        self.now = utcnow()
        stamp = sqlite_specific.timestamp_param
        self.stamp = stamp
        self.now_stamp = stamp(self.now)
        stage = options.stage
        proposal = propose_next_action(stage, self.now, options.config)
        self.default_action = proposal.text if proposal else None
        self.default_due = stamp(proposal.due) if proposal else None
        self.trial_ends = (
            stamp(self.now + timedelta(days=options.config.trial_length_days))
            if stage is Stage.TRIAL
            else None
        )
        self.reason = f"Imported from {source}"
        self.owner = (options.owner or "").strip() or None
        self.default_owner = by
        self.channel = options.channel.value if options.channel else None
        self.pending: list[tuple[Any, ...]] = []
        self.history: list[tuple[Any, ...]] = []
        self.updates: list[tuple[int, CleanRow]] = []
        self.undo: dict[int, dict[str, Any]] = {}
        self.updated_ids: set[int] = set()
        self._stamps: dict[datetime, str] = {}
        insert_prospect = (
            f"INSERT INTO prospect ({', '.join(PROSPECT_COLUMNS)}) "
            f"VALUES ({_placeholders(connection, len(PROSPECT_COLUMNS))})"
        )
        insert_change = (
            f"INSERT INTO stagechange ({', '.join(CHANGE_COLUMNS)}) "
            f"VALUES ({_placeholders(connection, len(CHANGE_COLUMNS))})"
        )
        self.insert_prospect, self.insert_change = insert_prospect, insert_change

    def prospect_tuple(
        self, prospect_id: int, row: CleanRow, batch_id: int | None
    ) -> tuple[Any, ...]:
        options = self.options
        action, due = self.default_action, self.default_due
        if row.next_action or row.next_action_due:
            action = row.next_action or DEFAULT_NEXT_ACTIONS.get(options.stage, ("Follow up", 1))[0]
            if row.next_action_due is not None:
                due = self.stamp(row.next_action_due)
            elif due is None:
                due = self.stamp(self.now + timedelta(days=1))
        return (
            prospect_id,
            row.name,
            row.company,
            row.title,
            row.email,
            row.email_key,
            row.phone,
            row.phone_key,
            self.channel or row.channel or Channel.OTHER.value,
            self.owner or row.owner or self.default_owner,
            row.value_cents,
            row.currency or options.currency,
            row.tags,
            row.notes,
            0,
            options.stage.value,
            self.now_stamp,
            action,
            due,
            self.trial_ends,
            batch_id,
            self._created_stamp(row.created_at) if row.created_at else self.now_stamp,
            self.now_stamp,
        )

    def _created_stamp(self, moment: datetime) -> str:
        stamp = self._stamps.get(moment)
        if stamp is None:
            if len(self._stamps) >= 20_000:
                self._stamps.clear()
            stamp = self._stamps[moment] = self.stamp(moment)
        return stamp

    def create(self, prospect_id: int, row: CleanRow, batch_id: int | None) -> None:
        if self.dry_run:
            return
        self.pending.append(self.prospect_tuple(prospect_id, row, batch_id))
        self.history.append(
            (
                prospect_id,
                None,
                self.options.stage.value,
                MoveKind.CREATE.value,
                self.now_stamp,
                self.by,
                self.reason,
            )
        )

    def flush(self, first_new_id: int | None) -> None:
        """Write the chunk: inserts, their search-index rows, then updates."""
        if self.dry_run:
            self.updates.clear()
            return
        connection = self.connection
        if self.pending:
            connection.exec_driver_sql(self.insert_prospect, self.pending)
            connection.exec_driver_sql(self.insert_change, self.history)
            sqlite_specific.index_prospect_range(
                connection, self.pending[0][0], self.pending[-1][0]
            )
            self.pending.clear()
            self.history.clear()
        for prospect_id, row in self.updates:
            self._update(prospect_id, row, first_new_id)
        self.updates.clear()

    def _update(self, prospect_id: int, row: CleanRow, first_new_id: int | None) -> None:
        connection = self.connection
        p = _placeholders(connection, 1)
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
            new["next_action_due"] = self.stamp(row.next_action_due)
            if not old["next_action"] and "next_action" not in new:
                new["next_action"] = "Follow up"
        if not new:
            return
        new["updated_at"] = self.now_stamp
        pre_existing = first_new_id is None or prospect_id < first_new_id
        if pre_existing and prospect_id not in self.undo:
            self.undo[prospect_id] = old
        if pre_existing:
            self.updated_ids.add(prospect_id)
        assignments = ", ".join(f"{name} = {p}" for name in new)
        connection.exec_driver_sql(
            f"UPDATE prospect SET {assignments} WHERE id = {p}", (*new.values(), prospect_id)
        )


def _preview_values(run: _Run, row: CleanRow) -> dict[str, Any]:
    values = dict(zip(PROSPECT_COLUMNS, run.prospect_tuple(0, row, None), strict=True))
    return {
        "name": values["name"],
        "company": values["company"],
        "title": values["title"],
        "email": values["email"],
        "phone": values["phone"],
        "channel": Channel(values["channel"]).label,
        "owner": values["owner"],
        "stage": run.options.stage.label,
        "tags": values["tags"],
        "value": contacts.format_money(values["value_cents"], values["currency"]),
        "notes": values["notes"],
        "created_at": _display(row.created_at or run.now),
        "next_action": values["next_action"] or "",
        "next_action_due": _display(row.next_action_due) or (values["next_action_due"] or "")[:16],
    }


def run_import(
    engine: Engine,
    path: Path,
    options: ImportOptions,
    *,
    by: str,
    dry_run: bool = False,
    rejects_path: Path | None = None,
    preview_rows: int = 0,
    progress: ProgressCallback | None = None,
    cancel: Callable[[], bool] | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Import ``path`` (or with ``dry_run`` only report what importing would do).

    ``parallel`` plans the rows in a worker process while this one writes (default:
    for files of :data:`~.worker.WORKER_MIN_BYTES` and more).

    Raises ImportFileError when the file cannot be read at all, MappingError for an
    unusable mapping, ImportCancelledError when ``cancel()`` turned true; in each case the
    database is unchanged.
    """
    if options.stage is Stage.LOST:
        raise UserError("Imported prospects cannot start as Lost (that needs a lost reason).")
    started = time.perf_counter()
    if parallel is None:
        try:
            parallel = path.stat().st_size >= WORKER_MIN_BYTES
        except OSError:
            parallel = False
    use_worker = parallel
    with open_table(path, sheet=options.sheet) as table:
        if options.mapping is None:
            mapping = propose_mapping(table.headers)
        else:
            mapping = fit_mapping(options.mapping, table.headers)
        check_mapping(mapping)
        validator = RowValidator(table.headers, mapping, region=options.region, tags=options.tags)
        result = ImportResult(
            source=str(path),
            file_format=table.file_format,
            dry_run=dry_run,
            encoding=table.encoding,
            delimiter=table.delimiter,
            sheet=table.sheet,
            headers=list(table.headers),
            rejects_path=rejects_path,
        )
        rejects = RejectsWriter(rejects_path, table.headers) if rejects_path else None
        try:
            with engine.connect() as connection:
                transaction = connection.begin()
                try:
                    _import_rows(
                        connection, table, validator, mapping, options, result,
                        by=by, rejects=rejects, preview_rows=preview_rows,
                        progress=progress, cancel=cancel, parallel=use_worker,
                    )  # fmt: skip
                except BaseException:
                    transaction.rollback()
                    raise
                if dry_run or result.batch_id is None:
                    transaction.rollback()
                else:
                    transaction.commit()
        finally:
            if rejects is not None:
                rejects.close()
        _label_duplicates(engine, result)
    result.seconds = time.perf_counter() - started
    return result


def _import_rows(
    connection: Connection,
    table: Table,
    validator: RowValidator,
    mapping: ColumnMapping,
    options: ImportOptions,
    result: ImportResult,
    *,
    by: str,
    rejects: RejectsWriter | None,
    preview_rows: int,
    progress: ProgressCallback | None,
    cancel: Callable[[], bool] | None,
    parallel: bool,
) -> None:
    dry_run = result.dry_run
    run = _Run(connection, options, by=by, dry_run=dry_run, source=table.path_name)
    batch_id: int | None = None
    worker: PlanningWorker | None = None
    if parallel:
        # Started first: the new process imports its modules while the keys are read.
        worker = PlanningWorker(
            PlanRequest(
                path=Path(result.source),
                sheet=options.sheet,
                mapping=dict(mapping),
                region=options.region,
                tags=options.tags,
                on_duplicate=options.on_duplicate,
                row_actions=dict(options.row_actions),
            )
        )
    try:
        if not dry_run:
            # Writing first takes SQLite's write lock before the ids below are read.
            batch_id = connection.exec_driver_sql(
                "INSERT INTO importbatch (source, file_format, created_at, by, created_count, "
                "updated_count, skipped_count, rejected_count, undo_data) "
                f"VALUES ({_placeholders(connection, 9)})",
                (str(result.source)[:500], table.file_format, run.now_stamp, by, 0, 0, 0, 0, ""),
            ).lastrowid
        max_id = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM prospect").scalar()
        first_new_id = int(max_id or 0) + 1
        # Straight through the driver's cursor: 100,000 rows take a tenth of a second.
        cursor = connection.connection.cursor()
        try:
            cursor.execute("SELECT id, email_key, phone_key, company, name FROM prospect")
            keys: list[Any] = []
            index = DuplicateIndex()
            if worker is not None:
                keys = list(cursor.fetchall())
            else:
                index.load(cursor)
        finally:
            cursor.close()
        if worker is not None:
            worker.start(first_new_id, keys)
            chunks = worker.chunks()
        else:
            chunks = plan(
                table,
                validator,
                index,
                first_new_id=first_new_id,
                on_duplicate=options.on_duplicate,
                row_actions=options.row_actions,
            )
        suspended = (
            sqlite_specific.search_insert_trigger_suspended(connection)
            if not dry_run
            else nullcontext()
        )
        with suspended:
            for chunk in chunks:
                _apply(chunk, run, result, batch_id, rejects, preview_rows)
                run.flush(first_new_id)
                if cancel is not None and cancel():
                    raise ImportCancelledError()
                if progress is not None and chunk.progress < 1.0:
                    progress(chunk.progress, result.rows_read)
    finally:
        if worker is not None:
            worker.close()
    if result.rows_read == 0:
        what = (
            "holds no contact cards"
            if table.file_format == "vcard"
            else "has a header row but no data rows"
        )
        raise ImportFileError(f"{table.path_name} {what}: there is nothing to import.")
    if progress is not None:
        progress(1.0, result.rows_read)
    result.first_created_id = first_new_id if result.created else None
    result.updated_ids = sorted(run.updated_ids)
    if dry_run or batch_id is None:
        return
    if not result.created and not result.updated:
        return  # nothing changed: the batch row is rolled back with the rest
    p = _placeholders(connection, 1)
    connection.exec_driver_sql(
        f"UPDATE importbatch SET created_count = {p}, updated_count = {p}, "
        f"skipped_count = {p}, rejected_count = {p}, undo_data = {p} WHERE id = {p}",
        (
            result.created,
            result.updated,
            result.skipped,
            result.rejected,
            json.dumps({"first_id": first_new_id, "updated": run.undo}, ensure_ascii=False),
            batch_id,
        ),
    )
    result.batch_id = int(batch_id)


def _apply(
    chunk: Chunk,
    run: _Run,
    result: ImportResult,
    batch_id: int | None,
    rejects: RejectsWriter | None,
    preview_rows: int,
) -> None:
    """Count a chunk's decisions and queue its writes."""
    result.rows_read = chunk.rows_read
    result.ragged_rows = chunk.ragged_rows
    for decision in chunk.decisions:
        line, outcome, row = decision.line, decision.outcome, decision.row
        if outcome == "reject" or row is None:
            result.rejected += 1
            item = Reject(line, decision.reason, decision.cells)
            if len(result.rejects) < KEEP_REJECTS:
                result.rejects.append(item)
            if rejects is not None:
                rejects.write(item)
            if len(result.preview) < preview_rows:
                result.preview.append(PreviewRow(line, "reject", {}, decision.reason))
            continue
        match, action = decision.match, decision.action
        if match is not None and action is not None:
            result.duplicate_count += 1
            if len(result.duplicates) < KEEP_DUPLICATES:
                result.duplicates.append(
                    Duplicate(line, row.name, row.email, row.company, match, action)
                )
        target = decision.prospect_id
        if outcome == "skip" or target is None:
            result.skipped += 1
        elif outcome == "update":
            result.updated += 1
            run.updates.append((target, row))
        else:
            result.created += 1
            run.create(target, row, batch_id)
        if len(result.preview) < preview_rows:
            result.preview.append(PreviewRow(line, outcome, _preview_values(run, row)))


def _label_duplicates(engine: Engine, result: ImportResult) -> None:
    """Name the matched prospects of the duplicates kept for display (one query per 500)."""
    if not result.duplicates:
        return
    ids = sorted({d.match.prospect_id for d in result.duplicates if d.match.in_file_line is None})
    labels: dict[int, str] = {}
    with engine.connect() as connection:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = _placeholders(connection, len(part))
            for prospect_id, name, company in connection.exec_driver_sql(
                f"SELECT id, name, company FROM prospect WHERE id IN ({marks})", tuple(part)
            ):
                labels[prospect_id] = f"#{prospect_id} {name}" + (f", {company}" if company else "")
    from dataclasses import replace

    result.duplicates = [
        replace(
            d,
            existing=(
                f"line {d.match.in_file_line} of this file"
                if d.match.in_file_line is not None
                else labels.get(d.match.prospect_id, f"#{d.match.prospect_id}")
            ),
        )
        for d in result.duplicates
    ]
