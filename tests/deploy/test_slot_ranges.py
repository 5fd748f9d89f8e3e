"""One epoch loaded as two slot ranges at once ends as the epoch loaded in one run.

Range one is `mevhouse load --slots`, range two `blocks_range_job` (`dagster job execute`), each
in a process of its own, started together. `epoch_load_job` then loads the epoch-level data,
finds the ranges cover the epoch, loads no block twice, and runs every check. The reference is
`epoch_load_job` alone on the same epoch in another database of the same server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import dagster as dg
import pytest

from orchestration.asset_keys import raw_asset_key
from orchestration.definitions import build_definitions
from orchestration.partitions import EPOCHS
from orchestration.warehouse import init_warehouse
from simnet.server import start_simnet
from tests.dbt.simnet_warehouse import fresh_database
from tests.deploy.local_stack import BIN, table_digests
from tests.ingestion.blocks_harness import snapshot

pytestmark = pytest.mark.e2e

SLOTS_PER_EPOCH = 512
EPOCH = 1  # slots 512-1023
RANGES = ["512-767", "768-1023"]
CLAIMS = "raw_solana._block_ranges"
DEFINITIONS = ["-m", "orchestration.definitions", "-j", "blocks_range_job"]
RANGE_JOB = [str(BIN / "dagster"), "job", "execute", *DEFINITIONS]


@pytest.fixture
def simnet_env(monkeypatch) -> Iterator[None]:
    cluster = {"slots_per_epoch": SLOTS_PER_EPOCH, "frozen_slot": 3 * SLOTS_PER_EPOCH + 64}
    # A latency on every response, so that the two range loads are in flight together.
    with start_simnet(profile="demo", seed=11, faults="latency=20ms", **cluster) as simnet:
        for name, value in {
            "SOLANA_RPC_URL": simnet.url,
            "JITO_API_URL": simnet.url,
            "MEVHOUSE_RPC_MAX_RPS": "400",
            "MEVHOUSE_RPC_CONCURRENCY": "8",
            "MEVHOUSE_TX_SAMPLE": "0.1",
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("MEVHOUSE_EPOCHS", raising=False)
        yield


@pytest.fixture
def reference_url(pg_server_url: str) -> Iterator[str]:
    with fresh_database(pg_server_url) as url:
        yield url


def _use(monkeypatch, url: str, home) -> None:
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", url)
    monkeypatch.setenv("MEVHOUSE_HOME", str(home))
    init_warehouse(url)


def _load_epoch(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    job = build_definitions().resolve_job_def("epoch_load_job")
    return job.execute_in_process(partition_key=str(EPOCH), instance=instance)


def _load_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "orchestration.cli", "load", "--epoch", str(EPOCH), *args]


def _mevhouse_load(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _load_command(*args),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_an_epoch_loaded_as_two_concurrent_ranges_equals_one_run(
    simnet_env, warehouse_url, reference_url, tmp_path, monkeypatch
):
    _use(monkeypatch, reference_url, tmp_path / "one_run")
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(EPOCHS, [str(EPOCH)])
        assert _load_epoch(instance).success
    reference = table_digests(reference_url, ["raw_solana", "raw_jito", "quarantine"])

    _use(monkeypatch, warehouse_url, tmp_path / "ranges")
    config = tmp_path / "range.json"  # JSON is YAML
    config.write_text(
        json.dumps({"ops": {"load_block_range": {"config": {"epoch": EPOCH, "slots": RANGES[1]}}}})
    )
    # Each a process of its own, as each run is one under the run queue.
    loads = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in (
            _load_command("--slots", RANGES[0]),
            [*RANGE_JOB, "-c", str(config)],
        )
    ]
    try:
        (out, err), (_, job_log) = (p.communicate(timeout=600) for p in loads)
    finally:
        for p in loads:
            p.kill()
    assert loads[0].returncode == 0, err
    assert loads[1].returncode == 0, job_log[-3000:]
    assert "RUN_SUCCESS" in job_log
    assert f"epoch {EPOCH} slots {RANGES[0]}: blocks 256" in out
    # Once both are in, the coverage has no gap (each printed it after its own load, too early).
    covered = _mevhouse_load()
    assert covered.stdout == f"epoch {EPOCH}: loaded 512-1023; missing none\n", covered.stderr

    # A range that overlaps a claimed one is refused before it fetches anything.
    overlap = _mevhouse_load("--slots", "760-799")
    assert overlap.returncode == 2
    assert overlap.stderr.startswith("mevhouse: error: slots 760-799 overlap slots already")
    assert "512-767 (raw_solana_blocks_1_512_767)" in overlap.stderr
    assert len(overlap.stderr.strip().splitlines()) == 1

    # The epoch's own run loads its epoch-level data, no block again, and gates it.
    blocks_before = snapshot(warehouse_url)
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(EPOCHS, [str(EPOCH)])
        result = _load_epoch(instance)
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)
    assert snapshot(warehouse_url) == blocks_before

    ranges = table_digests(warehouse_url, ["raw_solana", "raw_jito", "quarantine"])
    assert ranges.pop(CLAIMS)[0] == 2 and reference.pop(CLAIMS)[0] == 1
    assert ranges == reference
    assert ranges["raw_solana.blocks"][0] == SLOTS_PER_EPOCH
    assert ranges["raw_solana.transactions"][0] > 0

    # Rerunning a range finds it complete: nothing is added.
    again = _mevhouse_load("--slots", RANGES[1])
    assert again.returncode == 0, again.stderr
    assert snapshot(warehouse_url) == blocks_before


def test_an_epoch_with_a_missing_range_is_not_gated(
    simnet_env, warehouse_url, tmp_path, monkeypatch
):
    _use(monkeypatch, warehouse_url, tmp_path)
    loaded = _mevhouse_load("--slots", "512-639")
    assert loaded.returncode == 0, loaded.stderr
    assert f"epoch {EPOCH}: loaded 512-639; missing 640-1023" in loaded.stdout
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(EPOCHS, [str(EPOCH)])
        definitions = build_definitions()
        job = definitions.resolve_job_def("epoch_load_job")
        # The block-level assets of the epoch's load: their step is the one that must refuse.
        blocks = definitions.resolve_assets_def(raw_asset_key("raw_solana", "blocks")).keys
        result = job.execute_in_process(
            partition_key=str(EPOCH),
            instance=instance,
            raise_on_error=False,
            asset_selection=list(blocks),
        )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "missing 640-1023" in str(failure.event_specific_data)
    assert "mevhouse load --epoch 1 --slots 640-1023" in str(failure.event_specific_data)
