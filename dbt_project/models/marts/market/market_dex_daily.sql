{{
    config(
        materialized='incremental',
        unique_key=['dex', 'day'],
    )
}}

-- Days straddle epochs: the `epochs` var picks the days to rebuild (those with a swap in the
-- selected epochs) and each is rebuilt from all its swaps, so that the day's share of volume
-- is over every DEX of the day and building epoch by epoch gives the rows of one full build.
-- Volume counts every leg: each DEX of a multi-hop route did execute its hop.

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

daily_coverage as (
    select * from {{ ref('int_market_daily_coverage') }}
),

aggregated as (
    select
        swaps.dex,
        swaps.day,
        min(swaps.epoch) as first_epoch,
        max(swaps.epoch) as last_epoch,
        sum(swaps.amount_usd) as volume_usd,
        count(*) filter (where swaps.amount_usd is null) as unpriced_trades,
        count(*) filter (where chained.is_chained) as chained_trades,
        count(*) as trades,
        count(distinct swaps.signature) as transaction_count,
        count(distinct swaps.trader) as traders,
        count(distinct swaps.pool) as pools,
        count(distinct swaps.base_mint || '/' || swaps.quote_mint) as pairs
    from swaps
    left join chained on swaps.signature = chained.signature
    group by swaps.dex, swaps.day
),

final as (
    select
        aggregated.dex::text as dex,
        aggregated.day,
        aggregated.first_epoch::bigint as first_epoch,
        aggregated.last_epoch::bigint as last_epoch,
        aggregated.volume_usd::numeric as volume_usd,
        -- Of the day's USD volume over every DEX (unpriced legs count in neither).
        trim_scale(
            aggregated.volume_usd
            / nullif(sum(aggregated.volume_usd) over (partition by aggregated.day), 0)
        ) as volume_share,
        aggregated.unpriced_trades,
        aggregated.trades,
        aggregated.transaction_count,
        aggregated.traders,
        aggregated.pools,
        aggregated.pairs,
        -- Coverage of the decoding: the share of legs with a USD price, and of legs whose
        -- transaction's route chains end to end; and of the day's produced blocks loaded.
        trim_scale(1 - aggregated.unpriced_trades::numeric / aggregated.trades) as priced_share,
        trim_scale(aggregated.chained_trades::numeric / aggregated.trades)
            as complete_route_share,
        daily_coverage.produced_blocks,
        daily_coverage.loaded_blocks,
        trim_scale(
            daily_coverage.loaded_blocks::numeric / nullif(daily_coverage.produced_blocks, 0)
        ) as coverage
    from aggregated
    left join daily_coverage on aggregated.day = daily_coverage.day
)

select * from final
