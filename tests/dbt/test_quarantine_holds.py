"""A row that failed its check stays out of staging in every later run until it is released."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
from dbt_harness import assert_all_passed, run_dbt
from psycopg import sql
from raw_fixtures import load_raw
from simnet_warehouse import EPOCHS, copy_of

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


def _marts(url: str, epoch: int | None = None) -> dict[str, tuple[int, str]]:
    """Every mart's rows (of one `epoch`, where it has that column) as a count and a digest."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "select table_name, bool_or(column_name = 'epoch') from information_schema.columns"
            " where table_schema = 'marts' group by table_name order by table_name"
        ).fetchall()
        digests = {}
        for table, has_epoch in tables:
            if epoch is not None and not has_epoch:
                continue
            query = sql.SQL(
                "select count(*), coalesce(md5(string_agg(t::text, '|' order by t::text)), '')"
                " from marts.{} as t where {}"
            ).format(
                sql.Identifier(table),
                sql.SQL("epoch = {}").format(epoch) if epoch is not None else sql.SQL("true"),
            )
            digests[table] = conn.execute(query).fetchone()
    return digests


def _rebuild_after_vote_accounts(url: str, work: Path, *runs: list[int]) -> None:
    """What later runs rebuild: every model downstream of the vote accounts, from nothing at the
    first of `runs` (each a list of epochs), incrementally after it, as the pipeline does."""
    for number, epochs in enumerate(runs):
        refresh = ["--full-refresh"] if number == 0 else []
        args = ["run", "-s", "stg_solana__vote_accounts+", *refresh]
        assert_all_passed(run_dbt(url, [*args, "--vars", json.dumps({"epochs": epochs})], work))


def _differ(left: dict[str, tuple[int, str]], right: dict[str, tuple[int, str]]) -> set[str]:
    return {table for table in left if left[table] != right[table]}


def test_a_row_held_at_one_epoch_reaches_no_mart_of_later_runs_until_released(
    simnet_warehouse, tmp_path
):
    first, second = EPOCHS
    with copy_of(simnet_warehouse.url) as held, copy_of(simnet_warehouse.url) as absent:
        with psycopg.connect(held, autocommit=True) as conn:
            [(vote,)] = conn.execute(
                "select vote_pubkey from raw_solana.vote_accounts where epoch = %s"
                " order by activated_stake desc, vote_pubkey limit 1",
                (first,),
            ).fetchall()
            # The biggest validator's snapshot of the first epoch arrives with an impossible
            # commission: its check holds it; the same row simply missing is the reference.
            conn.execute(
                "update raw_solana.vote_accounts set commission = 250"
                " where epoch = %s and vote_pubkey = %s",
                (first, vote),
            )
        checked = run_suite(held, "raw_solana.vote_accounts", epochs=[first], run_id="bad")
        assert checked.quarantined_rows == 1
        with psycopg.connect(absent, autocommit=True) as conn:
            conn.execute(
                "delete from raw_solana.vote_accounts where epoch = %s and vote_pubkey = %s",
                (first, vote),
            )

        # The first epoch's run, then the second's, whose look-backs read the first.
        for url in (held, absent):
            _rebuild_after_vote_accounts(url, tmp_path, [first], [second])
        # Held is as good as absent, in every mart and epoch.
        assert _marts(held) == _marts(absent)

        with psycopg.connect(held, autocommit=True) as conn:
            assert release(conn, "raw_solana.vote_accounts") == 1
        _rebuild_after_vote_accounts(held, tmp_path, [first, second])
        # Released, the row reaches the marts of its epoch and the next one's look-backs: the
        # equality above held it out of them, it did not merely miss them.
        for epoch in EPOCHS:
            assert _differ(_marts(held, epoch), _marts(absent, epoch)), epoch
