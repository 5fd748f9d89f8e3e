"""fct_dex_swaps and fct_dex_trades on the simnet cluster, against simnet's truth swaps.

simnet (simnet/dex/producers.py) renders a direct swap as an outer instruction of the DEX
program, and routed (Jupiter v6) and searcher transactions with the DEX instructions as inner
ones; failed transactions swap nothing. Every true leg must be decoded with its DEX, pool,
trader, mints and raw amounts, and nothing else (precision and recall both exactly 1.0), and
every trade must be the truth's; both per shape, including the hard ones simnet plants
(simnet/dex/shapes.py: unlisted venues, relayed and program-owned swaps, routes through three
venues or through an unlisted one, split routes, bonding-curve buys and sells in native SOL,
Token-2022 transfer fees).
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from simnet_warehouse import EPOCHS, LoadedWarehouse

from simnet.dex.markets import DEXES, JUPITER_V6, PUMPFUN_CURVE
from simnet.dex.shapes import SHAPES
from simnet.dex.tokens import BY_MINT, SOL, USDC, USDT

LegKey = tuple[str, int, int]
# dex, program, pool, trader, mint_in, mint_out, amount_in, amount_out
LegValue = tuple[str, str, str, str, str, str, int, int]
REGISTRY = Path(__file__).parents[2] / "dbt_project" / "seeds" / "dex_programs.csv"


def registered() -> set[str]:
    """The program ids the venue registry names."""
    with REGISTRY.open(newline="") as seed:
        return {row["program_id"] for row in csv.DictReader(seed)}


def truth_legs(warehouse: LoadedWarehouse) -> dict[LegKey, dict[str, Any]]:
    legs = {}
    for epoch in EPOCHS:
        for swap in warehouse.truth("swaps", epoch)["swaps"]:
            legs[(swap["signature"], swap["outer_index"], swap["inner_index"])] = swap
    return legs


def truth_values(legs: dict[LegKey, dict[str, Any]]) -> dict[LegKey, LegValue]:
    # A venue outside the registry can only come out as 'unknown', with its program id.
    known = registered()
    return {
        key: (
            s["dex"] if s["program"] in known else "unknown",
            s["program"],
            s["pool"],
            s["trader"],
            s["mint_in"],
            s["mint_out"],
            int(s["amount_in"]),
            int(s["amount_out"]),
        )
        for key, s in legs.items()
    }


def decoded_values(warehouse: LoadedWarehouse) -> dict[LegKey, LegValue]:
    rows = warehouse.query(
        "select signature, outer_index, inner_index, dex, program_id, pool, trader, mint_in,"
        " mint_out, amount_in_raw, amount_out_raw from marts.fct_dex_swaps"
    )
    return {
        (sig, outer, inner): (dex, program, pool, trader, m_in, m_out, int(a_in), int(a_out))
        for sig, outer, inner, dex, program, pool, trader, m_in, m_out, a_in, a_out in rows
    }


def truth_trades(warehouse: LoadedWarehouse) -> dict[str, dict[str, Any]]:
    return {
        trade["signature"]: trade
        for epoch in EPOCHS
        for trade in warehouse.truth("swaps", epoch)["trades"]
    }


def per_shape(
    truth: dict[Any, Any], found: dict[Any, Any], shape_of: dict[Any, str]
) -> dict[str, tuple[float, float, int]]:
    """(precision, recall, true count) per shape: an item matches when its key and value equal
    the truth's; a found item the truth lacks counts against the shape of its transaction
    ('unplanted' when simnet planted nothing there)."""
    matched = set(truth.items()) & set(found.items())
    out = {}
    for shape in sorted(set(shape_of.values()) | {"unplanted"}):
        true = {k for k in truth if shape_of.get(k) == shape}
        got = {k for k in found if shape_of.get(k, "unplanted") == shape}
        hits = sum(1 for k, v in matched if shape_of.get(k) == shape)
        if true or got:
            out[shape] = (
                hits / len(got) if got else 1.0,
                hits / len(true) if true else 1.0,
                len(true),
            )
    return out


def report(scores: dict[str, tuple[float, float, int]]) -> str:
    return "; ".join(f"{s}: P={p:.3f} R={r:.3f} n={n}" for s, (p, r, n) in scores.items())


def test_every_true_leg_is_decoded_and_nothing_else(simnet_warehouse: LoadedWarehouse) -> None:
    legs = truth_legs(simnet_warehouse)
    truth = truth_values(legs)
    decoded = decoded_values(simnet_warehouse)
    assert len(truth) > 1_000
    # Legs match on (signature, outer_index, inner_index) and every decoded field; per shape.
    shape_of = {key: leg["shape"] for key, leg in legs.items()}
    scores = per_shape(truth, decoded, shape_of)
    missing = sorted(set(truth.items()) - set(decoded.items()))[:3]
    extra = sorted(set(decoded.items()) - set(truth.items()))[:3]
    assert all((p, r) == (1.0, 1.0) for p, r, _ in scores.values()), (
        report(scores),
        missing,
        extra,
    )
    # Every hard shape, a few of each, and every ordinary DEX, outer and inner legs alike.
    assert all(scores[shape][2] >= 3 for shape in SHAPES), report(scores)
    assert {value[0] for value in truth.values()} == {
        *(dex.name for dex in DEXES),
        PUMPFUN_CURVE.name,
        "unknown",
    }
    assert {key[2] == -1 for key in truth} == {True, False}


def test_volume_per_pool_and_hour_equals_the_truth(simnet_warehouse: LoadedWarehouse) -> None:
    block_hours = dict(
        simnet_warehouse.query(
            "select slot, date_trunc('hour', block_time, 'UTC') from raw_solana.blocks"
            " where block_time is not null"
        )
    )
    expected: Counter[tuple[str, datetime]] = Counter()
    for swap in truth_legs(simnet_warehouse).values():
        expected[(swap["pool"], block_hours[swap["slot"]])] += int(swap["amount_in"])
    rows = simnet_warehouse.query(
        "select pool, hour, sum(amount_in_raw) from marts.fct_dex_swaps group by 1, 2"
    )
    assert {(pool, hour): int(volume) for pool, hour, volume in rows} == dict(expected)


def test_failed_transactions_yield_no_swap(simnet_warehouse: LoadedWarehouse) -> None:
    # Failed transactions that invoke the DEX programs exist, so the check can fail.
    (failed_dex_txs,) = simnet_warehouse.query(
        "select count(distinct t.signature) from raw_solana.transactions as t"
        " inner join raw_solana.instructions as i on i.signature = t.signature"
        " inner join staging.dex_programs as p on p.program_id = i.program_id"
        " where not t.success"
    )[0]
    assert failed_dex_txs > 10
    assert simnet_warehouse.query(
        "select count(*) from marts.fct_dex_swaps as s"
        " inner join raw_solana.transactions as t on t.signature = s.signature"
        " where not t.success"
    ) == [(0,)]


def test_routed_legs_are_flagged(simnet_warehouse: LoadedWarehouse) -> None:
    rows = simnet_warehouse.query(
        "select s.signature, s.outer_index, s.inner_index, s.is_routed, s.router_program,"
        " s.router, s.tx_program, o.program_id"
        " from marts.fct_dex_swaps as s"
        " inner join raw_solana.instructions as o"
        " on o.signature = s.signature and o.outer_index = s.outer_index and o.inner_index = -1"
    )
    routed = 0
    for _, _, inner, is_routed, router_program, router, tx_program, outer_program in rows:
        assert tx_program == outer_program
        expected = inner >= 0 and outer_program == JUPITER_V6
        assert is_routed == expected
        assert (router_program, router) == (
            (JUPITER_V6, "jupiter_v6") if expected else (None, None)
        )
        routed += expected
    # Routed legs, inner legs under searchers' own programs, and direct legs all occur.
    assert routed > 100
    assert any(inner >= 0 and outer != JUPITER_V6 for _, _, inner, *_, outer in rows)
    assert any(inner == -1 for _, _, inner, *_ in rows)


def test_trades_equal_the_truth_per_shape(simnet_warehouse: LoadedWarehouse) -> None:
    # What the trader's accounts sold and bought, net over the legs (decimal-adjusted in the
    # mart, raw in the truth).
    def value(trade: dict[str, Any]) -> tuple[Any, ...]:
        unit_in = Decimal(BY_MINT[trade["mint_in"]].unit)
        unit_out = Decimal(BY_MINT[trade["mint_out"]].unit)
        return (
            trade["trader"],
            trade["mint_in"],
            Decimal(trade["amount_in"]) / unit_in,
            trade["mint_out"],
            Decimal(trade["amount_out"]) / unit_out,
            trade["is_arbitrage"],
        )

    trades = truth_trades(simnet_warehouse)
    truth = {sig: value(trade) for sig, trade in trades.items()}
    rows = simnet_warehouse.query(
        "select signature, trader, mint_in, amount_in, mint_out, amount_out, is_arbitrage,"
        " route_complete from marts.fct_dex_trades"
    )
    found = {
        sig: (trader, m_in, a_in, m_out, a_out, arb)
        for sig, trader, m_in, a_in, m_out, a_out, arb, _ in rows
    }
    scores = per_shape(truth, found, {sig: trade["shape"] for sig, trade in trades.items()})
    extra = sorted(set(found.items()) - set(truth.items()))[:3]
    assert all((p, r) == (1.0, 1.0) for p, r, _ in scores.values()), (report(scores), extra)
    assert all(scores[shape][2] >= 3 for shape in SHAPES), report(scores)
    # Every route chains from the sold mint to the bought one, split routes included; only
    # arbitrage cycles do not.
    assert all(complete != arb for _, _, _, _, _, _, arb, complete in rows)
    # What the trade sold: every leg that paid its mint in (two for a split route's first hop).
    amounts = simnet_warehouse.query(
        "select t.amount_in, sum(s.amount_in) from marts.fct_dex_trades as t"
        " inner join marts.fct_dex_swaps as s on s.signature = t.signature"
        " and s.mint_in = t.mint_in where t.route_complete group by t.signature, t.amount_in"
    )
    assert amounts and all(trade == leg for trade, leg in amounts)


def test_usd_values(simnet_warehouse: LoadedWarehouse) -> None:
    stable = {USDC.mint, USDT.mint}
    rows = simnet_warehouse.query(
        "select mint_in, mint_out, amount_in, amount_out, amount_usd, price_source, base_mint,"
        " quote_mint, price from marts.fct_dex_swaps"
    )
    sources: Counter[str] = Counter()
    for mint_in, mint_out, a_in, a_out, usd, source, base, quote, price in rows:
        sources[source] += 1
        if mint_in in stable:
            assert (usd, source) == (a_in, "stablecoin")
        elif mint_out in stable:
            assert (usd, source) == (a_out, "stablecoin")
        elif SOL.mint in (mint_in, mint_out):
            assert source == "sol_usd_median"
        else:
            assert source == "token_usd_median"
        # Stablecoins quote everything, SOL quotes every other token.
        if stable & {mint_in, mint_out}:
            assert quote in stable and (base not in stable or quote == USDC.mint)
        elif SOL.mint in (mint_in, mint_out):
            assert quote == SOL.mint
        assert price > 0
    # Every hour of the demo cluster trades SOL against stablecoins: every leg is priced (and
    # simnet lists no token/token pool without SOL or a stablecoin).
    assert set(sources) == {"stablecoin", "sol_usd_median"}
    # simnet's SOL starts at 150 USD and moves little within the hour the epochs span.
    prices = simnet_warehouse.query(
        "select usd_price from intermediate.int_token_usd_hourly where mint = %s", SOL.mint
    )
    assert prices and all(Decimal(140) < price < Decimal(160) for (price,) in prices)
    # Token prices (weighted medians of their legs against SOL and the stablecoins) agree with
    # the VWAP of their own stablecoin pools (JUP/USDC, WIF/USDC).
    rows = simnet_warehouse.query(
        "select p.mint, p.usd_price, sum(s.quote_amount) / sum(s.base_amount)"
        " from intermediate.int_token_usd_hourly as p"
        " inner join marts.fct_dex_swaps as s on s.hour = p.hour and s.base_mint = p.mint"
        " where p.price_source = 'token_usd_median' and s.quote_mint = %s"
        " group by 1, 2",
        USDC.mint,
    )
    assert len(rows) == 2
    for _, via_sol, direct in rows:
        assert abs(via_sol / direct - 1) < Decimal("0.02")
