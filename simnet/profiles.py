"""Cluster profiles: the sizes, clock and population knobs one simnet run is built from."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from simnet.faults import parse as parse_faults


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
    stake_drift_sigma: float = 0.03
    mean_txs_per_block: int = 1_200
    # Unix time of slot 0; blockTime advances 400 ms a slot from it whatever slot_seconds is.
    genesis_unix_time: int = 1_700_000_000
    # Share of a block's transactions that are not votes (mainnet: roughly a quarter to a third).
    user_tx_share: float = 0.25
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
    "demo": Profile(name="demo", slots_per_epoch=8_192, validator_count=300, frozen_slot=53_500),
    # Epoch 10, slot index 217,000: epochs 0-9 are closed.
    "mainnet": Profile(
        name="mainnet", slots_per_epoch=432_000, validator_count=1_500, frozen_slot=4_537_000
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
