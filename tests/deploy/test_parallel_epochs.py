"""Epochs loaded in parallel through the production instance end as a sequential load does.

Four epoch partitions of `epoch_load_job` go through deploy/dagster.yaml's run queue, two at a
time, each run a process of its own (the daemon and Dagster's default launcher), into one
PostgreSQL; the same four loaded one after another in this process are the reference. Transforms
are not repeated here: they run one at a time in epoch order (orchestration/jobs.py), which
bench/parallel_epochs.py exercises with the marts compared too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import dagster as dg
import psycopg
import pytest

from orchestration.definitions import build_definitions
from orchestration.partitions import EPOCHS
from orchestration.warehouse import init_warehouse
from simnet.server import start_simnet
from tests.dbt.simnet_warehouse import fresh_database
from tests.deploy.local_stack import (
    backfill,
    daemon,
    local_config,
    max_overlap,
    storage_env,
    table_digests,
    wait_for_runs,
    write_home,
)

pytestmark = pytest.mark.e2e

EPOCHS_LOADED = [1, 2, 3, 4]
# Tiny epochs with a few sampled leader windows each: the point is concurrency, not volume.
SLOTS_PER_EPOCH = 512
RAW_SCHEMAS = ["raw_solana", "raw_jito", "quarantine"]


@pytest.fixture
def second_warehouse_url(pg_server_url: str) -> Iterator[str]:
    """Another fresh database on the same server, for the sequential reference."""
    with fresh_database(pg_server_url) as url:
        yield url


@pytest.fixture
def simnet_env(monkeypatch) -> Iterator[dict[str, str]]:
    cluster = {"slots_per_epoch": SLOTS_PER_EPOCH, "frozen_slot": 5 * SLOTS_PER_EPOCH + 64}
    with start_simnet(profile="demo", seed=11, **cluster) as simnet:
        env = {
            "SOLANA_RPC_URL": simnet.url,
            "JITO_API_URL": simnet.url,
            "MEVHOUSE_RPC_MAX_RPS": "400",
            "MEVHOUSE_RPC_CONCURRENCY": "8",
            "MEVHOUSE_TX_SAMPLE": "0.05",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("MEVHOUSE_EPOCHS", raising=False)
        yield env


def test_four_epochs_two_at_a_time_match_a_sequential_load(
    simnet_env, warehouse_url, second_warehouse_url, tmp_path, monkeypatch
):
    partitions = [str(e) for e in EPOCHS_LOADED]

    # The reference: the same job, epoch after epoch, in this process.
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", second_warehouse_url)
    monkeypatch.setenv("MEVHOUSE_HOME", str(tmp_path / "sequential"))
    init_warehouse(second_warehouse_url)
    job = build_definitions().resolve_job_def("epoch_load_job")
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(EPOCHS, partitions)
        for key in partitions:
            assert job.execute_in_process(partition_key=key, instance=instance).success

    # The parallel load: the production instance, two runs at a time, one process each.
    init_warehouse(warehouse_url)
    home = write_home(tmp_path / "dagster", local_config(max_concurrent_runs=2))
    env = {
        **os.environ,
        **storage_env(warehouse_url),
        "DAGSTER_HOME": str(home),
        "MEVHOUSE_WAREHOUSE_URL": warehouse_url,
        "MEVHOUSE_HOME": str(tmp_path / "parallel"),
    }
    for name in storage_env(warehouse_url):
        monkeypatch.setenv(name, env[name])
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.add_dynamic_partitions(EPOCHS, partitions)
        with daemon(env, tmp_path / "daemon.log"):
            backfill("epoch_load_job", EPOCHS_LOADED, env)
            runs = wait_for_runs(instance, "epoch_load_job", len(partitions), timeout=900)
        failed = [r.dagster_run.tags.get("dagster/partition") for r in runs if not _ok(r)]
        assert not failed, f"runs failed for epochs {failed}; see {tmp_path / 'daemon.log'}"
        assert sorted(r.dagster_run.tags["dagster/partition"] for r in runs) == partitions
        # Two at a time: never more (the queue's limit), and really side by side.
        assert max_overlap(runs) == 2

    parallel = table_digests(warehouse_url, RAW_SCHEMAS)
    sequential = table_digests(second_warehouse_url, RAW_SCHEMAS)
    assert parallel == sequential
    # Not vacuous: every epoch's blocks and some sampled transactions are there.
    assert parallel["raw_solana.blocks"][0] > 3 * SLOTS_PER_EPOCH
    assert parallel["raw_solana.transactions"][0] > 0
    # Each epoch loaded through its own dlt pipeline, whose saved state holds its cursor.
    with psycopg.connect(warehouse_url) as conn:
        names = conn.execute(
            "select distinct pipeline_name from raw_solana._dlt_pipeline_state"
            " where pipeline_name like 'raw_solana_blocks%%' order by 1"
        ).fetchall()
    assert [n for (n,) in names] == [f"raw_solana_blocks_{e}" for e in EPOCHS_LOADED]


def _ok(record: dg.RunRecord) -> bool:
    return record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
