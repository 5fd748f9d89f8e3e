"""`make run` as a new user meets it: the first run of the default epochs, then a rerun.

A fresh MEVHOUSE_HOME (embedded PostgreSQL, simnet, defaults for everything), `mevhouse run`
to its summary, then the same command again with nothing new: the run ledger should skip every
epoch. Targets (issue 17): first run ≤ 180 s after install, rerun ≤ 30 s.
"""

from __future__ import annotations

import re

from bench._pipeline import fresh_home, mib, phase_seconds, require_ok, summary_rows, timed_run
from bench._report import table, write_result

FIRST_RUN_TARGET_S = 180
RERUN_TARGET_S = 30
EPOCH_LINE = re.compile(r"^\s+(ok|FAILED) in ([\d.]+)s")


def main() -> None:
    """Time both runs in one fresh home; write bench/results/first_run.json."""
    with fresh_home() as home:
        first = timed_run(home, [])
        require_ok(first, "the first run")
        phases = phase_seconds(home)
        rerun = timed_run(home, [])
        require_ok(rerun, "the rerun")
    skipped = sum(": skipped, " in line for line in rerun.lines)
    epochs = sum(line.startswith("[") and " epoch " in line for line in first.lines)
    result = {
        "first_run_s": round(first.seconds, 1),
        "first_run_target_s": FIRST_RUN_TARGET_S,
        "first_run_peak_mib": mib(first.peak_bytes),
        "epoch_seconds": [float(m[2]) for m in map(EPOCH_LINE.match, first.lines) if m],
        "phase_seconds": phases,
        "rerun_s": round(rerun.seconds, 1),
        "rerun_target_s": RERUN_TARGET_S,
        "rerun_skipped_epochs": skipped,
        "epochs": epochs,
        "rows_per_table": summary_rows(first),
    }
    keys = ["first_run_s", "first_run_peak_mib", "rerun_s", "rerun_skipped_epochs", "epochs"]
    print(table(keys, [[result[k] for k in keys]]))
    print(f"phases (s): {phases}")
    if skipped != epochs:
        raise RuntimeError(f"the rerun skipped {skipped} of {epochs} epochs:\n{rerun.output}")
    path = write_result(
        "first_run",
        {
            "what": "`mevhouse run` with every default (simnet demo, embedded PostgreSQL) in a "
            "fresh MEVHOUSE_HOME, after install; then the same command with nothing new. "
            "Peak = PSS of the command's process tree and the embedded PostgreSQL.",
            "results": [result],
        },
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
