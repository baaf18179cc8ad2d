"""Planning a large import in a worker process, while this process writes to the database.

Reading, validating and matching rows is Python work; writing them is SQLite work in the
database driver. For a large file the planner (:mod:`.planner`) runs in a separate
process and sends its decisions back chunk by chunk through a pipe, so the two kinds of
work use two cores. The worker never touches the database: the duplicate keys are read
by the writing process, inside its transaction, and sent to it.
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any, BinaryIO

from onboard_desk.errors import UserError
from onboard_desk.importing.duplicates import DuplicateAction, DuplicateIndex, Match, MatchKind
from onboard_desk.importing.fields import Field
from onboard_desk.importing.planner import Chunk, Decision, plan
from onboard_desk.importing.sources import ImportFileError, open_table
from onboard_desk.importing.validation import CleanRow, RowValidator

#: Files at least this large are planned in a worker process (starting one costs about
#: half a second, which a smaller file does not win back).
WORKER_MIN_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class PlanRequest:
    """Everything the worker needs besides the duplicate keys (all picklable)."""

    path: Path
    sheet: str | None
    mapping: Mapping[str, Field]
    region: str | None
    tags: str
    on_duplicate: DuplicateAction
    row_actions: Mapping[int, DuplicateAction]


_ROW_FIELDS = tuple(f.name for f in fields(CleanRow))


def _encode(chunk: Chunk) -> tuple[Any, ...]:
    """A chunk as plain tuples: pickling dataclasses costs several times more."""
    items = []
    for d in chunk.decisions:
        row = None if d.row is None else tuple(getattr(d.row, f) for f in _ROW_FIELDS)
        match = None
        if d.match is not None:
            m = d.match
            match = (m.kind.value, m.prospect_id, m.score, m.in_file_line)
        action = None if d.action is None else d.action.value
        items.append((d.line, d.outcome, row, match, action, d.prospect_id, d.reason, d.cells))
    return (items, chunk.progress, chunk.rows_read, chunk.ragged_rows)


def _decode(payload: tuple[Any, ...]) -> Chunk:
    items, progress, rows_read, ragged_rows = payload
    decisions = []
    for line, outcome, row, match, action, prospect_id, reason, cells in items:
        decisions.append(
            Decision(
                line,
                outcome,
                None if row is None else CleanRow(*row),
                None if match is None else Match(MatchKind(match[0]), *match[1:]),
                None if action is None else DuplicateAction(action),
                prospect_id,
                reason,
                cells,
            )
        )
    return Chunk(decisions, progress, rows_read, ragged_rows)


def _serve(read: BinaryIO, write: BinaryIO) -> None:
    """The worker: read the request and the keys, then send chunks until the file ends."""

    def send(kind: str, payload: Any) -> None:
        pickle.dump((kind, payload), write, protocol=pickle.HIGHEST_PROTOCOL)
        write.flush()

    try:
        request: PlanRequest = pickle.load(read)
        first_new_id, keys = pickle.load(read)
        index = DuplicateIndex()
        index.load(keys)
        del keys
        with open_table(request.path, sheet=request.sheet) as table:
            validator = RowValidator(
                table.headers, request.mapping, region=request.region, tags=request.tags
            )
            for chunk in plan(
                table,
                validator,
                index,
                first_new_id=first_new_id,
                on_duplicate=request.on_duplicate,
                row_actions=request.row_actions,
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
        self._process = subprocess.Popen(
            [sys.executable, "-m", "onboard_desk.importing.worker_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._stdin: IO[bytes] = self._process.stdin
        self._stdout: IO[bytes] = self._process.stdout
        pickle.dump(request, self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self._stdin.flush()

    def start(self, first_new_id: int, keys: list[tuple[Any, ...]]) -> None:
        """Send the first free id and the duplicate keys: planning begins."""
        pickle.dump((first_new_id, keys), self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
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
