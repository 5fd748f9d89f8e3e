{{ config(materialized='table') }}

-- Which MEV event each tipping transaction's tips belong to: one event at most, so that the
-- tips of the events never add up to more than the tips paid. A transaction's tips go to
--   1. the event whose searcher transaction it is; or else
--   2. its bundle's event: a transaction of no event, signed by the same wallet, right after
--      (else right before) one of the event's searcher transactions in the block. A bundle's
--      transactions land next to each other, and a separate tip transaction is its usual end.
-- When several events claim a transaction (one transaction can be an arbitrage and a leg of
-- a sandwich, or the front-run of two), it goes to the first of sandwich, arbitrage, backrun,
-- liquidation, then to the earliest event, then to the smallest signature list.

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

tips as (
    select * from {{ ref('int_mev_transaction_tips') }}
    where {{ epoch_filter('epoch') }}
),

transactions as (
    select * from {{ ref('stg_solana__transactions') }}
    where {{ epoch_filter('epoch') }}
),

{% set event_columns = 'epoch, slot, mev_type, searcher, signatures, searcher_signatures' %}

events as (
    select {{ event_columns }} from sandwiches
    union all
    select {{ event_columns }} from arbitrages
    union all
    select {{ event_columns }} from backruns
    union all
    select {{ event_columns }} from liquidations
),

event_transactions as (
    select
        events.*,
        own.signature as transaction_signature
    from events
    cross join lateral unnest(events.searcher_signatures) as own (signature)
),

-- Every transaction of an event, victims' and large swaps' included: none is a bundle's tip.
in_events as (
    select distinct unnest(signatures) as signature from events
),

tipped_transactions as (
    select
        transactions.signature,
        transactions.slot,
        transactions.position,
        transactions.signer,
        tips.tip_lamports
    from transactions
    inner join tips on transactions.signature = tips.signature
),

claims as (
    select
        event_transactions.epoch,
        event_transactions.slot as event_slot,
        tipped.slot,
        event_transactions.mev_type,
        event_transactions.searcher,
        event_transactions.signatures,
        tipped.signature,
        tipped.tip_lamports,
        'own' as link,
        1 as link_rank
    from event_transactions
    inner join tipped_transactions as tipped
        on event_transactions.transaction_signature = tipped.signature
    union all
    select
        event_transactions.epoch,
        event_transactions.slot as event_slot,
        tipped.slot,
        event_transactions.mev_type,
        event_transactions.searcher,
        event_transactions.signatures,
        tipped.signature,
        tipped.tip_lamports,
        'bundle' as link,
        case when tipped.position > event_transaction.position then 2 else 3 end as link_rank
    from event_transactions
    inner join transactions as event_transaction
        on event_transactions.transaction_signature = event_transaction.signature
    inner join tipped_transactions as tipped
        on
            event_transaction.slot = tipped.slot
            and event_transaction.signer = tipped.signer
            and abs(event_transaction.position - tipped.position) = 1
    where tipped.signature not in (select in_events.signature from in_events)
),

final as (
    select distinct on (signature)
        signature,
        epoch,
        slot,
        mev_type,
        searcher,
        signatures as event_signatures,
        link,
        tip_lamports
    from claims
    order by
        signature asc,
        link_rank asc,
        array_position(array['sandwich', 'arbitrage', 'backrun', 'liquidation'], mev_type) asc,
        event_slot asc,
        signatures asc
)

select * from final
