"""The block-level raw tables: keys, Arrow schemas and dlt column hints, from one definition.

docs/raw_tables.md ("raw_solana, block level") is the contract these follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from dlt.common.schema.typing import TColumnSchema

BIGINT = pa.int64()
TEXT = pa.string()
BOOL = pa.bool_()
TIME = pa.timestamp("s", tz="UTC")
# Token amounts are u64: up to 20 digits, past bigint.
AMOUNT = pa.decimal128(20, 0)
# JSON arrays travel as text in Arrow and land as jsonb through this hint.
JSON = "json"


_DLT_TYPES = {
    BIGINT: "bigint",
    TEXT: "text",
    BOOL: "bool",
    TIME: "timestamp",
    pa.float64(): "double",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType | str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            pa.field(c.name, TEXT if c.type == JSON else c.type, nullable=c.nullable)
            for c in self.columns
        )

    def dlt_columns(self) -> dict[str, TColumnSchema]:
        """The complete dlt columns: files are imported as they are, dlt infers nothing."""
        hints: dict[str, TColumnSchema] = {}
        for c in self.columns:
            hint: dict[str, Any] = {"nullable": c.nullable and c.name not in self.key}
            if c.type == AMOUNT:
                hint.update(data_type="decimal", precision=20, scale=0)
            else:
                hint["data_type"] = c.type if c.type == JSON else _DLT_TYPES[c.type]
            hints[c.name] = hint  # type: ignore[assignment]
        return hints

    def arrow(self, data: dict[str, list[Any]]) -> pa.Table:
        return pa.Table.from_pydict(data, schema=self.arrow_schema)


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
    Column("sample_rate", pa.float64(), False),
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
    Column("stack_height", BIGINT),
    Column("transfer_source", TEXT),
    Column("transfer_destination", TEXT),
    Column("transfer_authority", TEXT),
    Column("transfer_mint", TEXT),
    Column("transfer_amount", AMOUNT),
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
