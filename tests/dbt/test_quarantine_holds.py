"""A row that failed its check stays out of staging in every later run until it is released."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
from dbt_harness import assert_all_passed, run_dbt
from raw_fixtures import load_raw

from expectations.quarantine import list_held, release
from expectations.runner import run_suite

VOTE_GOOD = "Vote111111111111111111111111111111111111111"
VOTE_BAD = "J1to1yufRnoWn81KYg1XkTWzmKjnYSnmE2VY8DGUJ9Qv"


def _staged(url: str) -> set[tuple[int, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select epoch, vote_account from staging.stg_jito__validators")
        return set(rows.fetchall())


def test_a_quarantined_row_is_held_out_of_staging_until_released(warehouse_url, tmp_path):
    row = {"mev_rewards": 5, "running_jito": True, "active_stake": 10}
    load_raw(
        warehouse_url,
        {
            "raw_jito.validators": [
                {"epoch": 700, "vote_account": VOTE_GOOD, "mev_commission_bps": 800, **row},
                # 12,000 bps is more than the whole MEV: the suite fails this row.
                {"epoch": 700, "vote_account": VOTE_BAD, "mev_commission_bps": 12_000, **row},
            ]
        },
    )
    checked = run_suite(warehouse_url, "raw_jito.validators", epochs=[700], run_id="run-1")
    assert not checked.success and checked.quarantined_rows == 1

    # A later run builds staging: the held row is not there, the raw table still has it.
    assert_all_passed(run_dbt(warehouse_url, ["run", "-s", "stg_jito__validators"], tmp_path))
    assert _staged(warehouse_url) == {(700, VOTE_GOOD)}
    with psycopg.connect(warehouse_url) as conn:
        assert conn.execute("select count(*) from raw_jito.validators").fetchone() == (2,)
        [held] = list_held(conn)
    assert (held.table, held.column_name, held.rows, held.released) == (
        "raw_jito.validators",
        "mev_commission_bps",
        1,
        0,
    )

    cli = Path(sys.executable).with_name("mevhouse")
    env = {**os.environ, "MEVHOUSE_WAREHOUSE_URL": warehouse_url}
    listed = subprocess.run(
        [cli, "quarantine", "list"], capture_output=True, text=True, env=env, check=True
    )
    assert "raw_jito.validators" in listed.stdout and "held 1" in listed.stdout

    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        assert release(conn, "raw_jito.validators", run_id="run-1") == 1
    assert _staged(warehouse_url) == {(700, VOTE_GOOD), (700, VOTE_BAD)}


def test_a_row_fixed_in_raw_is_no_longer_held(warehouse_url, tmp_path):
    row = {"epoch": 700, "vote_account": VOTE_BAD, "running_jito": True, "active_stake": 10}
    load_raw(warehouse_url, {"raw_jito.validators": [{**row, "mev_commission_bps": -1}]})
    assert run_suite(warehouse_url, "raw_jito.validators", run_id="run-1").quarantined_rows == 1
    assert_all_passed(run_dbt(warehouse_url, ["run", "-s", "stg_jito__validators"], tmp_path))
    assert _staged(warehouse_url) == set()
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute("update raw_jito.validators set mev_commission_bps = 500")
    assert _staged(warehouse_url) == {(700, VOTE_BAD)}
