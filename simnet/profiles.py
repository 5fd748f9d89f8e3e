"""Cluster profiles: the sizes, clock and population knobs one simnet run is built from."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from simnet.faults import parse as parse_faults

# (value, weight) mixes drawn per validator: commission in percent, MEV commission in bps.
Mix = tuple[tuple[int, float], ...]
# fmt: off
_COMMISSIONS: Mix = (
    (0, 0.55), (5, 0.22), (10, 0.05), (100, 0.07), (1, 0.02), (2, 0.02),
    (3, 0.01), (4, 0.02), (6, 0.01), (7, 0.015), (8, 0.015),
)
_MEV_COMMISSIONS: Mix = (
    (0, 0.12), (500, 0.13), (800, 0.3), (1_000, 0.37), (5_000, 0.03), (10_000, 0.05),
)
# Mainnet's mixes in the epoch 796 snapshot (rugs and changes then move a few percent).
_MAINNET_COMMISSIONS: Mix = (
    (0, 0.59), (5, 0.25), (100, 0.075), (10, 0.02), (8, 0.015), (7, 0.015),
    (4, 0.01), (1, 0.01), (2, 0.007), (6, 0.005), (3, 0.003),
)
_MAINNET_MEV_COMMISSIONS: Mix = (
    (0, 0.27), (200, 0.01), (500, 0.04), (700, 0.02), (800, 0.11), (900, 0.01),
    (1_000, 0.47), (5_000, 0.01), (10_000, 0.06),
)
# fmt: on


@dataclass(frozen=True)
class Profile:
    """Everything that shapes one simulated cluster; with the seed it fixes every response."""

    name: str
    slots_per_epoch: int
    validator_count: int
    frozen_slot: int
    seed: int = 0
    # When true the tip moves on with wall-clock time (one slot per slot_seconds) from frozen_slot.
    advance: bool = False
    slot_seconds: float = 0.4
    # Epochs past the frozen one for which joiners, exits and rugs are still drawn.
    horizon_epochs: int = 16
    join_rate: float = 0.01
    exit_share: float = 0.03
    delinquent_share: float = 0.02
    rug_share: float = 0.03
    median_stake_sol: float = 50_000.0
    stake_sigma: float = 1.7
    max_stake_sol: float = 15_000_000.0
    # Share of validators that include sandwiches in their blocks far more often than the rest
    # (simnet/dex/chunk.py); each is drawn independently of its stake.
    colluding_share: float = 0.03
    stake_drift_sigma: float = 0.03
    commission_mix: Mix = _COMMISSIONS
    mev_commission_mix: Mix = _MEV_COMMISSIONS
    jito_share: float = 0.92
    # Vote quality (share of the maximum credits): most validators lose a Beta(2, vote_loss_beta)
    # share; a tail of vote_tail_share loses 3-20%.
    vote_loss_beta: float = 150.0
    vote_tail_share: float = 0.1
    mean_txs_per_block: int = 1_200
    # Unix time of slot 0; blockTime advances 400 ms a slot from it whatever slot_seconds is.
    genesis_unix_time: int = 1_700_000_000
    # Share of a block's transactions that are not votes (mainnet: roughly a quarter to a third).
    user_tx_share: float = 0.25
    # Of the user transactions: USDC token transfers (the rest SOL transfers), and failures (they
    # pay their fee and move nothing else).
    token_transfer_share: float = 0.2
    failed_tx_share: float = 0.1
    # Share of Jito tip transactions that pay the tip by CPI (an inner instruction).
    inner_tip_share: float = 0.4
    # Share of validators still voting with legacy Vote instead of TowerSync.
    legacy_vote_share: float = 0.05
    # The node keeps this many epochs of recent slots in its ledger; older skipped slots answer
    # -32009 (long-term storage) instead of -32007, as a provider backed by Bigtable does.
    local_ledger_epochs: float = 1.0
    # SlotHistory's MAX_ENTRIES: getBlockProduction knows only the last this-many slots, about 2.4
    # mainnet epochs (agave answers "firstSlot ... is too small" before them).
    slot_history: int = 1024 * 1024
    median_priority_fees: float = 12_000_000.0
    median_tips: float = 6_000_000.0
    # Years since inflation began at genesis: 8% tapering 15% a year puts slot 0 near 4.5%.
    inflation_start_year: float = 3.5
    # Staked share of supply (mainnet: about two thirds); supply follows from total stake.
    staked_share: float = 0.65
    # Share of blocks that carry a few Rent rewards.
    rent_reward_share: float = 0.02
    # Fault injection spec (simnet.faults.parse), e.g. "latency=50ms,429=0.05,rps=40".
    faults: str = ""
    # Mainnet's default JSON-RPC body limit (rpc_max_request_body_size).
    max_request_bytes: int = 50 * 1024

    def __post_init__(self) -> None:
        if self.slots_per_epoch % 4 or self.slots_per_epoch <= 0:
            raise ValueError("slots_per_epoch must be a positive multiple of 4")
        if self.frozen_slot < 0 or self.validator_count < 1:
            raise ValueError("frozen_slot must be >= 0 and validator_count >= 1")
        parse_faults(self.faults)  # fail fast on a bad spec

    @property
    def frozen_epoch(self) -> int:
        """Epoch that holds the frozen slot."""
        return self.frozen_slot // self.slots_per_epoch

    @property
    def closed_epochs(self) -> range:
        """Epochs that are complete at the frozen slot."""
        return range(self.frozen_epoch)


PROFILES: dict[str, Profile] = {
    # Epoch 6, slot index 4,348: epochs 0-5 are closed.
    # A quarter of mainnet's transactions a block, so that `mevhouse run` loads whole demo epochs
    # of transactions in a few minutes each (simnet/dex/config.py keeps the market as busy).
    "demo": Profile(
        name="demo",
        slots_per_epoch=8_192,
        validator_count=300,
        frozen_slot=53_500,
        mean_txs_per_block=300,
    ),
    # Epoch 10, slot index 217,000: epochs 0-9 are closed.
    # Calibrated against mainnet epochs 796-842: tests/simnet/test_calibration.py.
    "mainnet": Profile(
        name="mainnet",
        slots_per_epoch=432_000,
        validator_count=1_500,
        frozen_slot=4_537_000,
        # A wider lognormal capped lower: mainnet's stake has a heavy tail but no giant.
        median_stake_sol=30_000.0,
        stake_sigma=2.3,
        max_stake_sol=10_000_000.0,
        commission_mix=_MAINNET_COMMISSIONS,
        mev_commission_mix=_MAINNET_MEV_COMMISSIONS,
        jito_share=0.85,
        # Timely vote credits leave most validators within 0.5% of the best.
        vote_loss_beta=1_500.0,
        vote_tail_share=0.03,
        median_priority_fees=26_000_000.0,
        median_tips=24_000_000.0,
    ),
}


def get_profile(name: str = "demo", seed: int = 0, **overrides: Any) -> Profile:
    """Return a named profile with the seed and any field overrides applied."""
    try:
        base = PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown simnet profile {name!r}; choose from {sorted(PROFILES)}"
        ) from None
    return dataclasses.replace(base, seed=seed, **overrides)
