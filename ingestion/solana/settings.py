"""Column hints and keys of the raw_solana tables."""

from __future__ import annotations

from typing import Any

BIGINT: dict[str, Any] = {"data_type": "bigint", "nullable": False}
NULLABLE_BIGINT: dict[str, Any] = {"data_type": "bigint", "nullable": True}
TEXT: dict[str, Any] = {"data_type": "text", "nullable": False}
BOOL: dict[str, Any] = {"data_type": "bool", "nullable": False}

EPOCH_COLUMNS = {
    "epoch": BIGINT,
    "first_slot": BIGINT,
    "last_slot": BIGINT,
    "slots_in_epoch": BIGINT,
}

VOTE_ACCOUNT_COLUMNS = {
    "epoch": BIGINT,
    "vote_pubkey": TEXT,
    "node_pubkey": TEXT,
    "activated_stake": BIGINT,
    "commission": BIGINT,
    "epoch_vote_account": BOOL,
    "delinquent": BOOL,
    "last_vote": BIGINT,
    "root_slot": NULLABLE_BIGINT,
    "credits": NULLABLE_BIGINT,
    "observed_epoch": BIGINT,
}

BLOCK_PRODUCTION_COLUMNS = {
    "epoch": BIGINT,
    "identity": TEXT,
    "leader_slots": BIGINT,
    "blocks_produced": BIGINT,
    "first_slot": BIGINT,
    "last_slot": BIGINT,
}
