"""Column hints and keys of the raw_solana tables."""

from __future__ import annotations

from dlt.common.schema.typing import TColumnSchema


def _columns(types: dict[str, str], nullable: tuple[str, ...] = ()) -> dict[str, TColumnSchema]:
    # A fresh dict per column: dlt writes into the hints it is given.
    return {
        name: {"data_type": data_type, "nullable": name in nullable}  # type: ignore[typeddict-item]
        for name, data_type in types.items()
    }


EPOCH_COLUMNS = _columns(
    {"epoch": "bigint", "first_slot": "bigint", "last_slot": "bigint", "slots_in_epoch": "bigint"}
)

VOTE_ACCOUNT_COLUMNS = _columns(
    {
        "epoch": "bigint",
        "vote_pubkey": "text",
        "node_pubkey": "text",
        "activated_stake": "bigint",
        "commission": "bigint",
        "epoch_vote_account": "bool",
        "delinquent": "bool",
        "last_vote": "bigint",
        "root_slot": "bigint",
        "credits": "bigint",
        "observed_epoch": "bigint",
    },
    nullable=("root_slot", "credits"),
)

BLOCK_PRODUCTION_COLUMNS = _columns(
    {
        "epoch": "bigint",
        "identity": "text",
        "leader_slots": "bigint",
        "blocks_produced": "bigint",
        "first_slot": "bigint",
        "last_slot": "bigint",
    }
)
