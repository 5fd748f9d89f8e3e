"""Column hints and keys of the raw_jito tables."""

from __future__ import annotations

from ingestion.columns import columns

VALIDATOR_COLUMNS = columns(
    {
        "epoch": "bigint",
        "vote_account": "text",
        "mev_commission_bps": "bigint",
        "mev_rewards": "bigint",
        "running_jito": "bool",
        "active_stake": "bigint",
    },
    # kobe lists validators that do not run Jito with null MEV fields.
    nullable=("mev_commission_bps", "mev_rewards", "running_jito", "active_stake"),
)

MEV_REWARD_COLUMNS = columns(
    {
        "epoch": "bigint",
        "total_network_mev_lamports": "bigint",
        "jito_stake_weight_lamports": "bigint",
        "mev_reward_per_lamport": "double",
    }
)
