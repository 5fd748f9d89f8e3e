{{
    config(
        materialized='incremental',
        unique_key=['pool', 'hour'],
    )
}}

-- Hours straddle epochs, so the `epochs` var picks the hours to rebuild (those with a swap in
-- the selected epochs) and each of them is rebuilt from all its swaps, whatever their epoch:
-- building epoch by epoch gives the rows of one full build. Block order within the hour is
-- (slot, position, outer_index, inner_index); prices are quote per base, decimal-adjusted.

with

selected_swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where hour in (select selected_swaps.hour from selected_swaps)
),

sandwiches as (
    select * from {{ ref('int_mev_events') }}
    where mev_type = 'sandwich'
),

coverage as (
    select * from {{ ref('int_market_hourly_coverage') }}
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

-- A leg is sandwiched when its transaction is a sandwich's victim in a pool the sandwich hit
-- (a routed victim's legs in other pools were not front-run).
sandwiched_legs as (
    select distinct
        victim.signature,
        sandwich_pool.pool
    from sandwiches
    cross join lateral unnest(sandwiches.victim_signatures) as victim (signature)
    cross join lateral unnest(sandwiches.pools) as sandwich_pool (pool)
),

legs as (
    select
        swaps.*,
        sandwiched_legs.signature is not null as is_sandwiched,
        coalesce(chained.is_chained, false) as is_chained,
        -- Log return from the pool's previous execution in the same hour (none for the first).
        case
            when swaps.price > 0
                then ln(
                    swaps.price / nullif(lag(swaps.price) over (
                        partition by swaps.pool, swaps.hour
                        order by
                            swaps.slot, swaps.position, swaps.outer_index, swaps.inner_index
                    ), 0)
                )
        end as log_return
    from swaps
    left join sandwiched_legs
        on
            swaps.signature = sandwiched_legs.signature
            and swaps.pool = sandwiched_legs.pool
    left join chained on swaps.signature = chained.signature
),

aggregated as (
    select
        legs.pool,
        legs.hour,
        legs.dex,
        legs.base_mint,
        legs.quote_mint,
        max(case when legs.mint_in = legs.base_mint then legs.symbol_in else legs.symbol_out end)
            as base_symbol,
        max(case when legs.mint_in = legs.quote_mint then legs.symbol_in else legs.symbol_out end)
            as quote_symbol,
        min(legs.epoch) as first_epoch,
        max(legs.epoch) as last_epoch,
        (array_agg(
            legs.price order by legs.slot, legs.position, legs.outer_index, legs.inner_index
        ) filter (where legs.price is not null))[1] as open_price,
        max(legs.price) as high_price,
        min(legs.price) as low_price,
        (array_agg(
            legs.price
            order by
                legs.slot desc, legs.position desc, legs.outer_index desc, legs.inner_index desc
        ) filter (where legs.price is not null))[1] as close_price,
        sum(legs.quote_amount) / nullif(sum(legs.base_amount), 0) as vwap,
        sum(legs.base_amount) as volume_base,
        sum(legs.quote_amount) as volume_quote,
        sum(legs.amount_usd) as volume_usd,
        count(*) filter (where legs.amount_usd is null) as unpriced_trades,
        count(*) filter (where legs.is_chained) as chained_trades,
        count(*) as trades,
        count(distinct legs.signature) as transaction_count,
        count(distinct legs.trader) as traders,
        -- Per-execution realised volatility: the sample standard deviation of the log returns
        -- between consecutive executions in the hour; not annualised, not time-scaled.
        stddev_samp(legs.log_return) as realized_volatility,
        coalesce(sum(legs.quote_amount) filter (where legs.is_sandwiched), 0)
            as sandwiched_volume_quote,
        count(*) filter (where legs.is_sandwiched) as sandwiched_trades
    from legs
    group by legs.pool, legs.hour, legs.dex, legs.base_mint, legs.quote_mint
),

final as (
    select
        aggregated.pool::text as pool,
        aggregated.hour,
        aggregated.dex::text as dex,
        aggregated.base_mint::text as base_mint,
        aggregated.quote_mint::text as quote_mint,
        aggregated.base_symbol::text as base_symbol,
        aggregated.quote_symbol::text as quote_symbol,
        aggregated.first_epoch::bigint as first_epoch,
        aggregated.last_epoch::bigint as last_epoch,
        aggregated.open_price::numeric as open_price,
        aggregated.high_price::numeric as high_price,
        aggregated.low_price::numeric as low_price,
        aggregated.close_price::numeric as close_price,
        trim_scale(aggregated.vwap) as vwap,
        aggregated.volume_base::numeric as volume_base,
        aggregated.volume_quote::numeric as volume_quote,
        aggregated.volume_usd::numeric as volume_usd,
        aggregated.unpriced_trades,
        aggregated.trades,
        -- Coverage of the decoding: the share of legs with a USD price, and of legs whose
        -- transaction's route chains end to end.
        trim_scale(1 - aggregated.unpriced_trades::numeric / aggregated.trades) as priced_share,
        trim_scale(aggregated.chained_trades::numeric / aggregated.trades)
            as complete_route_share,
        aggregated.transaction_count,
        aggregated.traders,
        trim_scale(round(aggregated.realized_volatility, 12)) as realized_volatility,
        aggregated.sandwiched_volume_quote::numeric as sandwiched_volume_quote,
        aggregated.sandwiched_trades,
        -- Share of the hour's quote volume traded by sandwich victims (quote: always priced).
        trim_scale(aggregated.sandwiched_volume_quote / nullif(aggregated.volume_quote, 0))
            as sandwiched_share,
        coverage.produced_blocks,
        coverage.loaded_blocks,
        trim_scale(coverage.loaded_blocks::numeric / nullif(coverage.produced_blocks, 0))
            as coverage
    from aggregated
    left join coverage on aggregated.hour = coverage.hour
)

select * from final
