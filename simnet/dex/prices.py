"""USD price paths: geometric Brownian motion with jumps, a pure function of (seed, slot).

Log-price increments are drawn per 10-second step, in blocks of steps keyed by the block number;
a block's starting level is the sum of all earlier blocks' totals, cached, so the price at any slot
costs one block's draws plus a prefix sum over block totals, whatever order slots are asked in.
Every token moves with SOL (its beta) plus its own noise; stablecoins stay at $1.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from simnet.dex.tokens import TOKENS, Token
from simnet.rng import rng

STEP_SLOTS = 25
BLOCK_STEPS = 3_456  # 86,400 slots, about 9.6 hours
_STEP_YEARS = STEP_SLOTS * 0.4 / (365 * 86_400)
_STEPS_PER_DAY = 86_400 / (STEP_SLOTS * 0.4)
_SOL = 0


@lru_cache(maxsize=16)
def _cumulative(seed: int, block: int) -> npt.NDArray[np.float64]:
    """Return one block's cumulative log-price increments, shape (BLOCK_STEPS, tokens)."""
    g = rng(seed, "dex-prices", block)
    out = np.zeros((BLOCK_STEPS, len(TOKENS)))
    sol = TOKENS[_SOL]
    for j, token in enumerate(TOKENS):
        if not token.volatility:
            continue
        # Idiosyncratic variance is what the total volatility leaves after SOL's share (>= 20%).
        total = token.volatility**2
        own = max(total - (token.beta * sol.volatility) ** 2, 0.04 * total)
        sigma = np.sqrt((sol.volatility**2 if j == _SOL else own) * _STEP_YEARS)
        moves = g.normal(-0.5 * sigma**2, sigma, BLOCK_STEPS)
        jumps = g.random(BLOCK_STEPS) < token.jumps_per_day / _STEPS_PER_DAY
        moves += jumps * g.normal(0.0, token.jump_sigma, BLOCK_STEPS)
        out[:, j] = moves if j == _SOL else moves + token.beta * out[:, _SOL]
    return np.cumsum(out, axis=0)


@lru_cache(maxsize=4_096)
def _block_total(seed: int, block: int) -> npt.NDArray[np.float64]:
    return _cumulative(seed, block)[-1].copy()


def _block_start(seed: int, block: int) -> npt.NDArray[np.float64]:
    # A block starts where all earlier blocks ended; their totals are small and cached.
    level = np.zeros(len(TOKENS))
    for b in range(block):
        level += _block_total(seed, b)
    return level


class PricePath:
    """USD prices of every token at any slot, for one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._initial = np.log(np.array([t.usd for t in TOKENS]))

    def log_usd(self, slot: int) -> npt.NDArray[np.float64]:
        """Return the log USD price of every token (TOKENS order) at a slot."""
        step = slot // STEP_SLOTS
        block, within = divmod(step, BLOCK_STEPS)
        path = _cumulative(self.seed, block)
        return self._initial + _block_start(self.seed, block) + path[within]

    def usd(self, token: Token, slot: int) -> float:
        """Return one token's USD price at a slot."""
        return float(np.exp(self.log_usd(slot)[TOKENS.index(token)]))
