{{
    config(
        materialized='incremental',
        unique_key=['base_mint', 'quote_mint', 'day'],
    )
}}

-- Days straddle epochs: the `epochs` var picks the days to rebuild (those with a swap in the
-- selected epochs) and each is rebuilt from all its swaps, so building epoch by epoch gives the
-- rows of one full build. A pair is (base, quote) as fct_dex_swaps orients it (quote = the more
-- quote-like token), so every pool and DEX of the pair prices it the same way round.

with

selected_swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

swaps as (
    select
        *,
        date_trunc('day', hour, 'UTC') as day
    from {{ ref('fct_dex_swaps') }}
    where
        date_trunc('day', hour, 'UTC') in (
            select date_trunc('day', selected_swaps.hour, 'UTC') from selected_swaps
        )
),

-- Whether each transaction's legs chain end to end (a complete route or a closed arbitrage
-- cycle): a leg of a transaction whose route has a gap (a venue not decoded) counts against
-- the coverage columns.
chained as (
    select
        signature,
        route_complete or is_arbitrage as is_chained
    from {{ ref('fct_dex_trades') }}
),

legs as (
    select
        swaps.*,
        coalesce(chained.is_chained, false) as is_chained,
        -- Log return from the same pool's previous execution that day: consecutive executions
        -- of one pool, never across pools (that would add the cross-DEX spread to the noise).
        case
            when swaps.price > 0
                then ln(
                    swaps.price / nullif(lag(swaps.price) over (
                        partition by swaps.pool, swaps.day
                        order by swaps.slot, swaps.position, swaps.outer_index, swaps.inner_index
                    ), 0)
                )
        end as log_return
    from swaps
    left join chained on swaps.signature = chained.signature
),

-- Each DEX's VWAP of the pair per hour; the spread compares DEXes in the same hour.
dex_hourly as (
    select
        base_mint,
        quote_mint,
        day,
        hour,
        dex,
        sum(quote_amount) / nullif(sum(base_amount), 0) as vwap
    from legs
    group by base_mint, quote_mint, day, hour, dex
),

hourly_spreads as (
    select
        base_mint,
        quote_mint,
        day,
        hour,
        -- (highest − lowest DEX VWAP) / mid, in bps; null with fewer than two DEXes priced.
        case
            when count(vwap) >= 2
                then (max(vwap) - min(vwap)) / ((max(vwap) + min(vwap)) / 2) * 10000
        end as spread_bps
    from dex_hourly
    group by base_mint, quote_mint, day, hour
),

daily_spreads as (
    select
        base_mint,
        quote_mint,
        day,
        avg(spread_bps) as avg_spread_bps,
        max(spread_bps) as max_spread_bps,
        count(spread_bps) as spread_hours
    from hourly_spreads
    group by base_mint, quote_mint, day
),

daily_coverage as (
    select * from {{ ref('int_market_daily_coverage') }}
),

aggregated as (
    select
        base_mint,
        quote_mint,
        day,
        max(case when mint_in = base_mint then symbol_in else symbol_out end) as base_symbol,
        max(case when mint_in = quote_mint then symbol_in else symbol_out end) as quote_symbol,
        min(epoch) as first_epoch,
        max(epoch) as last_epoch,
        sum(base_amount) as volume_base,
        sum(quote_amount) as volume_quote,
        sum(amount_usd) as volume_usd,
        count(*) filter (where amount_usd is null) as unpriced_trades,
        count(*) filter (where is_chained) as chained_trades,
        sum(quote_amount) filter (where dex <> 'unknown') as named_volume_quote,
        sum(quote_amount) / nullif(sum(base_amount), 0) as vwap,
        count(*) as trades,
        count(distinct signature) as transaction_count,
        count(distinct trader) as traders,
        count(distinct pool) as pools,
        count(distinct dex) as dexes,
        -- Per-execution realised volatility of the day: the sample standard deviation of the
        -- log returns between consecutive executions of each pool, pooled over the pair's
        -- pools; not annualised, not time-scaled.
        stddev_samp(log_return) as realized_volatility
    from legs
    group by base_mint, quote_mint, day
),

final as (
    select
        aggregated.base_mint::text as base_mint,
        aggregated.quote_mint::text as quote_mint,
        aggregated.day,
        coalesce(aggregated.base_symbol, aggregated.base_mint)
        || '/'
        || coalesce(aggregated.quote_symbol, aggregated.quote_mint) as pair,
        aggregated.base_symbol::text as base_symbol,
        aggregated.quote_symbol::text as quote_symbol,
        aggregated.first_epoch::bigint as first_epoch,
        aggregated.last_epoch::bigint as last_epoch,
        aggregated.volume_base::numeric as volume_base,
        aggregated.volume_quote::numeric as volume_quote,
        aggregated.volume_usd::numeric as volume_usd,
        aggregated.unpriced_trades,
        trim_scale(aggregated.vwap) as vwap,
        aggregated.trades,
        -- Coverage of the decoding: the share of quote volume on a venue the registry names,
        -- of legs with a USD price, and of legs whose transaction's route chains end to end.
        trim_scale(
            coalesce(aggregated.named_volume_quote, 0) / nullif(aggregated.volume_quote, 0)
        ) as named_venue_share,
        trim_scale(1 - aggregated.unpriced_trades::numeric / aggregated.trades) as priced_share,
        trim_scale(aggregated.chained_trades::numeric / aggregated.trades)
            as complete_route_share,
        aggregated.transaction_count,
        aggregated.traders,
        aggregated.pools,
        aggregated.dexes,
        trim_scale(round(aggregated.realized_volatility, 12)) as realized_volatility,
        trim_scale(round(daily_spreads.avg_spread_bps, 6)) as avg_spread_bps,
        trim_scale(round(daily_spreads.max_spread_bps, 6)) as max_spread_bps,
        daily_spreads.spread_hours,
        daily_coverage.produced_blocks,
        daily_coverage.loaded_blocks,
        trim_scale(
            daily_coverage.loaded_blocks::numeric / nullif(daily_coverage.produced_blocks, 0)
        ) as coverage
    from aggregated
    inner join daily_spreads
        on
            aggregated.base_mint = daily_spreads.base_mint
            and aggregated.quote_mint = daily_spreads.quote_mint
            and aggregated.day = daily_spreads.day
    left join daily_coverage on aggregated.day = daily_coverage.day
)

select * from final
