"""Column hints and keys of the raw_solana tables."""

from __future__ import annotations

from ingestion.columns import columns as _columns

EPOCH_COLUMNS = _columns(
    {
        "epoch": "bigint",
        "first_slot": "bigint",
        "last_slot": "bigint",
        "slots_in_epoch": "bigint",
        "start_time": "timestamp",
        "end_time": "timestamp",
        "inflation_total": "double",
        "inflation_validator": "double",
        "inflation_foundation": "double",
        "observed_epoch": "bigint",
    },
    nullable=(
        "start_time",
        "end_time",
        "inflation_total",
        "inflation_validator",
        "inflation_foundation",
    ),
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

EPOCH_CREDIT_COLUMNS = _columns(
    {
        "epoch": "bigint",
        "vote_pubkey": "text",
        "credits": "bigint",
        "previous_credits": "bigint",
        "earned": "bigint",
        "observed_epoch": "bigint",
    }
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

LEADER_SCHEDULE_COLUMNS = _columns({"slot": "bigint", "epoch": "bigint", "identity": "text"})

INFLATION_REWARD_COLUMNS = _columns(
    {
        "epoch": "bigint",
        "vote_pubkey": "text",
        "amount": "bigint",
        "post_balance": "bigint",
        "commission": "bigint",
        "effective_slot": "bigint",
    },
    nullable=("commission",),
)

CLUSTER_NODE_COLUMNS = _columns(
    {
        "observed_epoch": "bigint",
        "identity": "text",
        "version": "text",
        "feature_set": "bigint",
        "gossip": "text",
        "rpc": "text",
        "tpu": "text",
    },
    nullable=("version", "feature_set", "gossip", "rpc", "tpu"),
)
