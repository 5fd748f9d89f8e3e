"""A chunk's live market: pool states and vault balances, the oracle, and USD/lamport conversions.

Each chunk of leader windows starts from pools re-anchored to the price path at its first slot
(each pool off the oracle by a small deterministic deviation, so venues disagree from the start).
That keeps any slot's tape reproducible from its chunk alone; the cost is that vault balances jump
at chunk boundaries, as if liquidity providers rebalanced between chunks.
"""

from __future__ import annotations

import math

import numpy as np

from simnet.dex.markets import PoolSpec
from simnet.dex.model import Leg
from simnet.dex.pools import PoolMath
from simnet.dex.prices import PricePath
from simnet.dex.tokens import BY_MINT, SOL, TOKENS
from simnet.rng import rng

LAMPORTS_PER_SOL = 1_000_000_000
_INDEX = {t.mint: i for i, t in enumerate(TOKENS)}


class ChunkState:
    """Pools and vaults evolving through one chunk, swap by swap, in block order."""

    def __init__(
        self, seed: int, specs: tuple[PoolSpec, ...], prices: PricePath, first_slot: int
    ) -> None:
        self.specs = specs
        self.prices = prices
        self._usd_cache: dict[int, np.ndarray] = {}
        g = rng(seed, "dex-anchor", first_slot)
        usd = self._usd(first_slot)
        self.pools: list[PoolMath] = []
        for spec in specs:
            # Cheaper venues drift further from the oracle before arbitrage pulls them back.
            deviation = g.normal(0.0, (spec.fee_bps + 5) / 10_000)
            base, quote = usd[_INDEX[spec.base.mint]], usd[_INDEX[spec.quote.mint]]
            self.pools.append(spec.anchored(base, quote, deviation))
        self.vaults = [[math.ceil(r) for r in pool.reserves()] for pool in self.pools]
        self.slot_prices = [pool.price() for pool in self.pools]

    def begin_slot(self) -> None:
        """Remember every pool's price as traders saw it when they signed this slot's swaps."""
        self.slot_prices = [pool.price() for pool in self.pools]

    def swap(self, pool: int, amount_in: int, a_to_b: bool, inner_index: int) -> Leg:
        """Run a swap through a pool, moving its state and vaults; return the leg."""
        taken, out = self.pools[pool].swap(amount_in, a_to_b)
        leg = self.attempt(pool, taken, out, a_to_b, inner_index)
        vault = self.vaults[pool]
        i, o = (0, 1) if a_to_b else (1, 0)
        vault[i] += taken
        vault[o] -= out
        return leg

    def attempt(self, pool: int, amount_in: int, out: int, a_to_b: bool, inner_index: int) -> Leg:
        """Return a leg against the vaults as they stand, without running it (failed swaps)."""
        vault = self.vaults[pool]
        i, o = (0, 1) if a_to_b else (1, 0)
        return Leg(self.specs[pool], a_to_b, amount_in, out, inner_index, vault[i], vault[o])

    def quote(self, pool: int, amount_in: int, a_to_b: bool) -> int:
        """Return what a swap would pay out now, without running it."""
        return self.pools[pool].swap(amount_in, a_to_b, commit=False)[1]

    def _usd(self, slot: int) -> np.ndarray:
        cached = self._usd_cache.get(slot)
        if cached is None:
            cached = np.exp(self.prices.log_usd(slot))
            self._usd_cache[slot] = cached
        return cached

    def usd(self, mint: str, slot: int) -> float:
        """Return a token's oracle USD price at a slot."""
        return float(self._usd(slot)[_INDEX[mint]])

    def oracle_price(self, pool: int, slot: int) -> float:
        """Return the oracle's price of a pool's pair, b per a in raw units."""
        spec = self.specs[pool]
        ratio = self.usd(spec.base.mint, slot) / self.usd(spec.quote.mint, slot)
        return ratio * 10 ** (spec.quote.decimals - spec.base.decimals)

    def raw(self, mint: str, usd: float, slot: int) -> int:
        """Return the raw units of a token worth some USD."""
        return max(int(usd / self.usd(mint, slot) * BY_MINT[mint].unit), 1)

    def lamports(self, mint: str, amount: int, slot: int) -> int:
        """Return what an amount of a token is worth in lamports at the oracle."""
        value = amount / BY_MINT[mint].unit * self.usd(mint, slot)
        return round(value / self.usd(SOL.mint, slot) * LAMPORTS_PER_SOL)
