"""Shared pieces of the benchmarks: the demo database and timing helpers."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def demo_database(workdir: Path, prospects: int, seed: int = 1) -> Path:
    """A demo database of ``prospects`` prospects, built once per work folder and size
    (and again when the schema has changed since, so that no figure is measured on an
    older schema)."""
    from onboard_desk.demo.fill import fill_demo
    from onboard_desk.storage.db import check_schema, open_database
    from onboard_desk.storage.migrations import HEAD_REVISION

    path = workdir / f"demo-{prospects}-{seed}.sqlite3"
    ready = path.with_suffix(".ready")
    if ready.exists() and check_schema(path) == HEAD_REVISION:
        return path
    path.unlink(missing_ok=True)
    engine = open_database(path)
    started = time.perf_counter()
    fill_demo(engine, prospects=prospects, seed=seed)
    engine.dispose()
    ready.write_text(f"{time.perf_counter() - started:.2f}")
    return path


def demo_build_seconds(path: Path) -> float:
    return float(path.with_suffix(".ready").read_text())


def median_ms(function: Callable[[], Any], *, repeat: int = 15, warmup: int = 2) -> float:
    """Median wall time of ``function`` in milliseconds (after warm-up calls)."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def figure(name: str, value: float, unit: str, baseline: float | None) -> dict[str, Any]:
    """One result row: ``ratio`` is value / baseline (None without a baseline)."""
    ratio = None if not baseline else value / baseline
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 3),
        "ratio": None if ratio is None else round(ratio, 2),
    }
