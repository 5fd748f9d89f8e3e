-- int_market_hourly_coverage summed per day (UTC), for the daily market marts.

with

hourly_coverage as (
    select * from {{ ref('int_market_hourly_coverage') }}
),

final as (
    select
        date_trunc('day', hour, 'UTC') as day,
        sum(produced_blocks) as produced_blocks,
        sum(loaded_blocks) as loaded_blocks
    from hourly_coverage
    group by date_trunc('day', hour, 'UTC')
)

select * from final
