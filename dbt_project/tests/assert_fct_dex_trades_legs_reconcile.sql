-- Reported in Dagster as a check on the mart it reconciles.
{{ config(meta={'dagster': {'ref': {'name': 'fct_dex_trades'}}}) }}

-- Over the built epochs: every transaction with swap legs has one trade whose legs, dexes and
-- pools are its legs', and no trade lacks legs.

with

swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

trades as (
    select * from {{ ref('fct_dex_trades') }}
    where {{ epoch_filter('epoch') }}
),

legs as (
    select
        signature,
        count(*) as legs,
        array_agg(pool order by outer_index, inner_index) as pools
    from swaps
    group by signature
),

final as (
    select
        coalesce(legs.signature, trades.signature) as signature,
        legs.legs as swap_legs,
        trades.legs as trade_legs
    from legs
    full outer join trades
        on legs.signature = trades.signature
    where
        legs.signature is null
        or trades.signature is null
        or legs.legs <> trades.legs
        or legs.pools <> trades.pools
        or cardinality(trades.dexes) <> trades.legs
)

select * from final
