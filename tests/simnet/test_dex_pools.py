"""Pool math: swaps move state consistently, quotes match swaps, fees stay in the pool."""

from __future__ import annotations

import pytest

from simnet.dex.pools import Concentrated, ConstantProduct, Levels, PoolMath

PRICE = 150e-3  # USDC raw per lamport at $150/SOL
DEPTH = 3e12  # $3M of USDC in raw units


def _pools() -> dict[str, PoolMath]:
    return {
        "cp": ConstantProduct(int(DEPTH / PRICE), int(DEPTH), 25),
        "cl": Concentrated.around(PRICE, DEPTH, 5, 10),
        "dlmm": Levels.dlmm(PRICE, DEPTH, 10, 10),
        "book": Levels.book(PRICE, DEPTH, 3, 1),
    }


@pytest.mark.parametrize("kind", ["cp", "cl", "dlmm", "book"])
@pytest.mark.parametrize("a_to_b", [True, False])
def test_quote_matches_swap_and_leaves_state(kind: str, a_to_b: bool) -> None:
    pool = _pools()[kind]
    amount = int(1e12) if a_to_b else int(1.5e11)  # 1,000 SOL or $150,000: past a bin or level
    before = (pool.price(), pool.reserves())
    quoted = pool.swap(amount, a_to_b, commit=False)
    assert (pool.price(), pool.reserves()) == before
    assert pool.swap(amount, a_to_b) == quoted
    # Selling a lowers the price of a; buying it raises it.
    assert (pool.price() < before[0]) == a_to_b


@pytest.mark.parametrize("kind", ["cp", "cl", "dlmm", "book"])
def test_reserves_move_by_the_swap_and_keep_the_fee(kind: str) -> None:
    pool = _pools()[kind]
    a0, b0 = pool.reserves()
    taken, out = pool.swap(int(2e11), True)  # 200 SOL in
    a1, b1 = pool.reserves()
    assert b0 - b1 == pytest.approx(out, rel=1e-6, abs=2)
    if kind == "book":
        # Filled bids leave the book: the maker, not the book, now holds the SOL.
        assert a1 == pytest.approx(a0)
    else:
        fee = {"cp": 25, "cl": 5, "dlmm": 10}[kind]
        # Constant product keeps the fee in its reserves; the others hold it beside the curve.
        expected = taken if kind == "cp" else taken * (1 - fee / 10_000)
        assert a1 - a0 == pytest.approx(expected, rel=1e-6)
    # Output never beats the pre-trade price, which already prices the fee and spread out.
    assert out <= taken * PRICE


def test_round_trip_loses_the_fees() -> None:
    for kind, pool in _pools().items():
        _, got = pool.swap(int(1e11), True)
        _, back = pool.swap(got, False)
        assert back < 1e11, kind


def test_constant_product_is_integer_exact_and_k_never_falls() -> None:
    pool = ConstantProduct(1_000_000_000, 2_000_000_000, 25)
    k = pool.x * pool.y
    _, out = pool.swap(10_000_000, True)
    net = 10_000_000 * 9_975 // 10_000
    assert out == 2_000_000_000 * net // (1_000_000_000 + net)
    assert (pool.x, pool.y) == (1_010_000_000, 2_000_000_000 - out)
    assert pool.x * pool.y >= k


def test_concentrated_crosses_bands_and_stops_at_the_last() -> None:
    pool = Concentrated.around(PRICE, DEPTH, 5, 10)
    start = pool.band
    pool.swap(int(1.5e13), True)  # $2.25M of SOL: through several bands
    assert pool.band < start
    huge = int(1e20)
    taken, _ = pool.swap(huge, True)
    # Liquidity ran out: the swap took only what it could use.
    assert taken < huge
    assert pool.band == 0


def test_book_fills_level_by_level_at_level_prices() -> None:
    book = Levels.book(PRICE, DEPTH, 0, 1, levels=4)
    first_ask = book.prices[4]
    a_at_touch = book.a[4]
    _, out = book.swap(int(a_at_touch * first_ask / 2), False)
    assert out == pytest.approx(a_at_touch / 2, rel=1e-9)
    assert book.ask == 4  # half the touch is left
    book.swap(int(a_at_touch * first_ask), False)
    assert book.ask == 5
    # Bids are untouched by buys: filled asks do not turn into bids.
    assert book.bid == 3


def test_dlmm_bins_convert_what_they_fill() -> None:
    pool = Levels.dlmm(PRICE, DEPTH, 0, 10, bins=5)
    ask = pool.ask
    pool.swap(int(pool.a[ask] * pool.prices[ask] * 3), False)  # buy through the active bin
    assert pool.ask > ask
    assert pool.b[ask] > 0  # the filled bin now bids
