-- Per leader (identity) and epoch: the blocks it produced, those whose transactions were loaded,
-- the tips observed in them split by the MEV type of the transaction that paid each tip, how
-- many were sandwich-inclusive, and the sandwich credit of its leader windows (the trials of
-- validator_mev_epochs' collusion tests). Every leader, with or without a vote account (the cluster
-- rates need them all); vote_account is the identity's vote account in that epoch's snapshot.
-- With the `epochs` var set it also keeps the epochs that validator_mev_epochs' trailing
-- windows read (collusion window, tip baseline) before the selected ones.

{% set lookback = [var('collusion_window_epochs') - 1, var('mev_baseline_epochs')] | max %}

with

blocks as (
    select * from {{ ref('int_blocks') }}
    where {{ epoch_lookback_filter('epoch', lookback) }}
),

tips as (
    select * from {{ ref('int_jito_tips') }}
    where {{ epoch_lookback_filter('epoch', lookback) }}
),

mev_events as (
    select * from {{ ref('int_mev_events') }}
    where {{ epoch_lookback_filter('epoch', lookback) }}
),

transactions as (
    select * from {{ ref('stg_solana__transactions') }}
    where {{ epoch_lookback_filter('epoch', lookback) }}
),

vote_accounts as (
    select * from {{ ref('stg_solana__vote_accounts') }}
    where {{ epoch_lookback_filter('epoch', lookback) }}
),

event_tips as (
    select * from {{ ref('int_mev_event_tips') }}
    where {{ epoch_lookback_filter('epoch', lookback) }}
),

tips_by_type as (
    select
        tips.slot,
        sum(tips.lamports) filter (where event_tips.mev_type = 'sandwich')
            as sandwich_tips_lamports,
        sum(tips.lamports) filter (where event_tips.mev_type = 'arbitrage')
            as arbitrage_tips_lamports,
        sum(tips.lamports) filter (where event_tips.mev_type = 'backrun')
            as backrun_tips_lamports,
        sum(tips.lamports) filter (where event_tips.mev_type = 'liquidation')
            as liquidation_tips_lamports,
        sum(tips.lamports) filter (where event_tips.mev_type is null)
            as other_tips_lamports
    from tips
    -- Each tipping transaction belongs to one event at most, so each tip lamport counts once.
    left join event_tips
        on tips.signature = event_tips.signature
    group by tips.slot
),

-- A block is sandwich-inclusive when it holds any transaction of a sandwich: front-run,
-- victim or back-run (a sandwich spread over its leader window marks each of its blocks).
sandwich_slots as (
    select distinct transactions.slot
    from mev_events
    cross join lateral unnest(mev_events.signatures) as event_transaction (signature)
    inner join transactions
        on event_transaction.signature = transactions.signature
    where mev_events.mev_type = 'sandwich'
),

-- Sandwiches by the slot they started in (their first transaction's).
sandwich_starts as (
    select
        epoch,
        slot,
        count(*) as sandwiches
    from mev_events
    where mev_type = 'sandwich'
    group by epoch, slot
),

-- A victim's transaction may reach a leader and land a few slots later: as sandwich-finder's
-- colluder report does (src/bin/report.rs), a sandwich starting at slot s credits slot s − i
-- with weight 0.2, 1.0, 0.6, 0.4, 0.2 for i = 0 … 4, divided by their sum (2.4) so that each
-- sandwich hands out one credit. Per slot: `credit` counts the sandwiches, `presence` only
-- whether there was one at each offset. A window's presence is its slots' sum, capped at 1:
-- about 1 when a sandwich started in its last slots or just after, less when further off.
slot_credits as (
    select
        blocks.slot,
        sum(slot_weights.credit_weight * sandwich_starts.sandwiches) / 2.4 as credit,
        sum(slot_weights.credit_weight) / 2.4 as presence
    from blocks
    cross join (
        values (0, 0.2), (1, 1.0), (2, 0.6), (3, 0.4), (4, 0.2)
    ) as slot_weights (slot_offset, credit_weight)
    -- Within the epoch: a build of one epoch then sees the same credits as a full build. The
    -- slot is the join key (not `blocks.slot + offset`, which only a join on the epoch, every
    -- block against every sandwich, can evaluate).
    inner join sandwich_starts
        on
            blocks.slot = sandwich_starts.slot - slot_weights.slot_offset
            and blocks.epoch = sandwich_starts.epoch
    group by blocks.slot
),

-- Leader windows (4 slots) and whether each is a trial: it and the next window of its epoch
-- fully known (every slot skipped or loaded, so that the sandwiches it is credited with were
-- all seen) and at least one block produced (a leader that is down receives nothing).
leader_windows as (
    select
        blocks.epoch,
        blocks.leader as identity,
        blocks.slot / 4 * 4 as window_start,
        bool_and(blocks.status = 'skipped' or blocks.transactions_loaded) as known,
        bool_or(blocks.status = 'produced') as produced,
        coalesce(sum(slot_credits.credit), 0) as credit,
        least(coalesce(sum(slot_credits.presence), 0), 1) as presence
    from blocks
    left join slot_credits on blocks.slot = slot_credits.slot
    where blocks.leader is not null
    group by blocks.epoch, blocks.leader, blocks.slot / 4 * 4
),

window_trials as (
    select
        this_window.epoch,
        this_window.identity,
        count(*) as leader_windows,
        sum(this_window.presence) as window_presence,
        sum(this_window.credit) as window_sandwich_credit,
        sum(this_window.credit ^ 2) as window_sandwich_credit_squares
    from leader_windows as this_window
    inner join leader_windows as next_window
        on
            this_window.epoch = next_window.epoch
            and this_window.window_start + 4 = next_window.window_start
    where this_window.known and this_window.produced and next_window.known
    group by this_window.epoch, this_window.identity
),

-- The identity's vote account in the epoch (the most staked, should it have several).
leader_vote_accounts as (
    select distinct on (epoch, identity)
        epoch,
        identity,
        vote_account
    from vote_accounts
    order by epoch asc, identity asc, stake_lamports desc, vote_account asc
),

block_facts as (
    select
        blocks.epoch,
        blocks.leader as identity,
        blocks.slot,
        blocks.status = 'produced' as produced,
        blocks.status = 'produced' and blocks.transactions_loaded as loaded,
        blocks.tips_lamports,
        tips_by_type.sandwich_tips_lamports,
        tips_by_type.arbitrage_tips_lamports,
        tips_by_type.backrun_tips_lamports,
        tips_by_type.liquidation_tips_lamports,
        tips_by_type.other_tips_lamports,
        sandwich_slots.slot is not null as sandwich_inclusive
    from blocks
    left join tips_by_type
        on blocks.slot = tips_by_type.slot
    left join sandwich_slots
        on blocks.slot = sandwich_slots.slot
    where blocks.leader is not null
),

per_leader as (
    select
        epoch,
        identity,
        count(*) filter (where produced) as blocks_led,
        count(*) filter (where loaded) as loaded_blocks,
        -- Sums over the loaded blocks only: null when none was loaded (unknown, not 0).
        sum(tips_lamports) filter (where loaded) as tips_lamports,
        case
            when bool_or(loaded)
                then coalesce(sum(sandwich_tips_lamports) filter (where loaded), 0)
        end as sandwich_tips_lamports,
        case
            when bool_or(loaded)
                then coalesce(sum(arbitrage_tips_lamports) filter (where loaded), 0)
        end as arbitrage_tips_lamports,
        case
            when bool_or(loaded)
                then coalesce(sum(backrun_tips_lamports) filter (where loaded), 0)
        end as backrun_tips_lamports,
        case
            when bool_or(loaded)
                then coalesce(sum(liquidation_tips_lamports) filter (where loaded), 0)
        end as liquidation_tips_lamports,
        case
            when bool_or(loaded)
                then coalesce(sum(other_tips_lamports) filter (where loaded), 0)
        end as other_tips_lamports,
        count(*) filter (where loaded and sandwich_inclusive) as sandwich_blocks
    from block_facts
    group by epoch, identity
),

final as (
    select
        per_leader.epoch,
        per_leader.identity,
        leader_vote_accounts.vote_account,
        per_leader.blocks_led,
        per_leader.loaded_blocks,
        per_leader.tips_lamports,
        per_leader.sandwich_tips_lamports,
        per_leader.arbitrage_tips_lamports,
        per_leader.backrun_tips_lamports,
        per_leader.liquidation_tips_lamports,
        per_leader.other_tips_lamports,
        per_leader.sandwich_blocks,
        coalesce(window_trials.leader_windows, 0) as leader_windows,
        coalesce(window_trials.window_presence, 0) as window_presence,
        coalesce(window_trials.window_sandwich_credit, 0) as window_sandwich_credit,
        coalesce(window_trials.window_sandwich_credit_squares, 0)
            as window_sandwich_credit_squares
    from per_leader
    left join leader_vote_accounts
        on
            per_leader.epoch = leader_vote_accounts.epoch
            and per_leader.identity = leader_vote_accounts.identity
    left join window_trials
        on
            per_leader.epoch = window_trials.epoch
            and per_leader.identity = window_trials.identity
)

select * from final
