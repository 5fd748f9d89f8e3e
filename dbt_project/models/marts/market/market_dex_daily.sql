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

aggregated as (
    select
        dex,
        day,
        min(epoch) as first_epoch,
        max(epoch) as last_epoch,
        sum(amount_usd) as volume_usd,
        count(*) filter (where amount_usd is null) as unpriced_trades,
        count(*) as trades,
        count(distinct signature) as transaction_count,
        count(distinct trader) as traders,
        count(distinct pool) as pools,
        count(distinct base_mint || '/' || quote_mint) as pairs
    from swaps
    group by dex, day
),

final as (
    select
        dex::text as dex,
        day,
        first_epoch::bigint as first_epoch,
        last_epoch::bigint as last_epoch,
        volume_usd::numeric as volume_usd,
        -- Of the day's USD volume over every DEX (unpriced legs count in neither).
        trim_scale(volume_usd / nullif(sum(volume_usd) over (partition by day), 0))
            as volume_share,
        unpriced_trades,
        trades,
        transaction_count,
        traders,
        pools,
        pairs
    from aggregated
)

select * from final
