"""Planning a large import in a worker process, while this process writes to the database.

Reading, validating and matching rows is Python work; writing them is SQLite work in the
database driver. For a large file the planner (:mod:`.planner`) runs in a separate
process and sends its decisions back chunk by chunk through a pipe, so the two kinds of
work use two cores. The worker never touches the database: the duplicate keys are read
by the writing process, inside its transaction, and sent to it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from onboard_desk.errors import UserError
from onboard_desk.importing.duplicates import (
    DuplicateAction,
    DuplicateIndex,
    Match,
    MatchKind,
)
from onboard_desk.importing.fields import Field
from onboard_desk.importing.options import ImportOptions
from onboard_desk.importing.planner import Chunk, plan
from onboard_desk.importing.results import Duplicate, PreviewRow, Reject
from onboard_desk.importing.rows import RowBuilder
from onboard_desk.importing.sources import ImportFileError, open_table
from onboard_desk.importing.validation import CleanRow, RowValidator

#: Files at least this large are planned in a worker process (starting one costs about
#: half a second, which a smaller file does not win back).
WORKER_MIN_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class PlanRequest:
    """Everything the worker needs besides the duplicate keys (all picklable)."""

    path: Path
    mapping: Mapping[str, Field]
    options: ImportOptions
    by: str
    now: datetime
    preview_rows: int
    build_rows: bool


_ROW_FIELDS = tuple(f.name for f in fields(CleanRow))


def _row_tuple(row: CleanRow) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in _ROW_FIELDS)


def _encode(chunk: Chunk) -> tuple[Any, ...]:
    """A chunk as plain tuples: pickling dataclasses costs several times more."""
    return (
        chunk.inserts,
        [(prospect_id, _row_tuple(row)) for prospect_id, row in chunk.updates],
        [(r.line, r.reason, r.cells) for r in chunk.rejects],
        [
            (
                d.line, d.name, d.email, d.company, d.action.value,
                (d.match.kind.value, d.match.prospect_id, d.match.score, d.match.in_file_line),
            )
            for d in chunk.duplicates
        ],
        [(p.line, p.outcome, p.values, p.reason) for p in chunk.preview],
        (chunk.duplicate_count, chunk.created, chunk.updated, chunk.skipped),
        (chunk.progress, chunk.rows_read, chunk.ragged_rows),
        chunk.referrals,
    )  # fmt: skip


def _decode(payload: tuple[Any, ...]) -> Chunk:
    inserts, updates, rejects, duplicates, preview, counts, position, referrals = payload
    chunk = Chunk(
        inserts=inserts,
        referrals=referrals,
        updates=[(prospect_id, CleanRow(*values)) for prospect_id, values in updates],
        rejects=[Reject(line, reason, cells) for line, reason, cells in rejects],
        duplicates=[
            Duplicate(
                line,
                name,
                email,
                company,
                Match(MatchKind(m[0]), m[1], m[2], m[3]),
                DuplicateAction(action),
            )
            for line, name, email, company, action, m in duplicates
        ],
        preview=[PreviewRow(*item) for item in preview],
    )
    chunk.duplicate_count, chunk.created, chunk.updated, chunk.skipped = counts
    chunk.progress, chunk.rows_read, chunk.ragged_rows = position
    return chunk


def _serve(read: BinaryIO, write: BinaryIO) -> None:
    """The worker: read the request and the keys, then send chunks until the file ends."""

    def send(kind: str, payload: Any) -> None:
        pickle.dump((kind, payload), write, protocol=pickle.HIGHEST_PROTOCOL)
        write.flush()

    try:
        request: PlanRequest = pickle.load(read)
        first_new_id, batch_id, keys = pickle.load(read)
        index = DuplicateIndex()
        index.load(keys)
        del keys
        options = request.options
        builder = RowBuilder(options, by=request.by, now=request.now, batch_id=batch_id)
        with open_table(request.path, sheet=options.sheet) as table:
            validator = RowValidator(
                table.headers, request.mapping, region=options.region, tags=options.tags
            )
            for chunk in plan(
                table,
                validator,
                index,
                builder,
                first_new_id=first_new_id,
                on_duplicate=options.on_duplicate,
                row_actions=options.row_actions,
                preview_rows=request.preview_rows,
                build_rows=request.build_rows,
            ):
                send("chunk", _encode(chunk))
        send("done", None)
    except ImportFileError as exc:
        send("file-error", str(exc))
    except UserError as exc:
        send("user-error", str(exc))
    except BrokenPipeError:
        pass  # the importing process stopped listening (a cancel): nothing to tell
    except BaseException:
        send("crash", traceback.format_exc())


class PlanningWorker:
    """A started worker process; iterate over :meth:`chunks`. Always ``close()`` it.

    The worker is a plain ``python -m onboard_desk.importing.worker_process`` child talking
    pickle over its standard input and output, rather than a multiprocessing process:
    that way it never re-runs the caller's main script, whatever started the import.
    """

    def __init__(self, request: PlanRequest) -> None:
        # The package's own folder goes first on the path, so the worker runs the same
        # code as this process even when it was started from a source checkout.
        root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, path] if path else [root])}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "onboard_desk.importing.worker_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._stdin: IO[bytes] = self._process.stdin
        self._stdout: IO[bytes] = self._process.stdout
        pickle.dump(request, self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self._stdin.flush()

    def start(self, first_new_id: int, batch_id: int | None, keys: list[tuple[Any, ...]]) -> None:
        """Send the first free id, the batch and the duplicate keys: planning begins."""
        message = (first_new_id, batch_id, keys)
        pickle.dump(message, self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self._stdin.close()

    def chunks(self) -> Iterator[Chunk]:
        while True:
            try:
                kind, payload = pickle.load(self._stdout)
            except (EOFError, pickle.UnpicklingError):
                raise RuntimeError("The import worker stopped unexpectedly.") from None
            if kind == "chunk":
                yield _decode(payload)
            elif kind == "done":
                return
            elif kind == "file-error":
                raise ImportFileError(payload)
            elif kind == "user-error":
                raise UserError(payload)
            else:
                raise RuntimeError(f"The import worker failed:\n{payload}")

    def close(self) -> None:
        """Stop the worker (at once if it is still reading) and wait for it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(timeout=10)
        for stream in (self._stdin, self._stdout):
            with contextlib.suppress(OSError):
                stream.close()


def serve_stdio() -> None:
    """The worker process's main: requests on standard input, chunks on standard output."""
    _serve(sys.stdin.buffer, sys.stdout.buffer)
