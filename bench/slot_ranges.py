"""One epoch's blocks loaded in one run against the same epoch split into slot-range sub-runs.

One run: `mevhouse load --slots` over the whole epoch, one process. Sub-runs: `--ranges` equal
ranges of the epoch, each `mevhouse load --slots` in its own process, all started at once (as
`blocks_range_job` runs side by side under the run queue). simnet adds a latency to every
response (`--latency`, 50 ms by default), so that loads wait on the network as against a
provider. Both arms load into their own database on one PostgreSQL and the block-level tables are
compared row for row. Reported: wall seconds of each arm (process start-up included) and their
ratio.

    .venv/bin/python -m bench.slot_ranges [--slots 2048] [--ranges 2] [--sample 0.05]
        [--latency 50ms]
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._report import table, write_result
from bench.parallel_epochs import two_databases_and_simnet
from ingestion.blocks.sample import WINDOW
from orchestration.warehouse import init_warehouse
from tests.deploy.local_stack import table_digests

EPOCH = 1


def split(first: int, slots: int, parts: int) -> list[str]:
    """`parts` ranges of whole leader windows covering first..first+slots-1."""
    windows = slots // WINDOW
    bounds = [first + windows * i // parts * WINDOW for i in range(parts + 1)]
    return [f"{a}-{b - 1}" for a, b in itertools.pairwise(bounds)]


def load_ranges(url: str, home: Path, ranges: list[str]) -> float:
    """Wall seconds of `mevhouse load` for every range at once, each in its own process."""
    init_warehouse(url)
    env = {**os.environ, "MEVHOUSE_WAREHOUSE_URL": url, "MEVHOUSE_HOME": str(home)}
    command = [sys.executable, "-m", "orchestration.cli", "load", "--epoch", str(EPOCH)]
    started = time.monotonic()
    processes = [
        subprocess.Popen([*command, "--slots", r], env=env, stdout=subprocess.DEVNULL)
        for r in ranges
    ]
    codes = [p.wait() for p in processes]
    seconds = time.monotonic() - started
    assert codes == [0] * len(codes), f"a range load failed: exit codes {codes}"
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slots", type=int, default=2048, help="slots per simnet epoch")
    parser.add_argument("--ranges", type=int, default=2, help="sub-runs in the second arm")
    parser.add_argument("--sample", default="0.05", help="MEVHOUSE_TX_SAMPLE")
    parser.add_argument(
        "--latency", default="50ms", help="added to every simnet response, as a provider's RTT"
    )
    # `make bench` calls main() with no arguments: the defaults.
    args = parser.parse_args([] if argv is None else argv)
    cluster = {"slots_per_epoch": args.slots, "frozen_slot": 2 * args.slots + 64}
    whole = split(EPOCH * args.slots, args.slots, 1)
    parts = split(EPOCH * args.slots, args.slots, args.ranges)
    with (
        two_databases_and_simnet(cluster, args.latency, args.sample) as (one_url, sub_url),
        tempfile.TemporaryDirectory(prefix="mevhouse-bench-") as tmp,
    ):
        one = load_ranges(one_url, Path(tmp) / "one", whole)
        sub = load_ranges(sub_url, Path(tmp) / "sub", parts)
        one_tables = table_digests(one_url, ["raw_solana"])
        sub_tables = table_digests(sub_url, ["raw_solana"])
    # The claims differ by design (one range against several); every loaded table must not.
    one_tables.pop("raw_solana._block_ranges")
    sub_tables.pop("raw_solana._block_ranges")
    differ = sorted(t for t in one_tables | sub_tables if one_tables.get(t) != sub_tables.get(t))
    print(
        f"epoch of {args.slots} slots, sample {args.sample}, RPC latency {args.latency}; "
        f"sub-runs: {', '.join(parts)} at once"
    )
    print(
        table(
            ["arm", "runs", "wall s"],
            [["one run", "1", f"{one:.1f}"], ["sub-runs", str(len(parts)), f"{sub:.1f}"]],
        )
    )
    print(f"speed-up {one / sub:.2f}; block tables differing: {', '.join(differ) or 'none'}")
    write_result(
        "slot_ranges",
        {
            "slots_per_epoch": args.slots,
            "ranges": parts,
            "tx_sample": float(args.sample),
            "rpc_latency": args.latency,
            "one_run_seconds": round(one, 1),
            "sub_runs_seconds": round(sub, 1),
            "speed_up": round(one / sub, 2),
            "rows": {t: rows for t, (rows, _) in sorted(sub_tables.items())},
            "tables_identical": not differ,
            "tables_differing": differ,
        },
    )
    assert not differ, "the sub-runs' tables differ from the one run's"


if __name__ == "__main__":
    main(sys.argv[1:])
