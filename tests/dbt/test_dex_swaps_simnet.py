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

import pytest
from dbt_harness import parsed_manifest
from simnet_warehouse import EPOCHS, LoadedWarehouse

from simnet.dex.markets import DEXES, JUPITER_V6, OKX_ROUTER, PUMPFUN_CURVE
from simnet.dex.shapes import SHAPES
from simnet.dex.tokens import SOL, USDC, USDT
from simnet.eval_dex import DexEvaluation, evaluate

LegKey = tuple[str, int, int]
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


@pytest.fixture(scope="module")
def evaluation(simnet_warehouse: LoadedWarehouse) -> DexEvaluation:
    """`mevhouse eval dex` on the warehouse: legs and trades against the truth, per shape."""
    return evaluate(simnet_warehouse.url, simnet_warehouse.simnet_url, list(EPOCHS))


def test_every_true_leg_is_decoded_and_nothing_else(
    simnet_warehouse: LoadedWarehouse, evaluation: DexEvaluation
) -> None:
    # Legs match on (signature, outer_index, inner_index) and every decoded field (a venue
    # outside the registry as 'unknown' with its program id); per shape, and nothing decoded
    # where simnet planted nothing (that would be an 'unplanted' row).
    table = evaluation.render()
    assert sum(score.truth for score in evaluation.legs) > 1_000, table
    assert all((s.precision, s.recall) == (1.0, 1.0) for s in evaluation.legs), table
    # Every hard shape, a few of each.
    assert all(evaluation.score("legs", shape).truth >= 3 for shape in SHAPES), table
    # Every DEX of the seed, the bonding curve and unlisted venues, outer and inner legs alike.
    legs = truth_legs(simnet_warehouse).values()
    assert {leg["dex"] for leg in legs if leg["program"] in registered()} == {
        *(dex.name for dex in DEXES),
        PUMPFUN_CURVE.name,
    }
    assert any(leg["program"] not in registered() for leg in legs)
    assert {leg["inner_index"] == -1 for leg in legs} == {True, False}


def test_trades_equal_the_truth_per_shape(
    simnet_warehouse: LoadedWarehouse, evaluation: DexEvaluation
) -> None:
    # What the trader's accounts sold and bought, net over the legs; arbitrage cycles flagged.
    table = evaluation.render()
    assert all((s.precision, s.recall) == (1.0, 1.0) for s in evaluation.trades), table
    assert all(evaluation.score("trades", shape).truth >= 3 for shape in SHAPES), table
    rows = simnet_warehouse.query(
        "select is_arbitrage, route_complete, count(*) from marts.fct_dex_trades group by 1, 2"
    )
    # Every route chains from the sold mint to the bought one, split routes included; only
    # arbitrage cycles do not.
    assert {(arbitrage, complete) for arbitrage, complete, _ in rows} == {
        (False, True),
        (True, False),
    }
    # What the trade sold: every leg that paid its mint in (two for a split route's first hop).
    amounts = simnet_warehouse.query(
        "select t.amount_in, sum(s.amount_in) from marts.fct_dex_trades as t"
        " inner join marts.fct_dex_swaps as s on s.signature = t.signature"
        " and s.mint_in = t.mint_in where t.route_complete group by t.signature, t.amount_in"
    )
    assert amounts and all(trade == leg for trade, leg in amounts)


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
    # The router a leg is routed by is the one the transaction calls: OKX's, when it calls
    # Jupiter's (simnet's two_router_route).
    routers = {JUPITER_V6: "jupiter_v6", OKX_ROUTER: "okx_router"}
    for _, _, inner, is_routed, router_program, router, tx_program, outer_program in rows:
        assert tx_program == outer_program
        expected = inner >= 0 and outer_program in routers
        assert is_routed == expected
        assert (router_program, router) == (
            (outer_program, routers[outer_program]) if expected else (None, None)
        )
        routed += expected
    # Routed legs, inner legs under searchers' own programs, and direct legs all occur.
    assert routed > 100
    assert any(inner >= 0 and outer not in routers for _, _, inner, *_, outer in rows)
    assert any(outer == OKX_ROUTER for *_, outer in rows)
    assert any(inner == -1 for _, _, inner, *_ in rows)


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


def test_built_tables_have_statistics_and_epoch_keyed_ones_an_epoch_index(
    simnet_warehouse: LoadedWarehouse,
):
    """After a fresh build every intermediate and mart table has been analyzed (the post-hook),
    and each incremental table keyed by epoch first has its epoch index (read by epoch)."""
    manifest = parsed_manifest()
    epoch_keyed = {
        (node.schema, node.name)
        for node in manifest.nodes.values()
        if node.resource_type == "model"
        and node.config.materialized == "incremental"
        and _first_key(node.config.unique_key) == "epoch"
    }
    assert len(epoch_keyed) > 15
    tables = simnet_warehouse.query(
        "select n.nspname, c.relname, c.reltuples >= 0,"
        " exists (select 1 from pg_index as i inner join pg_class as x on x.oid = i.indexrelid"
        " where i.indrelid = c.oid and x.relname = c.relname || '__epoch')"
        " from pg_class as c inner join pg_namespace as n on n.oid = c.relnamespace"
        " where n.nspname in ('intermediate', 'marts') and c.relkind = 'r'"
    )
    assert [t for t in tables if not t[2]] == []
    indexed = {(schema, name) for schema, name, _, has_index in tables if has_index}
    assert indexed == epoch_keyed


def _first_key(unique_key: str | list[str] | None) -> str | None:
    keys = [unique_key] if isinstance(unique_key, str) else (unique_key or [])
    return keys[0] if keys else None
