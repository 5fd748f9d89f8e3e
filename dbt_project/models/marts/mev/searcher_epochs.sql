{{
    config(
        materialized='incremental',
        unique_key=['epoch'],
    )
}}

-- One row per searcher (the signer of an event's MEV transactions) and epoch with at least one
-- MEV event: its events by type, their profit, the tips they paid, and every tip the searcher
-- paid in the epoch's loaded blocks: of the transactions it signed (bundles that were not
-- detected as MEV included) and of those its events hold, each transaction once.

with

mev_events as (
    select * from {{ ref('fct_mev_events') }}
    where {{ epoch_filter('epoch') }}
),

tips as (
    select * from {{ ref('fct_jito_tips') }}
    where {{ epoch_filter('epoch') }}
),

transaction_tips as (
    select * from {{ ref('int_mev_transaction_tips') }}
    where {{ epoch_filter('epoch') }}
),

event_tips as (
    select * from {{ ref('int_mev_event_tips') }}
    where {{ epoch_filter('epoch') }}
),

events_per_searcher as (
    select
        epoch,
        searcher,
        count(*) as events,
        count(*) filter (where mev_type = 'sandwich') as sandwiches,
        count(*) filter (where mev_type = 'arbitrage') as arbitrages,
        count(*) filter (where mev_type = 'backrun') as backruns,
        count(*) filter (where mev_type = 'liquidation') as liquidations,
        sum(profit_lamports) as profit_lamports,
        sum(profit_usd) as profit_usd,
        count(*) filter (where profit_usd is null) as events_without_usd,
        coalesce(sum(tip_lamports), 0) as event_tips_lamports,
        sum(fee_lamports) as event_fees_lamports,
        count(distinct leader) as leaders
    from mev_events
    where searcher is not null
    group by epoch, searcher
),

-- A searcher's tipping transactions: those it signed and those of its events (whose signer
-- may be another wallet of it), each once.
searcher_tip_transactions as (
    select
        epoch,
        signer as searcher,
        signature
    from tips
    union
    select
        epoch,
        searcher,
        signature
    from event_tips
),

tips_per_searcher as (
    select
        searcher_tip_transactions.epoch,
        searcher_tip_transactions.searcher,
        sum(transaction_tips.tip_lamports) as tips_lamports
    from searcher_tip_transactions
    inner join transaction_tips
        on searcher_tip_transactions.signature = transaction_tips.signature
    group by searcher_tip_transactions.epoch, searcher_tip_transactions.searcher
),

final as (
    select
        events_per_searcher.epoch,
        events_per_searcher.searcher,
        events_per_searcher.events,
        events_per_searcher.sandwiches,
        events_per_searcher.arbitrages,
        events_per_searcher.backruns,
        events_per_searcher.liquidations,
        events_per_searcher.profit_lamports,
        trim_scale(round(events_per_searcher.profit_usd, 6)) as profit_usd,
        events_per_searcher.events_without_usd,
        events_per_searcher.event_tips_lamports,
        events_per_searcher.event_fees_lamports,
        coalesce(tips_per_searcher.tips_lamports, 0) as tips_paid_lamports,
        -- Share of the events' profit handed to the leader as tips; null without a profit.
        trim_scale(round(
            events_per_searcher.event_tips_lamports
            / nullif(events_per_searcher.profit_lamports, 0)::numeric, 6
        )) as tip_to_profit_ratio,
        events_per_searcher.leaders
    from events_per_searcher
    left join tips_per_searcher
        on
            events_per_searcher.epoch = tips_per_searcher.epoch
            and events_per_searcher.searcher = tips_per_searcher.searcher
)

select * from final
