"""The block-level raw tables, declared once (ingestion/contract.py derives the rest).

docs/raw_tables.md ("raw_solana, block level") is the contract these follow.
"""

from __future__ import annotations

from ingestion.contract import AMOUNT, BIGINT, BOOL, DOUBLE, JSON, TEXT, TIME, Column, Table


def _table(name: str, key: tuple[str, ...], *columns: Column) -> Table:
    return Table(name, key, columns)


BLOCKS = _table(
    "blocks",
    ("slot",),
    Column("slot", BIGINT, False),
    Column("epoch", BIGINT, False),
    Column("leader", TEXT),
    Column("status", TEXT, False),
    Column("block_time", TIME),
    Column("blockhash", TEXT),
    Column("previous_blockhash", TEXT),
    Column("parent_slot", BIGINT),
    Column("block_height", BIGINT),
    Column("transaction_count", BIGINT),
    Column("vote_transaction_count", BIGINT),
    Column("failed_transaction_count", BIGINT),
    Column("fee_rewards", BIGINT),
    Column("transactions_loaded", BOOL, False),
)

BLOCK_REWARDS = _table(
    "block_rewards",
    ("slot", "pubkey", "reward_type"),
    Column("slot", BIGINT, False),
    Column("pubkey", TEXT, False),
    Column("reward_type", TEXT, False),
    Column("epoch", BIGINT, False),
    Column("lamports", BIGINT, False),
    Column("post_balance", BIGINT),
    Column("commission", BIGINT),
)

SAMPLED_WINDOWS = _table(
    "sampled_windows",
    ("epoch", "window_start"),
    Column("epoch", BIGINT, False),
    Column("window_start", BIGINT, False),
    Column("leader", TEXT),
    Column("sample_rate", DOUBLE, False),
)

TRANSACTIONS = _table(
    "transactions",
    ("signature",),
    Column("signature", TEXT, False),
    Column("slot", BIGINT, False),
    Column("epoch", BIGINT, False),
    Column("position", BIGINT, False),
    Column("fee", BIGINT),
    Column("priority_fee", BIGINT),
    Column("compute_units", BIGINT),
    Column("success", BOOL, False),
    Column("err", TEXT),
    Column("signer", TEXT, False),
    Column("account_keys", JSON, False),
    Column("programs", JSON, False),
    Column("inner_programs", JSON, False),
    Column("version", TEXT, False),
)

INSTRUCTIONS = _table(
    "instructions",
    ("signature", "outer_index", "inner_index"),
    Column("signature", TEXT, False),
    Column("outer_index", BIGINT, False),
    Column("inner_index", BIGINT, False),
    Column("parent_index", BIGINT),
    Column("slot", BIGINT, False),
    Column("epoch", BIGINT, False),
    Column("program_id", TEXT, False),
    Column("accounts", JSON),
    Column("data", TEXT),
    # The data's first 8 bytes (fewer when shorter), lower-case hex: decoded from base58 once
    # at load, so that models compare discriminators and instruction tags as text.
    Column("data_prefix_hex", TEXT),
    Column("stack_height", BIGINT),
    Column("transfer_source", TEXT),
    Column("transfer_destination", TEXT),
    Column("transfer_authority", TEXT),
    Column("transfer_mint", TEXT),
    Column("transfer_amount", AMOUNT),
    # Jupiter v6's SwapEvent (its self-CPI after each hop), decoded at load: the AMM program
    # and the mints and raw amounts that went in and came out, a cross-check of decoded legs.
    Column("swap_event_amm", TEXT),
    Column("swap_event_input_mint", TEXT),
    Column("swap_event_input_amount", AMOUNT),
    Column("swap_event_output_mint", TEXT),
    Column("swap_event_output_amount", AMOUNT),
)

TOKEN_BALANCE_CHANGES = _table(
    "token_balance_changes",
    ("signature", "account_index"),
    Column("signature", TEXT, False),
    Column("account_index", BIGINT, False),
    Column("slot", BIGINT, False),
    Column("epoch", BIGINT, False),
    Column("account", TEXT, False),
    Column("mint", TEXT, False),
    Column("owner", TEXT),
    Column("program_id", TEXT),
    Column("decimals", BIGINT, False),
    Column("pre_amount", AMOUNT, False),
    Column("post_amount", AMOUNT, False),
)

SOL_BALANCE_CHANGES = _table(
    "sol_balance_changes",
    ("signature", "account_index"),
    Column("signature", TEXT, False),
    Column("account_index", BIGINT, False),
    Column("slot", BIGINT, False),
    Column("epoch", BIGINT, False),
    Column("account", TEXT, False),
    Column("pre_lamports", BIGINT, False),
    Column("post_lamports", BIGINT, False),
)

TABLES: tuple[Table, ...] = (
    BLOCKS,
    BLOCK_REWARDS,
    SAMPLED_WINDOWS,
    TRANSACTIONS,
    INSTRUCTIONS,
    TOKEN_BALANCE_CHANGES,
    SOL_BALANCE_CHANGES,
)
