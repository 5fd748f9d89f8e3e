"""The suites of the epoch-level snapshot tables and of raw_jito, against a real PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from psycopg import sql
from solders.pubkey import Pubkey

from expectations import SUITES, run_suite

SLOTS = 432_000
BETWEEN = "expect_column_values_to_be_between"
REGEX = "expect_column_values_to_match_regex"
LENGTHS = "expect_column_value_lengths_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
NOT_NULL = "expect_column_values_to_not_be_null"


def key(name: str) -> str:
    """A real base58 public key, stable per name."""
    return str(Pubkey.from_bytes(hashlib.sha256(name.encode()).digest()))


def credit_row(n: int, **over: Any) -> dict[str, Any]:
    return {
        "epoch": 10,
        "vote_pubkey": key(f"vote{n}"),
        "credits": 5_000_000 + n,
        "previous_credits": 4_600_000,
        "earned": 400_000 + n,
        "observed_epoch": 12,
        **over,
    }


def schedule_row(n: int, **over: Any) -> dict[str, Any]:
    return {"slot": 10 * SLOTS + n, "epoch": 10, "identity": key(f"node{n % 7}"), **over}


def reward_row(n: int, **over: Any) -> dict[str, Any]:
    return {
        "epoch": 10,
        "vote_pubkey": key(f"vote{n}"),
        "amount": 1_000_000 * (n + 1),
        "post_balance": 50_000_000_000,
        "commission": n % 11,
        "effective_slot": 11 * SLOTS + 3,
        **over,
    }


def node_row(n: int, **over: Any) -> dict[str, Any]:
    return {
        "observed_epoch": 12,
        "identity": key(f"node{n}"),
        "version": "2.2.16",
        "feature_set": 3_294_202_862,
        "gossip": f"10.0.0.{n}:8001",
        "rpc": None,
        "tpu": f"10.0.0.{n}:8003",
        **over,
    }


def jito_row(n: int, **over: Any) -> dict[str, Any]:
    return {
        "epoch": 10,
        "vote_account": key(f"vote{n}"),
        "mev_commission_bps": 800,
        "mev_rewards": 2_000_000_000 + n,
        "running_jito": True,
        "active_stake": 10**15,
        **over,
    }


def mev_row(n: int, **over: Any) -> dict[str, Any]:
    return {
        "epoch": 10 + n,
        "total_network_mev_lamports": 19_630_470_685_094,
        "jito_stake_weight_lamports": 273_972_433_518_536_409,
        "mev_reward_per_lamport": 7.16512622565213e-05,
        **over,
    }


# table -> (DDL columns, clean row, bad rows each with the one expectation it breaks)
Case = tuple[str, Callable[..., dict[str, Any]], list[tuple[dict[str, Any], tuple[str, str]]]]
CASES: dict[str, Case] = {
    "raw_solana.epoch_credits": (
        "epoch bigint, vote_pubkey text, credits bigint, previous_credits bigint, earned bigint,"
        " observed_epoch bigint",
        credit_row,
        [
            (
                {"credits": 10, "previous_credits": 20, "earned": 0},
                (PAIR, "credits,previous_credits"),
            ),
            ({"earned": -3}, (BETWEEN, "earned")),
            ({"vote_pubkey": "vote-one" * 5}, (REGEX, "vote_pubkey")),
            ({"observed_epoch": 10}, (PAIR, "observed_epoch,epoch")),
            ({"previous_credits": None}, (NOT_NULL, "previous_credits")),
        ],
    ),
    "raw_solana.leader_schedule": (
        "slot bigint, epoch bigint, identity text",
        schedule_row,
        [({"identity": None}, (NOT_NULL, "identity")), ({"epoch": -1}, (BETWEEN, "epoch"))],
    ),
    "raw_solana.inflation_rewards": (
        "epoch bigint, vote_pubkey text, amount bigint, post_balance bigint, commission bigint,"
        " effective_slot bigint",
        reward_row,
        [
            ({"commission": 101}, (BETWEEN, "commission")),
            ({"amount": -1}, (BETWEEN, "amount")),
            ({"post_balance": 5}, (PAIR, "post_balance,amount")),
            ({"vote_pubkey": "0" * 44}, (REGEX, "vote_pubkey")),
            ({"vote_pubkey": "2" * 45}, (LENGTHS, "vote_pubkey")),
        ],
    ),
    "raw_solana.cluster_nodes": (
        "observed_epoch bigint, identity text, version text, feature_set bigint, gossip text,"
        " rpc text, tpu text",
        node_row,
        [
            ({"identity": "Il0O" * 10}, (REGEX, "identity")),
            ({"feature_set": -2}, (BETWEEN, "feature_set")),
        ],
    ),
    "raw_jito.validators": (
        "epoch bigint, vote_account text, mev_commission_bps bigint, mev_rewards bigint,"
        " running_jito boolean, active_stake bigint",
        jito_row,
        [
            ({"mev_commission_bps": 10_001}, (BETWEEN, "mev_commission_bps")),
            ({"mev_rewards": -5}, (BETWEEN, "mev_rewards")),
            ({"active_stake": -5}, (BETWEEN, "active_stake")),
            ({"vote_account": "2" * 31}, (LENGTHS, "vote_account")),
        ],
    ),
    "raw_jito.mev_rewards": (
        "epoch bigint, total_network_mev_lamports bigint, jito_stake_weight_lamports bigint,"
        " mev_reward_per_lamport double precision",
        mev_row,
        [
            ({"total_network_mev_lamports": -1}, (BETWEEN, "total_network_mev_lamports")),
            ({"mev_reward_per_lamport": None}, (NOT_NULL, "mev_reward_per_lamport")),
        ],
    ),
}


def create(url: str, table: str) -> None:
    schema, name = table.split(".")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        conn.execute(
            sql.SQL(
                "create table {} ({}, _dlt_load_id text not null default '1700000000.1',"
                " _dlt_id text not null default md5(random()::text))"
            ).format(sql.Identifier(schema, name), sql.SQL(CASES[table][0]))
        )


def insert(url: str, table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    query = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(*table.split(".")), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with psycopg.connect(url) as conn, conn.cursor() as cur, cur.copy(query) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


@pytest.mark.parametrize("table", sorted(CASES))
def test_clean_rows_pass_and_each_bad_row_fails_its_expectation(
    warehouse_url: str, table: str
) -> None:
    _, make_row, bad = CASES[table]
    primary_key = SUITES[table].primary_key
    create(warehouse_url, table)
    clean = [make_row(n) for n in range(20)]
    insert(warehouse_url, table, clean)
    passed = run_suite(warehouse_url, table, run_id="clean")
    assert passed.success, passed.summary()
    assert passed.rows_checked == 20

    broken = [make_row(100 + i, **over) for i, (over, _) in enumerate(bad)]
    insert(warehouse_url, table, [*broken, clean[3]])  # clean[3] twice: a duplicate key
    result = run_suite(warehouse_url, table, run_id="bad")

    failures = {(f.expectation, f.column): f for f in result.failures}
    unique = ",".join(primary_key)
    duplicate = failures.pop(next(k for k in failures if "unique" in k[0] and k[1] == unique))
    assert duplicate.unexpected_count == 2
    assert set(failures) == {caught for _, caught in bad}
    for row, (_, caught) in zip(broken, bad, strict=True):
        assert failures[caught].sample_keys == [{c: row[c] for c in primary_key}], caught
