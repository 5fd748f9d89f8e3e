-- Reported in Dagster as a check on the mart it reconciles.
{{ config(meta={'dagster': {'ref': {'name': 'market_pool_hourly'}}}) }}

-- Over the hours and days this build touched: every pool-hour's volume and trades are the sum
-- of its swap legs in fct_dex_swaps (and no pool-hour is missing or extra), and the pair-day
-- and DEX-day marts are the sums of their pool-hours.

with

selected_swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where hour in (select selected_swaps.hour from selected_swaps)
),

days as (
    select distinct date_trunc('day', hour, 'UTC') as day
    from selected_swaps
),

pool_hourly as (
    select * from {{ ref('market_pool_hourly') }}
    where date_trunc('day', hour, 'UTC') in (select days.day from days)
),

pair_daily as (
    select * from {{ ref('market_pair_daily') }}
    where day in (select days.day from days)
),

dex_daily as (
    select * from {{ ref('market_dex_daily') }}
    where day in (select days.day from days)
),

swap_sums as (
    select
        pool,
        hour,
        sum(base_amount) as volume_base,
        sum(quote_amount) as volume_quote,
        sum(amount_usd) as volume_usd,
        count(*) as trades
    from swaps
    group by pool, hour
),

pool_vs_swaps as (
    select
        'market_pool_hourly' as mart,
        coalesce(swap_sums.pool, pool_hourly.pool) as grain,
        coalesce(swap_sums.hour, pool_hourly.hour) as period
    from swap_sums
    full outer join pool_hourly
        on swap_sums.pool = pool_hourly.pool and swap_sums.hour = pool_hourly.hour
    where
        -- pool_hourly is limited to the touched days, swaps to the touched hours.
        (pool_hourly.hour is null or pool_hourly.hour in (select swaps.hour from swaps))
        and (
            swap_sums.volume_base is distinct from pool_hourly.volume_base
            or swap_sums.volume_quote is distinct from pool_hourly.volume_quote
            or swap_sums.volume_usd is distinct from pool_hourly.volume_usd
            or swap_sums.trades is distinct from pool_hourly.trades
        )
),

pool_by_pair as (
    select
        base_mint,
        quote_mint,
        date_trunc('day', hour, 'UTC') as day,
        sum(volume_base) as volume_base,
        sum(volume_quote) as volume_quote,
        sum(volume_usd) as volume_usd,
        sum(trades) as trades
    from pool_hourly
    group by base_mint, quote_mint, date_trunc('day', hour, 'UTC')
),

pair_vs_pools as (
    select
        'market_pair_daily' as mart,
        coalesce(pool_by_pair.base_mint, pair_daily.base_mint)
        || '/'
        || coalesce(pool_by_pair.quote_mint, pair_daily.quote_mint) as grain,
        coalesce(pool_by_pair.day, pair_daily.day) as period
    from pool_by_pair
    full outer join pair_daily
        on
            pool_by_pair.base_mint = pair_daily.base_mint
            and pool_by_pair.quote_mint = pair_daily.quote_mint
            and pool_by_pair.day = pair_daily.day
    where
        pool_by_pair.volume_base is distinct from pair_daily.volume_base
        or pool_by_pair.volume_quote is distinct from pair_daily.volume_quote
        or pool_by_pair.volume_usd is distinct from pair_daily.volume_usd
        or pool_by_pair.trades is distinct from pair_daily.trades
),

pool_by_dex as (
    select
        dex,
        date_trunc('day', hour, 'UTC') as day,
        sum(volume_usd) as volume_usd,
        sum(trades) as trades
    from pool_hourly
    group by dex, date_trunc('day', hour, 'UTC')
),

dex_vs_pools as (
    select
        'market_dex_daily' as mart,
        coalesce(pool_by_dex.dex, dex_daily.dex) as grain,
        coalesce(pool_by_dex.day, dex_daily.day) as period
    from pool_by_dex
    full outer join dex_daily
        on pool_by_dex.dex = dex_daily.dex and pool_by_dex.day = dex_daily.day
    where
        pool_by_dex.volume_usd is distinct from dex_daily.volume_usd
        or pool_by_dex.trades is distinct from dex_daily.trades
),

final as (
    select * from pool_vs_swaps
    union all
    select * from pair_vs_pools
    union all
    select * from dex_vs_pools
)

select * from final
