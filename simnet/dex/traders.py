"""Ordinary traders: direct and Jupiter-routed swaps, wSOL wrapping, and slippage failures."""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

import numpy as np

from simnet.blocks.producers import WALLETS, wallet
from simnet.dex.config import DexConfig
from simnet.dex.markets import JUPITER_V6
from simnet.dex.model import PlannedTx, hop_inner_index
from simnet.dex.pools import BPS
from simnet.dex.state import ChunkState
from simnet.dex.tokens import SOL

# Slippage tolerances traders set (bps) and how often.
_SLIPPAGE_BPS = (10, 50, 100, 300, 1_000)
_SLIPPAGE_CDF = list(itertools.accumulate([0.15, 0.35, 0.3, 0.12, 0.08]))
# Quotes are a few slots old when a swap lands: its expected price is off by this much (log sd).
_QUOTE_STALENESS = 0.002
# How strongly flow leans towards closing a pool's gap to the oracle (per unit of log gap).
_INFORMED = 60.0
_MAX_SHARE_OF_DEPTH = 0.02


def pick(g: np.random.Generator, cdf: list[float]) -> int:
    """Return an index drawn from a cumulative distribution (cheaper than Generator.choice)."""
    return min(bisect.bisect_right(cdf, g.random() * cdf[-1]), len(cdf) - 1)


@dataclass(frozen=True)
class Hop:
    """One hop of an intended route: which pool, which way."""

    pool: int
    a_to_b: bool


class Traders:
    """Draws ordinary swaps against a chunk's live pools."""

    def __init__(self, seed: int, config: DexConfig, state: ChunkState) -> None:
        self.seed = seed
        self.config = config
        self.state = state
        depth = np.array([spec.depth_usd for spec in state.specs])
        self.cdf = list(itertools.accumulate(np.sqrt(depth) / np.sqrt(depth).sum()))
        self.pairs: dict[frozenset[str], list[int]] = {}
        self.touching: dict[str, list[int]] = {}
        for i, spec in enumerate(state.specs):
            self.pairs.setdefault(frozenset((spec.base.mint, spec.quote.mint)), []).append(i)
            for mint in (spec.base.mint, spec.quote.mint):
                self.touching.setdefault(mint, []).append(i)

    def wallet(self, g: np.random.Generator) -> str:
        """Return a random ordinary wallet."""
        return wallet(self.seed, int(g.integers(WALLETS)))

    def direction(self, g: np.random.Generator, pool: int, slot: int) -> bool:
        """Return whether a trade sells a; flow leans towards the oracle price."""
        gap = math.log(self.state.oracle_price(pool, slot) / self.state.pools[pool].price())
        return bool(g.random() < 0.5 - min(max(_INFORMED * gap, -0.35), 0.35))

    def size_usd(self, g: np.random.Generator, pool: int, median: float, sigma: float) -> float:
        """Return a heavy-tailed trade size, capped at a share of the pool's depth."""
        usd = median * math.exp(sigma * g.standard_normal())
        return min(usd, _MAX_SHARE_OF_DEPTH * self.state.specs[pool].depth_usd)

    def route(self, g: np.random.Generator, first: Hop, amount_in: int) -> list[Hop]:
        """Return Jupiter's route: the best pool per hop, sometimes a second hop onwards."""
        state = self.state
        hops = [self._best(first, amount_in)]
        if g.random() < self.config.two_hop_share:
            spec = state.specs[first.pool]
            mid = spec.mint_of(not first.a_to_b)
            start = spec.mint_of(first.a_to_b)
            onward = [
                p
                for p in self.touching[mid]
                if start not in (state.specs[p].base.mint, state.specs[p].quote.mint)
            ]
            if onward:
                nxt = onward[int(g.integers(len(onward)))]
                hop = Hop(nxt, state.specs[nxt].base.mint == mid)
                hops.append(self._best(hop, state.quote(hops[0].pool, amount_in, first.a_to_b)))
        return hops

    def _best(self, hop: Hop, amount_in: int) -> Hop:
        spec = self.state.specs[hop.pool]
        mint_in = spec.mint_of(hop.a_to_b)
        options = self.pairs[frozenset((spec.base.mint, spec.quote.mint))]
        quotes = []
        for p in options:
            a_to_b = self.state.specs[p].base.mint == mint_in
            quotes.append((self.state.quote(p, amount_in, a_to_b), p, a_to_b))
        _, pool, a_to_b = max(quotes)
        return Hop(pool, a_to_b)

    def expected_out(self, hops: list[Hop], amount_in: int) -> float:
        """Return what the route pays at the prices seen when the slot began, after fees."""
        out = float(amount_in)
        for hop in hops:
            price = self.state.slot_prices[hop.pool]
            fee = self.state.specs[hop.pool].fee_bps
            out *= (BPS - fee) / BPS * (price if hop.a_to_b else 1 / price)
        return out

    def swap(
        self,
        g: np.random.Generator,
        slot: int,
        *,
        pool: int | None = None,
        a_to_b: bool | None = None,
        usd: float | None = None,
        slippage_bps: int | None = None,
        routed: bool | None = None,
        min_out: int | None = None,
    ) -> PlannedTx:
        """Return one trader's swap, run against the pools unless it would exceed slippage."""
        state, config = self.state, self.config
        if pool is None:
            pool = pick(g, self.cdf)
        if a_to_b is None:
            a_to_b = self.direction(g, pool, slot)
        if usd is None:
            usd = self.size_usd(g, pool, config.median_swap_usd, config.swap_usd_sigma)
        if slippage_bps is None:
            slippage_bps = _SLIPPAGE_BPS[pick(g, _SLIPPAGE_CDF)]
        if routed is None:
            routed = bool(g.random() < config.routed_share)
        mint_in = state.specs[pool].mint_of(a_to_b)
        amount_in = state.raw(mint_in, usd, slot)
        first = Hop(pool, a_to_b)
        hops = self.route(g, first, amount_in) if routed else [first]
        stale = math.exp(_QUOTE_STALENESS * g.standard_normal())
        if min_out is None:
            expected = self.expected_out(hops, amount_in) * stale
            min_out = int(expected * (BPS - slippage_bps) / BPS)
        kind = "jupiter" if routed else "direct"
        # Hops run through different pools, so quoting them one after another is exact.
        amount, quoted = amount_in, []
        for hop in hops:
            out = state.quote(hop.pool, amount, hop.a_to_b)
            quoted.append((hop, amount, out))
            amount = out
        failed = amount < min_out
        legs = []
        for k, (hop, amount, out) in enumerate(quoted):
            if failed:
                # A failed swap moves nothing; its legs record what it tried.
                inner = hop_inner_index(kind, k)
                legs.append(state.attempt(hop.pool, amount, out, hop.a_to_b, inner))
            else:
                legs.append(state.swap(hop.pool, amount, hop.a_to_b, hop_inner_index(kind, k)))
        mint_out = legs[-1].mint_out
        return PlannedTx(
            kind="route" if routed else "swap",
            signer=self.wallet(g),
            program=JUPITER_V6 if routed else state.specs[pool].dex.program,
            legs=tuple(legs),
            min_out=min_out,
            failed=failed,
            wrap_in=mint_in == SOL.mint and g.random() < 0.6,
            unwrap_out=mint_out == SOL.mint and g.random() < 0.6,
        )
