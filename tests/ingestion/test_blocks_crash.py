"""Crash safety and incremental runs: whatever stops a load, the next run ends identical to a
clean run's, with no row lost or doubled; a run after a complete one loads only new slots."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from simnet.server import SimnetHandle, start_simnet
from tests.ingestion.blocks_harness import EPOCH_SLOTS, SMALL, database, load, one, snapshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def simnet() -> Iterator[SimnetHandle]:
    with start_simnet("demo", **SMALL) as handle:
        yield handle


@pytest.fixture(scope="module")
def clean(simnet, pg_server_url, tmp_path_factory) -> dict:
    """Epochs 0 and 1 loaded in one clean run."""
    with database(pg_server_url) as url:
        load(url, simnet.url, tmp_path_factory.mktemp("dlt"), epochs=(0, 1), sample_rate=0.5)
        return snapshot(url)


def test_a_load_killed_part_way_is_completed_by_the_next_run(
    simnet, clean, warehouse_url, tmp_path
):
    # A slow cluster (latency on every request) so that the kill lands mid-load.
    with start_simnet("demo", faults="latency=40ms", **SMALL) as slow:
        script = (
            "import sys; from pathlib import Path; from tests.ingestion.blocks_harness import load;"
            "load(sys.argv[1], sys.argv[2], Path(sys.argv[3]), epochs=(0, 1), sample_rate=0.5,"
            " page_slots=32, rpc={'max_rps': 50, 'concurrency': 2})"
        )
        child = subprocess.Popen(
            [sys.executable, "-c", script, warehouse_url, slow.url, str(tmp_path)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True,
        )
        time.sleep(6)
        child.send_signal(signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL, "the load finished before it could be killed"

    load(warehouse_url, simnet.url, tmp_path, epochs=(0, 1), sample_rate=0.5)
    assert snapshot(warehouse_url) == clean


def test_a_load_that_fails_after_some_tables_committed_is_redone_exactly(
    simnet, clean, warehouse_url, tmp_path
):
    load(warehouse_url, simnet.url, tmp_path, epochs=(0,), sample_rate=0.5)
    # The warehouse refuses epoch 1's transactions: the other tables' files still commit.
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(
            "alter table raw_solana.transactions"
            f" add constraint refuse check (slot < {EPOCH_SLOTS[0]})"
        )
    with pytest.raises(Exception, match="refuse"):
        load(warehouse_url, simnet.url, tmp_path, epochs=(0, 1), sample_rate=0.5)
    (partial,) = one(warehouse_url, "select count(*) from raw_solana.blocks where epoch = 1")
    assert partial > 0

    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute("alter table raw_solana.transactions drop constraint refuse")
    load(warehouse_url, simnet.url, tmp_path, epochs=(0, 1), sample_rate=0.5)
    assert snapshot(warehouse_url) == clean


def test_each_run_loads_only_slots_not_loaded_yet(simnet, clean, warehouse_url, tmp_path):
    first = load(warehouse_url, simnet.url, tmp_path, epochs=(0, 1), sample_rate=0.5, max_slots=128)
    assert first["blocks"] == 2 * 128
    second = load(warehouse_url, simnet.url, tmp_path, epochs=(0, 1), sample_rate=0.5)
    assert second["blocks"] == 2 * (512 - 128)
    third = load(warehouse_url, simnet.url, tmp_path, epochs=(0, 1), sample_rate=0.5)
    assert set(third.values()) == {0}
    assert snapshot(warehouse_url) == clean
