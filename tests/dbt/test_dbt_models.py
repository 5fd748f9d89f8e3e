"""dbt build of the Solana staging models and fct_validator_epochs on a real PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from dbt.cli.main import dbtRunnerResult
from dbt_harness import dbt_env, run_dbt

RAW_DDL = """
drop schema if exists marts cascade;
drop schema if exists staging cascade;
drop schema if exists raw_solana cascade;
create schema raw_solana;
create table raw_solana.epochs (
    epoch bigint primary key, first_slot bigint, last_slot bigint, slots_in_epoch bigint,
    _dlt_load_id text not null, _dlt_id text not null
);
create table raw_solana.vote_accounts (
    epoch bigint, vote_pubkey text, node_pubkey text, activated_stake bigint, commission bigint,
    epoch_vote_account boolean, delinquent boolean, last_vote bigint, root_slot bigint,
    credits bigint, observed_epoch bigint, _dlt_load_id text not null, _dlt_id text not null,
    primary key (epoch, vote_pubkey)
);
create table raw_solana.block_production (
    epoch bigint, identity text, leader_slots bigint, blocks_produced bigint, first_slot bigint,
    last_slot bigint, _dlt_load_id text not null, _dlt_id text not null,
    primary key (epoch, identity)
);
"""

EPOCHS = (700, 701)
SLOTS = 432_000
# (vote account, identity, stake in SOL, commission)
VALIDATORS = [
    ("vote_a", "node_a", 1_000, 5),
    ("vote_b", "node_b", 250, 0),
    ("vote_c", "node_c", 3, 10),  # a zero row in block production: no leader slots
    ("vote_d", "node_d", 1, 100),  # no block production row at all
]
# (epoch, identity) -> (leader slots, blocks produced); node_x leads without a vote account.
BLOCK_PRODUCTION = {
    (700, "node_a"): (100, 90),
    (700, "node_b"): (8, 8),
    (700, "node_c"): (0, 0),
    (700, "node_x"): (20, 10),
    (701, "node_a"): (40, 30),
    (701, "node_b"): (12, 9),
    (701, "node_x"): (16, 16),
}


def vote_account_row(epoch: int, vote: str, node: str, sol: int, commission: int) -> tuple:
    """A vote_accounts row as dlt loads it: vote_d is delinquent; all earned 6,000 credits."""
    last_vote = (epoch + 1) * SLOTS - 5
    delinquent = vote == "vote_d"
    return (
        epoch,
        vote,
        node,
        sol * 10**9,
        commission,
        delinquent,
        last_vote,
        6_000,
        epoch + 1,
        f"{epoch}{vote}",
    )


def load_raw(warehouse_url: str, block_production: dict[tuple[int, str], tuple[int, int]]) -> None:
    """Recreate raw_solana (dropping what dbt built) and fill it with the hand-made epochs."""
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(RAW_DDL)
        with conn.cursor() as cur:
            cur.executemany(
                "insert into raw_solana.epochs values (%s, %s, %s, %s, 'load', %s)",
                [(e, e * SLOTS, (e + 1) * SLOTS - 1, SLOTS, f"e{e}") for e in EPOCHS],
            )
            cur.executemany(
                "insert into raw_solana.vote_accounts"
                " values (%s, %s, %s, %s, %s, true, %s, %s, null, %s, %s, 'load', %s)",
                [vote_account_row(e, *validator) for e in EPOCHS for validator in VALIDATORS],
            )
            cur.executemany(
                "insert into raw_solana.block_production"
                " values (%s, %s, %s, %s, %s, %s, 'load', %s)",
                [
                    (e, node, leader, blocks, e * SLOTS, (e + 1) * SLOTS - 1, f"{e}{node}")
                    for (e, node), (leader, blocks) in block_production.items()
                ],
            )


def query(warehouse_url: str, sql: str) -> list[tuple]:
    with psycopg.connect(warehouse_url) as conn:
        return conn.execute(sql).fetchall()


def skip_rates(warehouse_url: str) -> dict[tuple[int, str], Decimal | None]:
    rows = query(
        warehouse_url, "select epoch, vote_account, skip_rate from marts.fct_validator_epochs"
    )
    return {(epoch, vote): rate for epoch, vote, rate in rows}


def statuses(result: dbtRunnerResult, resource_type: str) -> dict[str, str]:
    """Node name -> status of every node of one type (model, test, unit_test) in a run."""
    assert result.result is not None, result.exception
    return {
        r.node.name: str(r.status)
        for r in result.result.results
        if str(r.node.resource_type) == resource_type
    }


def assert_all_passed(result: dbtRunnerResult) -> None:
    failed = {
        r.node.name: (str(r.status), r.message)
        for r in result.result.results
        if str(r.status) not in ("pass", "success")
    }
    assert result.success and not failed, failed


def test_dbt_env_from_url() -> None:
    env = dbt_env("postgresql://mev%40house:p%3Ass@db.internal:6543/warehouse")
    assert env == {
        "MEVHOUSE_PG_HOST": "db.internal",
        "MEVHOUSE_PG_PORT": "6543",
        "MEVHOUSE_PG_USER": "mev@house",
        "MEVHOUSE_PG_PASSWORD": "p:ss",
        "MEVHOUSE_PG_DBNAME": "warehouse",
    }
    socket = dbt_env("postgresql://postgres@/mevhouse?host=/tmp/pg&port=5499")
    assert socket["MEVHOUSE_PG_HOST"] == "/tmp/pg"
    assert socket["MEVHOUSE_PG_PORT"] == "5499"
    assert socket["MEVHOUSE_PG_PASSWORD"] == ""
    with pytest.raises(ValueError):
        dbt_env("mysql://root@localhost/db")


def test_build_and_incremental_rebuilds(warehouse_url: str, tmp_path: Path) -> None:
    load_raw(warehouse_url, BLOCK_PRODUCTION)

    result = run_dbt(warehouse_url, ["build"], tmp_path)
    assert_all_passed(result)
    assert set(statuses(result, "model")) == {
        "stg_solana__epochs",
        "stg_solana__vote_accounts",
        "stg_solana__block_production",
        "fct_validator_epochs",
    }
    assert statuses(result, "unit_test") == {
        "test_fct_validator_epochs_skip_rate": "pass",
        "test_fct_validator_epochs_epochs_var": "pass",
    }
    data_tests = statuses(result, "test")
    assert len(data_tests) >= 40
    assert data_tests["assert_fct_validator_epochs_leader_slots_reconcile"] == "pass"
    assert data_tests["assert_fct_validator_epochs_rows_reconcile"] == "pass"

    # Every vote account in both epochs; node_x, which has no vote account, is dropped.
    assert skip_rates(warehouse_url) == {
        (700, "vote_a"): Decimal("0.1"),
        (700, "vote_b"): Decimal("0"),
        (700, "vote_c"): None,
        (700, "vote_d"): None,
        (701, "vote_a"): Decimal("0.25"),
        (701, "vote_b"): Decimal("0.25"),
        (701, "vote_c"): None,
        (701, "vote_d"): None,
    }
    assert query(
        warehouse_url,
        "select identity, stake_sol, commission, delinquent, leader_slots, blocks_produced,"
        " skipped_slots, credits from marts.fct_validator_epochs"
        " where epoch = 700 order by vote_account",
    ) == [
        ("node_a", Decimal("1000"), 5, False, 100, 90, 10, 6_000),
        ("node_b", Decimal("250"), 0, False, 8, 8, 0, 6_000),
        ("node_c", Decimal("3"), 10, False, 0, 0, 0, 6_000),
        ("node_d", Decimal("1"), 100, True, 0, 0, 0, 6_000),
    ]

    # Raw changes in both epochs; building only epoch 701 leaves epoch 700 as it was.
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(
            "update raw_solana.block_production set blocks_produced = leader_slots / 2"
            " where identity = 'node_a'"
        )
    epochs_701 = ["--vars", json.dumps({"epochs": [701]})]
    result = run_dbt(
        warehouse_url, ["build", "--select", "fct_validator_epochs", *epochs_701], tmp_path
    )
    assert_all_passed(result)
    rates = skip_rates(warehouse_url)
    assert len(rates) == 8
    assert rates[(701, "vote_a")] == Decimal("0.5")
    assert rates[(700, "vote_a")] == Decimal("0.1")

    # A second build of everything catches epoch 700 up and keeps one row per vote account.
    result = run_dbt(warehouse_url, ["build", "--select", "fct_validator_epochs"], tmp_path)
    assert_all_passed(result)
    rates = skip_rates(warehouse_url)
    assert len(rates) == 8
    assert rates[(700, "vote_a")] == Decimal("0.5")

    # The var limits full builds too.
    epochs_700 = ["--vars", json.dumps({"epochs": [700]})]
    result = run_dbt(
        warehouse_url,
        ["build", "--full-refresh", "--select", "fct_validator_epochs", *epochs_700],
        tmp_path,
    )
    assert_all_passed(result)
    assert query(
        warehouse_url, "select epoch, count(*) from marts.fct_validator_epochs group by epoch"
    ) == [(700, 4)]


def test_blocks_beyond_leader_slots_fail_the_build(warehouse_url: str, tmp_path: Path) -> None:
    load_raw(warehouse_url, {**BLOCK_PRODUCTION, (701, "node_b"): (12, 13)})

    result = run_dbt(warehouse_url, ["build"], tmp_path)

    assert not result.success
    failed = {name for name, status in statuses(result, "test").items() if status == "fail"}
    assert failed == {
        "expression_is_true_stg_solana__block_production_blocks_produced___leader_slots"
    }
    # The failing staging test stops the mart from being built on bad data.
    assert statuses(result, "model")["fct_validator_epochs"] == "skipped"
