"""Epochs loaded side by side through deploy/dagster.yaml against the same epochs one by one.

Sequential: `epoch_load_job` then `epoch_transform_job` for each epoch in turn, in one process
(as `mevhouse run` does). Parallel: the production instance (Dagster's default launcher in place of
Kubernetes Jobs, tests/deploy/local_stack.py) with the daemon; the loads are queued as one backfill
and run `--concurrency` at a time, each in its own process; the transforms are queued after them
and run one at a time in epoch order. Both end in their own database on one PostgreSQL, and every
table is compared. Reported: wall time of each arm and their ratio, rows and bytes per epoch by
table, and the peak RSS of a run process.

    .venv/bin/python -m bench.parallel_epochs [--epochs 4] [--concurrency 2] [--slots 2048]
        [--sample 0.1] [--loads-only]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import dagster as dg
import psycopg
from psycopg import sql

from bench._report import table, write_result
from bench.raw_load import warehouse
from orchestration.definitions import build_definitions
from orchestration.partitions import EPOCHS
from orchestration.settings import environment
from orchestration.warehouse import init_warehouse
from simnet.server import start_simnet
from tests.dbt.simnet_warehouse import fresh_database
from tests.deploy.local_stack import (
    backfill,
    daemon,
    local_config,
    storage_env,
    table_digests,
    wait_for_runs,
    write_home,
)

SCHEMAS = ["raw_solana", "raw_jito", "quarantine", "staging", "intermediate", "marts"]


class RunRss:
    """Peak resident memory of any run process (`dagster api execute_run`), polled each second."""

    def __init__(self) -> None:
        self.peak_mb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> RunRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.wait(1):
            for proc in Path("/proc").glob("[0-9]*"):
                try:
                    if b"execute_run" not in (proc / "cmdline").read_bytes():
                        continue
                    status = (proc / "status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_mb = max(self.peak_mb, int(line.split()[1]) // 1024)


def sequential(url: str, home: Path, epochs: list[int], loads_only: bool) -> float:
    defs = build_definitions()
    jobs = ["epoch_load_job"] + ([] if loads_only else ["epoch_transform_job"])
    started = time.monotonic()
    with (
        environment({"MEVHOUSE_WAREHOUSE_URL": url, "MEVHOUSE_HOME": str(home)}),
        dg.DagsterInstance.ephemeral() as instance,
    ):
        init_warehouse(url)
        instance.add_dynamic_partitions(EPOCHS, [str(e) for e in epochs])
        for epoch in epochs:
            for name in jobs:
                result = defs.resolve_job_def(name).execute_in_process(
                    partition_key=str(epoch), instance=instance
                )
                assert result.success, f"{name} failed for epoch {epoch}"
    return time.monotonic() - started


def parallel(
    url: str, home: Path, epochs: list[int], concurrency: int, loads_only: bool
) -> tuple[float, int]:
    init_warehouse(url)
    dagster_home = write_home(home / "dagster", local_config(max_concurrent_runs=concurrency))
    env = {
        **os.environ,
        **storage_env(url),
        "DAGSTER_HOME": str(dagster_home),
        "MEVHOUSE_WAREHOUSE_URL": url,
        "MEVHOUSE_HOME": str(home),
    }
    jobs = ["epoch_load_job"] + ([] if loads_only else ["epoch_transform_job"])
    with (
        environment(storage_env(url)),
        dg.DagsterInstance.from_config(str(dagster_home)) as instance,
        RunRss() as rss,
    ):
        instance.add_dynamic_partitions(EPOCHS, [str(e) for e in epochs])
        started = time.monotonic()
        with daemon(env, home / "daemon.log"):
            for name in jobs:
                backfill(name, epochs, env)
                runs = wait_for_runs(instance, name, len(epochs), timeout=6 * 3600)
                failed = [r for r in runs if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS]
                assert not failed, f"{len(failed)} runs of {name} failed; see {home}/daemon.log"
        return time.monotonic() - started, rss.peak_mb


def per_epoch_size(url: str, epochs: int) -> list[list[object]]:
    """Rows and MiB (table and indexes) per epoch of the largest raw and mart tables."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "select n.nspname, c.relname, pg_total_relation_size(c.oid) from pg_class c"
            " join pg_namespace n on n.oid = c.relnamespace"
            " where c.relkind = 'r' and n.nspname in ('raw_solana', 'raw_jito', 'marts')"
            " and c.relname not like '\\_dlt%%' order by 3 desc limit 12"
        ).fetchall()
        sizes = []
        for schema, name, size in tables:
            query = sql.SQL("select count(*) from {}").format(sql.Identifier(schema, name))
            (count,) = conn.execute(query).fetchone()  # type: ignore[misc]
            sizes.append(
                [f"{schema}.{name}", f"{count // epochs:,}", f"{size / epochs / 2**20:.2f}"]
            )
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--slots", type=int, default=2048, help="slots per simnet epoch")
    parser.add_argument("--sample", default="0.1", help="MEVHOUSE_TX_SAMPLE")
    parser.add_argument("--loads-only", action="store_true", help="leave the transforms out")
    args = parser.parse_args(argv)
    epochs = list(range(1, args.epochs + 1))
    cluster = {"slots_per_epoch": args.slots, "frozen_slot": (args.epochs + 1) * args.slots + 64}
    with (
        warehouse() as server,
        start_simnet(profile="demo", seed=11, **cluster) as simnet,
        tempfile.TemporaryDirectory(prefix="mevhouse-bench-") as tmp,
        fresh_database(server) as seq_url,
        fresh_database(server) as par_url,
        environment(
            {
                "SOLANA_RPC_URL": simnet.url,
                "JITO_API_URL": simnet.url,
                "MEVHOUSE_RPC_MAX_RPS": "400",
                "MEVHOUSE_RPC_CONCURRENCY": "8",
                "MEVHOUSE_TX_SAMPLE": args.sample,
            }
        ),
    ):
        seq_s = sequential(seq_url, Path(tmp) / "seq", epochs, args.loads_only)
        par_s, rss_mb = parallel(
            par_url, Path(tmp) / "par", epochs, args.concurrency, args.loads_only
        )
        schemas = SCHEMAS[:3] if args.loads_only else SCHEMAS
        identical = table_digests(seq_url, schemas) == table_digests(par_url, schemas)
        sizes = per_epoch_size(par_url, args.epochs)
    print(
        table(
            ["arm", "epochs", "seconds", "speed-up"],
            [
                ["sequential, one process", args.epochs, f"{seq_s:.1f}", "1.00"],
                [
                    f"parallel, {args.concurrency} runs at a time",
                    args.epochs,
                    f"{par_s:.1f}",
                    f"{seq_s / par_s:.2f}",
                ],
            ],
        )
    )
    print(f"tables identical: {identical}; peak RSS of a run process: {rss_mb} MB")
    print(table(["table", "rows per epoch", "MiB per epoch"], sizes))
    write_result(
        "parallel_epochs",
        {
            "epochs": args.epochs,
            "concurrency": args.concurrency,
            "slots_per_epoch": args.slots,
            "tx_sample": float(args.sample),
            "loads_only": args.loads_only,
            "sequential_seconds": round(seq_s, 1),
            "parallel_seconds": round(par_s, 1),
            "speed_up": round(seq_s / par_s, 2),
            "tables_identical": identical,
            "peak_run_rss_mb": rss_mb,
            "per_epoch": [dict(zip(["table", "rows", "mib"], row, strict=True)) for row in sizes],
        },
    )
    assert identical, "the parallel arm's tables differ from the sequential arm's"


if __name__ == "__main__":
    main()
