"""Run every benchmark: ``python bench/run.py [--prospects N] [--json] [--only NAME]``.

Each ``bench/bench_*.py`` module exposes ``run(prospects, workdir) -> list[dict]`` with
rows ``{name, value, unit, baseline, ratio}``; the baseline is the same work done the
raw way, measured in the same run, so ratios hold across machines.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def discover() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py"))


def machine() -> str:
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print a JSON list of results")
    parser.add_argument("--only", action="append", choices=discover(), help="run only these")
    parser.add_argument("--workdir", type=Path, help="keep databases here (reused between runs)")
    args = parser.parse_args(argv)

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="onboard-bench-") as temp:
        workdir = args.workdir or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        for name in args.only or discover():
            module = importlib.import_module(f"bench.bench_{name}")
            started = time.perf_counter()
            rows = module.run(args.prospects, workdir)
            for row in rows:
                row["benchmark"] = name
            results.extend(rows)
            if not args.json:
                print(f"[{name}] {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{args.prospects:,} prospects on {machine()}")
    print(f"{'benchmark':<44} {'value':>10} {'unit':<5} {'baseline':>10} {'ratio':>6}")
    for row in results:
        baseline = "" if row["baseline"] is None else f"{row['baseline']:.3f}"
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}x"
        label = f"{row['benchmark']}: {row['name']}"
        print(f"{label:<44} {row['value']:>10.3f} {row['unit']:<5} {baseline:>10} {ratio:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
