"""The raw_jito tables, declared once (see ingestion/contract.py)."""

from __future__ import annotations

from ingestion.contract import BIGINT, BOOL, DOUBLE, TEXT, Column, Table

VALIDATORS = Table(
    "validators",
    ("epoch", "vote_account"),
    (
        Column("epoch", BIGINT, False),
        Column("vote_account", TEXT, False),
        # kobe lists validators that do not run Jito with null MEV fields.
        Column("mev_commission_bps", BIGINT),
        Column("mev_rewards", BIGINT),
        Column("running_jito", BOOL),
        Column("active_stake", BIGINT),
    ),
    dataset="raw_jito",
)

MEV_REWARDS = Table(
    "mev_rewards",
    ("epoch",),
    (
        Column("epoch", BIGINT, False),
        Column("total_network_mev_lamports", BIGINT, False),
        Column("jito_stake_weight_lamports", BIGINT, False),
        Column("mev_reward_per_lamport", DOUBLE, False),
    ),
    dataset="raw_jito",
)

TABLES = (VALIDATORS, MEV_REWARDS)
