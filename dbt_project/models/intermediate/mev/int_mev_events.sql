{{
    config(
        materialized='incremental',
        unique_key=['epoch'],
    )
}}

-- One row per detected MEV event: sandwiches, profitable atomic arbitrages, backruns and
-- liquidations (intermediate/mev/int_mev_*; each model's header gives its rule). The `epochs`
-- var limits the build to those epochs and delete+insert replaces their rows. An event never
-- spans two epochs: sandwiches are found within one epoch's swaps (int_mev_sandwiches), the
-- other types within a block.
-- Tip: Jito tips of the searcher's transactions of the event (not the victims') and of its
-- bundle's separate tip transaction, each tip counted for one event only (int_mev_event_tips
-- states the rule); fee: the searcher's transactions' fees. Profit in lamports: the profit
-- itself when its mint is wSOL, else its USD value at the hour's SOL price
-- (int_token_usd_hourly).

with

sandwiches as (
    select * from {{ ref('int_mev_sandwiches') }}
    where {{ epoch_filter('epoch') }}
),

arbitrages as (
    select * from {{ ref('int_mev_arbitrages') }}
    where {{ epoch_filter('epoch') }}
),

backruns as (
    select * from {{ ref('int_mev_backruns') }}
    where {{ epoch_filter('epoch') }}
),

liquidations as (
    select * from {{ ref('int_mev_liquidations') }}
    where {{ epoch_filter('epoch') }}
),

event_tips as (
    select * from {{ ref('int_mev_event_tips') }}
    where {{ epoch_filter('epoch') }}
),

blocks as (
    select * from {{ ref('stg_solana__blocks') }}
    where {{ epoch_filter('epoch') }}
),

token_prices as (
    select * from {{ ref('int_token_usd_hourly') }}
),

{% set event_columns = [
    'epoch', 'slot', 'last_slot', 'leader_window', 'hour', 'mev_type', 'rule', 'confidence',
    'signatures', 'searcher', 'victims', 'victim_signatures', 'pools',
    'profit_mint', 'profit_amount_raw', 'profit_amount', 'profit_mint_usd', 'fee_lamports',
] %}

events as (
    select {{ event_columns | join(', ') }}, victim_loss_usd from sandwiches
    union all
    select {{ event_columns | join(', ') }}, null::numeric from arbitrages
    union all
    select {{ event_columns | join(', ') }}, null::numeric from backruns
    union all
    select {{ event_columns | join(', ') }}, null::numeric from liquidations
),

searcher_costs as (
    select
        mev_type,
        event_signatures as signatures,
        sum(tip_lamports) as tip_lamports
    from event_tips
    group by mev_type, event_signatures
),

sol_prices as (
    select
        hour,
        usd_price as sol_usd
    from token_prices
    where mint = '{{ var("wsol_mint") }}'
),

final as (
    select
        md5(events.mev_type || ':' || array_to_string(events.signatures, ',')) as event_id,
        events.epoch::bigint as epoch,
        events.slot::bigint as slot,
        events.last_slot::bigint as last_slot,
        events.leader_window::bigint as leader_window,
        blocks.identity as leader,
        events.mev_type::text as mev_type,
        events.rule::text as rule,  -- noqa: RF04
        events.confidence::numeric as confidence,
        events.signatures::text[] as signatures,
        events.searcher::text as searcher,
        events.victims::text[] as victims,
        events.victim_signatures::text[] as victim_signatures,
        events.pools::text[] as pools,
        events.profit_mint::text as profit_mint,
        events.profit_amount_raw::numeric as profit_amount_raw,
        events.profit_amount::numeric as profit_amount,
        (case
            when events.profit_mint = 'So11111111111111111111111111111111111111112'
                then events.profit_amount_raw
            else round(events.profit_amount * events.profit_mint_usd / sol_prices.sol_usd * 1e9)
        end)::numeric as profit_lamports,
        (events.profit_amount * events.profit_mint_usd)::numeric as profit_usd,
        (case
            when events.profit_mint = 'So11111111111111111111111111111111111111112'
                then 'native_sol'
            when events.profit_mint_usd is not null
                then case events.mev_type
                    when 'sandwich' then 'front_run_execution'
                    when 'arbitrage' then 'first_leg_execution'
                    else 'hourly_vwap'
                end
        end)::text as price_source,
        coalesce(searcher_costs.tip_lamports, 0)::bigint as tip_lamports,
        events.fee_lamports::bigint as fee_lamports,
        round(events.victim_loss_usd / sol_prices.sol_usd * 1e9)::numeric as victim_loss_lamports,
        events.victim_loss_usd::numeric as victim_loss_usd
    from events
    left join searcher_costs
        on
            events.mev_type = searcher_costs.mev_type
            and events.signatures = searcher_costs.signatures
    left join blocks on events.slot = blocks.slot
    left join sol_prices on events.hour = sol_prices.hour
)

select * from final
