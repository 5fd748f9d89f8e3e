"""The raw_solana tables the epoch-level source loads, declared once (see ingestion/contract.py)."""

from __future__ import annotations

from ingestion.contract import BIGINT, BOOL, DOUBLE, TEXT, TIME, Column, Table

EPOCHS = Table(
    "epochs",
    ("epoch",),
    (
        Column("epoch", BIGINT, False),
        Column("first_slot", BIGINT, False),
        Column("last_slot", BIGINT, False),
        Column("slots_in_epoch", BIGINT, False),
        Column("start_time", TIME),
        Column("end_time", TIME),
        Column("inflation_total", DOUBLE),
        Column("inflation_validator", DOUBLE),
        Column("inflation_foundation", DOUBLE),
        Column("observed_epoch", BIGINT, False),
    ),
)

VOTE_ACCOUNTS = Table(
    "vote_accounts",
    ("epoch", "vote_pubkey"),
    (
        Column("epoch", BIGINT, False),
        Column("vote_pubkey", TEXT, False),
        Column("node_pubkey", TEXT, False),
        Column("activated_stake", BIGINT, False),
        Column("commission", BIGINT, False),
        Column("epoch_vote_account", BOOL, False),
        Column("delinquent", BOOL, False),
        Column("last_vote", BIGINT, False),
        Column("root_slot", BIGINT),
        Column("credits", BIGINT),
        Column("observed_epoch", BIGINT, False),
    ),
)

EPOCH_CREDITS = Table(
    "epoch_credits",
    ("epoch", "vote_pubkey"),
    (
        Column("epoch", BIGINT, False),
        Column("vote_pubkey", TEXT, False),
        Column("credits", BIGINT, False),
        Column("previous_credits", BIGINT, False),
        Column("earned", BIGINT, False),
        Column("observed_epoch", BIGINT, False),
        # getVoteAccounts (its last 5 epochs) or vote_state (the account's own 64); null before.
        Column("source", TEXT),
    ),
)

BLOCK_PRODUCTION = Table(
    "block_production",
    ("epoch", "identity"),
    (
        Column("epoch", BIGINT, False),
        Column("identity", TEXT, False),
        Column("leader_slots", BIGINT, False),
        Column("blocks_produced", BIGINT, False),
        Column("first_slot", BIGINT, False),
        Column("last_slot", BIGINT, False),
    ),
)

LEADER_SCHEDULE = Table(
    "leader_schedule",
    ("slot",),
    (
        Column("slot", BIGINT, False),
        Column("epoch", BIGINT, False),
        Column("identity", TEXT, False),
    ),
)

INFLATION_REWARDS = Table(
    "inflation_rewards",
    ("epoch", "vote_pubkey"),
    (
        Column("epoch", BIGINT, False),
        Column("vote_pubkey", TEXT, False),
        Column("amount", BIGINT, False),
        Column("post_balance", BIGINT, False),
        Column("commission", BIGINT),
        Column("effective_slot", BIGINT, False),
    ),
)

CLUSTER_NODES = Table(
    "cluster_nodes",
    ("observed_epoch", "identity"),
    (
        Column("observed_epoch", BIGINT, False),
        Column("identity", TEXT, False),
        Column("version", TEXT),
        Column("feature_set", BIGINT),
        Column("gossip", TEXT),
        Column("rpc", TEXT),
        Column("tpu", TEXT),
    ),
    partition="observed_epoch",
)

# StakeNet's validator-history accounts (ingestion/solana/validator_history.py), one row per vote
# account and loaded epoch; a field its keepers never wrote is null.
VALIDATOR_HISTORY = Table(
    "validator_history",
    ("epoch", "vote_pubkey"),
    (
        Column("epoch", BIGINT, False),
        Column("vote_pubkey", TEXT, False),
        Column("activated_stake", BIGINT),
        Column("commission", BIGINT),
        Column("mev_commission_bps", BIGINT),
        Column("epoch_credits", BIGINT),
        Column("client_type", BIGINT),
        Column("client_version", TEXT),
        Column("is_superminority", BOOL),
        Column("stake_rank", BIGINT),
        Column("mev_earned_centisol", BIGINT),
        Column("leader_slots", BIGINT),
        Column("blocks_produced", BIGINT),
        Column("merkle_root_upload_authority", TEXT),
        Column("is_bam_connected", BOOL),
        Column("validator_age", BIGINT),
        Column("observed_epoch", BIGINT, False),
    ),
)

# The Jito StakeNet steward's Config (ingestion/solana/steward_config.py): the scoring parameters
# JitoSOL runs with, one row per epoch the account was read in.
STAKENET_CONFIG = Table(
    "stakenet_config",
    ("observed_epoch",),
    (
        Column("observed_epoch", BIGINT, False),
        Column("config_address", TEXT, False),
        Column("mev_commission_range", BIGINT, False),
        Column("epoch_credits_range", BIGINT, False),
        Column("commission_range", BIGINT, False),
        Column("mev_commission_bps_threshold", BIGINT, False),
        Column("commission_threshold", BIGINT, False),
        Column("historical_commission_threshold", BIGINT, False),
        Column("scoring_delinquency_threshold_ratio", DOUBLE, False),
        Column("instant_unstake_delinquency_threshold_ratio", DOUBLE, False),
        Column("num_delegation_validators", BIGINT, False),
        Column("minimum_stake_lamports", BIGINT, False),
        Column("minimum_voting_epochs", BIGINT, False),
    ),
    partition="observed_epoch",
)

TABLES = (
    EPOCHS,
    VOTE_ACCOUNTS,
    EPOCH_CREDITS,
    BLOCK_PRODUCTION,
    LEADER_SCHEDULE,
    INFLATION_REWARDS,
    CLUSTER_NODES,
    VALIDATOR_HISTORY,
    STAKENET_CONFIG,
)
