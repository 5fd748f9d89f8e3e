"""Faults after the load: the warehouse connection dropped mid-transform, a disk that fills up
under an export. Each ends with a clear error, loses nothing, and a rerun completes as if
nothing had happened."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pyarrow.parquet as pq
from dbt_harness import assert_all_passed, run_dbt
from simnet_warehouse import EPOCHS, copy_of

from orchestration.exports.marts import export_epoch
from orchestration.exports.writer import MANIFESTS

MEVHOUSE = str(Path(sys.executable).with_name("mevhouse"))
# int_validator_epochs and everything built from it: fct_validator_epochs waits on the lock.
SELECTED = ["-s", "int_validator_epochs+"]
CUT = "fct_validator_epochs"
DOWNSTREAM = "cluster_epochs"


def _rows(url: str, table: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(f"select * from marts.{table} order by 1, 2").fetchall()


def _drop_the_connection_building(url: str, table: str, seen: list[int]) -> threading.Thread:
    """Lock the mart, wait for dbt's session to queue on it mid-build, terminate that session."""
    ready = threading.Event()

    def cut() -> None:
        with psycopg.connect(url) as conn:
            conn.execute(f"lock table marts.{table} in access exclusive mode")
            ready.set()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not seen:
                conn.execute("select pg_stat_clear_snapshot()")  # else one per transaction
                waiting = conn.execute(
                    "select pid from pg_stat_activity"
                    " where pg_backend_pid() = any(pg_blocking_pids(pid))"
                ).fetchall()
                if waiting:
                    conn.execute("select pg_terminate_backend(%s)", (waiting[0][0],))
                    seen.append(waiting[0][0])
                time.sleep(0.02)
            conn.rollback()  # releases the lock

    thread = threading.Thread(target=cut, daemon=True)
    thread.start()
    ready.wait(10)
    return thread


def test_a_connection_dropped_mid_transform_fails_the_model_and_a_rerun_completes(
    simnet_warehouse, tmp_path
):
    epoch = ["--vars", json.dumps({"epochs": [EPOCHS[-1]]})]
    with copy_of(simnet_warehouse.url) as url:
        before = _rows(url, CUT)
        seen: list[int] = []
        cutter = _drop_the_connection_building(url, CUT, seen)
        cut = run_dbt(url, ["run", *SELECTED, *epoch], tmp_path)
        cutter.join(60)
        assert seen, "dbt never waited on the locked mart"

        assert not cut.success
        outcome = {r.node.name: (str(r.status), r.message) for r in cut.result.results}
        status, message = outcome[CUT]
        assert status == "error"
        # It names the model and says the connection went, not some later symptom.
        assert message.splitlines()[0].startswith(f"Database Error in model {CUT} ")
        assert "server closed the connection unexpectedly" in message
        # What depends on the cut model did not run on half of it.
        assert outcome[DOWNSTREAM][0] == "skipped"
        # The cut transaction rolled back: the mart is as it was, not emptied or half-written.
        assert _rows(url, CUT) == before

        assert_all_passed(run_dbt(url, ["run", *SELECTED, *epoch], tmp_path))
        assert _rows(url, CUT) == before


def _files(root: Path) -> dict[str, object]:
    """Every file: a manifest's bytes, a table's rows in order (an export of equal rows need
    not order ties alike, so its bytes may differ)."""
    return {
        str(p.relative_to(root)): (
            p.read_bytes()
            if p.suffix != ".parquet"
            else sorted(map(repr, pq.read_table(p).to_pylist()))
        )
        for p in root.rglob("*")
        if p.is_file()
    }


def test_a_full_disk_under_an_export_is_one_line_and_leaves_the_last_export_whole(
    simnet_warehouse, tmp_path
):
    epoch = EPOCHS[-1]
    exports = tmp_path / "exports"
    previous = export_epoch(simnet_warehouse.url, str(exports), epoch)
    files = _files(exports)
    largest = max(p.stat().st_size for p in exports.rglob("*.parquet"))

    def limit_file_size() -> None:
        # RLIMIT_FSIZE is a disk that fills at this size, for this process only, no root needed;
        # Python ignores SIGXFSZ, so the write fails (EFBIG) as it would with ENOSPC.
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest // 2, largest // 2))

    env = {**os.environ, "MEVHOUSE_WAREHOUSE_URL": simnet_warehouse.url}
    full = subprocess.run(
        [MEVHOUSE, "export", "--epochs", str(epoch), "--to", str(exports)],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
        timeout=120,
    )
    assert full.returncode == 2, full.stdout + full.stderr
    [line] = full.stderr.strip().splitlines()
    assert line.startswith("mevhouse: error: cannot write ") and "File too large" in line
    assert "the export before it is unchanged: free space there and export again" in line
    # No half-written file, no temporary left behind: the previous export, whole.
    assert _files(exports) == files

    rerun = export_epoch(simnet_warehouse.url, str(exports), epoch)
    unordered = ("bytes", "sha256")
    assert [{k: v for k, v in t.items() if k not in unordered} for t in rerun["tables"]] == [
        {k: v for k, v in t.items() if k not in unordered} for t in previous["tables"]
    ]
    assert {n: f for n, f in _files(exports).items() if MANIFESTS not in n} == {
        n: f for n, f in files.items() if MANIFESTS not in n
    }
