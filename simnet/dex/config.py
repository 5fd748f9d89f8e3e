"""Per-profile DEX and MEV rates: the knobs that size simnet's market activity."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DexConfig:
    """Rates per 1,000 non-vote transactions, and the shapes of trades and MEV."""

    # Ordinary swaps (direct and routed, successful or failed).
    swaps_per_1000: float = 12.0
    # Planted MEV per 1,000 non-vote transactions: the epoch's rate must fall in these ranges;
    # the simulator aims at their geometric middle.
    sandwiches_per_1000: tuple[float, float] = (0.05, 0.4)
    arbitrages_per_1000: tuple[float, float] = (0.8, 2.5)
    backruns_per_1000: tuple[float, float] = (0.15, 0.8)
    # Decoys of each kind (simnet/dex/decoys.py): honest activity shaped like a sandwich.
    decoys_per_1000: float = 0.15
    # Each hard swap shape (simnet/dex/shapes.py: unlisted venues, relayed swaps, bonding
    # curves, split routes, ...), on pools of their own.
    shapes_per_1000: float = 0.025
    # A colluding leader's blocks carry this many times the cluster's base sandwich rate.
    collusion_multiplier: float = 25.0
    # Sandwiches whose back-run lands in a later slot of the same leader window.
    spread_sandwich_share: float = 0.5
    # Liquidations per 1% fall of a collateral token's oracle price below its level at the start
    # of a chunk (the falling edge crosses that many obligations' liquidation prices).
    liquidations_per_pct_drop: float = 4.0
    routed_share: float = 0.45
    two_hop_share: float = 0.35
    median_swap_usd: float = 250.0
    swap_usd_sigma: float = 1.6
    # Share of a block's Jito tips MEV bundles may use; the block's tip transaction pays the rest.
    mev_tip_share: float = 0.9
    min_tip_lamports: int = 1_000


DEX_CONFIGS: dict[str, DexConfig] = {
    # demo blocks hold a quarter of mainnet's transactions: four times the rates keep an epoch's
    # swaps and MEV events as many as mainnet-sized blocks would give.
    "demo": DexConfig(
        swaps_per_1000=48.0,
        sandwiches_per_1000=(0.2, 1.6),
        arbitrages_per_1000=(3.2, 10.0),
        backruns_per_1000=(0.6, 3.2),
        decoys_per_1000=0.6,
        shapes_per_1000=0.1,
    ),
    "mainnet": DexConfig(),
}


def dex_config(profile_name: str) -> DexConfig:
    """Return a profile's DEX rates (the defaults for profiles without their own)."""
    return DEX_CONFIGS.get(profile_name, DexConfig())
