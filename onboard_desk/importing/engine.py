"""One import: read a file, validate, match duplicates, and write it all in one transaction.

The work streams: rows are decided by :mod:`.planner` (in a worker process for large
files, see :mod:`.worker`) and written here in chunks, so memory does not grow with the
file (beyond the planner's duplicate keys of the rows imported, a few dozen bytes each).
Writing is :mod:`.writer`'s part, ids assigned in order from the current maximum.
The whole import is one transaction, recorded as an
:class:`~onboard_desk.storage.models.ImportBatch`: a cancel, an error or a crash before the
commit leaves the database exactly as it was, and :mod:`.batches` undoes a committed
import as a whole.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.errors import UserError
from onboard_desk.importing.duplicates import DuplicateIndex
from onboard_desk.importing.mapping import (
    ColumnMapping,
    check_mapping,
    fit_mapping,
    propose_mapping,
)
from onboard_desk.importing.options import ImportOptions
from onboard_desk.importing.planner import Chunk, plan
from onboard_desk.importing.results import (
    KEEP_REJECTS,
    ImportCancelledError,
    ImportResult,
    RejectsWriter,
)
from onboard_desk.importing.rows import RowBuilder
from onboard_desk.importing.sources import ImportFileError, Table, open_table
from onboard_desk.importing.validation import RowValidator
from onboard_desk.importing.worker import WORKER_MIN_BYTES, PlanningWorker, PlanRequest
from onboard_desk.importing.writer import ChunkWriter
from onboard_desk.pipeline import Stage
from onboard_desk.storage import journey
from onboard_desk.storage.bulk import placeholders
from onboard_desk.storage.dialects import dialect_of, sqlite_text

ProgressCallback = Callable[[float, int], None]


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
            with ExitStack() as stack:
                connection = stack.enter_context(engine.connect())
                if not dry_run:
                    stack.enter_context(dialect_of(connection).import_page_cache(connection))
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
        except OperationalError as exc:
            if dialect_of(engine).is_busy_error(exc):
                raise UserError(
                    "The database is busy: another program (or window) is writing to it. "
                    "Nothing was imported; try again in a moment."
                ) from exc
            raise
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
    now = utcnow()
    batch_id: int | None = None
    worker: PlanningWorker | None = None
    if parallel:
        # Started first: the new process loads its modules while the keys are read.
        worker = PlanningWorker(
            PlanRequest(
                path=Path(result.source),
                mapping=dict(mapping),
                options=options,
                by=by,
                now=now,
                preview_rows=preview_rows,
                build_rows=not dry_run,
            )
        )
    try:
        if not dry_run:
            # Writing first takes SQLite's write lock before the ids below are read.
            batch_id = connection.exec_driver_sql(
                "INSERT INTO importbatch (source, file_format, created_at, by, created_count, "
                "updated_count, skipped_count, rejected_count, undo_data) "
                f"VALUES ({placeholders(connection, 9)}) RETURNING id",
                (
                    str(result.source)[:500], table.file_format,
                    sqlite_text.timestamp_param(now), by, 0, 0, 0, 0, "",
                ),
            ).scalar_one()  # fmt: skip
        builder = RowBuilder(options, by=by, now=now, batch_id=batch_id)
        run = ChunkWriter(connection, builder, by=by, dry_run=dry_run, source=table.path_name)
        max_id = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM prospect").scalar()
        first_new_id = int(max_id or 0) + 1
        # Straight through the driver's cursor: 100,000 rows take a tenth of a second.
        cursor = connection.connection.cursor()
        try:
            cursor.execute(
                "SELECT id, email_key, phone_key, company_key, name FROM prospect ORDER BY id"
            )
            keys: list[Any] = []
            index = DuplicateIndex()
            if worker is not None:
                keys = list(cursor.fetchall())
            else:
                index.load(cursor)
        finally:
            cursor.close()
        if worker is not None:
            worker.start(first_new_id, batch_id, keys)
            del keys
            chunks = worker.chunks()
        else:
            chunks = plan(
                table,
                validator,
                index,
                builder,
                first_new_id=first_new_id,
                on_duplicate=options.on_duplicate,
                row_actions=options.row_actions,
                preview_rows=preview_rows,
                build_rows=not dry_run,
            )
        suspended = ExitStack()
        if not dry_run:
            dialect = dialect_of(connection)
            suspended.enter_context(dialect.search_insert_trigger_suspended(connection))
            suspended.enter_context(journey.insert_trigger_suspended(connection))
        with suspended:
            for chunk in chunks:
                _apply(chunk, run, result, rejects)
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
    result.referrals_linked = run.referrals_linked
    result.referral_codes_unmatched = run.referral_codes_unmatched
    if dry_run or batch_id is None:
        return
    if not result.created and not result.updated:
        return  # nothing changed: the batch row is rolled back with the rest
    p = placeholders(connection, 1)
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
    chunk: Chunk, run: ChunkWriter, result: ImportResult, rejects: RejectsWriter | None
) -> None:
    """Count a chunk, keep what is reported, and queue its writes."""
    result.rows_read = chunk.rows_read
    result.ragged_rows = chunk.ragged_rows
    result.created += chunk.created
    result.updated += chunk.updated
    result.skipped += chunk.skipped
    result.duplicate_count += chunk.duplicate_count
    result.rejected += len(chunk.rejects)
    for reject in chunk.rejects:
        if len(result.rejects) < KEEP_REJECTS:
            result.rejects.append(reject)
        if rejects is not None:
            rejects.write(reject)
    result.duplicates.extend(chunk.duplicates)
    result.preview.extend(chunk.preview)
    run.pending.extend(chunk.inserts)
    run.updates.extend(chunk.updates)
    run.referrals.extend(chunk.referrals)


def _label_duplicates(engine: Engine, result: ImportResult) -> None:
    """Name the matched prospects of the duplicates kept for display (one query per 500)."""
    if not result.duplicates:
        return
    ids = sorted({d.match.prospect_id for d in result.duplicates if d.match.in_file_line is None})
    labels: dict[int, str] = {}
    with engine.connect() as connection:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = placeholders(connection, len(part))
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
