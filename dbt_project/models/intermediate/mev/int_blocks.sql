{{
    config(
        materialized='incremental',
        unique_key=['epoch'],
    )
}}

-- One row per slot of a loaded epoch, produced or skipped. The block header's counts and the
-- leader's Fee reward are known for every produced block; what needs the transactions (fees,
-- priority fees, tips) only for the sampled leader windows (`transactions_loaded`), and is null,
-- not 0, elsewhere: a reader summing tips must know what was not observed. A skipped slot
-- has no transactions, so its transaction figures are 0 whether or not its window was sampled.

with

blocks as (
    select * from {{ ref('stg_solana__blocks') }}
    where {{ epoch_filter('epoch') }}
),

sampled_windows as (
    select * from {{ ref('stg_solana__sampled_windows') }}
    where {{ epoch_filter('epoch') }}
),

transactions as (
    select * from {{ ref('stg_solana__transactions') }}
    where {{ epoch_filter('epoch') }}
),

tips as (
    select * from {{ ref('int_jito_tips') }}
    where {{ epoch_filter('epoch') }}
),

transactions_per_slot as (
    select
        slot,
        count(*) as stored_transactions,
        count(*) filter (where success) as successful_transactions,
        sum(fee_lamports) as fees_lamports,
        sum(priority_fee_lamports) as priority_fees_lamports,
        sum(compute_units) as compute_units
    from transactions
    group by slot
),

tips_per_slot as (
    select
        slot,
        count(*) as tips,
        count(distinct signature) as tip_transactions,
        sum(lamports) as tips_lamports
    from tips
    group by slot
),

joined as (
    select
        blocks.*,
        -- A stored transaction proves the slot loaded even without its window's sample row.
        sampled_windows.window_start is not null
        or transactions_per_slot.slot is not null as transactions_loaded,
        blocks.status = 'skipped'
        or sampled_windows.window_start is not null
        or transactions_per_slot.slot is not null as observed,
        transactions_per_slot.stored_transactions,
        transactions_per_slot.successful_transactions,
        transactions_per_slot.fees_lamports,
        transactions_per_slot.priority_fees_lamports,
        transactions_per_slot.compute_units,
        tips_per_slot.tips,
        tips_per_slot.tip_transactions,
        tips_per_slot.tips_lamports
    from blocks
    left join sampled_windows
        on
            blocks.epoch = sampled_windows.epoch
            and blocks.slot / 4 * 4 = sampled_windows.window_start
    left join transactions_per_slot
        on blocks.slot = transactions_per_slot.slot
    left join tips_per_slot
        on blocks.slot = tips_per_slot.slot
),

final as (
    select
        epoch,
        slot,
        slot / 4 * 4 as leader_window,
        identity as leader,
        status,
        block_time,
        transactions_loaded,
        transaction_count,
        vote_transaction_count,
        transaction_count - vote_transaction_count as non_vote_transaction_count,
        failed_transaction_count,
        case when observed then coalesce(stored_transactions, 0) end as loaded_transactions,
        case when observed then coalesce(successful_transactions, 0) end
            as successful_loaded_transactions,
        -- Vote transactions are counted, not stored: each pays the 5,000-lamport base fee of
        -- its one signature and no priority fee.
        case
            when observed
                then coalesce(fees_lamports, 0) + coalesce(vote_transaction_count, 0) * 5000
        end as fees_lamports,
        case when observed then coalesce(fees_lamports, 0) end as non_vote_fees_lamports,
        case when observed then coalesce(priority_fees_lamports, 0) end
            as priority_fees_lamports,
        case when observed then coalesce(compute_units, 0) end as compute_units,
        fee_rewards_lamports,
        case when observed then coalesce(tips, 0) end as tip_count,
        case when observed then coalesce(tip_transactions, 0) end as tip_transactions,
        case when observed then coalesce(tips_lamports, 0) end as tips_lamports
    from joined
)

select * from final
