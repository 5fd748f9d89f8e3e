"""deploy/dagster.yaml on this machine: PostgreSQL storage, the run queue and the daemon, with
Dagster's default launcher (each run a process of its own) in place of Kubernetes Jobs.

Shared by tests/deploy and bench/parallel_epochs.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dagster as dg
import psycopg
import yaml
from psycopg import sql

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
BIN = Path(sys.executable).parent
FINISHED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
# dlt's bookkeeping differs between any two loads; quarantine rows name their run.
VOLATILE_COLUMNS = {"_dlt_load_id", "_dlt_id", "run_id", "quarantined_at"}


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def local_config(max_concurrent_runs: int | None = None) -> dict[str, Any]:
    """deploy/dagster.yaml without its run launcher: Dagster's default starts runs as processes."""
    config = read_yaml(DEPLOY / "dagster.yaml")
    del config["run_launcher"]
    if max_concurrent_runs is not None:
        config["concurrency"]["runs"]["max_concurrent_runs"] = max_concurrent_runs
    # Polled every second here (5 s in production) so that a test does not wait on the queue.
    config["run_coordinator"]["config"]["dequeue_interval_seconds"] = 1
    return config


def storage_env(url: str) -> dict[str, str]:
    """The DAGSTER_PG_* variables deploy/dagster.yaml reads, for the database of `url`."""
    parts = urlsplit(url)
    return {
        "DAGSTER_PG_HOST": parts.hostname or "127.0.0.1",
        "DAGSTER_PG_PORT": str(parts.port or 5432),
        "DAGSTER_PG_DB": parts.path.lstrip("/"),
        "DAGSTER_PG_USER": unquote(parts.username or "postgres"),
        # The embedded server trusts loopback connections and ignores the password.
        "DAGSTER_PG_PASSWORD": unquote(parts.password or "unused"),
    }


def write_home(home: Path, config: Mapping[str, Any]) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(dict(config)))
    return home


@contextmanager
def daemon(env: Mapping[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`dagster-daemon run` on the checkout's workspace, stopped (with its children) on exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "dagster-daemon"), "run", "-w", str(REPO / "workspace.yaml")],
            cwd=REPO,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def backfill(job: str, epochs: list[int], env: Mapping[str, str]) -> None:
    """Queue one run of `job` per epoch, in the order given, as `dagster job backfill` does."""
    done = subprocess.run(
        [
            str(BIN / "dagster"),
            "job",
            "backfill",
            "-w",
            str(REPO / "workspace.yaml"),
            "-j",
            job,
            "--partitions",
            ",".join(map(str, epochs)),
            "--noprompt",
        ],
        cwd=REPO,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise RuntimeError(f"dagster job backfill failed: {done.stderr[-2000:]}")


def wait_for_runs(
    instance: dg.DagsterInstance, job: str, count: int, timeout: float
) -> list[dg.RunRecord]:
    """The records of `count` finished runs of `job`, oldest first; TimeoutError if they lag."""
    deadline = time.monotonic() + timeout
    while True:
        records = instance.get_run_records(dg.RunsFilter(job_name=job), ascending=True)
        if len(records) >= count and all(r.dagster_run.status in FINISHED for r in records):
            return records
        if time.monotonic() > deadline:
            states = [
                (r.dagster_run.tags.get("dagster/partition"), r.dagster_run.status.value)
                for r in records
            ]
            raise TimeoutError(f"runs of {job} not finished after {timeout:.0f} s: {states}")
        time.sleep(1)


def max_overlap(records: list[dg.RunRecord]) -> int:
    """The most runs that were in progress at the same moment."""
    events = []
    for record in records:
        assert record.start_time is not None and record.end_time is not None
        events += [(record.start_time, 1), (record.end_time, -1)]
    running = peak = 0
    for _, step in sorted(events):
        running += step
        peak = max(peak, running)
    return peak


def table_digests(url: str, schemas: list[str]) -> dict[str, tuple[int, str]]:
    """Rows and an order-independent checksum of every table in `schemas` (dlt's own excluded)."""
    digests = {}
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema = any(%s) and table_type = 'BASE TABLE'"
            " and table_name not like '\\_dlt\\_%%' order by 1, 2",
            (schemas,),
        ).fetchall()
        for schema, table in tables:
            columns = [
                name
                for (name,) in conn.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = %s and table_name = %s order by ordinal_position",
                    (schema, table),
                )
                if name not in VOLATILE_COLUMNS
            ]
            query = sql.SQL(
                "select count(*), md5(coalesce(string_agg(r::text, E'\\n' order by r::text), ''))"
                " from (select {} from {}) as r"
            ).format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(schema, table)
            )
            rows, digest = conn.execute(query).fetchone()  # type: ignore[misc]
            digests[f"{schema}.{table}"] = (rows, digest)
    return digests
