"""Honest activity shaped like MEV: what a detector must not flag (the truth's type "decoy").

- round_trip: a user buys through Jupiter, another user trades the same way, and the first
  sells back through Jupiter in the same block, at a gain: a sandwich by shape, an aggregator
  route by intent (sandwich-finder does not count aggregator-routed swaps as front/back-runs).
- organic: a large trade, another user's trade the same way, then a large trade the other way
  by a third user: a sandwich's order with nobody linking the outer two.
"""

from __future__ import annotations

import numpy as np

from simnet.dex.markets import JUPITER_V6
from simnet.dex.model import Draft, PlannedTx, hop_inner_index
from simnet.dex.state import ChunkState
from simnet.dex.traders import Traders, pick

DECOY_KINDS = ("round_trip", "organic")


class Decoys:
    """Plants decoys against a chunk's pools, with the chunk's traders."""

    def __init__(self, state: ChunkState, traders: Traders, target_cdf: list[float]) -> None:
        self.state = state
        self.traders = traders
        self.target_cdf = target_cdf

    def round_trip(self, g: np.random.Generator, slot: int) -> tuple[list[PlannedTx], Draft]:
        """A user's Jupiter buy and sell around another user's trade the same way."""
        state, traders = self.state, self.traders
        pool = pick(g, self.target_cdf)
        a_to_b = bool(g.random() < 0.5)
        spec = state.specs[pool]
        user = traders.wallet(g)
        usd = traders.size_usd(g, pool, 1_000.0, 1.0)
        inner = hop_inner_index("jupiter", 0)
        buy = state.swap(pool, state.raw(spec.mint_of(a_to_b), usd, slot), a_to_b, inner)
        other = traders.swap(g, slot, pool=pool, a_to_b=a_to_b, slippage_bps=1_000, routed=False)
        sell = state.swap(pool, buy.amount_out, not a_to_b, inner)
        txs = [
            PlannedTx("route", user, JUPITER_V6, (buy,)),
            other,
            PlannedTx("route", user, JUPITER_V6, (sell,)),
        ]
        return txs, self._draft("round_trip", user, (other.signer,), spec.address, buy.mint_in)

    def organic(self, g: np.random.Generator, slot: int) -> tuple[list[PlannedTx], Draft]:
        """A large trade, a smaller one the same way, a large one back, by three users."""
        state, traders = self.state, self.traders
        pool = pick(g, self.target_cdf)
        a_to_b = bool(g.random() < 0.5)
        spec = state.specs[pool]
        usd = traders.size_usd(g, pool, 5_000.0, 0.8)
        txs = [
            traders.swap(
                g, slot, pool=pool, a_to_b=side, usd=size, slippage_bps=1_000, routed=False
            )
            for side, size in ((a_to_b, usd), (a_to_b, None), (not a_to_b, usd))
        ]
        mint = spec.mint_of(a_to_b)
        return txs, self._draft("organic", txs[0].signer, (txs[1].signer,), spec.address, mint)

    @staticmethod
    def _draft(kind: str, who: str, others: tuple[str, ...], pool: str, mint: str) -> Draft:
        return Draft("decoy", who, others, (pool,), mint, 0, 0, 0, decoy=kind)
