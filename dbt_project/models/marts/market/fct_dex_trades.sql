{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'signature'],
    )
}}

-- One row per transaction with swaps: the net trade of a route (first leg's token in, last
-- leg's token out), so a multi-hop route's volume counts once. Its USD value is the first leg's
-- (the amount that entered the route), else the last leg's when the first has no price.

with

swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

final as (
    select
        signature,
        min(epoch) as epoch,
        min(slot) as slot,
        min(position) as position,
        min(block_time) as block_time,
        min(hour) as hour,
        min(trader) as trader,
        min(mint_in) filter (where leg_number = 1) as mint_in,
        min(symbol_in) filter (where leg_number = 1) as symbol_in,
        min(amount_in) filter (where leg_number = 1) as amount_in,
        min(mint_out) filter (where leg_number = legs_in_tx) as mint_out,
        min(symbol_out) filter (where leg_number = legs_in_tx) as symbol_out,
        min(amount_out) filter (where leg_number = legs_in_tx) as amount_out,
        count(*)::int as legs,
        array_agg(dex order by leg_number) as dexes,
        array_agg(pool order by leg_number) as pools,
        bool_or(is_routed) as is_routed,
        min(tx_program) filter (where leg_number = 1) as tx_program,
        coalesce(
            min(amount_usd) filter (where leg_number = 1),
            min(amount_usd) filter (where leg_number = legs_in_tx)
        ) as amount_usd,
        coalesce(
            min(price_source) filter (where leg_number = 1 and amount_usd is not null),
            min(price_source) filter (where leg_number = legs_in_tx)
        ) as price_source,
        min(fee_lamports) as fee_lamports,
        min(priority_fee_lamports) as priority_fee_lamports
    from swaps
    group by signature
)

select * from final
