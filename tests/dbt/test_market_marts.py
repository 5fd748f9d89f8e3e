"""The market marts (market_pool_hourly, market_pair_daily, market_dex_daily) on the simnet cluster.

Volume per pool and hour must add up to the swap legs of fct_dex_swaps and to simnet's truth
swaps; the cross-DEX spread must exist for pairs traded on several DEXes; and building epoch by
epoch (hours and days straddle epochs) must give the rows of one full build.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from dbt_harness import assert_all_passed, run_dbt
from mainnet_warehouse import MainnetWarehouse
from simnet_warehouse import EPOCHS, LoadedWarehouse, copy_of

MARTS = {
    "market_pool_hourly": "pool, hour",
    "market_pair_daily": "base_mint, quote_mint, day",
    "market_dex_daily": "dex, day",
}


def pool_hours(
    warehouse: LoadedWarehouse | MainnetWarehouse,
) -> dict[tuple[str, datetime], tuple[Any, ...]]:
    """market_pool_hourly's (volume_base, volume_quote, volume_usd, trades) per (pool, hour)."""
    rows = warehouse.query(
        "select pool, hour, volume_base, volume_quote, volume_usd, trades"
        " from marts.market_pool_hourly"
    )
    return {(pool, hour): tuple(rest) for pool, hour, *rest in rows}


def test_pool_hourly_volume_is_the_sum_of_its_swap_legs(
    simnet_warehouse: LoadedWarehouse,
) -> None:
    legs = simnet_warehouse.query(
        "select pool, hour, sum(base_amount), sum(quote_amount), sum(amount_usd), count(*)"
        " from marts.fct_dex_swaps group by pool, hour"
    )
    expected = {(pool, hour): tuple(rest) for pool, hour, *rest in legs}
    assert len(expected) > 10
    assert pool_hours(simnet_warehouse) == expected


def test_mainnet_pool_hours_reconcile(mainnet_warehouse: MainnetWarehouse) -> None:
    """On the real samples too: pool-hours add up to their legs, prices and coverage are sane."""
    legs = mainnet_warehouse.query(
        "select pool, hour, sum(base_amount), sum(quote_amount), sum(amount_usd), count(*)"
        " from marts.fct_dex_swaps group by pool, hour"
    )
    expected = {(pool, hour): tuple(rest) for pool, hour, *rest in legs}
    assert expected
    assert pool_hours(mainnet_warehouse) == expected
    bad = mainnet_warehouse.query(
        "select pool, hour from marts.market_pool_hourly where not ("
        " low_price > 0 and open_price between low_price and high_price"
        " and close_price between low_price and high_price"
        " and coverage > 0 and coverage <= 1)"
    )
    assert bad == []


def test_pool_hourly_volume_matches_simnet_truth(simnet_warehouse: LoadedWarehouse) -> None:
    """Truth swaps (raw amounts) summed per pool and hour equal the mart's volumes."""
    hour_of_slot = dict(
        simnet_warehouse.query(
            "select slot, date_trunc('hour', block_time, 'UTC') from raw_solana.blocks"
            " where block_time is not null"
        )
    )
    decimals = dict(
        simnet_warehouse.query(
            "select mint_in, max(decimals_in) from marts.fct_dex_swaps group by mint_in"
            " union select mint_out, max(decimals_out) from marts.fct_dex_swaps group by mint_out"
        )
    )
    pairs = dict(
        ((pool, hour), (base, quote))
        for pool, hour, base, quote in simnet_warehouse.query(
            "select pool, hour, base_mint, quote_mint from marts.market_pool_hourly"
        )
    )
    truth: dict[tuple[str, datetime], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    trades: dict[tuple[str, datetime], int] = defaultdict(int)
    for epoch in EPOCHS:
        for swap in simnet_warehouse.truth("swaps", epoch)["swaps"]:
            key = (swap["pool"], hour_of_slot[swap["slot"]])
            truth[key][swap["mint_in"]] += Decimal(swap["amount_in"])
            truth[key][swap["mint_out"]] += Decimal(swap["amount_out"])
            trades[key] += 1
    mart = pool_hours(simnet_warehouse)
    assert set(mart) == set(truth)
    for key, (volume_base, volume_quote, _usd, mart_trades) in mart.items():
        base, quote = pairs[key]
        assert mart_trades == trades[key], key
        assert volume_base == truth[key][base] / 10 ** decimals[base], key
        assert volume_quote == truth[key][quote] / 10 ** decimals[quote], key


def test_pair_and_dex_marts_add_up_to_the_pool_hours(simnet_warehouse: LoadedWarehouse) -> None:
    pair_mismatches = simnet_warehouse.query(
        """
        with pools as (
            select base_mint, quote_mint, date_trunc('day', hour, 'UTC') as day,
                sum(volume_quote) as volume_quote, sum(trades) as trades
            from marts.market_pool_hourly group by 1, 2, 3
        )
        select * from pools full join marts.market_pair_daily as pairs
            using (base_mint, quote_mint, day)
        where pools.volume_quote is distinct from pairs.volume_quote
            or pools.trades is distinct from pairs.trades
        """
    )
    assert pair_mismatches == []
    shares = simnet_warehouse.query(
        "select day, sum(volume_share), sum(trades) from marts.market_dex_daily group by day"
    )
    legs = simnet_warehouse.query("select count(*) from marts.fct_dex_swaps")[0][0]
    assert shares and all(abs(share - 1) < Decimal("1e-12") for _day, share, _ in shares)
    assert sum(trades for *_, trades in shares) == legs


def test_cross_dex_spreads(simnet_warehouse: LoadedWarehouse) -> None:
    rows = simnet_warehouse.query(
        "select pair, dexes, avg_spread_bps, max_spread_bps, spread_hours"
        " from marts.market_pair_daily"
    )
    multi_dex = [row for row in rows if row[1] >= 2]
    assert multi_dex, "no pair traded on two DEXes"
    assert any(row[2] is not None and row[2] > 0 for row in multi_dex)
    for pair, dexes, avg_bps, max_bps, spread_hours in rows:
        if dexes < 2:
            assert (avg_bps, max_bps, spread_hours) == (None, None, 0), pair
        if avg_bps is not None:
            assert 0 <= avg_bps <= max_bps, pair
            # simnet arbitrage keeps the same pair's pools within a few percent.
            assert max_bps < 1_000, pair


def test_ohlc_and_shares_are_consistent(simnet_warehouse: LoadedWarehouse) -> None:
    bad = simnet_warehouse.query(
        "select pool, hour from marts.market_pool_hourly where not ("
        " low_price <= open_price and open_price <= high_price"
        " and low_price <= close_price and close_price <= high_price"
        " and vwap between low_price and high_price"
        " and sandwiched_share between 0 and 1 and coverage = 1)"
    )
    assert bad == []
    # Sandwich victims exist in simnet's demo market: some volume is marked sandwiched.
    sandwiched = simnet_warehouse.query(
        "select sum(sandwiched_volume_quote) > 0 from marts.market_pool_hourly"
    )
    assert sandwiched == [(True,)]


# The swap models and the marts over them: hours and days straddle epochs.
TABLES = {
    "marts.fct_dex_swaps": "signature, outer_index, inner_index",
    "marts.fct_dex_trades": "signature",
    "intermediate.int_token_usd_hourly": "hour, mint",
    **{f"marts.{mart}": key for mart, key in MARTS.items()},
}


def table_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"select * from {table} order by {key}").fetchall()
            for table, key in TABLES.items()
        }


@pytest.mark.e2e
def test_epoch_by_epoch_builds_equal_a_full_build(
    simnet_warehouse: LoadedWarehouse, tmp_path: Path
) -> None:
    """Rebuild the swap models and the market marts from scratch (--full-refresh) for the later
    epoch, then add the earlier one: the rows equal the fixture's full build. An hour's USD
    prices do not depend on which epochs were built, nor a day's or an hour's market rows.
    fct_mev_events stays as the full build left it (its own per-epoch builds are its tests')."""
    full = table_rows(simnet_warehouse.url)
    assert all(full.values())
    selection = ["--select", "+fct_dex_trades", "+int_market_daily_coverage", *MARTS]
    with copy_of(simnet_warehouse.url) as url:
        for epoch in sorted(EPOCHS, reverse=True):
            args = ["run", *selection, "--vars", f"{{epochs: [{epoch}]}}"]
            if epoch == max(EPOCHS):
                args.append("--full-refresh")
            assert_all_passed(run_dbt(url, args, tmp_path))
            if epoch == max(EPOCHS):
                first = table_rows(url)
                # One epoch alone is not the whole story (or the test proves nothing).
                assert all(first.values()) and first != full
        test_args = ["test", "--select", "assert_market_volume_reconciles"]
        assert_all_passed(run_dbt(url, test_args, tmp_path))
        assert table_rows(url) == full
