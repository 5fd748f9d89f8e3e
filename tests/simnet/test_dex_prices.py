"""Price paths: deterministic whatever order slots are asked in, with the configured volatility."""

from __future__ import annotations

import numpy as np
import pytest

from simnet.dex.prices import BLOCK_STEPS, STEP_SLOTS, PricePath
from simnet.dex.tokens import BONK, BY_MINT, SOL, T22, TOKEN_2022_PROGRAM, TOKENS, USDC, USDT


def test_tokens_have_unique_real_format_mints() -> None:
    from solders.pubkey import Pubkey

    assert len(BY_MINT) == len(TOKENS)
    for token in TOKENS:
        assert str(Pubkey.from_string(token.mint)) == token.mint
    assert (SOL.decimals, USDC.decimals, USDT.decimals, BONK.decimals) == (9, 6, 6, 5)
    assert T22.program == TOKEN_2022_PROGRAM


def test_same_seed_same_prices_in_any_order() -> None:
    slots = [0, 7, 86_400 * 3 + 11, 25, 1_000_000, 86_399]
    forward = [PricePath(5).log_usd(s) for s in slots]
    fresh = PricePath(5)
    backward = [fresh.log_usd(s) for s in reversed(slots)][::-1]
    for a, b in zip(forward, backward, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(PricePath(6).log_usd(1_000_000), forward[4])


def test_path_is_continuous_across_blocks() -> None:
    path = PricePath(0)
    edge = BLOCK_STEPS * STEP_SLOTS
    jump = np.abs(path.log_usd(edge) - path.log_usd(edge - 1))
    # One step's move, not a restart from the initial price.
    assert float(jump[0]) < 0.02


def test_stablecoins_hold_and_sol_moves_at_its_volatility() -> None:
    path = PricePath(1)
    assert path.usd(USDC, 123_456) == pytest.approx(1.0)
    assert path.usd(USDT, 9_999_999) == pytest.approx(1.0)
    # Daily log returns over 60 days: annualised volatility near SOL's 75% plus jumps.
    day = 216_000
    levels = np.array([path.log_usd(d * day)[0] for d in range(61)])
    annual = float(np.diff(levels).std() * np.sqrt(365))
    assert 0.45 < annual < 1.3
