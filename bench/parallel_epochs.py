"""Epochs loaded side by side through deploy/dagster.yaml against the same epochs one by one.

Sequential: `epoch_load_job` for each epoch in turn, then `epoch_transform_job` for each, in
one process. Parallel: the production instance (Dagster's default launcher in place
of Kubernetes Jobs, tests/deploy/local_stack.py) with the daemon; the loads are queued as one
backfill and run `--concurrency` at a time, each in its own process; the transforms are queued
after them and run one at a time in epoch order. simnet adds a latency to every response
(`--latency`, 50 ms by default), so that loads wait on the network as against a provider. Both
arms end in their own database on one PostgreSQL, and every table is compared. Reported: seconds
per job in each arm and their ratio, and rows and bytes per epoch by table.

    .venv/bin/python -m bench.parallel_epochs [--epochs 4] [--concurrency 2] [--slots 2048]
        [--sample 0.1] [--latency 50ms] [--loads-only]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def two_databases_and_simnet(
    cluster: dict[str, int], latency: str, sample: str
) -> Iterator[tuple[str, str]]:
    """Two fresh databases on one PostgreSQL, for the two arms, and a simnet with `latency`
    added to every response that the environment points every RPC and Jito client at."""
    faults = f"latency={latency}" if latency not in {"", "0", "0ms"} else None
    with (
        warehouse() as server,
        start_simnet(profile="demo", seed=11, faults=faults, **cluster) as simnet,
        fresh_database(server) as first,
        fresh_database(server) as second,
        environment(
            {
                "SOLANA_RPC_URL": simnet.url,
                "JITO_API_URL": simnet.url,
                "MEVHOUSE_RPC_MAX_RPS": "400",
                "MEVHOUSE_RPC_CONCURRENCY": "8",
                "MEVHOUSE_TX_SAMPLE": sample,
            }
        ),
    ):
        yield first, second


def sequential(url: str, home: Path, epochs: list[int], jobs: list[str]) -> dict[str, float]:
    """Seconds per job, summed over the epochs run one after another in this process."""
    defs = build_definitions()
    seconds = dict.fromkeys(jobs, 0.0)
    with (
        environment({"MEVHOUSE_WAREHOUSE_URL": url, "MEVHOUSE_HOME": str(home)}),
        dg.DagsterInstance.ephemeral() as instance,
    ):
        init_warehouse(url)
        instance.add_dynamic_partitions(EPOCHS, [str(e) for e in epochs])
        # Phase by phase, as the parallel arm (and a backfill, docs/deploy.md) runs them: a mart
        # row can depend on later epochs being loaded (a commission rug shows when it is lowered).
        for name in jobs:
            for epoch in epochs:
                started = time.monotonic()
                result = defs.resolve_job_def(name).execute_in_process(
                    partition_key=str(epoch), instance=instance
                )
                assert result.success, f"{name} failed for epoch {epoch}"
                seconds[name] += time.monotonic() - started
    return seconds


def parallel(
    url: str, home: Path, epochs: list[int], concurrency: int, jobs: list[str]
) -> dict[str, float]:
    """Wall seconds per job's backfill, from queueing it to the end of its last run."""
    init_warehouse(url)
    dagster_home = write_home(home / "dagster", local_config(max_concurrent_runs=concurrency))
    env = {
        **os.environ,
        **storage_env(url),
        "DAGSTER_HOME": str(dagster_home),
        "MEVHOUSE_WAREHOUSE_URL": url,
        "MEVHOUSE_HOME": str(home),
    }
    seconds = {}
    with (
        environment(storage_env(url)),
        dg.DagsterInstance.from_config(str(dagster_home)) as instance,
        daemon(env, home / "daemon.log"),
    ):
        instance.add_dynamic_partitions(EPOCHS, [str(e) for e in epochs])
        for name in jobs:
            started = time.monotonic()
            backfill(name, epochs, env)
            runs = wait_for_runs(instance, name, len(epochs), timeout=6 * 3600)
            seconds[name] = time.monotonic() - started
            failed = [r for r in runs if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS]
            assert not failed, f"{len(failed)} runs of {name} failed; see {home}/daemon.log"
    return seconds


def per_epoch_size(url: str, epochs: int) -> list[list[object]]:
    """Rows and MiB (table and indexes) per epoch of the largest raw and mart tables."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            # A partitioned table's size is its partitions' (pg_partition_tree: itself if plain).
            "select n.nspname, c.relname, (select sum(pg_total_relation_size(t.relid))"
            " from pg_partition_tree(c.oid) as t) from pg_class c"
            " join pg_namespace n on n.oid = c.relnamespace"
            " where c.relkind in ('r', 'p') and n.nspname in ('raw_solana', 'raw_jito', 'marts')"
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
    parser.add_argument(
        "--latency", default="50ms", help="added to every simnet response, as a provider's RTT"
    )
    parser.add_argument("--loads-only", action="store_true", help="leave the transforms out")
    # `make bench` calls main() with no arguments: the defaults.
    args = parser.parse_args([] if argv is None else argv)
    epochs = list(range(1, args.epochs + 1))
    jobs = ["epoch_load_job"] + ([] if args.loads_only else ["epoch_transform_job"])
    cluster = {"slots_per_epoch": args.slots, "frozen_slot": (args.epochs + 1) * args.slots + 64}
    with (
        two_databases_and_simnet(cluster, args.latency, args.sample) as (seq_url, par_url),
        tempfile.TemporaryDirectory(prefix="mevhouse-bench-") as tmp,
    ):
        seq = sequential(seq_url, Path(tmp) / "seq", epochs, jobs)
        par = parallel(par_url, Path(tmp) / "par", epochs, args.concurrency, jobs)
        schemas = SCHEMAS if not args.loads_only else SCHEMAS[:3]
        seq_tables, par_tables = table_digests(seq_url, schemas), table_digests(par_url, schemas)
        differ = sorted(
            t
            for t in seq_tables.keys() | par_tables.keys()
            if seq_tables.get(t) != par_tables.get(t)
        )
        identical = not differ
        sizes = per_epoch_size(par_url, args.epochs)
    rows = [
        [name, f"{seq[name]:.1f}", f"{par[name]:.1f}", f"{seq[name] / par[name]:.2f}"]
        for name in jobs
    ]
    total_seq, total_par = sum(seq.values()), sum(par.values())
    rows.append(["total", f"{total_seq:.1f}", f"{total_par:.1f}", f"{total_seq / total_par:.2f}"])
    print(
        f"{args.epochs} epochs of {args.slots} slots, sample {args.sample}, RPC latency "
        f"{args.latency}; parallel: {args.concurrency} runs at a time"
    )
    print(table(["job", "sequential s", "parallel s", "speed-up"], rows))
    print(f"tables compared in {', '.join(schemas)}; differing: {', '.join(differ) or 'none'}")
    print(table(["table", "rows per epoch", "MiB per epoch"], sizes))
    write_result(
        "parallel_epochs",
        {
            "epochs": args.epochs,
            "concurrency": args.concurrency,
            "slots_per_epoch": args.slots,
            "tx_sample": float(args.sample),
            "rpc_latency": args.latency,
            "sequential_seconds": {k: round(v, 1) for k, v in seq.items()},
            "parallel_seconds": {k: round(v, 1) for k, v in par.items()},
            "speed_up": round(total_seq / total_par, 2),
            "tables_identical": identical,
            "schemas_compared": schemas,
            "tables_differing": differ,
            "per_epoch": [dict(zip(["table", "rows", "mib"], row, strict=True)) for row in sizes],
        },
    )
    assert identical, "the parallel arm's tables differ from the sequential arm's"


if __name__ == "__main__":
    main(sys.argv[1:])
