"""Run every benchmark in bench/ (each module's main()), or only those named on the command line.

A benchmark is any bench/<name>.py with a main(); files starting with "_" are helpers.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def available() -> list[str]:
    """Return the benchmark names, in alphabetical order."""
    return sorted(
        p.stem for p in BENCH.glob("*.py") if p.stem != "run" and not p.stem.startswith("_")
    )


def run(names: Sequence[str] = ()) -> int:
    """Run the named benchmarks (all when none are named); return a process exit code."""
    known = available()
    unknown = sorted(set(names) - set(known))
    if unknown:
        print(
            f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    # The benchmarks import each other's helpers as bench.*, from the checkout's root.
    if str(BENCH.parent) not in sys.path:
        sys.path.insert(0, str(BENCH.parent))
    for name in [n for n in known if not names or n in names]:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        main = getattr(importlib.import_module(f"bench.{name}"), "main", None)
        if not callable(main):
            print(
                f"bench/{name}.py has no main(); add one or prefix the file with _", file=sys.stderr
            )
            return 2
        main()
        print(f"== {name} done in {time.perf_counter() - started:.1f} s\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
