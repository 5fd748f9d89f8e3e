"""Raw tables for dbt tests, created with SQL exactly as docs/raw_tables.md specifies them.

dlt loads these tables in the pipeline; dbt tests create them here instead (with dlt's
`_dlt_load_id` and `_dlt_id` columns) and fill them from plain dicts, so every dbt test starts
from the same contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg import sql

# Column name -> type, per table, in contract order; the first columns listed in KEYS are the key.
RAW_TABLES: dict[str, dict[str, str]] = {
    "raw_solana.epochs": {
        "epoch": "bigint",
        "first_slot": "bigint",
        "last_slot": "bigint",
        "slots_in_epoch": "bigint",
        "start_time": "timestamptz",
        "end_time": "timestamptz",
        "inflation_total": "double precision",
        "inflation_validator": "double precision",
        "inflation_foundation": "double precision",
        "observed_epoch": "bigint",
    },
    "raw_solana.vote_accounts": {
        "epoch": "bigint",
        "vote_pubkey": "text",
        "node_pubkey": "text",
        "activated_stake": "bigint",
        "commission": "bigint",
        "epoch_vote_account": "boolean",
        "delinquent": "boolean",
        "last_vote": "bigint",
        "root_slot": "bigint",
        "credits": "bigint",
        "observed_epoch": "bigint",
    },
    "raw_solana.epoch_credits": {
        "epoch": "bigint",
        "vote_pubkey": "text",
        "credits": "bigint",
        "previous_credits": "bigint",
        "earned": "bigint",
        "observed_epoch": "bigint",
    },
    "raw_solana.block_production": {
        "epoch": "bigint",
        "identity": "text",
        "leader_slots": "bigint",
        "blocks_produced": "bigint",
        "first_slot": "bigint",
        "last_slot": "bigint",
    },
    "raw_solana.leader_schedule": {"slot": "bigint", "epoch": "bigint", "identity": "text"},
    "raw_solana.inflation_rewards": {
        "epoch": "bigint",
        "vote_pubkey": "text",
        "amount": "bigint",
        "post_balance": "bigint",
        "commission": "bigint",
        "effective_slot": "bigint",
    },
    "raw_solana.cluster_nodes": {
        "observed_epoch": "bigint",
        "identity": "text",
        "version": "text",
        "feature_set": "bigint",
        "gossip": "text",
        "rpc": "text",
        "tpu": "text",
    },
    "raw_solana.blocks": {
        "slot": "bigint",
        "epoch": "bigint",
        "leader": "text",
        "status": "text",
        "block_time": "timestamptz",
        "blockhash": "text",
        "previous_blockhash": "text",
        "parent_slot": "bigint",
        "block_height": "bigint",
        "transaction_count": "bigint",
        "vote_transaction_count": "bigint",
        "failed_transaction_count": "bigint",
        "fee_rewards": "bigint",
        "transactions_loaded": "boolean",
    },
    "raw_solana.block_rewards": {
        "slot": "bigint",
        "pubkey": "text",
        "reward_type": "text",
        "epoch": "bigint",
        "lamports": "bigint",
        "post_balance": "bigint",
        "commission": "bigint",
    },
    "raw_solana.sampled_windows": {
        "epoch": "bigint",
        "window_start": "bigint",
        "leader": "text",
        "sample_rate": "double precision",
    },
    "raw_solana.transactions": {
        "signature": "text",
        "slot": "bigint",
        "epoch": "bigint",
        "position": "bigint",
        "fee": "bigint",
        "priority_fee": "bigint",
        "compute_units": "bigint",
        "success": "boolean",
        "err": "text",
        "signer": "text",
        "account_keys": "jsonb",
        "programs": "jsonb",
        "inner_programs": "jsonb",
        "version": "text",
    },
    "raw_solana.instructions": {
        "signature": "text",
        "outer_index": "bigint",
        "inner_index": "bigint",
        "parent_index": "bigint",
        "slot": "bigint",
        "epoch": "bigint",
        "program_id": "text",
        "accounts": "jsonb",
        "data": "text",
        "stack_height": "bigint",
        "transfer_source": "text",
        "transfer_destination": "text",
        "transfer_authority": "text",
        "transfer_mint": "text",
        "transfer_amount": "numeric",
    },
    "raw_solana.token_balance_changes": {
        "signature": "text",
        "account_index": "bigint",
        "slot": "bigint",
        "epoch": "bigint",
        "account": "text",
        "mint": "text",
        "owner": "text",
        "program_id": "text",
        "decimals": "bigint",
        "pre_amount": "numeric",
        "post_amount": "numeric",
    },
    "raw_solana.sol_balance_changes": {
        "signature": "text",
        "account_index": "bigint",
        "slot": "bigint",
        "epoch": "bigint",
        "account": "text",
        "pre_lamports": "bigint",
        "post_lamports": "bigint",
    },
    "raw_jito.validators": {
        "epoch": "bigint",
        "vote_account": "text",
        "mev_commission_bps": "bigint",
        "mev_rewards": "bigint",
        "running_jito": "boolean",
        "active_stake": "bigint",
    },
    "raw_jito.mev_rewards": {
        "epoch": "bigint",
        "total_network_mev_lamports": "bigint",
        "jito_stake_weight_lamports": "bigint",
        "mev_reward_per_lamport": "double precision",
    },
}

KEYS: dict[str, tuple[str, ...]] = {
    "raw_solana.epochs": ("epoch",),
    "raw_solana.vote_accounts": ("epoch", "vote_pubkey"),
    "raw_solana.epoch_credits": ("epoch", "vote_pubkey"),
    "raw_solana.block_production": ("epoch", "identity"),
    "raw_solana.leader_schedule": ("slot",),
    "raw_solana.inflation_rewards": ("epoch", "vote_pubkey"),
    "raw_solana.cluster_nodes": ("observed_epoch", "identity"),
    "raw_solana.blocks": ("slot",),
    "raw_solana.block_rewards": ("slot", "pubkey", "reward_type"),
    "raw_solana.sampled_windows": ("epoch", "window_start"),
    "raw_solana.transactions": ("signature",),
    "raw_solana.instructions": ("signature", "outer_index", "inner_index"),
    "raw_solana.token_balance_changes": ("signature", "account_index"),
    "raw_solana.sol_balance_changes": ("signature", "account_index"),
    "raw_jito.validators": ("epoch", "vote_account"),
    "raw_jito.mev_rewards": ("epoch",),
}

# Schemas dbt builds; dropped with raw so each load starts from nothing.
DBT_SCHEMAS = ("marts", "intermediate", "staging")

# Raw table name -> its rows, as column -> value dicts.
Rows = dict[str, list[dict[str, Any]]]


def create_raw_tables(conn: psycopg.Connection[Any]) -> None:
    """Drop raw and dbt's schemas, then create every raw table, empty."""
    for schema in (*DBT_SCHEMAS, "raw_solana", "raw_jito"):
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
    conn.execute("create schema raw_solana")
    conn.execute("create schema raw_jito")
    for table, columns in RAW_TABLES.items():
        definitions: list[sql.Composable] = [
            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
            for name, kind in columns.items()
        ]
        definitions += [
            sql.SQL("_dlt_load_id text not null"),
            sql.SQL("_dlt_id text not null"),
            sql.SQL("primary key ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, KEYS[table]))
            ),
        ]
        conn.execute(
            sql.SQL("create table {} ({})").format(
                sql.Identifier(*table.split(".")), sql.SQL(", ").join(definitions)
            )
        )


def insert_rows(
    conn: psycopg.Connection[Any], table: str, rows: Iterable[Mapping[str, Any]]
) -> None:
    """Copy dict rows into a raw table; columns a row omits are null."""
    columns = list(RAW_TABLES[table])
    statement = sql.SQL("copy {} ({}, _dlt_load_id, _dlt_id) from stdin").format(
        sql.Identifier(*table.split(".")),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for i, row in enumerate(rows):
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"{table} has no columns {sorted(unknown)}")
            copy.write_row([*(row.get(name) for name in columns), "load", f"{table}/{i}"])


def load_raw(warehouse_url: str, rows: Rows) -> None:
    """Recreate every raw table (dropping what dbt built) and insert `rows` per table name."""
    unknown = set(rows) - set(RAW_TABLES)
    if unknown:
        raise ValueError(f"no raw tables {sorted(unknown)}")
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        create_raw_tables(conn)
        for table, table_rows in rows.items():
            insert_rows(conn, table, table_rows)
