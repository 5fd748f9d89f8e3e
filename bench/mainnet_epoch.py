"""One mainnet-sized epoch (simnet's mainnet profile: 432,000 slots) loaded, checked and
transformed, at three transaction samples, to show cost grows linearly with the sample.

Each sample runs `mevhouse run --profile mainnet --epochs last:1` in a fresh MEVHOUSE_HOME and
reports its wall time, each phase's time (Dagster's steps; the blocks load split by dlt's trace
into extract = fetch and parse, normalize, load), the rows per table and the peak memory of the
whole process tree, PostgreSQL included. Target (issue 17): the 1% sample in ≤ 600 s and ≤ 4 GiB.
`python -m bench.mainnet_epoch 0.01` runs only the samples named. Long: tens of minutes.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

from bench._pipeline import fresh_home, mib, phase_seconds, require_ok, summary_rows, timed_run
from bench._report import RESULTS, table, write_result

SAMPLES = (0.005, 0.01, 0.02)
TARGET_S = 600
TARGET_PEAK_MIB = 4096


def _sample(row: dict[str, Any]) -> float:
    return float(row["tx_sample"])


def _earlier_rows(measured: set[object]) -> list[dict[str, Any]]:
    """Rows of the last results file for samples not measured now, with their own date."""
    path = RESULTS / "mainnet_epoch.json"
    if not path.is_file():
        return []
    earlier = json.loads(path.read_text())
    return [
        {"measured_at": earlier["date"], **row}
        for row in earlier.get("results", [])
        if row["tx_sample"] not in measured
    ]


def measure(sample: float) -> dict[str, object]:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    with fresh_home() as home:
        run = timed_run(
            home, ["--profile", "mainnet", "--epochs", "last:1"], MEVHOUSE_TX_SAMPLE=str(sample)
        )
        require_ok(run, f"the mainnet-profile epoch at sample {sample}")
        phases = phase_seconds(home)
    return {
        "measured_at": started,
        "tx_sample": sample,
        "seconds": round(run.seconds, 1),
        "peak_mib": mib(run.peak_bytes),
        "phase_seconds": phases,
        "rows_per_table": summary_rows(run),
    }


def main(samples: list[float] | None = None) -> None:
    """Measure each sample (all of SAMPLES by default); write bench/results/mainnet_epoch.json,
    keeping the rows of samples not measured this time (each row says when it was measured)."""
    rows = [measure(sample) for sample in samples or SAMPLES]
    keys = ["tx_sample", "seconds", "peak_mib"]
    print(table([*keys, "phases (s)"], [[r[k] for k in keys] + [r["phase_seconds"]] for r in rows]))
    rows = sorted([*rows, *_earlier_rows({r["tx_sample"] for r in rows})], key=_sample)
    path = write_result(
        "mainnet_epoch",
        {
            "what": "`mevhouse run --profile mainnet --epochs last:1` per MEVHOUSE_TX_SAMPLE in a "
            "fresh home: wall time, phases, rows, peak PSS (process tree + PostgreSQL)",
            "target_seconds_at_1pct": TARGET_S,
            "target_peak_mib": TARGET_PEAK_MIB,
            "results": rows,
        },
    )
    print(f"written {path}")


if __name__ == "__main__":
    main([float(arg) for arg in sys.argv[1:]])
