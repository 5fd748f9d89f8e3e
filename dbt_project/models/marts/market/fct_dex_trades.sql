{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'signature'],
    )
}}

-- One row per transaction with swaps: the trader's net over its legs, so a route counts once.
-- Per mint, what the legs paid out minus what they took in: the mint that net left the trader
-- is sold (mint_in), the one that net arrived is bought (mint_out), and the route is complete
-- when those are the only two mints that do not net to zero (the legs chain from one to the
-- other, split routes included). A cycle (one mint out and back, more or less) is an
-- arbitrage, flagged, not a trade. An incomplete route (a leg missing, fees in an intermediate
-- mint) falls back to the first leg's mint in and the last leg's mint out. USD: the legs that
-- took the sold mint (all of them, for a split route), else the legs that paid the bought one.

with

swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

-- Per transaction and mint, the net change of the trader's side over all legs.
mint_flows as (
    select
        signature,
        mint,
        sum(amount_out) - sum(amount_in) as net,
        sum(amount_in) as taken,
        sum(amount_out) as paid,
        max(symbol) as symbol
    from (
        select
            signature,
            mint_in as mint,
            amount_in,
            0 as amount_out,
            symbol_in as symbol
        from swaps
        union all
        select
            signature,
            mint_out,
            0 as amount_in,
            amount_out,
            symbol_out
        from swaps
    ) as sides
    group by signature, mint
),

nets as (
    select
        signature,
        count(*) filter (where net < 0) as mints_sold,
        count(*) filter (where net > 0) as mints_bought,
        min(mint) filter (where net < 0) as sold_mint,
        min(mint) filter (where net > 0) as bought_mint
    from mint_flows
    group by signature
),

legs as (
    select
        signature,
        min(epoch) as epoch,
        min(slot) as slot,
        min(position) as position,
        min(block_time) as block_time,
        min(hour) as hour,
        min(trader) filter (where leg_number = 1) as trader,
        min(mint_in) filter (where leg_number = 1) as first_mint_in,
        min(mint_out) filter (where leg_number = legs_in_tx) as last_mint_out,
        count(*)::int as legs,
        array_agg(dex order by leg_number) as dexes,
        array_agg(pool order by leg_number) as pools,
        bool_or(is_routed) as is_routed,
        min(tx_program) filter (where leg_number = 1) as tx_program,
        min(fee_lamports) as fee_lamports,
        min(priority_fee_lamports) as priority_fee_lamports
    from swaps
    group by signature
),

trades as (
    select
        legs.*,
        nets.mints_sold = 1 and nets.mints_bought = 1 as route_complete,
        -- A cycle nets every mint to zero but its own, which it gained or lost.
        nets.mints_sold + nets.mints_bought <= 1
        and legs.first_mint_in = legs.last_mint_out as is_arbitrage,
        case
            when nets.mints_sold = 1 and nets.mints_bought = 1 then nets.sold_mint
            else legs.first_mint_in
        end as mint_in,
        case
            when nets.mints_sold = 1 and nets.mints_bought = 1 then nets.bought_mint
            else legs.last_mint_out
        end as mint_out
    from legs
    inner join nets on legs.signature = nets.signature
),

-- Each side's legs: priced only when all of them are (a partly priced side is not a price).
usd as (
    select
        trades.signature,
        bool_and(swaps.amount_usd is not null) filter (
            where swaps.mint_in = trades.mint_in
        ) as is_sold_priced,
        sum(swaps.amount_usd) filter (where swaps.mint_in = trades.mint_in) as sold_usd,
        min(swaps.price_source) filter (where swaps.mint_in = trades.mint_in) as sold_source,
        bool_and(swaps.amount_usd is not null) filter (
            where swaps.mint_out = trades.mint_out
        ) as is_bought_priced,
        sum(swaps.amount_usd) filter (where swaps.mint_out = trades.mint_out) as bought_usd,
        min(swaps.price_source) filter (where swaps.mint_out = trades.mint_out) as bought_source
    from trades
    inner join swaps on trades.signature = swaps.signature
    group by trades.signature
),

final as (
    select
        trades.signature,
        trades.epoch,
        trades.slot,
        trades.position,
        trades.block_time,
        trades.hour,
        trades.trader,
        trades.mint_in,
        sold.symbol as symbol_in,
        case when trades.route_complete then -sold.net else sold.taken end as amount_in,
        trades.mint_out,
        bought.symbol as symbol_out,
        case when trades.route_complete then bought.net else bought.paid end as amount_out,
        trades.route_complete,
        trades.is_arbitrage,
        trades.legs,
        trades.dexes,
        trades.pools,
        trades.is_routed,
        trades.tx_program,
        case
            when usd.is_sold_priced then usd.sold_usd
            when usd.is_bought_priced then usd.bought_usd
        end as amount_usd,
        case
            when usd.is_sold_priced then usd.sold_source
            when usd.is_bought_priced then usd.bought_source
        end as price_source,
        trades.fee_lamports,
        trades.priority_fee_lamports
    from trades
    inner join usd on trades.signature = usd.signature
    left join mint_flows as sold
        on trades.signature = sold.signature and trades.mint_in = sold.mint
    left join mint_flows as bought
        on trades.signature = bought.signature and trades.mint_out = bought.mint
)

select * from final
